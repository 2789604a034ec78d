"""The catalogue's own terms (value → labels). Service fields and target groups are shared
vocabulary and live in `core.glossary`."""

FEES = {"free": ("免费", "Free"), "subsidised": ("政府补贴", "Subsidised"), "paid": ("收费", "Paid")}

STATUSES = {
    "draft": ("草稿", "Draft"),
    "published": ("已发布", "Published"),
    "suspended": ("暂停服务", "Suspended"),
    "closed": ("已停止", "Closed"),
}

# HSDS 3.0 service.status for each of ours.
HSDS_STATUS = {"draft": "inactive", "published": "active", "suspended": "temporarily closed", "closed": "defunct"}
