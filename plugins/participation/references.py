"""The registry records participation refers to (`register_referrers`): the communities of needs,
activities and committees, the organisations and workers activities and ratings name, and the
persons on committees."""

from __future__ import annotations

from typing import Any

from core.contrib import Referrer
from core.registry.references import counting
from plugins.participation.tables import Activity, CommitteeMember, Need, Rating

MODULE = "participation"


async def _community(district_code: str, code: Any) -> int:
    return (await Need.count().where(Need.community_code == code)
            + await Activity.count().where(Activity.community_code == code))


REFERRERS = [
    Referrer(MODULE, "community", "居民参与中的需求和活动", _community),
    Referrer(MODULE, "organization", "居民参与中的活动", counting(Activity.organization_id)),
    Referrer(MODULE, "organization", "居民参与中的评价", counting(Rating.organization_id)),
    Referrer(MODULE, "person", "共治委员会成员", counting(CommitteeMember.person_id)),
    Referrer(MODULE, "person", "居民参与中的活动（社会工作者）", counting(Activity.worker_person_id)),
]
