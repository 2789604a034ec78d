"""Open data: datasets plugins contribute, published with their public columns only.

This is the core of the portal (listing and streaming CSV/JSON downloads); the
full portal (XLSX, HSDS, DCAT, pages) grows on it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from typing import Annotated, Literal

import msgspec
from litestar import Request, get
from litestar.params import Parameter
from litestar.response import Stream

from core.context import AppContext
from core.contrib import Dataset
from core.errors import ApiError
from core.modules import enabled_modules


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
    columns: list[DatasetColumnOut]
    formats: list[str]
    districts: list[str]


async def _districts_enabling(ctx: AppContext, module: str) -> list[str]:
    return [code for code in ctx.districts if module in await enabled_modules(ctx, code)]


@get("/api/opendata/datasets", opt={"public": True}, tags=["opendata"], summary="Published datasets")
async def list_datasets(request: Request) -> list[DatasetOut]:
    ctx: AppContext = request.app.state.ctx
    out = []
    for ds in ctx.contributions.datasets.values():
        districts = await _districts_enabling(ctx, ds.module)
        if districts:
            columns = [DatasetColumnOut(c.name, c.title, c.type) for c in ds.columns]
            out.append(DatasetOut(ds.name, ds.title, ds.description, ds.module, ds.licence, columns,
                                  ["csv", "json"], districts))
    return out


async def _public_rows(ds: Dataset, districts: list[str]) -> AsyncIterator[dict]:
    names = [c.name for c in ds.columns]
    async for row in ds.rows(districts):
        yield {name: row.get(name) for name in names}


async def _csv(ds: Dataset, districts: list[str]) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.title for c in ds.columns])
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM so Excel reads UTF-8
    async for row in _public_rows(ds, districts):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["" if v is None else v for v in row.values()])
        yield buffer.getvalue().encode("utf-8")


async def _json(ds: Dataset, districts: list[str]) -> AsyncIterator[bytes]:
    yield b"["
    first = True
    async for row in _public_rows(ds, districts):
        yield (b"" if first else b",") + json.dumps(row, ensure_ascii=False, default=str).encode("utf-8")
        first = False
    yield b"]"


@get("/api/opendata/datasets/{name:str}", opt={"public": True}, tags=["opendata"],
     summary="Download a dataset (streamed)", media_type="text/csv")
async def download(request: Request, name: str,
                   format: Annotated[Literal["csv", "json"], Parameter(description="csv or json")] = "csv") -> Stream:
    ctx: AppContext = request.app.state.ctx
    ds = ctx.contributions.datasets.get(name)
    districts = await _districts_enabling(ctx, ds.module) if ds else []
    if ds is None or not districts:
        raise ApiError(404, f"数据集 {name} 不存在或未公开", "not_found")
    if format == "json":
        return Stream(_json(ds, districts), media_type="application/json")
    return Stream(_csv(ds, districts), media_type="text/csv; charset=utf-8",
                  headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


ROUTES = [list_datasets, download]
