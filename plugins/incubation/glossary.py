"""Words of the incubation base: services a base offers, capacity milestones, ratings."""

from core.contrib import AuditWords

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

# How this module's audit events read on the audit trail (hook register_audit_words).
AUDIT_WORDS = AuditWords(
    "incubation",
    entities={
        "incubation_base": "孵化基地", "incubation_incubatee": "入孵团队", "incubation_milestone": "能力建设事项",
        "incubation_training": "孵化培训", "incubation_review": "孵化评估",
    },
    actions={
        "sign_off": "确认完成", "apply": "申请", "screen": "初审", "accept": "同意入驻", "reject": "不予入驻",
        "move_in": "入驻", "graduate": "出壳", "extend": "延期", "milestone_plan": "制定能力建设计划",
        "rescore": "重新评分",
    },
    fields={
        "decision_reason": "决定理由", "review_score": "评审分", "incubatee_type": "团队类型",
        "intended_services": "拟需服务", "members": "成员", "base": "孵化基地", "eligibility": "资格核查",
        "retired": "退休", "rule": "规则", "ok": "符合", "blocking": "必须满足", "residency": "入驻方式",
        "space": "工位", "moved_in_on": "入驻日期", "planned_end": "计划结束", "graduated_on": "出壳日期",
    },
    values={
        "applied": "已申请", "screened": "已初审", "accepted": "已同意入驻", "incubating": "孵化中",
        "graduated": "已出壳", "rejected": "未通过", "withdrawn": "已撤回", "planned": "计划中",
        "signed_off": "已确认完成", "returned": "已退回", "on_site": "实体入驻", "virtual": "虚拟入驻",
        "sprout": "萌芽型", "startup": "初创型", "hub": "枢纽型",
    },
)
