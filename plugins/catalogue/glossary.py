"""The catalogue's own terms (value → labels). Service fields and target groups are shared
vocabulary and live in `core.glossary`."""

from core.contrib import AuditWords

FEES = {"free": ("免费", "Free"), "subsidised": ("政府补贴", "Subsidised"), "paid": ("收费", "Paid")}

STATUSES = {
    "draft": ("草稿", "Draft"),
    "published": ("已发布", "Published"),
    "suspended": ("暂停服务", "Suspended"),
    "closed": ("已停止", "Closed"),
}

# HSDS 3.0 service.status for each of ours.
HSDS_STATUS = {"draft": "inactive", "published": "active", "suspended": "temporarily closed", "closed": "defunct"}

# The taxonomies the HSDS publication shares: key (also its attributes' link_type) → (name, description).
HSDS_TAXONOMIES = {
    "service_field": ("服务领域", "三社联动服务目录的服务领域：八个通用领域，以及各区县新增的领域（Service fields）"),
    "target_group": ("服务对象", "服务面向的人群（Target groups of a service）"),
    "evaluation_grade": ("社会组织评估等级", "社会组织评估等级 1A–5A，有效期五年（民政部令第39号）（Evaluation grades）"),
}
# The description of a service field a district added (the glossary has no English for it).
HSDS_EXTRA_FIELD = "区县新增的服务领域（a service field added by a district）"

# How this module's audit events read on the audit trail (hook register_audit_words).
AUDIT_WORDS = AuditWords(
    "catalogue",
    entities={
        "service": "服务项目",
    },
)
