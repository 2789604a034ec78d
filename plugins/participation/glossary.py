"""Participation's own terms (value → labels) and how its audit events read."""

from core.contrib import AuditWords

NEED_STATES = {
    "open": ("待处理", "Open"),
    "accepted": ("已受理", "Accepted"),
    "merged": ("已合并", "Merged"),
    "answered": ("已回应", "Answered"),
    "declined": ("不予受理", "Declined"),
}
SIGNUP_STATES = {
    "signed_up": ("已报名", "Signed up"),
    "waiting": ("候补中", "On the waiting list"),
    "cancelled": ("已取消", "Cancelled"),
    "attended": ("已签到", "Attended"),
    "no_show": ("未到场", "No-show"),
}
ACTIVITY_STATES = {"published": ("报名中", "Open"), "cancelled": ("已取消", "Cancelled")}
RATING_DIMENSIONS = {
    "professional": ("专业性", "Professionalism"),
    "timeliness": ("及时性", "Timeliness"),
    "attitude": ("态度", "Attitude"),
    "effect": ("效果", "Effect"),
}
POINT_REASONS = {
    "attend": ("参加活动", "Attended an activity"),
    "volunteer": ("志愿服务", "Volunteering"),
    "careful_rating": ("认真评价", "Careful rating"),
    "redeem": ("兑换奖品", "Redeemed a reward"),
    "reversal": ("冲正", "Reversal"),
    "adjust": ("调整", "Adjustment"),
}
REDEMPTION_STATES = {
    "issued": ("待领取", "To collect"),
    "collected": ("已领取", "Collected"),
    "cancelled": ("已取消", "Cancelled"),
}
MEMBER_KINDS = {
    "resident": ("居民代表", "Resident"),
    "community_staff": ("社区工作者", "Community staff"),
    "organization": ("社会组织代表", "Organisation"),
    "social_worker": ("社会工作者代表", "Social worker"),
}
PROPOSAL_STATES = {"submitted": ("待答复", "Awaiting an answer"), "answered": ("已答复", "Answered")}
AGE_BANDS = ("<30", "30–39", "40–49", "50–59", "60+")


def _qualified(entity: str, table: dict) -> dict[str, str]:
    return {f"{entity}.{value}": words[0] for value, words in table.items()}


# How this module's audit events read on the audit trail (hook register_audit_words).
AUDIT_WORDS = AuditWords(
    "participation",
    entities={
        "need": "居民需求",
        "need_support": "需求附议",
        "activity": "社区活动",
        "signup": "活动报名",
        "service_use": "服务使用记录",
        "rating": "服务评价",
        "point_entry": "积分记录",
        "reward": "积分奖品",
        "redemption": "积分兑换",
        "committee": "共治委员会",
        "committee_member": "共治委员会成员",
        "meeting": "共治委员会会议",
        "proposal": "居民议事",
        "decision": "会议决定",
    },
    # needs and the committee (需求征集、共治委员会)
    actions={"need.support": "附议（我也需要）", "need.triage_accepted": "受理", "need.triage_merged": "合并",
             "need.triage_answered": "标记已回应", "need.triage_declined": "不予受理",
             "committee_member.add_member": "添加委员会成员", "meeting.minutes": "记录会议纪要",
             "decision.decide": "作出决定", "proposal.answer": "答复议事"},
    fields={"supporters": "附议人数", "merged_into": "合并到", "committee": "共治委员会", "area_code": "街道或社区",
            "term_begins": "任期开始", "term_ends": "任期结束", "held_at": "会议时间", "agenda": "议程",
            "attendance": "出席人数", "created_ref": "创建的记录", "proposal_id": "议事", "meeting": "会议",
            "answer_due": "答复期限", "adopted": "是否采纳", "field": "服务领域"},
    values={**_qualified("need", NEED_STATES), **_qualified("signup", SIGNUP_STATES),
            **_qualified("activity", ACTIVITY_STATES), **_qualified("redemption", REDEMPTION_STATES),
            **_qualified("proposal", PROPOSAL_STATES)},
)

# Points and rewards (helper P): how its audit events read.
AUDIT_WORDS.actions.update({
    "redemption.redeem": "兑换奖品", "redemption.collect": "领取奖品", "redemption.cancel": "取消兑换并退回积分",
    "point_entry.adjust": "调整积分", "point_entry.reverse": "冲正积分记录",
})
AUDIT_WORDS.fields.update({"stock": "库存", "cost": "所需积分", "amount": "积分", "reverses": "冲正的记录"})

# Activities and ratings (helper A): how their audit events read.
AUDIT_WORDS.actions.update({
    "activity.create": "发布活动", "activity.cancel": "取消活动", "activity.checkin_code": "生成签到码",
    "signup.create": "报名活动", "signup.cancel": "取消报名", "signup.move_up": "候补转为报名",
    "signup.checkin": "活动签到", "signup.checkin_code_wrong": "签到码输入错误", "signup.no_show": "登记未到场",
    "rating.create": "提交评价", "service_use.create": "登记服务使用", "rating.hide": "隐藏评价文字", "point_entry.award": "发放积分",
})
AUDIT_WORDS.fields.update({
    "capacity": "名额", "starts_at": "开始时间", "ends_at": "结束时间", "place": "地点", "target_group": "服务对象",
    "service_ref": "关联服务", "service_title": "关联服务名称", "volunteer_hours": "志愿时长（小时）",
    "position": "候补位次", "via": "签到方式", "valid_until": "有效期至", "professional": "专业性",
    "timeliness": "及时性", "attitude": "态度", "effect": "效果", "careful": "认真评价",
    "hidden_reason": "隐藏原因",
})
