"""Services other modules offer to the catalogue (hook `offer_services`): a purchase project
in delivery publishes the services it buys, and suspends them when it closes, without the
catalogue knowing anything of purchase projects. Each offer becomes one catalogue service
matched by (`source`, name), so offering again updates rather than duplicates; every change
is audited and reaches the search index through the outbox, in the caller's transaction.

An offer the catalogue cannot take (a field it does not list, an organisation that is not
registered in the district) is skipped with the reason in its result, not raised: the
offering module's own change (e.g. a stage move) is not undone by the catalogue."""

from __future__ import annotations

import json
from typing import Any

from core import audit, db, outbox
from core.contrib import ServiceOffer
from core.context import AppContext
from core.dates import utc_now
from core.glossary import TARGET_GROUPS
from core.modules import enabled_modules, module_settings
from core.tables import Organization
from plugins.catalogue import MODULE
from plugins.catalogue.glossary import STATUSES
from plugins.catalogue.services import INDEX, service_fields
from plugins.catalogue.tables import Service

OFFERED_STATUSES = tuple(s for s in STATUSES if s != "draft")


async def _refusal(code: str, offer: ServiceOffer, fields: list[str]) -> str | None:
    if offer.field not in fields:
        return f"服务目录没有“{offer.field}”这个服务领域"
    org = await Organization.select(Organization.status).where(
        (Organization.id == offer.organization_id) & (Organization.district_code == code)).first()
    if org is None or org["status"] in ("deregistered", "revoked"):
        return "提供服务的社会组织不在本区县的登记中，或已注销、被撤销"
    return None


def _columns(offer: ServiceOffer, status: str) -> dict[str, Any]:
    return {"name": offer.name[:120], "organization_id": offer.organization_id, "field": offer.field,
            "description": offer.description, "status": status,
            "communities": json.dumps(list(offer.communities), ensure_ascii=False),
            "target_groups": json.dumps([t for t in offer.target_groups if t in TARGET_GROUPS], ensure_ascii=False)}


async def accept(ctx: AppContext, code: str, source: str, offers: list[ServiceOffer], status: str,
                 actor: str) -> list[dict[str, Any]] | None:
    if MODULE not in await enabled_modules(ctx, code):
        return None
    if status not in OFFERED_STATUSES:
        raise ValueError(f"offered services are {OFFERED_STATUSES}, not {status!r}")
    fields = service_fields(await module_settings(ctx, code, MODULE))
    results: list[dict[str, Any]] = []
    async with db.write_transaction():
        existing = {r["name"]: r for r in await Service.select().where(
            (Service.district_code == code) & (Service.source == source))}
        for offer in offers:
            if reason := await _refusal(code, offer, fields):
                results.append({"id": None, "name": offer.name, "status": None, "error": reason})
                continue
            values = _columns(offer, status)
            row = existing.get(values["name"])
            if row is None:
                service_id = (await Service.insert(Service(district_code=code, source=source, **values))
                              .returning(Service.id))[0]["id"]
                await audit.record(actor=actor, action="create", entity="service", entity_id=service_id,
                                   district_code=code, after={**values, "source": source})
            else:
                service_id = row["id"]
                changed = {k: v for k, v in values.items() if row[k] != v}
                if changed:
                    await Service.update({**{getattr(Service, k): v for k, v in changed.items()},
                                          Service.updated_at: utc_now()}).where(Service.id == service_id)
                    await audit.record(actor=actor, action="update", entity="service", entity_id=service_id,
                                       district_code=code, before={k: row[k] for k in changed}, after=changed)
            await outbox.enqueue(INDEX, [service_id])
            results.append({"id": service_id, "name": values["name"], "status": status})
    return results
