"""Documents for a page or a stream batch: each batch of rows costs a fixed number of
queries (the rows, their providers, their community names, an organisation's services),
whatever its size."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from core.context import AppContext
from core.tables import Organization
from plugins.catalogue.hsds._documents import HsdsOrganization, HsdsService, HsdsServiceAtLocation
from plugins.catalogue.hsds._records import (
    ORG_COLUMNS, Related, community_names, organization_document, related, service_at_location_document,
    service_document, service_minimal,
)
from plugins.catalogue.tables import Service

ServiceMode = Literal["minimal", "list", "full"]
MINIMAL_COLUMNS = (Service.id, Service.name, Service.status, Service.updated_at)


def service_columns(mode: ServiceMode) -> tuple:
    return MINIMAL_COLUMNS if mode == "minimal" else ()


async def service_documents(ctx: AppContext, rows: list[dict[str, Any]], mode: ServiceMode) -> list[HsdsService]:
    if mode == "minimal":
        return [service_minimal(row) for row in rows]
    context = await related(ctx, rows, communities=mode == "full")
    return [service_document(row, context, full=mode == "full") for row in rows]


async def service_at_location_documents(ctx: AppContext, rows: list[dict[str, Any]],
                                        full: bool) -> list[HsdsServiceAtLocation]:
    if full:
        return [service_at_location_document(row, full=True, service=None) for row in rows]
    context = await related(ctx, rows)
    return [service_at_location_document(row, full=False, service=service_document(row, context, full=False))
            for row in rows]


async def organization_documents(ctx: AppContext, service_where: list, orgs: list[dict[str, Any]], *, full: bool,
                                 full_service: bool) -> list[HsdsOrganization]:
    """List items, or full organisations with their published services (simple, or full
    with `full_service`)."""
    names = {code: d.name for code, d in ctx.districts.items()}
    if not (full or full_service):
        return [organization_document(org, names) for org in orgs]
    rows = await Service.select().where(*service_where, Service.organization_id.is_in(
        [org["id"] for org in orgs] or [0])).order_by(Service.id) if orgs else []
    context = Related(names, {org["id"]: org for org in orgs})
    if full_service:
        context.communities = await community_names(rows)
    services: dict[int, list[HsdsService]] = defaultdict(list)
    for row in rows:
        services[row["organization_id"]].append(
            service_document(row, context, full=full_service, with_organization=False))
    return [organization_document(org, names, full=True, services=services[org["id"]]) for org in orgs]


async def organization_by_pk(pk: int, where: list) -> dict[str, Any] | None:
    return await Organization.select(*ORG_COLUMNS).where(*where, Organization.id == pk).first()
