"""The Chinese terms of the domain, in one place: machine value → (中文, English)."""

LEGAL_TYPES = {
    "social_group": ("社会团体", "Social group"),
    "social_service_institution": ("社会服务机构", "Social service institution"),
    "foundation": ("基金会", "Foundation"),
    "community_filed": ("备案社区社会组织", "Filed community organisation"),
}

ORG_STATUSES = {
    "registered": ("已登记", "Registered"),
    "filed": ("已备案", "Filed"),
    "deregistered": ("已注销", "Deregistered"),
    "revoked": ("已撤销登记", "Registration revoked"),
}

GRADES = {
    "1A": ("1A级", "1A"),
    "2A": ("2A级", "2A"),
    "3A": ("3A级", "3A"),
    "4A": ("4A级", "4A"),
    "5A": ("5A级", "5A"),
}

CREDIT_STATUSES = {
    "normal": ("正常", "Normal"),
    "abnormal": ("列入活动异常名录", "On the abnormal-activity list"),
    "serious": ("列入严重违法失信名单", "On the serious-violation list"),
}

# The two credit lists of 民政部令第60号; an organisation's credit_status follows its open entries.
CREDIT_LISTS = {
    "abnormal": ("活动异常名录", "Abnormal-activity list"),
    "serious": ("严重违法失信名单", "Serious-violation list"),
}

# Results of the annual inspection (年检) or annual report (年报) of a registered organisation.
INSPECTION_RESULTS = {
    "qualified": ("合格", "Passed"),
    "basically_qualified": ("基本合格", "Basically passed"),
    "unqualified": ("不合格", "Failed"),
    "not_inspected": ("未参检", "Not inspected"),
}

# Incubation: what kind of team is incubated (stated at application) and how it is housed
# (decided at move-in; a virtual resident takes no desk).
INCUBATEE_TYPES = {
    "sprout": ("萌芽型", "Sprouting"),
    "startup": ("初创型", "Start-up"),
    "hub": ("枢纽型", "Hub"),
}

RESIDENCY_KINDS = {
    "on_site": ("实体入驻", "On site"),
    "virtual": ("虚拟入驻", "Virtual"),
}

COMMUNITY_KINDS = {
    "street": ("街道/乡镇", "Street / township"),
    "community": ("社区/村", "Community / village"),
}


# Shared vocabularies: every module that names a service field or a target group uses these
# (catalogue, procurement, participation, incubation). Value (Chinese, stored) → English label.
# Service fields (服务领域); districts may add their own through the catalogue's `extra_fields` setting.
SERVICE_FIELDS = {
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

# The priority fields the seed article names for government purchase of services.
PRIORITY_FIELDS = ("社区养老", "残障康复", "社区矫正", "婚姻家庭", "青少年心理")


def label(table: dict[str, tuple[str, str]], value: str | None, language: str = "zh-CN") -> str:
    if value is None or value not in table:
        return value or ""
    return table[value][0 if language == "zh-CN" else 1]
