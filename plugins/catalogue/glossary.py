"""The catalogue's domain terms, in one place (value → English label)."""

# Service fields (服务领域); districts may add their own through the `extra_fields` setting.
FIELDS = {
    "社区养老": "Community elderly care",
    "残障康复": "Disability rehabilitation",
    "社区矫正": "Community corrections",
    "婚姻家庭": "Marriage and family",
    "青少年心理": "Youth mental health",
    "救助帮扶": "Social assistance",
    "就业创业": "Employment and entrepreneurship",
    "文体教育": "Culture, sport and education",
}

TARGET_GROUPS = {
    "老年人": "Older people",
    "残疾人": "People with disabilities",
    "儿童": "Children",
    "青少年": "Young people",
    "妇女": "Women",
    "家庭": "Families",
    "困难群众": "People in hardship",
    "社区矫正对象": "People under community correction",
    "失业人员": "Unemployed people",
    "全体居民": "All residents",
}

FEES = {"free": ("免费", "Free"), "subsidised": ("政府补贴", "Subsidised"), "paid": ("收费", "Paid")}

STATUSES = {
    "draft": ("草稿", "Draft"),
    "published": ("已发布", "Published"),
    "suspended": ("暂停服务", "Suspended"),
    "closed": ("已停止", "Closed"),
}

# HSDS 3.0 service.status for each of ours.
HSDS_STATUS = {"draft": "inactive", "published": "active", "suspended": "temporarily closed", "closed": "defunct"}
