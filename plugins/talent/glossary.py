"""Talent-database terms: the Chinese value stored and shown, with its English label.

The Chinese strings are the canonical values (they are what roster spreadsheets
contain); English labels serve the English UI.
"""

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
