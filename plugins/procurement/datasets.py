"""Open datasets of government purchase of services (CSV, JSON, XLSX through core/opendata):

- `procurement-projects`: every project of the publishing districts with public columns only —
  ocid, district, title, buyer (a bureau or a street: never a person), field, method, stage,
  budget in yuan and the service period. No staff user, reason or indicator text leaves.
- `procurement-spend`: the budgets of projects past award (awarded, contracted, in delivery,
  evaluated, closed), summed by district, field and the year the service starts — the spend
  committed by award until contracts and payments exist (their part will sum contract values
  and payments instead).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from core.contrib import Dataset, DatasetColumn
from plugins.procurement import MODULE, states
from plugins.procurement.ocds import AFTER_AWARD, yuan
from plugins.procurement.tables import PurchaseProject

BATCH = 1000
_COLUMNS = (PurchaseProject.id, PurchaseProject.ocid, PurchaseProject.district_code, PurchaseProject.title,
            PurchaseProject.buyer, PurchaseProject.field, PurchaseProject.method, PurchaseProject.stage,
            PurchaseProject.budget_fen, PurchaseProject.period_start, PurchaseProject.period_end)


async def _batches(where: list) -> Any:
    after = 0
    while True:
        rows = await PurchaseProject.select(*_COLUMNS).where(*where, PurchaseProject.id > after).order_by(
            PurchaseProject.id).limit(BATCH)
        if not rows:
            return
        yield rows
        after = rows[-1]["id"]


async def _project_rows(districts: list[str]):
    async for rows in _batches([PurchaseProject.district_code.is_in(districts)]):
        for row in rows:
            yield {**row, "stage": states.label(row["stage"]), "budget_yuan": yuan(row["budget_fen"])}


async def _project_count(districts: list[str]) -> int:
    return await PurchaseProject.count().where(PurchaseProject.district_code.is_in(districts))


async def _updated(districts: list[str]):
    row = await PurchaseProject.select(PurchaseProject.updated_at).where(
        PurchaseProject.district_code.is_in(districts)).order_by(PurchaseProject.updated_at, ascending=False).first()
    return row["updated_at"] if row else None


async def _spend(districts: list[str]) -> list[dict[str, Any]]:
    """Sums in fen, by (district, field, year): a few rows per district, summed in Python so
    SQLite and PostgreSQL agree on the year."""
    sums: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0])
    async for rows in _batches([PurchaseProject.district_code.is_in(districts),
                                PurchaseProject.stage.is_in(list(AFTER_AWARD))]):
        for row in rows:
            cell = sums[(row["district_code"], row["field"], row["period_start"].year)]
            cell[0] += 1
            cell[1] += row["budget_fen"]
    return [{"district_code": d, "field": f, "year": y, "projects": n, "spend_yuan": yuan(fen)}
            for (d, f, y), (n, fen) in sorted(sums.items())]


async def _spend_rows(districts: list[str]):
    for row in await _spend(districts):
        yield row


async def _spend_count(districts: list[str]) -> int:
    return len(await _spend(districts))


DATASETS = [
    Dataset(
        module=MODULE, name="procurement-projects", title="政府购买服务项目",
        description="各区县政府购买服务项目：开放合同编号（ocid）、购买主体、服务领域、采购方式、阶段、预算（元）和服务期限。",
        columns=(
            DatasetColumn("ocid", "开放合同编号"), DatasetColumn("district_code", "区县代码"),
            DatasetColumn("title", "项目名称"), DatasetColumn("buyer", "购买主体"), DatasetColumn("field", "服务领域"),
            DatasetColumn("method", "采购方式"), DatasetColumn("stage", "阶段"),
            DatasetColumn("budget_yuan", "预算（元）", "number"),
            DatasetColumn("period_start", "服务开始日期", "date"), DatasetColumn("period_end", "服务结束日期", "date"),
        ),
        rows=_project_rows, count=_project_count, updated=_updated,
        keywords=("政府购买服务", "开放合同", "OCDS"),
    ),
    Dataset(
        module=MODULE, name="procurement-spend", title="政府购买服务支出（按领域和年度）",
        description="已确定承接方的政府购买服务项目预算合计，按区县、服务领域和服务开始年度统计（签约金额和支付数据上线前以预算计）。",
        columns=(DatasetColumn("district_code", "区县代码"), DatasetColumn("field", "服务领域"),
                 DatasetColumn("year", "年度", "integer"), DatasetColumn("projects", "项目数", "integer"),
                 DatasetColumn("spend_yuan", "金额（元）", "number")),
        rows=_spend_rows, count=_spend_count, updated=_updated, keywords=("政府购买服务", "统计", "支出"),
    ),
]
