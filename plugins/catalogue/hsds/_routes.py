"""The HSDS API endpoints under /opendata/hsds, as the HSDS 3.0 API reference (its
openapi.json) lays them out. Public; only published services and registered or filed
organisations of districts that enable the catalogue are ever answered."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from litestar import Request, get
from litestar.params import QueryParameter

from core.context import AppContext
from core.errors import ApiError
from core.tables import Organization
from core.paging import MAX_PAGE
from plugins.catalogue.hsds import _queries as q
from plugins.catalogue.hsds._documents import (
    HsdsApiInfo, HsdsOrganization, HsdsOrganizationPage, HsdsService, HsdsServiceAtLocation, HsdsServiceAtLocationPage,
    HsdsServicePage, HsdsTaxonomy, HsdsTaxonomyPage, HsdsTaxonomyTerm, HsdsTaxonomyTermPage,
)
from plugins.catalogue.hsds._listing import (
    organization_by_pk, organization_documents, service_at_location_documents, service_columns, service_documents,
)
from plugins.catalogue.hsds._records import ORG_COLUMNS
from plugins.catalogue.hsds._taxonomy import (
    TAXONOMIES, TAXONOMY_KEYS, find_term, taxonomy_document, vocabulary,
)
from plugins.catalogue.search import catalogue_districts
from plugins.catalogue.tables import Service

BASE = "/opendata/hsds"
VERSION = "3.0"
PROFILE = "https://github.com/openreferral/specification/tree/3.0/schema"  # core HSDS 3.0, no profile
MAX_PER_PAGE, MAX_MINIMAL = 500, 10000
PUBLIC = {"public": True, "errors": (400,)}  # every endpoint refuses unknown query parameters
LISTS = {**PUBLIC, "streams": ("application/x-ndjson",)}  # a list also streams, with format=ndjson
TAGS = ["opendata"]

Page = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE, description="Page number (from 1)")]  # offset fits 64 bits
PerPage = Annotated[int | None, QueryParameter(ge=1, le=MAX_MINIMAL, description=(
    f"Items per page: default 50, at most {MAX_PER_PAGE}; with minimal=true default and at most {MAX_MINIMAL}"))]
Search = Annotated[str | None, QueryParameter(
    max_length=100, description="Text in the name, description or address (organisations: the name)")]
Format = Annotated[Literal["json", "ndjson"], QueryParameter(
    description="ndjson streams every matching record, one JSON document per line, without pagination")]
Id = Annotated[str | None, QueryParameter(description="An HSDS id (UUID)")]
Full = Annotated[bool | None, QueryParameter(description="Fully nested records (the default for ndjson)")]
Since = Annotated[datetime | None, QueryParameter(description="Modified on or after (RFC 3339; without a zone: UTC)")]
Minimal = Annotated[bool, QueryParameter(
    description="Only id, name, status and last_modified, every service in one page by default")]
FullService = Annotated[bool, QueryParameter(description="Nest each service fully, not only its one-to-one fields")]
TopOnly = Annotated[bool, QueryParameter(description="Top-level terms only (all of ours: our taxonomies are flat)")]


def _ctx(request: Request) -> AppContext:
    return request.app.state.ctx


def _per_page(per_page: int | None, minimal: bool = False) -> int:
    if per_page is None:
        return MAX_MINIMAL if minimal else 50
    if per_page > MAX_PER_PAGE and not minimal:
        raise q.bad_parameter("per_page", f"每页最多 {MAX_PER_PAGE} 条（minimal=true 时最多 {MAX_MINIMAL} 条）")
    return per_page


@get(BASE, opt=PUBLIC, tags=TAGS, summary="About this HSDS API: HSDS version, profile, OpenAPI document")
async def hsds_api(request: Request) -> HsdsApiInfo:
    q.check_query(request, "item")
    return HsdsApiInfo(version=VERSION, profile=PROFILE,
                       openapi_url=f"{str(request.base_url).rstrip('/')}/schema/openapi.json")


@get(f"{BASE}/services", opt=LISTS, tags=TAGS, summary="Services as HSDS 3.0 (list items; full=true: full records)")
async def hsds_services(request: Request, page: Page = 1, per_page: PerPage = None, format: Format = "json",
                        search: Search = None, taxonomy_term_id: Id = None, taxonomy_id: Id = None,
                        organization_id: Id = None, modified_after: Since = None, minimal: Minimal = False,
                        full: Full = None) -> HsdsServicePage:
    q.check_query(request, "services")
    if minimal and full:
        raise q.bad_parameter("minimal", "minimal 与 full 不能同时为 true")
    ctx = _ctx(request)
    filters = q.ServiceFilters(search, modified_after, organization_id, taxonomy_term_id, taxonomy_id)
    where = await q.service_where(ctx, await catalogue_districts(ctx), filters)
    nested = full if full is not None else format == "ndjson"
    mode = "minimal" if minimal else "full" if nested else "list"
    if format == "ndjson":
        return q.ndjson(await service_documents(ctx, rows, mode)  # type: ignore[return-value]
                        async for rows in q.row_batches(Service, service_columns(mode), where))
    size = _per_page(per_page, minimal)
    total, rows = await q.rows_page(Service, service_columns(mode), where, page, size)
    return q.envelope(HsdsServicePage, total, page, size, await service_documents(ctx, rows, mode))


@get(f"{BASE}/services/{{id:str}}", opt=PUBLIC, tags=TAGS, summary="One service as HSDS 3.0, fully nested")
async def hsds_service(request: Request, id: str) -> HsdsService:
    q.check_query(request, "item")
    ctx = _ctx(request)
    pk = q.record_pk("service", id)
    where = await q.service_where(ctx, await catalogue_districts(ctx), q.ServiceFilters())
    row = await Service.select().where(*where, Service.id == pk).first() if pk is not None else None
    if row is None:
        raise ApiError(404, "服务不存在或未公开", "not_found")
    return (await service_documents(ctx, [row], "full"))[0]


@get(f"{BASE}/service_at_locations", opt=LISTS, tags=TAGS,
     summary="Services at their locations as HSDS 3.0 (list items; full=true: full records)")
async def hsds_services_at_locations(request: Request, page: Page = 1, per_page: PerPage = None,
                                     format: Format = "json", search: Search = None, taxonomy_term_id: Id = None,
                                     taxonomy_id: Id = None, organization_id: Id = None, modified_after: Since = None,
                                     full: Full = None) -> HsdsServiceAtLocationPage:
    q.check_query(request, "service_at_locations")
    ctx = _ctx(request)
    filters = q.ServiceFilters(search, modified_after, organization_id, taxonomy_term_id, taxonomy_id)
    where = [*await q.service_where(ctx, await catalogue_districts(ctx), filters), Service.address != ""]
    nested = full if full is not None else format == "ndjson"
    if format == "ndjson":
        return q.ndjson(await service_at_location_documents(ctx, rows, nested)  # type: ignore[return-value]
                        async for rows in q.row_batches(Service, (), where))
    size = _per_page(per_page)
    total, rows = await q.rows_page(Service, (), where, page, size)
    return q.envelope(HsdsServiceAtLocationPage, total, page, size,
                      await service_at_location_documents(ctx, rows, nested))


@get(f"{BASE}/service_at_locations/{{id:str}}", opt=PUBLIC, tags=TAGS,
     summary="One service at its location as HSDS 3.0 service_at_location, fully nested")
async def hsds_service_at_location(request: Request, id: str) -> HsdsServiceAtLocation:
    q.check_query(request, "item")
    ctx = _ctx(request)
    pk = q.record_pk("service_at_location", id)
    where = await q.service_where(ctx, await catalogue_districts(ctx), q.ServiceFilters())
    row = await Service.select().where(*where, Service.address != "", Service.id == pk).first() \
        if pk is not None else None
    if row is None:
        raise ApiError(404, "服务地点不存在或未公开", "not_found")
    return (await service_at_location_documents(ctx, [row], True))[0]


@get(f"{BASE}/organizations", opt=LISTS, tags=TAGS,
     summary="Organisations as HSDS 3.0 (list items; full=true or full_service=true: full records)")
async def hsds_organizations(request: Request, page: Page = 1, per_page: PerPage = None, format: Format = "json",
                             search: Search = None, modified_after: Since = None, full: Full = None,
                             full_service: FullService = False) -> HsdsOrganizationPage:
    q.check_query(request, "organizations")
    ctx = _ctx(request)
    districts = await catalogue_districts(ctx)
    where = q.organization_where(districts, search, modified_after)
    services = await q.service_where(ctx, districts, q.ServiceFilters())
    nested = full if full is not None else format == "ndjson"
    if format == "ndjson":
        return q.ndjson(await organization_documents(ctx, services, rows, full=nested, full_service=full_service)
                        async for rows in q.row_batches(Organization, ORG_COLUMNS, where))  # type: ignore[return-value]
    size = _per_page(per_page)
    total, rows = await q.rows_page(Organization, ORG_COLUMNS, where, page, size)
    return q.envelope(HsdsOrganizationPage, total, page, size,
                      await organization_documents(ctx, services, rows, full=nested, full_service=full_service))


@get(f"{BASE}/organizations/{{id:str}}", opt=PUBLIC, tags=TAGS,
     summary="One organisation as HSDS 3.0, fully nested, with its services (full with full_service=true)")
async def hsds_organization(request: Request, id: str, full_service: FullService = False) -> HsdsOrganization:
    q.check_query(request, "organization")
    ctx = _ctx(request)
    districts = await catalogue_districts(ctx)
    pk = q.record_pk("organization", id)
    org = await organization_by_pk(pk, q.organization_where(districts, None, None)) if pk is not None else None
    if org is None:
        raise ApiError(404, "组织不存在或未公开", "not_found")
    services = await q.service_where(ctx, districts, q.ServiceFilters())
    return (await organization_documents(ctx, services, [org], full=True, full_service=full_service))[0]


@get(f"{BASE}/taxonomies", opt=LISTS, tags=TAGS, summary="Our taxonomies as HSDS 3.0")
async def hsds_taxonomies(request: Request, page: Page = 1, per_page: PerPage = None, format: Format = "json",
                          search: Search = None) -> HsdsTaxonomyPage:
    q.check_query(request, "taxonomies")
    found = [taxonomy_document(key) for key in TAXONOMIES]
    found = [t for t in found if not search or search.lower() in f"{t.name} {t.description}".lower()]
    if format == "ndjson":
        return q.ndjson(q.one_batch(found))  # type: ignore[return-value]
    return q.list_page(HsdsTaxonomyPage, found, page, _per_page(per_page))


@get(f"{BASE}/taxonomies/{{id:str}}", opt=PUBLIC, tags=TAGS, summary="One taxonomy as HSDS 3.0")
async def hsds_taxonomy(request: Request, id: str) -> HsdsTaxonomy:
    q.check_query(request, "item")
    key = TAXONOMY_KEYS.get(q.uuid_parameter("id", id))
    if key is None:
        raise ApiError(404, "分类体系不存在", "not_found")
    return taxonomy_document(key)


@get(f"{BASE}/taxonomy_terms", opt=LISTS, tags=TAGS,
     summary="Terms of our taxonomies as HSDS 3.0 (service fields, target groups, evaluation grades)")
async def hsds_taxonomy_terms(request: Request, page: Page = 1, per_page: PerPage = None, format: Format = "json",
                              search: Search = None, taxonomy_id: Id = None, top_only: TopOnly = False,
                              parent_id: Id = None) -> HsdsTaxonomyTermPage:
    q.check_query(request, "taxonomy_terms")
    terms = await vocabulary(_ctx(request), await catalogue_districts(_ctx(request)))
    if taxonomy_id is not None:
        key = TAXONOMY_KEYS.get(q.uuid_parameter("taxonomy_id", taxonomy_id))
        terms = [t for t in terms if t.taxonomy == key]
    if parent_id is not None:
        q.uuid_parameter("parent_id", parent_id)
        terms = []  # our taxonomies are flat: no term has a parent
    # top_only: every term of ours is top-level (and has no children), so it keeps them all
    found = [t.document() for t in terms if not search or t.matches(search)]
    if format == "ndjson":
        return q.ndjson(q.one_batch(found))  # type: ignore[return-value]
    return q.list_page(HsdsTaxonomyTermPage, found, page, _per_page(per_page))


@get(f"{BASE}/taxonomy_terms/{{id:str}}", opt=PUBLIC, tags=TAGS, summary="One taxonomy term as HSDS 3.0")
async def hsds_taxonomy_term(request: Request, id: str) -> HsdsTaxonomyTerm:
    q.check_query(request, "item")
    term = await find_term(_ctx(request), await catalogue_districts(_ctx(request)), q.uuid_parameter("id", id))
    if term is None:
        raise ApiError(404, "分类词条不存在", "not_found")
    return term.document()


ROUTES = [hsds_api, hsds_services, hsds_service, hsds_services_at_locations, hsds_service_at_location,
          hsds_organizations, hsds_organization, hsds_taxonomies, hsds_taxonomy, hsds_taxonomy_terms,
          hsds_taxonomy_term]
