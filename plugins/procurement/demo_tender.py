"""Demo bids, panel and awards for the procurement demo (demo.py), made through the same
services as the pages: the tender terms are set, the demo organisations bid (staff principals
of each organisation; teams from their certified workers through the talent hook), some are
refused with their named reasons (grade, credit list), then — time passing is the one thing
written directly: the deadline is set in the past — the project moves to evaluation, the panel
(`<code>-procurement-panelist` and `<code>-admin` as the buyer's representative) declares and
scores, and the admin awards the bid ranked first."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.auth import Grant, Principal, principal_for_user
from core.builtin import ORG_STAFF
from core.context import AppContext
from core.dates import utc_now
from core.errors import ApiError
from core.facts import organization_workers
from core.tables import Organization, User
from plugins.procurement import award, bid_documents, bids, panel, projects, terms
from plugins.procurement.delivery_demo import SIGN_IN_SHEET
from plugins.procurement.tables import PurchaseProject

# Demo organisations by name suffix (core/demo.py): graded 4A, 3A, 3A (on the abnormal list), none.
SUNSHINE, SUNSET, VOLUNTEERS, HEART = "阳光社会工作服务中心", "夕阳红居家养老服务中心", "志愿者协会", "心馨青少年心理服务中心"
PLANS = {SUNSHINE: "组建专业社工团队，按“需求评估—个案管理—小组活动—社区活动”开展服务，每月报送服务数据，季度满意度回访。",
         SUNSET: "依托居家养老服务中心，开展上门探访和助餐服务，建立服务台账并接受第三方评估。",
         VOLUNTEERS: "动员志愿者参与服务，开展社区宣传活动。",
         HEART: "由心理咨询师带领开展青少年团体辅导与个案咨询。"}
# Per demo stage: (min grade, bidders, price as a share of the budget, (plan, capacity, past) by the panel).
TENDERS = {
    "tender": ("3A", [SUNSHINE], (0.93,), ()),
    "evaluation": ("3A", [SUNSHINE, SUNSET, HEART, VOLUNTEERS], (0.95, 0.9, 0.85, 0.8), ((88, 90, 85), (80, 78, 82))),
    "awarded": (None, [HEART], (0.97,), ((86, 80, 75),)),
    "default": ("3A", [SUNSHINE, SUNSET], (0.96, 0.92), ((90, 88, 86), (82, 80, 84))),
}


def staff(ctx: AppContext, code: str, org_id: int) -> Principal:
    """A staff member of one organisation, as the bid service sees them."""
    return Principal(user_id=0, username=f"{code}-org-{org_id}", grants=(
        Grant(ORG_STAFF, "organization", district_code=code, organization_id=org_id),),
        permissions_by_role=ctx.contributions.role_permissions)


async def _user(ctx: AppContext, username: str) -> Principal:
    return await principal_for_user(ctx, await User.select().where(User.username == username).first())


async def bid_on(ctx: AppContext, code: str, project: dict[str, Any], stage: str, orgs: dict[str, int]) -> None:
    grade, bidders, shares, marks = TENDERS.get(stage, TENDERS["default"])
    admin, panelist = await _user(ctx, f"{code}-admin"), await _user(ctx, f"{code}-procurement-panelist")
    pid = project["id"]
    await terms.update(code, pid, admin.username, terms.TermsIn(
        eligibility=terms.EligibilityIn(min_grade=grade), bid_deadline=utc_now() + timedelta(days=10)))
    await projects.move(code, pid, "tender", "采购公告已发布", admin.username)
    for suffix, share in zip(bidders, shares):
        org_id = orgs[suffix]
        team = [w["worker_id"] for w in (await organization_workers(ctx, code, org_id))[:3]]
        bidder = staff(ctx, code, org_id)
        try:
            made = await bids.submit(ctx, code, pid, bidder, bids.BidIn(
                price_fen=int(project["budget_fen"] * share) // 100 * 100, team=team, plan=PLANS[suffix]))
        except ApiError as refusal:  # refused for eligibility: recorded with its reasons
            assert refusal.code == "ineligible", refusal.detail
        else:
            await bid_documents.attach(ctx, code, pid, made["id"], bidder, "服务方案.pdf", SIGN_IN_SHEET)
    if stage == "tender":
        return
    await PurchaseProject.update({PurchaseProject.bid_deadline: utc_now() - timedelta(days=3)}).where(
        PurchaseProject.id == pid)  # the deadline has passed
    await projects.move(code, pid, "evaluation", "投标截止，进入评审", admin.username)
    for member in (panelist, admin):
        await panel.name(ctx, code, pid, admin.username, panel.MemberIn(username=member.username))
        await panel.declare(code, pid, member, panel.DeclarationIn(conflict="none"))
    fresh = await projects.get_row(code, pid)
    scored = [b for b in (await bids.visible(code, fresh, admin))[1] if b["state"] == "submitted"]
    for bid, (plan, capacity, past) in zip(scored, marks):
        for member, lower in ((panelist, 0), (admin, 2)):
            await panel.score(code, pid, member, panel.ScoreIn(bid_id=bid["id"], plan=plan - lower,
                                                               capacity=capacity - lower, past=past))
    if stage != "evaluation":
        await award.award(ctx, code, pid, admin.username, award.AwardIn(bid_id=scored[0]["id"]))


async def organisations(code: str) -> dict[str, int]:
    rows = await Organization.select(Organization.id, Organization.name).where(Organization.district_code == code)
    return {suffix: r["id"] for r in rows for suffix in PLANS if r["name"].endswith(suffix)}
