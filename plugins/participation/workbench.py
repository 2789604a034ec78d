"""Participation's to-do cards on the workbench (工作台), for staff who may handle them
(participation.manage, as the pages' forms): residents' needs waiting for triage, and residents'
proposals (议事) waiting for the committee's answer — overdue ones (past their due date, Beijing
day) make the card "bad". Residents see their own: activities they are signed up for, activities
they attended and have not rated yet, and their points."""

from __future__ import annotations

from typing import Any

from core.auth import Principal
from core.contrib import WorkbenchItem, WorkbenchProvider
from core.dates import utc_now
from plugins.participation import points
from plugins.participation.committee_views import open_proposals
from plugins.participation.tables import Need, Rating, Signup

MODULE = "participation"


async def resident_items(code: str, user_id: int) -> list[WorkbenchItem]:
    mine = (Signup.district_code == code) & (Signup.user_id == user_id)
    upcoming = await Signup.count().where(mine & Signup.state.is_in(["signed_up", "waiting"])
                                          & (Signup.activity.starts_at > utc_now()))
    attended = {r["activity"] for r in await Signup.select(Signup.activity).where(mine & (Signup.state == "attended"))}
    rated = {r["subject"] for r in await Rating.select(Rating.subject).where(
        (Rating.district_code == code) & (Rating.user_id == user_id) & Rating.subject.like("activity:%"))}
    to_rate = len([a for a in attended if f"activity:{a}" not in rated])
    me = f"/districts/{code}/participation/me"
    return [
        WorkbenchItem("我报名的活动", "Activities I signed up for", upcoming, me, name="participation.my_upcoming",
                      order=20, tone="ok" if upcoming else "done", tally=False,
                      hint="即将开始的活动（含候补）", hint_en="Upcoming, waiting list included"),
        WorkbenchItem("待评价的活动", "Activities to rate", to_rate, me, name="participation.to_rate", order=21,
                      tone="wait" if to_rate else "done", hint="参加过的活动，评价后可得积分",
                      hint_en="Activities you attended; a careful rating earns points"),
        WorkbenchItem("我的积分", "My points", await points.balance(code, user_id),
                      f"/districts/{code}/participation/rewards", name="participation.my_points", order=22,
                      tone="ok", tally=False, hint="可兑换社区奖品", hint_en="Redeem them for small rewards"),
    ]


async def items(ctx: Any, code: str, principal: Principal) -> list[WorkbenchItem]:
    if principal.can("participation.take_part", code) and principal.user_id is not None:
        return await resident_items(code, principal.user_id)
    if not principal.can("participation.manage", code):
        return []
    waiting = await Need.count().where((Need.district_code == code) & (Need.state == "open"))
    proposals, overdue = await open_proposals(code)
    return [
        WorkbenchItem("待处理的居民需求", "Residents' needs to triage", waiting,
                      f"/districts/{code}/participation/needs?state=open", name="participation.needs_to_triage",
                      order=40, tone="wait" if waiting else "done"),
        WorkbenchItem("待答复的居民议事", "Residents' proposals to answer", proposals,
                      f"/districts/{code}/participation/committees", name="participation.proposals_to_answer",
                      order=41, tone="bad" if overdue else ("wait" if proposals else "done"),
                      hint=f"其中已逾期 {overdue} 条" if overdue else "", hint_en=f"{overdue} overdue" if overdue else ""),
    ]


PROVIDERS = [WorkbenchProvider(MODULE, items)]
