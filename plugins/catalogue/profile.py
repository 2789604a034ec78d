"""The catalogue's sections of a community's and an organisation's profile (hook
`register_profile_sections`), public: the published services offered there (a community is
served when its 12-digit code is among the service's `communities`) or provided by the
organisation, each linking to its public page (/services/{id}) with its field and provider."""

from __future__ import annotations

import json

from core.contrib import ProfileSection
from core.tables import Organization
from plugins.catalogue.tables import Service

MODULE = "catalogue"


async def _published(code: str, *extra) -> list[dict]:
    condition = (Service.district_code == code) & (Service.status == "published")
    for clause in extra:
        condition &= clause
    return await Service.select(Service.id, Service.name, Service.field, Service.organization_id,
                                Service.communities).where(condition).order_by(Service.name)


async def _section(code: str, services: list[dict]) -> dict:
    ids = sorted({s["organization_id"] for s in services})
    names = {o["id"]: o["name"] for o in await Organization.select(Organization.id, Organization.name).where(
        (Organization.district_code == code) & Organization.id.is_in(ids))} if ids else {}
    return {"facts": [["公开服务", f"{len(services)} 项"]],
            "items": [{"title": s["name"], "url": f"/services/{s['id']}",
                       "meta": " · ".join(x for x in (s["field"], names.get(s["organization_id"], "")) if x)}
                      for s in services]}


def _serves(row: dict, community: str) -> bool:
    try:
        return community in json.loads(row["communities"] or "[]")
    except ValueError:
        return False


async def community_services(ctx, code: str, key: str, principal) -> dict | None:
    return await _section(code, [s for s in await _published(code) if _serves(s, key)])


async def organization_services(ctx, code: str, key: str, principal) -> dict | None:
    return await _section(code, await _published(code, Service.organization_id == int(key)))


SECTIONS = [
    ProfileSection(MODULE, "community", "catalogue.community", "社区服务", "Services offered here",
                   community_services, order=20),
    ProfileSection(MODULE, "organization", "catalogue.organization", "提供的服务", "Services provided",
                   organization_services, order=20),
]
