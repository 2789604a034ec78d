"""What the incubation base tells other modules about an organisation (through a core hook,
never imports): whether it graduated (出壳) from one of the district's bases — procurement lets
such a new provider bid on projects marked for new providers."""

from __future__ import annotations

from typing import Any

from core.modules import enabled_modules
from plugins.incubation import MODULE
from plugins.incubation.tables import Incubatee


async def facts(ctx, district_code: str, organization_ids: list[int]) -> dict[int, dict[str, Any]] | None:
    if MODULE not in await enabled_modules(ctx, district_code):
        return None
    graduates = {r["organization_id"] for r in await Incubatee.select(Incubatee.organization_id).where(
        (Incubatee.district_code == district_code) & (Incubatee.stage == "graduated")
        & Incubatee.organization_id.is_in(list(organization_ids)))}
    return {org_id: {"incubation_graduate": org_id in graduates} for org_id in organization_ids}
