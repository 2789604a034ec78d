"""The registry records the service catalogue refers to (`register_referrers`): each
service's provider organisation and the communities it serves (a JSON list of codes)."""

from __future__ import annotations

from typing import Any

from core.contrib import Referrer
from core.registry.references import counting
from plugins.catalogue.tables import Service

MODULE = "catalogue"


async def _serving(district_code: str, code: Any) -> int:
    # `communities` holds json.dumps of the codes: a 12-digit code appears quoted, and digits
    # are never LIKE wildcards.
    return await Service.count().where(Service.communities.like(f'%"{code}"%'))


REFERRERS = [
    Referrer(MODULE, "organization", "服务目录中的服务", counting(Service.organization_id)),
    Referrer(MODULE, "community", "服务目录中覆盖该社区的服务", _serving),
]
