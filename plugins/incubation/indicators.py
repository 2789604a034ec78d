"""The incubation base's indicator for the two-level governance dashboard (hook
`register_indicators`):

- 年度出壳（毕业）组织数 (个): incubatees that graduated (出壳, stage graduated) with a graduation day
  in the twelve months up to the date `at` (after the same day a year before, up to and including
  `at`). A count, so the denominator is 1 (as the indicator contract asks for a ratio): the city
  total, Σnumerators / Σdenominators, reads as the mean per district where the module is on.

No policy sets a target; a district file may set its own (`[indicator_targets]`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.contrib import Indicator
from core.dates import add_years
from plugins.incubation.tables import Incubatee

MODULE = "incubation"


async def _graduates(ctx, district_code: str, at: date) -> dict[str, Any]:
    start = add_years(at, -1)
    rows = await Incubatee.select(Incubatee.graduated_on).where(
        (Incubatee.district_code == district_code) & (Incubatee.stage == "graduated")
        & (Incubatee.graduated_on > start) & (Incubatee.graduated_on <= at))
    days = [r["graduated_on"] for r in rows]
    days = [date.fromisoformat(d[:10]) if isinstance(d, str) else d for d in days]
    return {"numerator": sum(1 for d in days if d is not None and start < d <= at), "denominator": 1}


INDICATORS = [
    Indicator(
        module=MODULE, name="incubation.graduates_per_year", label="年度出壳（毕业）组织数",
        label_en="Graduates in the past year",
        definition="截至当日的 12 个月内从孵化基地出壳（毕业）的组织数（按出壳日期）",
        unit="个", source="孵化基地：孵化对象（阶段、出壳日期）", compute=_graduates, digits=0,
        city_total="sum", target=3, target_basis="工作目标",
        records="/districts/{code}/incubation"),
]
