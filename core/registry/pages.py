"""Registry pages (issue 12 item 2): streets and communities, social organisations and persons as
pages with search, filters and paging, and a record page for an organisation and for a person.

Each page asks what its API asks: the community and organisation lists are published registers
(public); persons need `registry.person.read` in the district and are always masked — the person
page shows the full ID number and phone only through the audited reveal API, after asking why
(core/web/static/registry.js). The queries are the API's own (core/registry/services.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import Parameter
from litestar.response import Template

from core.auth import Principal
from core.codes import mask_phone
from core.glossary import (
    COMMUNITY_KINDS,
    CREDIT_LISTS,
    CREDIT_STATUSES,
    GRADES,
    INSPECTION_RESULTS,
    LEGAL_TYPES,
    ORG_STATUSES,
    label,
)
from core.paging import PageNo
from core.registry import credit, inspections, services, stations
from core.tables import Community
from core.web.i18n import language_of
from core.web.pages import render

PAGE_SIZE = 20
PERSON_READ = {"permission": "registry.person.read"}
Query = Annotated[str | None, Parameter(max_length=50, description="part of the name")]
Choice = Annotated[str | None, Parameter(max_length=32)]

# Status tags by meaning (the words are shown too): a tone per stored value.
CREDIT_TONES = {"normal": "ok", "abnormal": "wait", "serious": "bad"}
STATUS_TONES = {"registered": "ok", "filed": "ok", "deregistered": "done", "revoked": "bad"}
INSPECTION_TONES = {"qualified": "ok", "basically_qualified": "wait", "unqualified": "bad", "not_inspected": "bad"}


def _name_part(q: str | None) -> str:
    """The search text without LIKE's wildcards (a name never holds them)."""
    return "".join(ch for ch in (q or "").strip() if ch not in "%_\\")


def _known(value: str | None, table: dict) -> str | None:
    """A filter value the glossary knows, else no filter (a hand-edited URL shows everything)."""
    return value if value in table else None


def _filters(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, "")}


