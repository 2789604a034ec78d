"""The registry records the incubation base refers to (`register_referrers`): incubatees'
organisations, and the communities bases and incubatees are in."""

from __future__ import annotations

from core.contrib import Referrer
from core.registry.references import counting
from plugins.incubation.tables import Base, Incubatee

MODULE = "incubation"

REFERRERS = [
    Referrer(MODULE, "organization", "孵化基地的入驻对象", counting(Incubatee.organization_id)),
    Referrer(MODULE, "community", "孵化基地", counting(Base.community_code)),
    Referrer(MODULE, "community", "孵化基地的入驻对象", counting(Incubatee.community_code)),
]
