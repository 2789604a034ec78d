"""Participation demo data: residents' needs in three communities — some supported by the demo
resident, one accepted, one declined with a reason, one merged into another. Written through the
same service functions as the API (audited); safe to run twice (a need is keyed by its title)."""

from __future__ import annotations

from types import SimpleNamespace

from core.tables import User
from plugins.participation import needs
from plugins.participation.tables import Need

ACTOR = "demo"
# (community index, field, title, description, what happens to it)
NEEDS = [
    (0, "社区养老", "希望在小区附近设老年助餐点", "楼里独居老人多，做饭不方便，希望有午餐助餐点。", "accepted"),
    (0, "社区养老", "老人午餐能否送餐上门", "行动不便的老人去不了助餐点。", "merged"),
    (1, "文体教育", "放学后孩子没人看管", "双职工家庭多，希望有四点半课堂。", "open"),
    (1, "残障康复", "社区康复器材太少", "康复站只有两台器材，排队时间长。", "open"),
    (2, "文体教育", "希望每天清晨开放篮球场", "上班族只有早上有时间锻炼。", "declined"),
]
SUPPORTED = (0, 1, 2)
POSTED_BY_RESIDENT = (2, 3)
DECLINE_REASON = "篮球场属学校产权，已转交学校研究开放时间，社区不再单独受理。"


async def load(ctx, district) -> None:
    code = district.code
    communities = list(await needs.communities(code))
    if len(communities) < 3:
        return
    resident = await User.select(User.id).where(User.username == f"{code}-resident").first()
    made: list[int] = []
    for index, (community, field, title, description, _) in enumerate(NEEDS):
        found = await Need.select(Need.id).where((Need.district_code == code) & (Need.title == title)).first()
        if found:
            made.append(found["id"])
            continue
        data = SimpleNamespace(community_code=communities[community], field=field, title=title,
                               description=description)
        by_resident = resident is not None and index in POSTED_BY_RESIDENT
        made.append((await needs.create(code, data, f"{code}-resident" if by_resident else f"{code}-community-staff",
                                        resident["id"] if by_resident else None, None))["id"])
        if resident and index in SUPPORTED:
            await needs.support(code, made[-1], resident["id"], f"{code}-resident")
    for (_, _, _, _, outcome), need_id in zip(NEEDS, made, strict=True):
        state = (await Need.select(Need.state).where(Need.id == need_id).first())["state"]
        if outcome == "open" or state != "open":
            continue
        move = SimpleNamespace(state=outcome, reason=DECLINE_REASON if outcome == "declined" else "",
                               merged_into=made[0] if outcome == "merged" else None, expected_state="open")
        await needs.triage(code, need_id, move, ACTOR)
