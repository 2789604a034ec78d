"""The portal's public routes: page, catalogue (JSON and DCAT JSON-LD), downloads.

`/api/opendata/datasets` and `/api/opendata/datasets/{name}?format=` are the
first API's paths, kept working beside `/opendata/datasets.json` and
`/opendata/{name}.{csv,json,xlsx}`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import Annotated, Literal
from urllib.parse import quote

import msgspec
from litestar import Request, get
from litestar.params import Parameter
from litestar.response import Stream, Template

from core.dates import beijing_time
from core.auth import Principal
from core.context import AppContext
from core.errors import ApiError
import core.opendata.dcat as dcat
from core.opendata.catalogue import UNAVAILABLE, Published, facts, iso, published, published_datasets, unavailable
from core.opendata.formats import FORMATS, WRITERS
from core.web.pages import render

PUBLIC = {"public": True}
log = logging.getLogger("sanshe.opendata")


class DatasetColumnOut(msgspec.Struct):
    name: str
    title: str
    type: str


class DatasetOut(msgspec.Struct):
    name: str
    title: str
    description: str
    module: str
    licence: str
    keywords: list[str]
    columns: list[DatasetColumnOut]
    districts: list[str]
    row_count: int | None
    """None when the dataset cannot be read now (`available` false)."""
    updated: str | None
    formats: list[str]
    downloads: dict[str, str]
    """Absolute download URL per format."""
    available: bool = True
    """False when the dataset cannot be read now: its downloads answer 503 until it can."""
    unavailable_reason: str | None = None


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def catalogue_entries(request: Request) -> list[DatasetOut]:
    ctx: AppContext = request.app.state.ctx
    base = base_url(request)
    out = []
    for item in await published_datasets(ctx):
        ds = item.dataset
        known = await facts(item)
        out.append(DatasetOut(
            name=ds.name, title=ds.title, description=ds.description, module=ds.module, licence=ds.licence,
            keywords=list(ds.keywords), columns=[DatasetColumnOut(c.name, c.title, c.type) for c in ds.columns],
            districts=item.districts, row_count=known.row_count, updated=iso(known.updated),
            formats=list(FORMATS), downloads={f: f"{base}/opendata/{quote(ds.name)}.{f}" for f in FORMATS},
            available=known.available, unavailable_reason=None if known.available else UNAVAILABLE,
        ))
    return out


def _page_entry(entry: DatasetOut) -> dict:
    """An unavailable dataset is shown as such: a note in its title and text, no count (the
    template shows a dash), no download links."""
    values = msgspec.structs.asdict(entry)
    if not entry.available:
        values.update(title=f"{entry.title}（暂时无法提供）", description=f"{entry.description}（{UNAVAILABLE}）", formats=[])
    return values


@get("/opendata", opt=PUBLIC, include_in_schema=False)
async def portal(request: Request, principal: Principal) -> Template:
    ctx: AppContext = request.app.state.ctx
    entries = await catalogue_entries(request)
    datasets = [{
        **_page_entry(e),
        "licence_url": dcat.licence_url(e.licence),
        "updated_text": beijing_time(e.updated),
        "district_names": [ctx.districts[code] for code in e.districts],
    } for e in entries]
    return render(request, "opendata.html", principal, datasets=datasets, base=base_url(request))


@get(["/opendata/datasets.json", "/api/opendata/datasets"], opt=PUBLIC, tags=["opendata"],
     summary="Published datasets (catalogue)")
async def list_datasets(request: Request) -> list[DatasetOut]:
    return await catalogue_entries(request)


@get("/opendata/catalog.jsonld", opt=PUBLIC, tags=["opendata"], summary="Catalogue as DCAT-AP 3.0.1 JSON-LD",
     media_type="application/ld+json")
async def dcat_catalog(request: Request) -> dcat.DcatCatalog:
    ctx: AppContext = request.app.state.ctx
    entries = [msgspec.structs.asdict(e) for e in await catalogue_entries(request)]
    return dcat.catalog(ctx, base_url(request), entries, await dcat.published_services(ctx))


def _attachment(name: str, extension: str) -> str:
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    return f"attachment; filename=\"{fallback}.{extension}\"; filename*=UTF-8''{quote(name)}.{extension}"


async def _first_then_rest(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The writer's chunks, its first one read before the answer starts: a dataset that cannot
    be read answers 503 instead of a broken 200 (a writer buffers ~64 KiB, XLSX the whole file)."""
    first = await anext(chunks, None)

    async def stream() -> AsyncIterator[bytes]:
        if first is not None:
            yield first
        async for chunk in chunks:
            yield chunk

    return stream()


async def _stream(item: Published, fmt: str) -> Stream:
    try:
        chunks = await _first_then_rest(WRITERS[fmt](item.dataset, item.districts))
    except Exception:
        log.exception("open dataset %r cannot be downloaded as %s", item.name, fmt)
        raise unavailable(item.name) from None
    return Stream(
        chunks,
        media_type=FORMATS[fmt].media_type,
        headers={"Content-Disposition": _attachment(item.name, fmt), "X-Content-Type-Options": "nosniff"},
    )


DOWNLOADS = tuple(f.media_type for f in FORMATS.values())


@get("/opendata/{filename:str}", opt={**PUBLIC, "downloads": DOWNLOADS, "errors": (503,)}, tags=["opendata"],
     summary="Download a dataset: <name>.csv|json|xlsx")
async def download_file(request: Request, filename: str) -> Stream:
    name, dot, extension = filename.rpartition(".")
    if not dot:
        raise ApiError(404, f"数据集“{filename}”不存在或尚未公开", "dataset_not_found")
    item = await published(request.app.state.ctx, name)
    if extension not in FORMATS:
        raise ApiError(404, f"不支持的下载格式“{extension}”，可选：{'、'.join(FORMATS)}", "unknown_format")
    return await _stream(item, extension)


@get("/api/opendata/datasets/{name:str}", opt={**PUBLIC, "downloads": DOWNLOADS, "errors": (503,)}, tags=["opendata"],
     summary="Download a dataset (streamed)")
async def download(
    request: Request,
    name: str,
    format: Annotated[Literal["csv", "json", "xlsx"], Parameter(description="csv, json or xlsx")] = "csv",
) -> Stream:
    return await _stream(await published(request.app.state.ctx, name), format)


ROUTES = [portal, list_datasets, dcat_catalog, download_file, download]
