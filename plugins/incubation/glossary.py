"""Words of the incubation base: services a base offers, capacity milestones, ratings."""

SERVICES = {
    "space": "场地（工位、会议室）",
    "training": "能力培训",
    "mentoring": "导师督导陪伴",
    "registration": "登记备案协助",
    "seed_funding": "小额种子资金",
}
MILESTONES = {  # kind → (title, title in English)
    "charter": ("制定章程", "A charter"),
    "rules": ("建立活动规范", "Activity rules"),
    "finance": ("建立财务制度", "A financial system"),
    "registration": ("完成登记或备案", "Registration or filing"),
    "first_service": ("首次提供服务", "A first service delivered"),
    "members": ("吸纳非退休成员", "Members beyond retirees"),
}
REVIEW_KINDS = ("定期", "中期", "期满")
RATINGS = ("良好", "一般", "较差")
