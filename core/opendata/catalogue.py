"""Which datasets are published, where, how many rows and when they last changed.

A dataset whose plugin raises while it is counted or dated is reported unavailable
(and the error logged): one bad row never takes the portal down for the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.context import AppContext
from core.contrib import Dataset
from core.errors import ApiError
from core.modules import enabled_modules
from core.opendata.indicators import bound

log = logging.getLogger("sanshe.opendata")

UNAVAILABLE = "数据暂时无法读取，请稍后再试"
"""What the catalogue says of a dataset that cannot be read (the cause is logged, never published)."""


@dataclass(frozen=True)
class Published:
    """A dataset and the districts (codes, installation order) that publish it."""

    dataset: Dataset
    districts: list[str]

    @property
    def name(self) -> str:
        return self.dataset.name


async def districts_by_module(ctx: AppContext) -> dict[str, list[str]]:
    """Module → the districts (installation order) that enable it; a module no district enables is
    absent. Core ("core": its own datasets) is on in every district."""
    out: dict[str, list[str]] = {"core": list(ctx.districts)} if ctx.districts else {}
    for code in ctx.districts:
        for module in await enabled_modules(ctx, code):
            out.setdefault(module, []).append(code)
    return out


async def published_datasets(ctx: AppContext) -> list[Published]:
    """Every dataset whose module at least one district enables."""
    enabling = await districts_by_module(ctx)
    return [Published(bound(ctx, ds), enabling[ds.module]) for ds in ctx.contributions.datasets.values()
            if ds.module in enabling]


async def published(ctx: AppContext, name: str) -> Published:
    """One published dataset, or 404 when it does not exist or no district publishes it."""
    ds = ctx.contributions.datasets.get(name)
    if ds is not None:
        districts = [code for code in ctx.districts
                     if ds.module == "core" or ds.module in await enabled_modules(ctx, code)]
        if districts:
            return Published(bound(ctx, ds), districts)
    raise ApiError(404, f"数据集“{name}”不存在或尚未公开", "dataset_not_found")


async def row_count(item: Published) -> int:
    """The plugin's own count when it gives one, else the rows counted."""
    if item.dataset.count is not None:
        return int(await item.dataset.count(item.districts))
    total = 0
    async for _ in item.dataset.rows(item.districts):
        total += 1
    return total


async def updated(item: Published) -> datetime | date | None:
    """The newest change the plugin reports, or None."""
    if item.dataset.updated is None:
        return None
    value: Any = await item.dataset.updated(item.districts)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, (datetime, date)) else None


@dataclass(frozen=True)
class Facts:
    """A published dataset's row count and newest change, or neither when it cannot be read now."""

    available: bool
    row_count: int | None = None
    updated: datetime | date | None = None


async def facts(item: Published) -> Facts:
    """The row count and update time; unavailable (and logged) when the plugin raises."""
    try:
        return Facts(True, await row_count(item), await updated(item))
    except Exception:
        log.exception("open dataset %r cannot be read", item.name)
        return Facts(False)


def unavailable(name: str) -> ApiError:
    """The 503 a download of a dataset that cannot be read answers."""
    return ApiError(503, f"数据集“{name}”暂时无法提供：{UNAVAILABLE}", "dataset_unavailable")


def iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()
