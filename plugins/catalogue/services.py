"""Catalogue services: validated writes that keep the audit log and the search
outbox in the same transaction, and scoped reads for staff.

Organisation staff act only on their own organisation's services; district
admins on every service of their district (the route guard has already
checked the permission for the district).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from core import audit, db, outbox
from core.auth import Principal
from core.codes import phone_error
from core.errors import ApiError, invalid, not_found
from core.tables import Community, Organization
from core.glossary import SERVICE_FIELDS as FIELDS, TARGET_GROUPS
from plugins.catalogue.glossary import FEES, STATUSES
from plugins.catalogue.tables import Service

INDEX = "services"
WRITE = "catalogue.service.write"
READ = "catalogue.service.read"
JSON_FIELDS = ("target_groups", "communities")


def service_fields(settings: dict[str, Any]) -> list[str]:
    """The eight common fields plus the district's own."""
    return [*FIELDS, *[f for f in settings.get("extra_fields", []) if f not in FIELDS]]


def from_row(row: dict[str, Any], provider: str = "") -> dict[str, Any]:
    out = dict(row)
    for name in JSON_FIELDS:
        out[name] = json.loads(row[name] or "[]")
    out["provider"] = provider
    out["fee_label"] = FEES.get(row["fee"], (row["fee"],))[0]
    out["status_label"] = STATUSES.get(row["status"], (row["status"],))[0]
    return out


async def provider_names(org_ids: set[int]) -> dict[int, str]:
    if not org_ids:
        return {}
    rows = await Organization.select(Organization.id, Organization.name).where(Organization.id.is_in(sorted(org_ids)))
    return {r["id"]: r["name"] for r in rows}


async def _validate(code: str, principal: Principal, data: dict[str, Any], settings: dict[str, Any]) -> None:
    errors: list[tuple[str, str]] = []
    if "organization_id" in data:
        limit = principal.organization_limit(WRITE, code)
        if limit is not None and data["organization_id"] not in limit:
            raise ApiError(403, "只能维护本组织提供的服务", "forbidden")
        org = await Organization.select(Organization.status).where(
            (Organization.id == data["organization_id"]) & (Organization.district_code == code)).first()
        if org is None:
            errors.append(("organization_id", "提供服务的社会组织不在本区县的登记中"))
        elif org["status"] in ("deregistered", "revoked"):
            errors.append(("organization_id", "该组织已注销或被撤销登记，不能提供服务"))
    if "field" in data and data["field"] not in service_fields(settings):
        errors.append(("field", f"服务领域应为：{'、'.join(service_fields(settings))}"))
    unknown = [t for t in data.get("target_groups", []) if t not in TARGET_GROUPS]
    if unknown:
        errors.append(("target_groups", f"未知的服务对象：{'、'.join(unknown)}"))
    if data.get("communities"):
        known = {r["code"] for r in await Community.select(Community.code).where(
            (Community.district_code == code) & Community.code.is_in(data["communities"]))}
        missing = [c for c in data["communities"] if c not in known]
        if missing:
            errors.append(("communities", f"社区不在本区县的登记中：{'、'.join(missing)}"))
    if data.get("contact_phone") and (error := phone_error(data["contact_phone"])):
        errors.append(("contact_phone", error))
    if errors:
        raise invalid(errors)


def _to_columns(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (json.dumps(v, ensure_ascii=False) if k in JSON_FIELDS else v) for k, v in data.items()}


async def get(code: str, service_id: int, principal: Principal | None = None) -> dict[str, Any]:
    row = await Service.select().where((Service.id == service_id) & (Service.district_code == code)).first()
    if row is None:
        raise not_found("服务")
    if principal is not None:
        limit = principal.organization_limit(READ, code)
        if limit is not None and row["organization_id"] not in limit:
            raise not_found("服务")
    names = await provider_names({row["organization_id"]})
    return from_row(row, names.get(row["organization_id"], ""))


async def list_services(code: str, principal: Principal, *, status=None, field=None, organization_id=None, q=None,
                        page=1, per_page=20) -> tuple[int, list[dict[str, Any]]]:
    where = [Service.district_code == code]
    limit = principal.organization_limit(READ, code)
    if limit is not None:
        where.append(Service.organization_id.is_in(sorted(limit) or [0]))
    for column, value in ((Service.status, status), (Service.field, field), (Service.organization_id, organization_id)):
        if value is not None:
            where.append(column == value)
    if q:
        where.append(Service.name.like(f"%{q}%"))
    total = await Service.count().where(*where)
    rows = await Service.select().where(*where).order_by(Service.id).limit(per_page).offset((page - 1) * per_page)
    names = await provider_names({r["organization_id"] for r in rows})
    return total, [from_row(r, names.get(r["organization_id"], "")) for r in rows]


async def create(code: str, principal: Principal, data: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    await _validate(code, principal, data, settings)
    async with db.write_transaction():
        service_id = (await Service.insert(Service(district_code=code, **_to_columns(data)))
                      .returning(Service.id))[0]["id"]
        await outbox.enqueue(INDEX, [service_id])
        await audit.record(actor=principal.username, action="create", entity="service", entity_id=service_id,
                           district_code=code, after=data)
    return await get(code, service_id)


async def update(code: str, principal: Principal, service_id: int, changes: dict[str, Any],
                 settings: dict[str, Any]) -> dict[str, Any]:
    before = await get(code, service_id, principal)
    limit = principal.organization_limit(WRITE, code)
    if limit is not None and before["organization_id"] not in limit:
        raise ApiError(403, "只能维护本组织提供的服务", "forbidden")
    await _validate(code, principal, changes, settings)
    async with db.write_transaction():
        values = {getattr(Service, k): v for k, v in _to_columns(changes).items()}
        values[Service.updated_at] = datetime.now(timezone.utc)
        await Service.update(values).where(Service.id == service_id)
        await outbox.enqueue(INDEX, [service_id])
        await audit.record(actor=principal.username, action="update", entity="service", entity_id=service_id,
                           district_code=code, before={k: before[k] for k in changes}, after=changes)
    return await get(code, service_id)


async def delete(code: str, principal: Principal, service_id: int) -> None:
    before = await get(code, service_id, principal)
    limit = principal.organization_limit(WRITE, code)
    if limit is not None and before["organization_id"] not in limit:
        raise ApiError(403, "只能维护本组织提供的服务", "forbidden")
    async with db.write_transaction():
        await Service.delete().where(Service.id == service_id)
        await outbox.enqueue(INDEX, [service_id])
        await audit.record(actor=principal.username, action="delete", entity="service", entity_id=service_id,
                           district_code=code, before={k: v for k, v in before.items()
                                                       if k not in ("created_at", "updated_at")})
