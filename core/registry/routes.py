"""HTTP API of the shared registry, under /api/districts/{code}/…"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, delete, get, patch, post, put
from litestar.params import Parameter

from core.auth import Principal
from core.contrib import Referrer
from core.glossary import COMMUNITY_KINDS, CREDIT_STATUSES, LEGAL_TYPES, ORG_STATUSES, label
from core.registry import credit, inspections, services
from core.registry import schemas as s
from core.codes import mask_phone
from core.paging import PageNo

PerPage = Annotated[int, Parameter(ge=1, le=100, description="items per page (max 100)")]
Q = Annotated[str | None, Parameter(max_length=50, description="name contains")]


def _community(row: dict) -> s.Community:
    return s.Community(code=row["code"], name=row["name"], kind=row["kind"],
                       kind_label=label(COMMUNITY_KINDS, row["kind"]), parent_code=row["parent_code"],
                       district_code=row["district_code"])


def _organization(row: dict) -> s.Organization:
    fields = {f: row[f] for f in s.Organization.__struct_fields__ if f in row}
    fields.update(legal_type_label=label(LEGAL_TYPES, row["legal_type"]),
                  status_label=label(ORG_STATUSES, row["status"]),
                  credit_status_label=label(CREDIT_STATUSES, row["credit_status"]),
                  contact_phone=mask_phone(row["contact_phone"]) or "")
    return s.Organization(**fields)


def _referrers(request: Request) -> list[Referrer]:
    """Every module's Referrers: a delete asks them all, enabled in the district or not."""
    return request.app.state.ctx.contributions.referrers


def _changes(data: msgspec.Struct) -> dict:
    return {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not None}


class CommunityController(Controller):
    path = "/api/districts/{code:str}/communities"
    tags = ["registry"]

    @get("/", opt={"public": True}, summary="List streets and communities")
    async def list(self, code: str, page: PageNo = 1, per_page: PerPage = 20, q: Q = None,
                   kind: Annotated[str | None, Parameter(description="street|community")] = None,
                   parent_code: Annotated[str | None, Parameter()] = None) -> s.CommunityPage:
        found = await services.list_communities(code, kind=kind, parent_code=parent_code, q=q, page=page,
                                                per_page=per_page)
        return s.CommunityPage(total=found.total, page=page, per_page=per_page, items=[_community(r) for r in found.rows])

    @get("/{community_code:str}", opt={"public": True}, summary="One street or community")
    async def detail(self, code: str, community_code: str) -> s.Community:
        return _community(await services.get_community(code, community_code))

    @post("/", opt={"permission": "registry.community.write"}, summary="Register a street or community")
    async def create(self, code: str, data: s.CommunityCreate, principal: Principal) -> s.Community:
        return _community(await services.create_community(code, principal.username, data.code, data.name))

    @patch("/{community_code:str}", opt={"permission": "registry.community.write"}, summary="Rename")
    async def update(self, code: str, community_code: str, data: s.CommunityUpdate, principal: Principal) -> s.Community:
        return _community(await services.update_community(code, principal.username, community_code, data.name))

    @delete("/{community_code:str}", opt={"permission": "registry.community.write"}, summary="Delete if unused")
    async def remove(self, request: Request, code: str, community_code: str, principal: Principal) -> None:
        await services.delete_community(code, principal.username, community_code, _referrers(request))


class OrganizationController(Controller):
    path = "/api/districts/{code:str}/organizations"
    tags = ["registry"]

    @get("/", opt={"public": True}, summary="List social organisations")
    async def list(self, code: str, page: PageNo = 1, per_page: PerPage = 20, q: Q = None,
                   legal_type: Annotated[str | None, Parameter()] = None,
                   status: Annotated[str | None, Parameter()] = None,
                   grade: Annotated[str | None, Parameter()] = None,
                   uscc_exception: Annotated[bool | None, Parameter(
                       description="true: only codes accepted as a pilot-code exception")] = None,
                   ) -> s.OrganizationPage:
        found = await services.list_organizations(code, legal_type=legal_type, status=status, grade=grade, q=q,
                                                  uscc_exception=uscc_exception, page=page, per_page=per_page)
        return s.OrganizationPage(total=found.total, page=page, per_page=per_page,
                                  items=[_organization(r) for r in found.rows])

    @get("/{org_id:int}", opt={"public": True}, summary="One social organisation")
    async def detail(self, code: str, org_id: int) -> s.Organization:
        return _organization(await services.get_organization(code, org_id))

    @post("/", opt={"permission": "registry.organization.write"}, summary="Register an organisation")
    async def create(self, code: str, data: s.OrganizationCreate, principal: Principal) -> s.Organization:
        values = msgspec.structs.asdict(data)
        return _organization(await services.create_organization(code, principal.username, values))

    @patch("/{org_id:int}", opt={"permission": "registry.organization.write"}, summary="Update an organisation")
    async def update(self, code: str, org_id: int, data: s.OrganizationUpdate, principal: Principal) -> s.Organization:
        return _organization(await services.update_organization(code, principal.username, org_id, _changes(data)))

    @delete("/{org_id:int}", opt={"permission": "registry.organization.write"}, summary="Delete an organisation")
    async def remove(self, request: Request, code: str, org_id: int, principal: Principal) -> None:
        await services.delete_organization(code, principal.username, org_id, _referrers(request))


