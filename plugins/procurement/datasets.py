"""Open datasets of government purchase of services (CSV, JSON, XLSX through core/opendata):

- `procurement-projects`: every project of the publishing districts with public columns only —
  ocid, district, title, buyer (a bureau or a street: never a person), field, method, stage,
  budget in yuan and the service period. No staff user, reason or indicator text leaves.
- `procurement-awards`: every award (中标/成交结果) — the project, its field and stage, the
  supplier organisation's name and credit code, the awarded price, the day of the award
  (Beijing) and the number of tenderers (bids standing submitted). Never a bid's team, plan,
  scores or the panel.
- `procurement-spend`: what was committed and paid, by district, field and year — contract
  values by the year the contract's term starts, payments by the year they were paid.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from piccolo.query.functions.aggregate import Count

from core.contrib import Dataset, DatasetColumn
from core.dates import BEIJING
from core.tables import Organization
from plugins.procurement import MODULE, states
from plugins.procurement.delivery_tables import Contract, Payment
from plugins.procurement.ocds import yuan
from plugins.procurement.ocds_releases import utc
from plugins.procurement.tables import Award, Bid, PurchaseProject

BATCH = 1000
_COLUMNS = (PurchaseProject.id, PurchaseProject.ocid, PurchaseProject.district_code, PurchaseProject.title,
            PurchaseProject.buyer, PurchaseProject.field, PurchaseProject.method, PurchaseProject.stage,
            PurchaseProject.budget_fen, PurchaseProject.period_start, PurchaseProject.period_end)


async def _batches(table: Any, columns: tuple, where: list) -> Any:
    """Rows of `table` matching `where`, BATCH at a time in id order."""
    after = 0
    while True:
        rows = await table.select(table.id, *columns).where(*where, table.id > after).order_by(table.id).limit(BATCH)
        if not rows:
            return
        yield rows
        after = rows[-1]["id"]


async def _project_rows(districts: list[str]):
    async for rows in _batches(PurchaseProject, _COLUMNS[1:], [PurchaseProject.district_code.is_in(districts)]):
        for row in rows:
            yield {**row, "stage": states.label(row["stage"]), "budget_yuan": yuan(row["budget_fen"])}


async def _project_count(districts: list[str]) -> int:
    return await PurchaseProject.count().where(PurchaseProject.district_code.is_in(districts))


async def _updated(districts: list[str]):
    row = await PurchaseProject.select(PurchaseProject.updated_at).where(
        PurchaseProject.district_code.is_in(districts)).order_by(PurchaseProject.updated_at, ascending=False).first()
    return row["updated_at"] if row else None


_AWARD_COLUMNS = (Award.project.ocid.as_alias("ocid"), Award.district_code, Award.project.title.as_alias("title"),
                  Award.project.field.as_alias("field"), Award.project.stage.as_alias("stage"), Award.project,
                  Award.organization_id, Award.price_fen, Award.awarded_at)


async def _award_rows(districts: list[str]):
    """Awards in id order, a batch at a time: one query each for their organisations and bids."""
    async for rows in _batches(Award, _AWARD_COLUMNS, [Award.district_code.is_in(districts)]):
        orgs = {o["id"]: o for o in await Organization.select(Organization.id, Organization.name, Organization.uscc).where(
            Organization.id.is_in(sorted({r["organization_id"] for r in rows})))}
        counts = {c["project"]: c["bids"] for c in await Bid.select(Bid.project, Count(alias="bids")).where(
            Bid.project.is_in([r["project"] for r in rows]) & (Bid.state == "submitted")).group_by(Bid.project)}
        for row in rows:
            org = orgs.get(row["organization_id"]) or {}
            yield {"ocid": row["ocid"], "district_code": row["district_code"], "title": row["title"],
                   "field": row["field"], "stage": states.label(row["stage"]), "supplier": org.get("name", ""),
                   "supplier_uscc": org.get("uscc") or "", "price_yuan": yuan(row["price_fen"]),
                   "awarded_on": utc(row["awarded_at"]).astimezone(BEIJING).date(),
                   "tenderers": counts.get(row["project"], 0)}


async def _award_count(districts: list[str]) -> int:
    return await Award.count().where(Award.district_code.is_in(districts))


async def _spend(districts: list[str]) -> list[dict[str, Any]]:
    """Sums in fen by (district, field, year): a few rows per district, summed in Python so
    SQLite and PostgreSQL agree on the year."""
    sums: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    field = Contract.project.field.as_alias("field")
    async for rows in _batches(Contract, (Contract.district_code, field, Contract.term_start, Contract.value_fen),
                               [Contract.district_code.is_in(districts)]):
        for row in rows:
            cell = sums[(row["district_code"], row["field"], row["term_start"].year)]
            cell[0] += 1
            cell[1] += row["value_fen"]
    field = Payment.project.field.as_alias("field")
    async for rows in _batches(Payment, (Payment.district_code, field, Payment.paid_on, Payment.amount_fen),
                               [Payment.district_code.is_in(districts)]):
        for row in rows:
            sums[(row["district_code"], row["field"], row["paid_on"].year)][2] += row["amount_fen"]
    return [{"district_code": d, "field": f, "year": y, "contracts": n, "contract_yuan": yuan(value),
             "paid_yuan": yuan(paid)} for (d, f, y), (n, value, paid) in sorted(sums.items())]


async def _spend_rows(districts: list[str]):
    for row in await _spend(districts):
        yield row


async def _spend_count(districts: list[str]) -> int:
    return len(await _spend(districts))


DISTRICT, FIELD = DatasetColumn("district_code", "区县代码"), DatasetColumn("field", "服务领域")
DATASETS = [
    Dataset(
        module=MODULE, name="procurement-projects", title="政府购买服务项目",
        description="各区县政府购买服务项目：开放合同编号（ocid）、购买主体、服务领域、采购方式、阶段、预算（元）和服务期限。",
        columns=(
            DatasetColumn("ocid", "开放合同编号"), DISTRICT, DatasetColumn("title", "项目名称"),
            DatasetColumn("buyer", "购买主体"), FIELD, DatasetColumn("method", "采购方式"), DatasetColumn("stage", "阶段"),
            DatasetColumn("budget_yuan", "预算（元）", "number"),
            DatasetColumn("period_start", "服务开始日期", "date"), DatasetColumn("period_end", "服务结束日期", "date"),
        ),
        rows=_project_rows, count=_project_count, updated=_updated,
        keywords=("政府购买服务", "开放合同", "OCDS"),
    ),
    Dataset(
        module=MODULE, name="procurement-awards", title="政府购买服务中标（成交）结果",
        description="政府购买服务项目的中标（成交）结果：项目、服务领域、承接主体名称和统一社会信用代码、中标金额（元）、"
                    "确定日期和有效投标数。",
        columns=(
            DatasetColumn("ocid", "开放合同编号"), DISTRICT, DatasetColumn("title", "项目名称"), FIELD,
            DatasetColumn("stage", "项目阶段"), DatasetColumn("supplier", "承接主体"),
            DatasetColumn("supplier_uscc", "统一社会信用代码"), DatasetColumn("price_yuan", "中标金额（元）", "number"),
            DatasetColumn("awarded_on", "确定日期", "date"), DatasetColumn("tenderers", "有效投标数", "integer"),
        ),
        rows=_award_rows, count=_award_count, updated=_updated, keywords=("政府购买服务", "中标结果", "开放合同"),
    ),
    Dataset(
        module=MODULE, name="procurement-spend", title="政府购买服务支出（按领域和年度）",
        description="政府购买服务的合同金额和已支付金额，按区县、服务领域和年度统计（合同按服务期限开始年度，支付按支付年度）。",
        columns=(DISTRICT, FIELD, DatasetColumn("year", "年度", "integer"), DatasetColumn("contracts", "合同数", "integer"),
                 DatasetColumn("contract_yuan", "合同金额（元）", "number"),
                 DatasetColumn("paid_yuan", "已支付金额（元）", "number")),
        rows=_spend_rows, count=_spend_count, updated=_updated, keywords=("政府购买服务", "统计", "支出"),
    ),
]
