"""The HSDS API's query parameters, filters, pages and streams.

Which endpoint takes which parameter follows the reference openapi.json (HSDS 3.0); we
also take `modified_after` on `/organizations`. A parameter we cannot honour (`postcode`,
`proximity`: we hold neither postcodes nor coordinates; `page` with `format=ndjson`) or do
not know answers 400 naming it — never an answer that silently ignores it. Filters are
cumulative (AND), as the reference requires."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import msgspec
from litestar import Request
from piccolo.table import Table

from core.context import AppContext
from core.errors import ApiError
from core.responses import TypedStream
from core.tables import Organization
from plugins.catalogue.hsds._ids import is_uuid, pk_from_hsds_id
from plugins.catalogue.hsds._taxonomy import TAXONOMY_KEYS, find_term
from plugins.catalogue.tables import Service

BATCH = 500
LISTED = ("search", "page", "per_page", "format")
PARAMS = {
    "services": {*LISTED, "taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after", "minimal", "full"},
    "service_at_locations": {*LISTED, "taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after", "full"},
    "organizations": {*LISTED, "full_service", "full", "modified_after"},
    "organization": {"full_service"},
    "taxonomies": {*LISTED},
    "taxonomy_terms": {*LISTED, "taxonomy_id", "top_only", "parent_id"},
    "item": set(),
}
UNHONOURED = {
    "postcode": "本平台没有邮政编码数据，无法按邮政编码筛选（请用 search 或 organization_id）",
    "proximity": "本平台没有服务地点的坐标，无法按距离筛选",
}
ORG_STATUSES_PUBLISHED = ["registered", "filed"]


def check_query(request: Request, endpoint: str) -> None:
    """400 for a query parameter this endpoint does not take or cannot honour."""
    names = sorted(set(request.query_params.keys()))
    errors = [(name, UNHONOURED.get(name, "不支持的查询参数")) for name in names if name not in PARAMS[endpoint]]
    if request.query_params.get("format") == "ndjson":
        errors += [(name, "format=ndjson 不分页，一次输出全部记录") for name in ("page", "per_page") if name in names]
    if errors:
        raise ApiError(400, f"不支持的查询参数：{'、'.join(name for name, _ in errors)}", "unsupported_parameter", errors)


def bad_parameter(name: str, message: str) -> ApiError:
    return ApiError(400, f"查询参数 {name} 有误：{message}", "invalid_parameter", [(name, message)])


def record_pk(kind: str, value: str, name: str = "id") -> int | None:
    """Our id from an HSDS UUID (or a plain number); None for a UUID that is not one of ours."""
    if value.isascii() and value.isdigit():  # "²".isdigit() is true, but it is no number
        if len(value) > 18:
            raise bad_parameter(name, "编号超出范围")
        return int(value)
    if not is_uuid(value):
        raise bad_parameter(name, "应为 HSDS 标识（UUID）")
    return pk_from_hsds_id(kind, value)


def uuid_parameter(name: str, value: str) -> str:
    if not is_uuid(value):
        raise bad_parameter(name, "应为 UUID")
    return value


def since(moment: datetime) -> datetime:
    """`modified_after` is inclusive ("on or after"); a time without a zone is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@dataclass
class ServiceFilters:
    search: str | None = None
    modified_after: datetime | None = None
    organization_id: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None


async def service_where(ctx: AppContext, districts: list[str], filters: ServiceFilters) -> list:
    """Published services of catalogue districts matching every filter given."""
    nothing = Service.id < 0
    where = [Service.status == "published", Service.district_code.is_in(districts or [""])]
    if filters.search:
        where.append(Service.name.like(f"%{filters.search}%") | Service.description.like(f"%{filters.search}%")
                     | Service.address.like(f"%{filters.search}%"))
    if filters.modified_after:
        where.append(Service.updated_at >= since(filters.modified_after))
    if filters.organization_id is not None:
        pk = record_pk("organization", filters.organization_id, "organization_id")
        where.append(nothing if pk is None else Service.organization_id == pk)
    if filters.taxonomy_term_id is not None:
        wanted = uuid_parameter("taxonomy_term_id", filters.taxonomy_term_id)
        term = await find_term(ctx, districts, wanted)
        if term is not None and term.taxonomy == "service_field":
            where.append(Service.field == term.value)
        elif term is not None and term.taxonomy == "target_group":
            where.append(Service.target_groups.like(f'%"{term.value}"%'))  # a JSON list of strings
        else:
            where.append(nothing)  # no service carries a grade, nor an unknown term
    if filters.taxonomy_id is not None:
        key = TAXONOMY_KEYS.get(uuid_parameter("taxonomy_id", filters.taxonomy_id))
        if key == "target_group":
            where.append(Service.target_groups.like('%"%'))  # at least one target group
        elif key != "service_field":  # every service has a field
            where.append(nothing)
    return where


def organization_where(districts: list[str], search: str | None, modified_after: datetime | None) -> list:
    where = [Organization.district_code.is_in(districts or [""]), Organization.status.is_in(ORG_STATUSES_PUBLISHED)]
    if search:
        where.append(Organization.name.like(f"%{search}%"))
    if modified_after:
        where.append(Organization.updated_at >= since(modified_after))
    return where


async def rows_page(table: type[Table], columns: Iterable, where: list, page: int,
                    per_page: int) -> tuple[int, list[dict[str, Any]]]:
    total = await table.count().where(*where)
    rows = await table.select(*columns).where(*where).order_by(table.id).limit(per_page).offset((page - 1) * per_page)
    return total, rows


async def row_batches(table: type[Table], columns: Iterable, where: list) -> AsyncIterator[list[dict[str, Any]]]:
    """Every matching row, in id order, a batch at a time (keyset: no growing offsets)."""
    after = 0
    while rows := await table.select(*columns).where(*where, table.id > after).order_by(table.id).limit(BATCH):
        yield rows
        after = rows[-1]["id"]


def envelope(page_type: type, total: int, page: int, per_page: int, contents: list) -> Any:
    pages = max(1, math.ceil(total / per_page))
    return page_type(total_items=total, total_pages=pages, page_number=page, size=len(contents),
                     first_page=page == 1, last_page=page >= pages, empty=not contents, contents=contents)


def list_page(page_type: type, items: list, page: int, per_page: int) -> Any:
    """A page of a list held in memory (our taxonomies are small)."""
    return envelope(page_type, len(items), page, per_page, items[(page - 1) * per_page: page * per_page])


def ndjson(batches: AsyncIterator[list[msgspec.Struct]]) -> TypedStream:
    """One JSON document per line, streamed as the batches come."""

    async def lines() -> AsyncIterator[bytes]:
        async for docs in batches:
            yield b"".join(msgspec.json.encode(doc) + b"\n" for doc in docs)

    return TypedStream(lines(), media_type="application/x-ndjson")


async def one_batch(items: list) -> AsyncIterator[list]:
    yield items