def _paging(page: int, total: int) -> dict[str, int]:
    return {"page": page, "pages": max(1, -(-total // PAGE_SIZE)), "total": total}


def _choices(table: dict[str, tuple[str, str]], lang: str) -> dict[str, str]:
    return {value: label(table, value, lang) for value in table}


async def _community_names(code: str, codes: set[str | None] | None = None) -> dict[str, str]:
    """Names of the district's streets and communities (only `codes`, when given)."""
    where = Community.district_code == code
    if codes is not None:
        where &= Community.code.is_in([c for c in codes if c] or [""])
    rows = await Community.select(Community.code, Community.name).where(where)
    return {r["code"]: r["name"] for r in rows}


def _page(request: Request, template: str, principal: Principal, code: str, **context: Any) -> Template:
    return render(request, template, principal, district=request.app.state.ctx.districts[code], **context)


@get("/districts/{code:str}/communities", opt={"public": True}, include_in_schema=False)
async def communities_page(request: Request, code: str, principal: Principal, page: PageNo = 1, q: Query = None,
                           kind: Choice = None) -> Template:
    """Streets (街道/乡镇) and their communities (社区/村) in code order, so each street heads its own."""
    filters = _filters(q=_name_part(q), kind=_known(kind, COMMUNITY_KINDS))
    found = await services.list_communities(code, kind=filters.get("kind"), q=filters.get("q"), page=page,
                                            per_page=PAGE_SIZE)
    names = await _community_names(code)
    counts: dict[str, int] = {}
    for row in await Community.select(Community.parent_code).where(
            (Community.district_code == code) & (Community.kind == "community")):
        counts[row["parent_code"]] = counts.get(row["parent_code"], 0) + 1
    lang = language_of(request)
    return _page(request, "registry_communities.html", principal, code, rows=found.rows, names=names, counts=counts,
                 filters=filters, kinds=_choices(COMMUNITY_KINDS, lang), **_paging(page, found.total))


@get("/districts/{code:str}/organizations", opt={"public": True}, include_in_schema=False)
async def organizations_page(request: Request, code: str, principal: Principal, page: PageNo = 1, q: Query = None,
                             type: Choice = None, grade: Choice = None, credit: Choice = None,
                             status: Choice = None) -> Template:
    """The district's social organisations with grade, credit status and registration state."""
    filters = _filters(q=_name_part(q), type=_known(type, LEGAL_TYPES), grade=_known(grade, GRADES),
                       credit=_known(credit, CREDIT_STATUSES), status=_known(status, ORG_STATUSES))
    found = await services.list_organizations(code, legal_type=filters.get("type"), grade=filters.get("grade"),
                                              credit_status=filters.get("credit"), status=filters.get("status"),
                                              q=filters.get("q"), page=page, per_page=PAGE_SIZE)
    lang = language_of(request)
    return _page(request, "registry_organizations.html", principal, code, rows=found.rows, filters=filters,
                 types=_choices(LEGAL_TYPES, lang), grades=_choices(GRADES, lang),
                 credits=_choices(CREDIT_STATUSES, lang), statuses=_choices(ORG_STATUSES, lang),
                 credit_tones=CREDIT_TONES, status_tones=STATUS_TONES, **_paging(page, found.total))


@get("/districts/{code:str}/organizations/{org_id:int}", opt={"public": True}, include_in_schema=False)
async def organization_page(request: Request, code: str, org_id: int, principal: Principal) -> Template:
    """One organisation's record: registration, grade, credit-list entries and annual inspections."""
    org = await services.get_organization(code, org_id)
    org["contact_phone"] = mask_phone(org["contact_phone"]) or ""
    lang = language_of(request)
    return _page(request, "registry_organization.html", principal, code, org=org,
                 community=(await _community_names(code, {org["community_code"]})).get(org["community_code"] or ""),
                 listings=await credit.listings(code, org_id), inspections=await inspections.inspections(code, org_id),
                 types=_choices(LEGAL_TYPES, lang), grades=_choices(GRADES, lang),
                 credits=_choices(CREDIT_STATUSES, lang), statuses=_choices(ORG_STATUSES, lang),
                 lists=_choices(CREDIT_LISTS, lang), results=_choices(INSPECTION_RESULTS, lang),
                 credit_tones=CREDIT_TONES, status_tones=STATUS_TONES, inspection_tones=INSPECTION_TONES,
                 can_write=principal.can("registry.organization.write", code))


@get("/districts/{code:str}/persons", opt=PERSON_READ, include_in_schema=False)
async def persons_page(request: Request, code: str, principal: Principal, page: PageNo = 1,
                       q: Query = None) -> Template:
    """Persons of the district, masked (ID number and phone), searched by name."""
    filters = _filters(q=_name_part(q))
    found = await services.list_persons(code, q=filters.get("q"), page=page, per_page=PAGE_SIZE)
    rows = [services.masked_person(r) for r in found.rows]
    return _page(request, "registry_persons.html", principal, code, rows=rows, filters=filters,
                 names=await _community_names(code, {r["community_code"] for r in rows}),
                 **_paging(page, found.total))


@get("/districts/{code:str}/persons/{person_id:int}", opt=PERSON_READ, include_in_schema=False)
async def person_page(request: Request, code: str, person_id: int, principal: Principal) -> Template:
    """One person, masked; "查看完整信息" asks why, then calls the audited reveal API."""
    row = await services.get_person(code, person_id)
    person = services.masked_person(row)
    return _page(request, "registry_person.html", principal, code, person=person, updated_at=row["updated_at"],
                 community=(await _community_names(code, {person["community_code"]})).get(
                     person["community_code"] or ""),
                 can_reveal=principal.can("registry.person.reveal", code))


@get("/districts/{code:str}/streets/{street_code:str}", opt={"public": True}, include_in_schema=False)
async def street_page(request: Request, code: str, street_code: str, principal: Principal) -> Template:
    """A street (乡镇/街道): its communities and its social-work station (open one and history);
    staff with the registry's community write permission get the station's form (core/web/static/station.js)."""
    found = await stations.stations(code, street_code)
    communities = await Community.select(Community.code, Community.name).where(
        (Community.district_code == code) & (Community.parent_code == street_code)).order_by(Community.code)
    return _page(request, "registry_street.html", principal, code, street=found, communities=communities,
                 can_write=principal.can(stations.WRITE, code))


@get("/districts/{code:str}/stations", opt={"public": True}, include_in_schema=False)
async def stations_page(request: Request, code: str, principal: Principal) -> Template:
    """乡镇（街道）社工站一览: every street with its running station, those without one first, and
    the coverage today (the records behind the coverage indicator)."""
    return _page(request, "registry_stations.html", principal, code, found=await stations.overview(code))


ROUTES = [communities_page, organizations_page, organization_page, persons_page, person_page, street_page,
          stations_page]
