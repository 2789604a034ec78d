"""Catalogue HTTP API: staff management under /api/districts/{code}/catalogue/,
the public search at /api/search/services, and the public service pages."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import parse_qsl, urlencode

import msgspec
from litestar import Request, delete, get, patch, post
from litestar.params import Parameter, QueryParameter
from litestar.response import Template

from core.auth import Principal
from core.context import AppContext
from core.errors import ApiError
from core.glossary import TARGET_GROUPS
from core.modules import module_settings
from core.tables import Community, Organization
from core.paging import PageNo
from plugins.catalogue import schemas as s
from plugins.catalogue import services
from plugins.catalogue.glossary import FEES
from plugins.catalogue.search import catalogue_districts, document, hit_view, search_services
from plugins.catalogue.services import service_fields
from plugins.catalogue.tables import Service

BASE = "/api/districts/{code:str}/catalogue/services"
MANAGE = {"module": "catalogue"}
Values = Annotated[list[str] | None, Parameter(description="repeat to accept several values")]


def _ctx(request: Request) -> AppContext:
    return request.app.state.ctx


def _kick(request: Request) -> None:
    worker = getattr(request.app.state, "indexer", None)
    if worker is not None:
        worker.kick()


@get(BASE, opt={**MANAGE, "permission": "catalogue.service.read"}, tags=["catalogue"],
     summary="Services of the district, drafts included (organisation staff: their own)")
async def list_services(code: str, principal: Principal, status: str | None = None, field: str | None = None,
                        organization_id: int | None = None, q: str | None = None,
                        page: PageNo = 1,
                        per_page: Annotated[int, Parameter(ge=1, le=100)] = 20) -> s.ServicePage:
    total, rows = await services.list_services(code, principal, status=status, field=field,
                                               organization_id=organization_id, q=q, page=page, per_page=per_page)
    return s.ServicePage(total, page, per_page, [_service(r) for r in rows])


def _service(row: dict) -> s.Service:
    return s.Service(**{f: row[f] for f in s.Service.__struct_fields__})


@get(BASE + "/{service_id:int}", opt={**MANAGE, "permission": "catalogue.service.read"}, tags=["catalogue"])
async def get_service(code: str, service_id: int, principal: Principal) -> s.Service:
    return _service(await services.get(code, service_id, principal))


@post(BASE, opt={**MANAGE, "permission": "catalogue.service.write"}, tags=["catalogue"], summary="Add a service")
async def create_service(request: Request, code: str, data: s.ServiceCreate, principal: Principal) -> s.Service:
    settings = await module_settings(_ctx(request), code, "catalogue")
    row = await services.create(code, principal, msgspec.structs.asdict(data), settings)
    _kick(request)
    return _service(row)


@patch(BASE + "/{service_id:int}", opt={**MANAGE, "permission": "catalogue.service.write"}, tags=["catalogue"])
async def update_service(request: Request, code: str, service_id: int, data: s.ServiceUpdate,
                         principal: Principal) -> s.Service:
    changes = {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not None}
    settings = await module_settings(_ctx(request), code, "catalogue")
    row = await services.update(code, principal, service_id, changes, settings)
    _kick(request)
    return _service(row)


@delete(BASE + "/{service_id:int}", opt={**MANAGE, "permission": "catalogue.service.write"}, tags=["catalogue"])
async def delete_service(request: Request, code: str, service_id: int, principal: Principal) -> None:
    await services.delete(code, principal, service_id)
    _kick(request)


class Vocabulary(msgspec.Struct):
    """The words a service is described with in the district (the shared vocabulary + its own fields)."""

    fields: list[str]
    target_groups: list[str]
    fees: list[str]


@get("/api/districts/{code:str}/catalogue/fields", opt={**MANAGE, "public": True}, tags=["catalogue"],
     summary="Service fields and target groups used in the district")
async def list_fields(request: Request, code: str) -> Vocabulary:
    settings = await module_settings(_ctx(request), code, "catalogue")
    return Vocabulary(fields=service_fields(settings), target_groups=list(TARGET_GROUPS), fees=list(FEES))


@get("/api/search/services", opt={"public": True}, tags=["search"],
     summary="Search published services of every district that enables the catalogue")
async def search(request: Request, q: Annotated[str, Parameter(max_length=100)] = "",
                 district: Values = None, field: Values = None, target: Values = None, community: Values = None,
                 fee: Annotated[list[Literal["free", "subsidised", "paid"]] | None, Parameter()] = None,
                 page: Annotated[int, Parameter(ge=1, le=1000)] = 1,
                 per_page: Annotated[int, Parameter(ge=1, le=50)] = 10) -> s.SearchResponse:
    filters = {k: v for k, v in (("district", district), ("field", field), ("targets", target),
                                 ("communities", community), ("fee", fee)) if v}
    result = await search_services(_ctx(request), request.app.state.search, q=q, filters=filters, page=page,
                                   per_page=per_page)
    return s.SearchResponse(**{**result, "hits": [s.SearchHit(**h) for h in result["hits"]]})


async def public_service(ctx: AppContext, service_id: int) -> dict:
    """A published service of a district that enables the catalogue, as the public sees it."""
    row = await Service.select().where((Service.id == service_id) & (Service.status == "published")).first()
    if row is None or row["district_code"] not in await catalogue_districts(ctx):
        raise ApiError(404, "服务不存在或未公开", "not_found")
    org = await Organization.select(Organization.name, Organization.grade).where(
        Organization.id == row["organization_id"]).first() or {"name": "", "grade": None}
    codes = document(row, org["name"])["communities"]
    names = await Community.select(Community.code, Community.name).where(Community.code.is_in(codes or ["-"]))
    by_code = {n["code"]: n["name"] for n in names}
    return {"service": hit_view(ctx, document(row, org["name"]), {}), "eligibility": row["eligibility"],
            "fee_description": row["fee_description"], "email": row["email"], "source": row["source"],
            "community_names": [by_code.get(c, c) for c in codes], "provider_grade": org["grade"]}


@get("/api/search/services/{service_id:int}", opt={"public": True}, tags=["search"], summary="One public service")
async def service_detail(request: Request, service_id: int) -> s.ServiceDetail:
    detail = await public_service(_ctx(request), service_id)
    return s.ServiceDetail(**{**detail, "service": s.SearchHit(**detail["service"])})


@get("/services", opt={"public": True}, include_in_schema=False)
async def search_page(request: Request, principal: Principal) -> Template:
    from core.web.pages import render

    ctx = _ctx(request)
    districts = [ctx.districts[c] for c in await catalogue_districts(ctx)]
    return render(request, "catalogue/search.html", principal, districts=districts,
                  q=request.query_params.get("q", ""), district=request.query_params.get("district", ""))


SEARCH_KEYS = ("q", "district", "field", "target", "community", "fee", "page")


def back_to_search(query: str | None) -> str:
    """The search page with the query a visitor came from (only the search's own parameters)."""
    kept = [(k, v) for k, v in parse_qsl(query or "")[:40] if k in SEARCH_KEYS and len(v) <= 100]
    return "/services" + (f"?{urlencode(kept)}" if kept else "")


@get("/services/{service_id:int}", opt={"public": True}, include_in_schema=False)
async def detail_page(request: Request, service_id: int, principal: Principal,
                      back: Annotated[str | None, QueryParameter(name="from", max_length=2000)] = None) -> Template:
    """A published service; `?from=<the search's query>` keeps the search for the way back."""
    from core.web.pages import render

    ctx = _ctx(request)
    detail = await public_service(ctx, service_id)
    district = ctx.districts.get(detail["service"]["district"])
    return render(request, "catalogue/detail.html", principal, **detail, back=back_to_search(back), fees=FEES,
                  district_en=(district.name_en or district.name) if district else detail["service"]["district_name"])


@get("/districts/{code:str}/catalogue", opt={**MANAGE, "permission": "catalogue.service.read"},
     include_in_schema=False)
async def manage_page(request: Request, code: str, principal: Principal, status: str | None = None,
                      q: Annotated[str | None, Parameter(max_length=100)] = None, page: PageNo = 1,
                      edit: Annotated[int | None, Parameter(ge=1, le=2**62)] = None,
                      saved: Annotated[int | None, Parameter(ge=1, le=2**62)] = None) -> Template:
    """Staff page: the district's services (organisation staff: their own), searched by name and
    filtered by status; publish/suspend; add a service; `?edit=<id>` opens a service's edit form."""
    from core.web.pages import render
    from plugins.catalogue.glossary import STATUSES

    ctx = _ctx(request)
    per_page = 30
    q = (q or "").strip()
    total, rows = await services.list_services(code, principal, status=status or None, q=q or None, page=page,
                                               per_page=per_page)
    can_write = principal.can("catalogue.service.write", code)
    editing = await services.get(code, edit, principal) if edit and can_write else None
    just_saved = None
    if saved:
        try:
            just_saved = await services.get(code, saved, principal)
        except ApiError:  # a stale or foreign id in the address: no message, the page still shows
            pass
    limit = principal.organization_limit("catalogue.service.write", code)
    orgs = await Organization.select(Organization.id, Organization.name).where(
        (Organization.district_code == code) & Organization.status.is_in(["registered", "filed"])).order_by(
        Organization.id)
    communities = await Community.select(Community.code, Community.name).where(
        (Community.district_code == code) & (Community.kind == "community")).order_by(Community.code)
    settings = await module_settings(ctx, code, "catalogue")
    return render(request, "catalogue/manage.html", principal, district=ctx.districts[code], services=rows,
                  total=total, page=page, pages=max(1, -(-total // per_page)), status=status or "", q=q,
                  statuses=STATUSES, fees=FEES, fields=service_fields(settings), target_groups=list(TARGET_GROUPS),
                  organizations=[o for o in orgs if limit is None or o["id"] in limit], communities=communities,
                  can_write=can_write, editing=editing, just_saved=just_saved)


ROUTES = [manage_page, list_services, get_service, create_service, update_service, delete_service, list_fields, search,
          service_detail, search_page, detail_page]
