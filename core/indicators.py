"""Indicators at a date: a district's (`district_indicators`) and a city's districts side by side
with the city total (`city_indicators`), from the Indicators modules contribute
(`register_indicators`, core.contrib.Indicator).

Each value is numerator / denominator × scale as the records stood on the date `at`; the target is
the indicator's default unless the district file overrides it (`[indicator_targets]`, name =
number); `gap` is value − target and `met` says whether the value is on the right side of it
(`direction`). An indicator of a module the district has not enabled reads "未启用" and is left out
of the city total, which is Σnumerators / Σdenominators × scale over the districts where it is on.

One computation (a district at a date, a city view, a district's quarterly history, a page that
shows several of them) opens a `scope()`; inside it `memoized(key, load)` answers the same load
once, so indicators that read the same records (the talent roster's four) or the same records at
several dates (eight quarters of history) read them once. Nothing outlives the scope: values are
never served stale from an earlier request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from core.contrib import Indicator
from core.districts import DistrictConfig
from core.modules import enabled_modules

if TYPE_CHECKING:
    from core.context import AppContext

T = TypeVar("T")
_MEMO: ContextVar[dict[Hashable, Any] | None] = ContextVar("indicator_memo", default=None)


@contextmanager
def scope() -> Iterator[None]:
    """One computation's memo (see `memoized`); a scope inside another uses the outer one's."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


async def memoized(key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
    """`await load()`, once per `key` within the current `scope()` (every call outside one).
    Keys start with the module's name, e.g. ("talent", "roster", "430702")."""
    memo = _MEMO.get()
    if memo is None:
        return await load()
    if key not in memo:
        memo[key] = await load()
    return memo[key]


OFF_LABEL = "未启用"
STATUS_LABELS = {"met": "达标", "unmet": "未达标", "no_target": "无目标值", "no_data": "暂无数据", "off": OFF_LABEL}


def _ratio(indicator: Indicator, numerator: float, denominator: float) -> float | None:
    if not denominator:
        return None
    return round(numerator / denominator * indicator.scale, indicator.digits)


def _status(value: float | None, target: float | None, direction: str) -> tuple[float | None, bool | None, str]:
    """(gap, met, status key) of a value against a target."""
    if value is None:
        return None, None, "no_data"
    if target is None:
        return None, None, "no_target"
    met = value >= target if direction == "at_least" else value <= target
    return round(value - target, 4), met, "met" if met else "unmet"


def _entry(ctx: AppContext, indicator: Indicator, code: str | None, target: float | None, enabled: bool,
           numerator: float | None = None, denominator: float | None = None) -> dict[str, Any]:
    """One indicator's row; `code` is the district (None for a city total: no records link)."""
    spec = ctx.contributions.modules.get(indicator.module)
    value = _ratio(indicator, numerator, denominator) if enabled and numerator is not None and denominator is not None \
        else None
    gap, met, status = _status(value, target, indicator.direction) if enabled else (None, None, "off")
    return {
        "name": indicator.name, "module": indicator.module,
        "module_label": spec.label if spec else "核心", "module_label_en": spec.label_en if spec else "Core",
        "label": indicator.label, "label_en": indicator.label_en, "definition": indicator.definition,
        "unit": indicator.unit, "source": indicator.source, "target": target,
        "target_basis": indicator.target_basis, "direction": indicator.direction, "enabled": enabled,
        "value": value, "numerator": numerator if enabled else None,
        "denominator": denominator if enabled else None, "gap": gap, "met": met,
        "status": status, "status_label": STATUS_LABELS[status],
        "records_url": indicator.records.replace("{code}", code) if code and indicator.records and enabled else None,
    }


def target_of(district: DistrictConfig, indicator: Indicator) -> float | None:
    """The district's target: its file's override, else the indicator's default."""
    return district.indicator_targets.get(indicator.name, indicator.target)


async def _inputs(ctx: AppContext, code: str, at: date) -> dict[str, tuple[float, float] | None]:
    """{indicator name: (numerator, denominator), or None where its module is off in the district}."""
    enabled = set(await enabled_modules(ctx, code))
    inputs: dict[str, tuple[float, float] | None] = {}
    for name, indicator in ctx.contributions.indicators.items():
        if indicator.module != "core" and indicator.module not in enabled:
            inputs[name] = None
            continue
        parts = await indicator.compute(ctx, code, at)
        inputs[name] = (float(parts["numerator"]), float(parts["denominator"]))
    return inputs


async def district_indicators(ctx: AppContext, code: str, at: date) -> list[dict[str, Any]]:
    """Every registered indicator for one district at the date `at`."""
    district = ctx.districts[code]
    with scope():
        inputs = await _inputs(ctx, code, at)
    return [_entry(ctx, indicator, code, target_of(district, indicator), inputs[name] is not None,
                   *(inputs[name] or ()))
            for name, indicator in ctx.contributions.indicators.items()]


async def city_indicators(ctx: AppContext, city_code: str, at: date, readable_codes: list[str] | None = None
                          ) -> dict[str, Any]:
    """The city's districts (those in `readable_codes`, all when None) side by side, and the city
    total of each indicator: Σnumerators / Σdenominators (Σnumerators for a count whose
    `city_total` is "sum") over the districts where it is enabled,
    measured against the default target ("未启用" where no district has it on)."""
    districts = [d for d in ctx.districts.values() if d.city_code == city_code
                 and (readable_codes is None or d.code in readable_codes)]
    rows, sums = [], {name: [0.0, 0.0, 0] for name in ctx.contributions.indicators}
    for district in districts:
        with scope():
            inputs = await _inputs(ctx, district.code, at)
        indicators = []
        for name, indicator in ctx.contributions.indicators.items():
            parts = inputs[name]
            if parts is not None:
                sums[name][0] += parts[0]
                sums[name][1] += parts[1]
                sums[name][2] += 1
            indicators.append(_entry(ctx, indicator, district.code, target_of(district, indicator), parts is not None,
                                     *(parts or ())))
        rows.append({"code": district.code, "name": district.name, "name_en": district.name_en,
                     "indicators": indicators})
    return {"districts": rows, "total": city_totals(ctx, sums)}


def city_totals(ctx: AppContext, sums: dict[str, list[float]]) -> list[dict[str, Any]]:
    """The city total of each indicator from `sums` ({name: [Σnumerators, Σdenominators, districts
    counted]}): Σnumerators / Σdenominators (Σnumerators where `city_total` is "sum") against the
    default target; "未启用" where no district was counted."""
    return [_entry(ctx, indicator, None, indicator.target, sums[name][2] > 0,
                   *((sums[name][0], 1.0 if indicator.city_total == "sum" else sums[name][1])
                     if sums[name][2] else ()))
            for name, indicator in ctx.contributions.indicators.items()]
