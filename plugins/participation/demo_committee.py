"""Participation demo data: a co-governance committee (共治委员会) of the first community with five
members, a held meeting with minutes and attendance, a resident's proposal adopted by a decision
that creates a need, and one proposal still waiting for its answer. Written through the service
functions (audited); safe to run twice (keyed by the committee's name)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from core.dates import BEIJING, utc_now
from core.tables import User
from plugins.participation import committee as work
from plugins.participation import needs
from plugins.participation.tables import Committee

ACTOR = "demo"
MEMBERS = [("王秀英", "resident"), ("陈志刚", "resident"), ("刘芳", "community_staff"),
           ("赵明", "organization"), ("孙丽", "social_worker")]


async def load(ctx, district) -> None:
    code = district.code
    communities = needs.communities
    areas = await communities(code)
    resident = await User.select(User.id).where(User.username == f"{code}-resident").first()
    if not areas or not resident:
        return
    area, area_name = next(iter(areas.items()))
    name = f"{area_name}共治委员会"
    if await Committee.exists().where((Committee.district_code == code) & (Committee.name == name)):
        return
    made = await work.create_committee(code, SimpleNamespace(area_code=area, name=name), ACTOR)
    today = utc_now().astimezone(BEIJING).date()
    term = SimpleNamespace(term_start=dt.date(today.year, 1, 1), term_end=dt.date(today.year + 2, 12, 31),
                           person_id=None, organization_id=None)
    members = [(await work.add_member(code, made["id"], SimpleNamespace(name=n, kind=k, **vars(term)), ACTOR))["id"]
               for n, k in MEMBERS]
    adopted = await work.submit_proposal(code, made["id"], SimpleNamespace(
        title="建议在社区设立老年人午餐助餐点", body="小区独居老人多，希望有就近的助餐服务。"),
        resident["id"], f"{code}-resident")
    held_at = dt.datetime.combine(today - dt.timedelta(days=14), dt.time(19, 0), tzinfo=BEIJING)
    meeting = await work.add_meeting(code, made["id"], SimpleNamespace(
        held_at=held_at, place="社区党群服务中心议事厅", agenda="1. 居民关于老年助餐点的议事\n2. 四季度活动安排"), ACTOR)
    await work.record_minutes(code, meeting["id"], SimpleNamespace(
        minutes="会议同意在社区活动中心设老年助餐点，由社区登记需求并争取政府购买服务；四季度活动由社工站牵头安排。",
        attendance=members[:4]), ACTOR)
    await work.add_decision(code, meeting["id"], SimpleNamespace(
        text="同意设立老年助餐点，登记为居民需求并争取政府购买服务。", creates="need", proposal_id=adopted["id"],
        need=SimpleNamespace(community_code=area, field="社区养老", title="社区活动中心老年助餐点（共治委员会决定）",
                             description="共治委员会会议决定：在社区活动中心设老年助餐点。"),
        activity=None), ACTOR)
    await work.submit_proposal(code, made["id"], SimpleNamespace(
        title="小区楼道加装扶手", body="老旧楼栋没有扶手，老人上下楼不安全。"), resident["id"], f"{code}-resident")
