"""What the talent database tells other modules about an organisation (through core hooks,
never imports): how many certified social workers it employs — status 在岗, a qualification
other than 无 — and who they are, for a bid's team."""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Count

from core.modules import enabled_modules
from core.tables import Person
from plugins.talent import MODULE
from plugins.talent.tables import SocialWorker

ON_DUTY, UNQUALIFIED = "在岗", "无"


def _certified(district_code: str):
    return ((SocialWorker.district_code == district_code) & (SocialWorker.status == ON_DUTY)
            & (SocialWorker.qualification != UNQUALIFIED))


async def facts(ctx, district_code: str, organization_ids: list[int]) -> dict[int, dict[str, Any]] | None:
    if MODULE not in await enabled_modules(ctx, district_code):
        return None
    rows = await SocialWorker.select(SocialWorker.employer_org_id, Count()).where(
        _certified(district_code) & SocialWorker.employer_org_id.is_in(list(organization_ids))).group_by(
        SocialWorker.employer_org_id)
    counts = {r["employer_org_id"]: r["count"] for r in rows}
    return {org_id: {"certified_workers": counts.get(org_id, 0)} for org_id in organization_ids}


async def workers(ctx, district_code: str, organization_id: int) -> list[dict[str, Any]] | None:
    if MODULE not in await enabled_modules(ctx, district_code):
        return None
    rows = await SocialWorker.select(SocialWorker.id, SocialWorker.person_id, SocialWorker.qualification).where(
        _certified(district_code) & (SocialWorker.employer_org_id == organization_id)).order_by(SocialWorker.id)
    names = {r["id"]: r["name"] for r in await Person.select(Person.id, Person.name).where(
        Person.id.is_in([r["person_id"] for r in rows] or [0]))}
    return [{"worker_id": r["id"], "person_id": r["person_id"], "name": names.get(r["person_id"], ""),
             "qualification": r["qualification"]} for r in rows]
