"""Supervision's indicator for the two-level governance dashboard (hook `register_indicators`):

- 抽查发现问题率 (%): of the sampled records (抽查记录) of the district's audit campaigns given a
  verdict on or before the date `at` (the Beijing date of the verdict, `reviewed_at`), the share
  judged 不合格 or 存疑.

A verdict keeps no history, so the verdict counted is the record's current one. Lower is better
(`at_most`); no policy sets a target, a district file may set its own (`[indicator_targets]`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from core.contrib import Indicator
from core.dates import BEIJING, beijing_date
from plugins.supervision.tables import SampleItem

MODULE = "supervision"
FINDINGS = ("不合格", "存疑")


async def _finding_rate(ctx, district_code: str, at: date) -> dict[str, Any]:
    until = datetime(at.year, at.month, at.day, tzinfo=BEIJING) + timedelta(days=2)
    rows = await SampleItem.select(SampleItem.verdict, SampleItem.reviewed_at).where(
        (SampleItem.district_code == district_code) & SampleItem.verdict.is_not_null()
        & SampleItem.reviewed_at.is_not_null() & (SampleItem.reviewed_at < until))
    reviewed = [r for r in rows if beijing_date(r["reviewed_at"]) <= at]
    return {"numerator": sum(1 for r in reviewed if r["verdict"] in FINDINGS), "denominator": len(reviewed)}


INDICATORS = [
    Indicator(
        module=MODULE, name="supervision.finding_rate", label="抽查发现问题率", label_en="Findings per sampled record",
        definition="截至当日已评定的抽查记录中，评定为“不合格”或“存疑”的记录所占比例（按北京时间的评定日期）",
        unit="%", source="监督检查：抽查任务的抽查记录（评定结论、评定时间）", compute=_finding_rate, scale=100,
        digits=1, direction="at_most",
        target=10, target_basis="工作目标",
        records="/districts/{code}/supervision"),
]
