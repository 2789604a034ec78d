"""HSDS documents from our rows. A batch of rows gets its related rows (providers,
community names) with one query each, never one per row.

Organisations are read through ORG_COLUMNS only: a contact person's name or phone is
never even selected. A service's phone is its public hotline."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from core.context import AppContext
from core.glossary import GRADES, LEGAL_TYPES, ORG_STATUSES
from core.tables import Community, Organization
from plugins.catalogue.glossary import FEES, HSDS_STATUS
from plugins.catalogue.hsds._documents import (
    HsdsLanguage, HsdsLocation, HsdsOrganization, HsdsOrganizationIdentifier, HsdsPhone, HsdsSchedule, HsdsService,
    HsdsServiceArea, HsdsServiceAtLocation,
)
from plugins.catalogue.hsds._ids import hsds_id, stable_id
from plugins.catalogue.hsds._taxonomy import Term, attribute, grade_term, target_term

ORG_COLUMNS = (Organization.id, Organization.name, Organization.legal_type, Organization.status, Organization.grade,
               Organization.registered_on, Organization.district_code, Organization.uscc, Organization.address)
USCC_SCHEME = "CN-USCC"  # GB 32100-2015 unified social credit code


@dataclass
class Related:
    """What the documents of a batch need besides its rows."""

    districts: dict[str, str]  # code → name
    orgs: dict[int, dict[str, Any]] = field(default_factory=dict)
    communities: dict[str, str] = field(default_factory=dict)  # 12-digit code → name


async def related(ctx: AppContext, rows: list[dict[str, Any]], *, communities: bool = False) -> Related:
    """Providers (and, for full documents, community names) of a batch of services."""
    out = Related({code: d.name for code, d in ctx.districts.items()})
    org_ids = sorted({row["organization_id"] for row in rows})
    if org_ids:
        out.orgs = {o["id"]: o for o in await Organization.select(*ORG_COLUMNS).where(Organization.id.is_in(org_ids))}
    if communities:
        out.communities = await community_names(rows)
    return out


async def community_names(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Names of the communities a batch of services serves."""
    codes = sorted({code for row in rows for code in json.loads(row["communities"] or "[]")})
    if not codes:
        return {}
    return {c["code"]: c["name"] for c in await Community.select(Community.code, Community.name).where(
        Community.code.is_in(codes))}


def iso(moment: datetime) -> str:
    """RFC 3339 with an offset (HSDS `date-time`); a stored time without a zone is UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).isoformat()


def location(district: str, address: str, org_pk: int) -> HsdsLocation:
    """A place named by its address; the same address in a district is the same location."""
    return HsdsLocation(id=stable_id("location", district, address), location_type="physical",
                        organization_id=hsds_id("organization", org_pk), name=address)


def organization_document(org: dict[str, Any], districts: dict[str, str], *, full: bool = False,
                          services: list[HsdsService] | None = None) -> HsdsOrganization:
    """One-to-one properties; `full` adds identifiers, location, grade and `services`."""
    legal = LEGAL_TYPES.get(org["legal_type"], (org["legal_type"],))[0]
    summary = [legal, ORG_STATUSES.get(org["status"], (org["status"],))[0], districts.get(org["district_code"], "")]
    if org["grade"] in GRADES:
        summary.append(f"评估等级{GRADES[org['grade']][0]}")
    registered = org["status"] == "registered" and org["registered_on"] is not None  # filing is no incorporation
    doc = HsdsOrganization(id=hsds_id("organization", org["id"]), name=org["name"],
                           description="，".join(part for part in summary if part), legal_status=legal or None,
                           year_incorporated=org["registered_on"].year if registered else None)
    if not full:
        return doc
    if org["uscc"]:
        doc.organization_identifiers = [HsdsOrganizationIdentifier(
            id=hsds_id("uscc", org["id"]), organization_id=doc.id, identifier_scheme=USCC_SCHEME,
            identifier_type="统一社会信用代码", identifier=org["uscc"])]
    if org["address"]:
        doc.locations = [location(org["district_code"], org["address"], org["id"])]
    if term := grade_term(org["grade"]):
        doc.attributes = [attribute(term, "organization", doc.id)]
    doc.services = services or None
    return doc


def service_minimal(row: dict[str, Any]) -> HsdsService:
    """`minimal=true`: the id and when it changed (plus the name and status HSDS requires)."""
    return HsdsService(id=hsds_id("service", row["id"]), name=row["name"],
                       status=HSDS_STATUS.get(row["status"], "inactive"), last_modified=iso(row["updated_at"]))


def service_document(row: dict[str, Any], context: Related, *, full: bool,
                     with_organization: bool = True) -> HsdsService:
    """One-to-one properties (and the provider's); `full` adds every related record."""
    pk, service_id = row["id"], hsds_id("service", row["id"])
    fee = FEES.get(row["fee"], ("",))[0]
    org = context.orgs.get(row["organization_id"])
    doc = HsdsService(
        id=service_id, organization_id=hsds_id("organization", row["organization_id"]), name=row["name"],
        description=row["description"] or None, email=row["email"] if "@" in row["email"] else None,
        status=HSDS_STATUS.get(row["status"], "inactive"),
        fees_description="；".join(part for part in (fee, row["fee_description"]) if part) or None,
        eligibility_description=row["eligibility"] or None,
        assured_date=row["last_verified"].isoformat() if row["last_verified"] else None,
        last_modified=iso(row["updated_at"]),
        organization=organization_document(org, context.districts) if org and with_organization else None,
    )
    if not full:
        return doc
    if row["contact_phone"]:
        doc.phones = [HsdsPhone(id=hsds_id("phone", pk), service_id=service_id, number=row["contact_phone"],
                                type="voice", description="服务热线")]
    if row["opening_hours"]:
        doc.schedules = [HsdsSchedule(id=hsds_id("schedule", pk), service_id=service_id,
                                      description=row["opening_hours"])]
    doc.service_areas = [HsdsServiceArea(id=hsds_id(f"area-{code}", pk), service_id=service_id,
                                         name=context.communities.get(code, code), description=f"统计用区划代码 {code}")
                         for code in json.loads(row["communities"] or "[]")] or None
    if row["address"]:
        doc.service_at_locations = [service_at_location_document(row, full=False, service=None)]
    doc.languages = [HsdsLanguage(id=hsds_id("language", pk), service_id=service_id, name="中文", code="zh")]
    terms = [Term("service_field", row["field"]), *[target_term(t) for t in json.loads(row["target_groups"] or "[]")]]
    doc.attributes = [attribute(term, "service", service_id) for term in terms if term]
    return doc


def service_at_location_document(row: dict[str, Any], *, full: bool,
                                 service: HsdsService | None) -> HsdsServiceAtLocation:
    """A service at its address. List items nest the one-to-one `service`; the full record
    nests the opening hours at that place."""
    place = location(row["district_code"], row["address"], row["organization_id"])
    doc = HsdsServiceAtLocation(id=hsds_id("service_at_location", row["id"]), service_id=hsds_id("service", row["id"]),
                                location_id=place.id, location=place, service=service)
    if full and row["opening_hours"]:
        doc.schedules = [HsdsSchedule(id=hsds_id("sal-schedule", row["id"]), service_at_location_id=doc.id,
                                      description=row["opening_hours"])]
    return doc
