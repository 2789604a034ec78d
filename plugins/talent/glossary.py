"""Talent-database terms: the Chinese value stored and shown, with its English label.

The Chinese strings are the canonical values (they are what roster spreadsheets
contain); English labels serve the English UI.
"""

from core.contrib import AuditWords

POST_TYPES = {
    "社区专职工作者": "Full-time community worker",
    "机构社工": "Agency social worker",
    "政府购买服务岗位": "Government-purchased post",
    "兼职": "Part-time",
}

WORKER_STATUSES = {"在岗": "In post", "离岗": "Left post", "储备": "Reserve"}

EDUCATION_LEVELS = {
    "初中及以下": "Junior secondary or below",
    "高中": "Senior secondary",
    "中专": "Secondary vocational",
    "大专": "Junior college",
    "本科": "Bachelor",
    "硕士研究生": "Master",
    "博士研究生": "Doctorate",
}
VOCATIONAL_OR_BELOW = ("初中及以下", "高中", "中专")

QUALIFICATIONS = {
    "无": "None",
    "助理社会工作师": "Assistant social worker",
    "社会工作师": "Social worker",
    "高级社会工作师": "Senior social worker",
}

# A registration's state is computed from its date whenever it is read (registration.py).
REGISTRATION_STATES = {"未登记": "Not registered", "有效": "Valid", "即将到期": "Expiring (renewal open)",
                       "已过期": "Expired"}

REGISTRATION_KINDS = {"首次登记": "First registration", "再登记": "Re-registration"}

# The national registration system's states of an application (states.py holds the moves).
NATIONAL_STATES = {
    "not_applied": ("未申请", "Not applied"),
    "pending": ("待审核", "Awaiting review"),
    "first_passed": ("初审通过", "Passed first review"),
    "first_failed": ("初审未通过", "Failed first review"),
    "final_passed": ("终审通过", "Passed final review"),
    "final_failed": ("终审未通过", "Failed final review"),
    "registered": ("首次登记已完成", "Registration completed"),
    "issued": ("已出证", "Certificate issued"),
}

# Continuing education: training hours as attended; a completed social-work degree counts
# once as 90 hours (民发〔2009〕123号).
CE_KINDS = {"培训": "Training", "学历教育": "Social-work degree"}

LOG_KINDS = {"个案": "Casework", "小组": "Group work", "社区活动": "Community activity", "走访": "Home visit",
             "其他": "Other"}

RECORD_STATES = {"draft": ("草稿", "Draft"), "submitted": ("已提交", "Submitted")}

CANDIDATE_STATUSES = {"入库": "In pool", "实习": "Intern", "录用": "Hired", "退出": "Withdrawn"}

AGE_BANDS = ("<30", "30-39", "40-49", "50+")

# How this module's audit events read on the audit trail (hook register_audit_words).
AUDIT_WORDS = AuditWords(
    "talent",
    entities={
        "social_worker": "社工", "social_worker_roster": "社工花名册", "service_log": "服务记录",
        "continuing_education": "继续教育记录", "registration_application": "登记申请", "candidate": "候选人",
        "college": "院校", "volunteer_team": "志愿服务队",
    },
    actions={
        "register": "登记", "registration_override": "登记规则例外", "add_member": "添加成员",
        "add_activity": "添加活动", "place": "安排",
    },
    fields={
        "employer_org_id": "所在机构", "employer_community_code": "所在社区", "qualification": "职业资格",
        "post_type": "岗位类别", "education": "学历", "certificate_no": "证书编号", "position_title": "职务",
        "certificate_year": "取证年份", "first_registered_on": "首次登记日期",
        "continuing_education": "继续教育记录数", "registration_applications": "登记申请数",
        "service_logs": "服务记录数", "major": "所学专业", "employer_uscc": "工作单位统一社会信用代码",
        "hired_on": "入职日期", "left_on": "离职日期",
    },
    values={
        "submitted": "已提交",
    },
)