class CreditListingController(Controller):
    """An organisation's credit-list entries (published lists, so readable by everyone)."""

    path = "/api/districts/{code:str}/organizations/{org_id:int}/credit-listings"
    tags = ["registry"]

    @get("/", opt={"public": True}, summary="Credit-list entries of an organisation, open and removed, newest first")
    async def list(self, code: str, org_id: int) -> list[s.CreditListing]:
        return [s.CreditListing(**row) for row in await credit.listings(code, org_id)]

    @post("/", opt={"permission": "registry.organization.write"},
          summary="Put an organisation on a credit list; its credit status follows")
    async def add(self, code: str, org_id: int, data: s.CreditListingCreate, principal: Principal) -> s.CreditListing:
        return s.CreditListing(**await credit.add(code, principal.username, org_id, data.credit_list, data.listed_on,
                                                  data.reason))

    @post("/{listing_id:int}/remove", opt={"permission": "registry.organization.write"}, status_code=200,
          summary="Remove an organisation from a list (the entry is kept with the removal day and reason)")
    async def remove(self, code: str, org_id: int, listing_id: int, data: s.CreditListingRemove,
                     principal: Principal) -> s.CreditListing:
        return s.CreditListing(**await credit.remove(code, principal.username, org_id, listing_id, data.removed_on,
                                                     data.reason))


class InspectionController(Controller):
    """An organisation's annual inspection results (announced publicly, so readable by everyone)."""

    path = "/api/districts/{code:str}/organizations/{org_id:int}/inspections"
    tags = ["registry"]

    @get("/", opt={"public": True}, summary="Annual inspection results of an organisation, newest year first")
    async def list(self, code: str, org_id: int) -> list[s.AnnualInspection]:
        return [s.AnnualInspection(**row) for row in await inspections.inspections(code, org_id)]

    @put("/{year:int}", opt={"permission": "registry.organization.write"},
         summary="Record (or correct) the annual inspection result of a year")
    async def record(self, code: str, org_id: int, year: int, data: s.InspectionRecord,
                     principal: Principal) -> s.AnnualInspection:
        return s.AnnualInspection(**await inspections.record(code, principal.username, org_id, year, data.result,
                                                             data.note))


class PersonController(Controller):
    path = "/api/districts/{code:str}/persons"
    tags = ["registry"]

    @get("/", opt={"permission": "registry.person.read"}, summary="List persons (masked)")
    async def list(self, code: str, page: PageNo = 1, per_page: PerPage = 20, q: Q = None,
                   community_code: Annotated[str | None, Parameter()] = None,
                   gender: Annotated[str | None, Parameter(description="男|女")] = None) -> s.PersonPage:
        found = await services.list_persons(code, community_code=community_code, gender=gender, q=q, page=page,
                                            per_page=per_page)
        return s.PersonPage(total=found.total, page=page, per_page=per_page,
                            items=[s.Person(**services.masked_person(r)) for r in found.rows])

    @get("/{person_id:int}", opt={"permission": "registry.person.read"}, summary="One person (masked)")
    async def detail(self, code: str, person_id: int) -> s.Person:
        return s.Person(**services.masked_person(await services.get_person(code, person_id)))

    @get("/{person_id:int}/reveal", opt={"permission": "registry.person.reveal"},
         summary="Full ID number and phone; every reveal is audited (with the reason, when given)")
    async def reveal(self, code: str, person_id: int, principal: Principal,
                     reason: Annotated[str | None, Parameter(max_length=200, description=(
                         "why the full values are needed (查看原因); recorded in the audit entry"))] = None,
                     ) -> s.PersonRevealed:
        return s.PersonRevealed(**await services.reveal_person(code, principal.username, person_id, reason or ""))

    @post("/", opt={"permission": "registry.person.write"}, summary="Register a person")
    async def create(self, code: str, data: s.PersonCreate, principal: Principal) -> s.Person:
        row = await services.create_person(code, principal.username, msgspec.structs.asdict(data))
        return s.Person(**services.masked_person(row))

    @patch("/{person_id:int}", opt={"permission": "registry.person.write"}, summary="Update a person")
    async def update(self, code: str, person_id: int, data: s.PersonUpdate, principal: Principal) -> s.Person:
        row = await services.update_person(code, principal.username, person_id, _changes(data))
        return s.Person(**services.masked_person(row))

    @delete("/{person_id:int}", opt={"permission": "registry.person.write"}, summary="Delete a person")
    async def remove(self, request: Request, code: str, person_id: int, principal: Principal) -> None:
        await services.delete_person(code, principal.username, person_id, _referrers(request))


ROUTES = [CommunityController, OrganizationController, CreditListingController, InspectionController,
          PersonController]
