"""Core's open dataset `indicators`: every district's indicators at each of the last 8 quarter
ends (core.indicators_history.quarter_ends up to today, Beijing date: the current quarter is
measured today). One row per district × quarter × indicator; aggregates only — no column ever
holds a person.

Its rows need the app context (the registered indicators, the districts' populations and
targets, module state), which a Dataset's callables are not given: core registers the dataset
unbound (`DATASET`, module "core": published in every district) and the catalogue binds it to
its context (`bound`) before counting, dating or writing it.

A quarter the district has submitted (季度报送, core.indicator_reports) carries the figures it was
submitted with (`reported` true), the others are computed from the records — the rows are the
district's quarterly history (core.indicators_history), what its dashboard shows.

`count` is districts × quarters × indicators without computing a value. `updated` is the start
(00:00 Beijing time) of the current quarter: the newest quarter the rows measure. It is a
documented convention — unsubmitted values are recomputed from the records on every download.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from core.contrib import Dataset, DatasetColumn
from core.dates import BEIJING, quarter_start
from core.indicators import STATUS_LABELS
from core.indicators_history import district_history

if TYPE_CHECKING:
    from core.context import AppContext

NAME = "indicators"
QUARTERS = 8
COLUMNS = (
    DatasetColumn("district_code", "区县代码"), DatasetColumn("district_name", "区县"),
    DatasetColumn("quarter", "季度"), DatasetColumn("measured_on", "统计日期", "date"),
    DatasetColumn("indicator", "指标代码"), DatasetColumn("label", "指标名称"), DatasetColumn("unit", "单位"),
    DatasetColumn("value", "数值", "number"), DatasetColumn("target", "目标值", "number"),
    DatasetColumn("met", "是否达标", "boolean"), DatasetColumn("status", "状态"),
    DatasetColumn("reported", "是否为报送数", "boolean"),
)


def _unbound(_districts: list[str]) -> Any:
    raise RuntimeError("the indicators dataset is used through core.opendata.catalogue (bound to the app context)")


async def _rows(ctx: AppContext, districts: list[str]) -> AsyncIterator[dict[str, Any]]:
    for code in districts:
        district = ctx.districts[code]
        history = await district_history(ctx, code, date.today(), QUARTERS)
        for i, quarter in enumerate(history["quarters"]):
            for row in history["indicators"]:
                point = row["points"][i]
                yield {"district_code": code, "district_name": district.name, "quarter": quarter["quarter"],
                       "measured_on": quarter["at"], "indicator": row["name"], "label": row["label"],
                       "unit": row["unit"], "value": point["value"], "target": point["target"], "met": point["met"],
                       "status": STATUS_LABELS[point["status"]], "reported": point["reported"]}


async def _count(ctx: AppContext, districts: list[str]) -> int:
    return len(districts) * QUARTERS * len(ctx.contributions.indicators)


async def _updated(_districts: list[str]) -> datetime:
    return datetime.combine(quarter_start(date.today()), time(), BEIJING)


DATASET = Dataset(
    module="core", name=NAME, title="三社联动指标（按区县、季度）",
    description="各区县三社联动监测指标在最近 8 个季度末的数值、目标值和是否达标（本季度按当天计算），"
                "由登记、人才、购买服务、居民参与等记录计算而来；区县已报送的季度采用报送时固定的数值"
                "（是否为报送数）。只含汇总数，不含任何个人信息。",
    columns=COLUMNS, rows=_unbound, count=None, updated=_updated,
    keywords=("指标", "两级治理", "统计"),
)


def bound(ctx: AppContext, dataset: Dataset) -> Dataset:
    """The dataset ready to read: core's indicators dataset bound to `ctx`, any other unchanged."""
    if dataset.module != "core" or dataset.name != NAME:
        return dataset
    return replace(dataset, rows=lambda districts: _rows(ctx, districts),
                   count=lambda districts: _count(ctx, districts))
