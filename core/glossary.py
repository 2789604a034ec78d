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

COMMUNITY_KINDS = {
    "street": ("街道/乡镇", "Street / township"),
    "community": ("社区/村", "Community / village"),
}


def label(table: dict[str, tuple[str, str]], value: str | None, language: str = "zh-CN") -> str:
    if value is None or value not in table:
        return value or ""
    return table[value][0 if language == "zh-CN" else 1]
