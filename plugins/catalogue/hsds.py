"""Open Referral HSDS 3.0 publication of the catalogue:
/opendata/hsds/services, /opendata/hsds/services/{id}, /opendata/hsds/organizations.

Paged JSON in the HSDS API's page envelope, or `format=ndjson` streaming every
record. Ids are stable UUIDs derived from our integer ids. Organisations carry
their unified social credit code as an identifier and never a contact person's
phone; a service's phone is its public hotline.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any, Literal

from litestar import Request, get
from litestar.params import Parameter
from core.responses import TypedStream

from core.errors import ApiError
from core.glossary import LEGAL_TYPES
from core.tables import Organization
from plugins.catalogue.glossary import FEES, HSDS_STATUS
from plugins.catalogue.search import catalogue_districts
from plugins.catalogue.tables import Service

NAMESPACE = uuid.UUID("5b7e0f4c-3f0e-4c57-9d0e-7a1f6d1c5e21")
BATCH = 500
# Services and organisations get UUIDs that carry their id (RFC 9562 version 8:
# a fixed 48-bit prefix, a kind, the id), so /services/{uuid} needs no lookup table.
PREFIX = 0x5A4E_5348_4531  # fixed, "ZNSHE1"
KINDS = {"service": 1, "organization": 2}


def hsds_id(kind: str, pk: int) -> str:
    if kind in KINDS:
        value = (PREFIX << 80) | (0x8 << 76) | (KINDS[kind] << 64) | (0b10 << 62) | pk
        return str(uuid.UUID(int=value))
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{pk}"))  # nested records: stable, never looked up


def pk_from_hsds_id(kind: str, value: str) -> int | None:
    """The id inside a UUID made by `hsds_id(kind, …)`, else None."""
    try:
        number = uuid.UUID(value).int
    except ValueError:
        return None
    if number >> 80 != PREFIX or (number >> 76) & 0xF != 0x8 or (number >> 64) & 0xFFF != KINDS[kind]:
        return None
    return number & ((1 << 62) - 1)


def service_record(row: dict[str, Any], org: dict[str, Any] | None) -> dict[str, Any]:
    fee_label = FEES.get(row["fee"], ("",))[0]
    return {
        "id": hsds_id("service", row["id"]),
        "organization_id": hsds_id("organization", row["organization_id"]),
        "name": row["name"],
        "description": row["description"],
        "email": row["email"] or None,
        "status": HSDS_STATUS.get(row["status"], "inactive"),
        "fees_description": "；".join(x for x in (fee_label, row["fee_description"]) if x),
        "eligibility_description": row["eligibility"] or None,
        "assured_date": row["last_verified"].isoformat() if row["last_verified"] else None,
        "last_modified": row["updated_at"].isoformat(),
        "languages": [{"id": hsds_id("language", row["id"]), "name": "Chinese", "code": "zh"}],
        "phones": [{"id": hsds_id("phone", row["id"]), "number": row["contact_phone"], "type": "voice",
                    "description": "服务电话"}] if row["contact_phone"] else [],
        "schedules": [{"id": hsds_id("schedule", row["id"]), "description": row["opening_hours"]}]
        if row["opening_hours"] else [],
        "service_areas": [{"id": hsds_id("area", row["id"]), "name": code, "description": "社区统计用区划代码",
                           "extent_type": "other"} for code in json.loads(row["communities"] or "[]")],
        "attributes": [
            {"id": hsds_id("attr-field", row["id"]), "taxonomy_term_id": None, "label": "服务领域", "value": row["field"]},
            *[{"id": hsds_id(f"attr-target-{t}", row["id"]), "taxonomy_term_id": None, "label": "服务对象", "value": t}
              for t in json.loads(row["target_groups"] or "[]")],
        ],
        "organization": {"id": hsds_id("organization", row["organization_id"]), "name": org["name"] if org else ""},
        "metadata": [{"id": hsds_id("meta", row["id"]), "resource_id": hsds_id("service", row["id"]),
                      "resource_type": "service", "last_action_date": row["updated_at"].isoformat(),
                      "last_action_type": "update", "field_name": "", "previous_value": "", "replacement_value": "",
                      "updated_by": row["source"] or "sanshe"}],
    }


def organization_record(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": hsds_id("organization", row["id"]),
        "name": row["name"],
        "description": LEGAL_TYPES.get(row["legal_type"], ("",))[0],
        "legal_status": LEGAL_TYPES.get(row["legal_type"], ("", ""))[1],
        "year_incorporated": row["registered_on"].year if row["registered_on"] else None,
        "organization_identifiers": [{"id": hsds_id("uscc", row["id"]), "identifier_scheme": "CN-USCC",
                                      "identifier_type": "统一社会信用代码", "identifier": row["uscc"]}]
        if row["uscc"] else [],
        "attributes": [{"id": hsds_id("grade", row["id"]), "taxonomy_term_id": None, "label": "评估等级",
                        "value": row["grade"]}] if row["grade"] else [],
        "locations": [{"id": hsds_id("location", row["id"]), "location_type": "physical",
                       "addresses": [{"id": hsds_id("address", row["id"]), "address_1": row["address"],
                                      "city": "", "region": row["district_code"], "state_province": "",
                                      "postal_code": "", "country": "CN", "address_type": "physical"}]}]
        if row["address"] else [],
    }


def _where_services(districts: list[str], search: str | None, modified_after: datetime | None) -> list:
    where = [Service.status == "published", Service.district_code.is_in(districts)]
    if search:
        where.append(Service.name.like(f"%{search}%") | Service.description.like(f"%{search}%"))
    if modified_after:
        where.append(Service.updated_at > modified_after)
    return where


def _where_orgs(districts: list[str], search: str | None, modified_after: datetime | None) -> list:
    where = [Organization.district_code.is_in(districts), Organization.status.is_in(["registered", "filed"])]
    if search:
        where.append(Organization.name.like(f"%{search}%"))
    if modified_after:
        where.append(Organization.updated_at > modified_after)
    return where


async def _orgs_for(rows: list[dict]) -> dict[int, dict]:
    ids = sorted({r["organization_id"] for r in rows}) or [0]
    return {o["id"]: o for o in await Organization.select(Organization.id, Organization.name).where(
        Organization.id.is_in(ids))}


async def _records(table, where: list, convert) -> AsyncIterator[dict]:
    after = 0
    while True:
        rows = await table.select().where(*where, table.id > after).order_by(table.id).limit(BATCH)
        if not rows:
            return
        orgs = await _orgs_for(rows) if table is Service else {}
        for row in rows:
            yield convert(row, orgs)
        after = rows[-1]["id"]


async def _page(table, where: list, convert, page: int, per_page: int) -> dict:
    total = await table.count().where(*where)
    rows = await table.select().where(*where).order_by(table.id).limit(per_page).offset((page - 1) * per_page)
    orgs = await _orgs_for(rows) if table is Service else {}
    pages = max(1, math.ceil(total / per_page))
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(rows),
            "first_page": page == 1, "last_page": page >= pages, "empty": not rows,
            "contents": [convert(row, orgs) for row in rows]}


async def _ndjson(records: AsyncIterator[dict]) -> AsyncIterator[bytes]:
    async for record in records:
        yield json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"


Page = Annotated[int, Parameter(ge=1)]
PerPage = Annotated[int, Parameter(ge=1, le=500)]
Search = Annotated[str | None, Parameter(max_length=100)]
Format = Annotated[Literal["json", "ndjson"], Parameter(description="ndjson streams every record")]


async def _serve(request: Request, table, where, convert, page, per_page, format) -> Any:
    if format == "ndjson":
        return TypedStream(_ndjson(_records(table, where, convert)), media_type="application/x-ndjson")
    return await _page(table, where, convert, page, per_page)


@get("/opendata/hsds/services", opt={"public": True}, tags=["opendata"], summary="Services as HSDS 3.0")
async def hsds_services(request: Request, page: Page = 1, per_page: PerPage = 50, search: Search = None,
                        modified_after: datetime | None = None, format: Format = "json") -> Any:
    where = _where_services(await catalogue_districts(request.app.state.ctx), search, modified_after)
    return await _serve(request, Service, where, lambda row, orgs: service_record(row, orgs.get(row["organization_id"])),
                        page, per_page, format)


@get("/opendata/hsds/services/{service_id:str}", opt={"public": True}, tags=["opendata"],
     summary="One service as HSDS 3.0 (by HSDS UUID or numeric id)")
async def hsds_service(request: Request, service_id: str) -> dict:
    districts = await catalogue_districts(request.app.state.ctx)
    pk = int(service_id) if service_id.isdigit() else pk_from_hsds_id("service", service_id)
    row = await Service.select().where(*_where_services(districts, None, None), Service.id == (pk or 0)).first()
    if row is None:
        raise ApiError(404, "服务不存在或未公开", "not_found")
    return service_record(row, (await _orgs_for([row])).get(row["organization_id"]))


@get("/opendata/hsds/organizations", opt={"public": True}, tags=["opendata"], summary="Organisations as HSDS 3.0")
async def hsds_organizations(request: Request, page: Page = 1, per_page: PerPage = 50, search: Search = None,
                             modified_after: datetime | None = None, format: Format = "json") -> Any:
    where = _where_orgs(await catalogue_districts(request.app.state.ctx), search, modified_after)
    return await _serve(request, Organization, where, lambda row, orgs: organization_record(row), page, per_page,
                        format)


ROUTES = [hsds_services, hsds_service, hsds_organizations]
