"""The incubation base's workbench cards (工作台): for its managers, applications waiting for a
decision (初审, 评审结论, 签约入驻) and milestones waiting for sign-off; for reviewers,
applications still to score; for mentors, their incubatees' milestones to confirm; for an
applicant (resident or organisation staff), their applications in progress, when they have any.
Each card only where the principal may open its page (the same checks as the pages).
Also the module's dashboard figures (WIDGETS: the district home and the city's side-by-side view)."""

from __future__ import annotations

from typing import Any

from core.auth import Principal
from core.contrib import DashboardWidget, WorkbenchItem, WorkbenchProvider
from plugins.incubation import intake
from plugins.incubation.tables import Incubatee, Milestone, PanelScore

MODULE = "incubation"
FINISHED = ("graduated", "exited", "rejected")


async def _stage_count(code: str, stage: str) -> int:
    return await Incubatee.count().where((Incubatee.district_code == code) & (Incubatee.stage == stage))


async def _manager_items(code: str) -> list[WorkbenchItem]:
    page = f"/districts/{code}/incubation"
    applied, screened, accepted = [await _stage_count(code, s) for s in ("applied", "screened", "accepted")]
    waiting = applied + screened + accepted
    signoff = await Milestone.count().where((Milestone.district_code == code) & (Milestone.state == "submitted"))
    return [
        WorkbenchItem("等待决定的孵化申请", "Incubation decisions waiting", waiting, page,
                      name="incubation.decisions", order=10,
                      hint=f"待初审 {applied} · 待评审结论 {screened} · 待签约入驻 {accepted}",
                      hint_en=f"to screen {applied} · to decide {screened} · to move in {accepted}"),
        WorkbenchItem("待确认的能力建设事项", "Milestones to sign off", signoff, page,
                      name="incubation.milestones", order=11),
    ]


async def _review_items(code: str, principal: Principal) -> list[WorkbenchItem]:
    scored = PanelScore.select(PanelScore.incubatee).where(PanelScore.reviewer == principal.username)
    rows = await Incubatee.select(Incubatee.id).where(
        (Incubatee.district_code == code) & (Incubatee.stage == "screened"))
    done = {r["incubatee"] for r in await scored}
    return [WorkbenchItem("待评分的入驻申请", "Applications to score", len([r for r in rows if r["id"] not in done]),
                          f"/districts/{code}/incubation", name="incubation.to_score", order=12)]


async def _mentor_items(code: str, principal: Principal) -> list[WorkbenchItem]:
    mentees = await Incubatee.select(Incubatee.id).where(
        (Incubatee.district_code == code) & (Incubatee.mentor == principal.username))
    count = await Milestone.count().where(
        Milestone.incubatee.is_in([m["id"] for m in mentees] or [0]) & (Milestone.state == "submitted"))
    return [WorkbenchItem("我辅导对象待确认的事项", "My mentees' milestones to confirm", count,
                          f"/districts/{code}/incubation", name="incubation.mentor_milestones", order=13)]


async def _applicant_items(code: str, principal: Principal) -> list[WorkbenchItem]:
    rows = await intake.mine(code, principal)
    if not rows:  # "my applications" only when there are some; applying is one click from the module
        return []
    open_rows = [r for r in rows if r["stage"] not in FINISHED]
    return [WorkbenchItem("我的入驻申请（进行中）", "My incubation applications in progress", len(open_rows),
                          f"/districts/{code}/incubation/apply", tone="ok", name="incubation.my_applications",
                          order=20, hint=f"共 {len(rows)} 份申请", hint_en=f"{len(rows)} in all")]


async def items(ctx: Any, code: str, principal: Principal) -> list[WorkbenchItem]:
    out: list[WorkbenchItem] = []
    manager = principal.can("incubation.manage", code)
    if manager:
        out += await _manager_items(code)
    elif principal.can("incubation.review", code) and principal.can("incubation.read", code):
        out += await _review_items(code, principal)
    if not manager and principal.can("incubation.mentor", code) and principal.can("incubation.read", code):
        out += await _mentor_items(code, principal)
    if principal.can("incubation.apply", code) and not manager:
        out += await _applicant_items(code, principal)
    return out


PROVIDERS = [WorkbenchProvider(MODULE, items)]


async def _incubating(code: str) -> int:
    return await _stage_count(code, "incubating")


async def _graduated(code: str) -> int:
    return await _stage_count(code, "graduated")


# Figures for the district home and the city's side-by-side view (register_dashboard_widgets).
WIDGETS = [
    DashboardWidget(MODULE, "incubating", "在孵对象（个）", "Organisations incubating", _incubating),
    DashboardWidget(MODULE, "graduated", "已出壳（个）", "Graduated", _graduated),
]
