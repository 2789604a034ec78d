"""Government purchase of services' indicators for the two-level governance dashboard (hook
`register_indicators`), from procurement's own tables as they stood on the date `at`:

- 政府购买服务人均金额 (元/人): the value of the service contracts signed in the twelve months up to
  `at` (signed after the same day a year before, up to and including `at`), per resident of the
  district's population (its district file).
- 重点领域覆盖率 (%): of the five priority fields (core.glossary.PRIORITY_FIELDS), those with at
  least one project that had reached delivery (服务实施中, or later: evaluated, closed) on or
  before `at` (the Beijing date of its stage change); numerator fields covered, denominator 5.
- 履约节点按时完成率 (%): of the milestones due on or before `at`, those accepted (验收) on or
  before their due day (the Beijing date of the acceptance).
- 项目绩效评价平均分 (分): the mean total (0–100) of the outcome evaluations completed on or
  before `at` (Beijing date).

居民需求 90 天内得到回应率 is not here: the day a need was raised lives in the module that collects
needs (participation), which procurement does not read; a project keeps only the needs' refs.
No policy sets targets for these; a district file may set its own (`[indicator_targets]`).
Dates are worked out in Python so SQLite and PostgreSQL agree.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from core.contrib import Indicator
from core.dates import BEIJING, beijing_date, add_years
from core.glossary import PRIORITY_FIELDS
from plugins.procurement.delivery_tables import Contract, DeliveryMilestone
from plugins.procurement.evaluation_tables import ProjectEvaluation
from plugins.procurement.needs import DELIVERING
from plugins.procurement.tables import StageChange

MODULE = "procurement"


def _until(at: date) -> datetime:
    """A moment safely after the Beijing day `at` ends: rows are narrowed in SQL, then exactly in Python."""
    return datetime(at.year, at.month, at.day, tzinfo=BEIJING) + timedelta(days=2)


async def _spend_per_resident(ctx, district_code: str, at: date) -> dict[str, Any]:
    start = add_years(at, -1)
    rows = await Contract.select(Contract.value_fen, Contract.signed_on).where(
        (Contract.district_code == district_code) & (Contract.signed_on > start) & (Contract.signed_on <= at))
    fen = sum(r["value_fen"] for r in rows if start < beijing_date(r["signed_on"]) <= at)
    return {"numerator": fen / 100, "denominator": ctx.districts[district_code].population}


async def _priority_fields(ctx, district_code: str, at: date) -> dict[str, Any]:
    field = StageChange.project.field
    rows = await StageChange.select(field.as_alias("field"), StageChange.at).where(
        (StageChange.project.district_code == district_code) & StageChange.to_stage.is_in(list(DELIVERING))
        & field.is_in(list(PRIORITY_FIELDS)) & (StageChange.at < _until(at)))
    covered = {r["field"] for r in rows if beijing_date(r["at"]) <= at}
    return {"numerator": len(covered), "denominator": len(PRIORITY_FIELDS)}


async def _milestones_on_time(ctx, district_code: str, at: date) -> dict[str, Any]:
    rows = await DeliveryMilestone.select(DeliveryMilestone.due_on, DeliveryMilestone.state,
                                          DeliveryMilestone.decided_at).where(
        (DeliveryMilestone.district_code == district_code) & (DeliveryMilestone.due_on <= at))
    due = [r for r in rows if beijing_date(r["due_on"]) <= at]
    on_time = [r for r in due if r["state"] == "accepted" and r["decided_at"] is not None
               and beijing_date(r["decided_at"]) <= beijing_date(r["due_on"])]
    return {"numerator": len(on_time), "denominator": len(due)}


async def _mean_outcome(ctx, district_code: str, at: date) -> dict[str, Any]:
    rows = await ProjectEvaluation.select(ProjectEvaluation.total, ProjectEvaluation.completed_at).where(
        (ProjectEvaluation.district_code == district_code) & (ProjectEvaluation.state == "completed")
        & ProjectEvaluation.total.is_not_null() & (ProjectEvaluation.completed_at < _until(at)))
    totals = [float(r["total"]) for r in rows if r["completed_at"] is not None and beijing_date(r["completed_at"]) <= at]
    return {"numerator": sum(totals), "denominator": len(totals)}


_SOURCE = "政府购买服务："

INDICATORS = [
    Indicator(
        module=MODULE, name="procurement.spend_per_resident", label="政府购买服务人均金额",
        label_en="Purchase of services per resident",
        definition="截至当日的 12 个月内签订的政府购买服务合同金额合计（元），除以区县常住人口",
        unit="元/人", source=_SOURCE + "服务合同（金额、签订日期）；区县配置：常住人口",
        compute=_spend_per_resident, target=10, target_basis="工作目标",
        records="/districts/{code}/procurement/dashboard"),
    Indicator(
        module=MODULE, name="procurement.priority_fields_covered", label="重点领域覆盖率",
        label_en="Priority fields covered",
        definition="社区养老、残障康复、社区矫正、婚姻家庭、青少年心理五个重点领域中，截至当日已有项目进入"
                   "服务实施（或已评价、已结项）的领域所占比例（覆盖领域数 / 5）",
        unit="%", source=_SOURCE + "购买服务项目（服务领域）与阶段变动记录", compute=_priority_fields,
        scale=100, digits=1, target=100, target_basis="工作目标：五个重点领域均有项目",
        records="/districts/{code}/procurement/dashboard"),
    Indicator(
        module=MODULE, name="procurement.milestones_on_time", label="履约节点按时完成率",
        label_en="Milestones accepted on time",
        definition="截至当日已到期的履约节点中，在到期日当天或之前通过验收（按北京时间的验收日期）的节点所占比例",
        unit="%", source=_SOURCE + "履约节点（到期日、验收状态与时间）", compute=_milestones_on_time,
        scale=100, digits=1, target=90, target_basis="工作目标",
        records="/districts/{code}/procurement/delivery"),
    Indicator(
        module=MODULE, name="procurement.mean_outcome_score", label="项目绩效评价平均分",
        label_en="Mean outcome evaluation score",
        definition="截至当日完成的项目绩效评价总分（0–100 分）的平均值",
        unit="分", source=_SOURCE + "项目绩效评价（总分、完成时间）", compute=_mean_outcome, digits=1,
        target=80, target_basis="工作目标：达到绩效评价“良好”（≥ 80 分）",
        records="/districts/{code}/procurement/evaluations"),
]
