"""Supervision of delivery after award: rules that flag late milestones (due and not reported,
or reported after the due date) and short ones (accepted with outputs or beneficiaries below
the plan by more than the district's `short_delivery_percent`), and milestones and payments as
records supervisors can sample. Flag keys are stable (see core.contrib.SupervisionRule); the
flags name the supplier, so its staff may see and answer findings about them."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from core.contrib import AuditableRecords, SupervisionRule
from core.dates import BEIJING
from plugins.procurement.delivery_tables import DeliveryMilestone, Payment

MODULE = "procurement"
MILESTONE_RECORD = "procurement_milestone"
PAYMENT_RECORD = "procurement_payment"
_COLUMNS = (DeliveryMilestone.contract.organization_id, DeliveryMilestone.project.title)


def _day(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()


def _flag(key: str, row: dict[str, Any], severity: str, message: str) -> dict[str, Any]:
    return {"key": key, "record_type": MILESTONE_RECORD, "record_id": str(row["id"]), "subject": row["project"],
            "organization_id": row["contract.organization_id"], "severity": severity,
            "message": f"“{row['project.title']}”的履约节点“{row['title']}”{message}"}


async def late(district_code: str, today: date, settings: dict):
    """Due and still not reported (planned or sent back), or reported after the due date."""
    rows = await DeliveryMilestone.select(*DeliveryMilestone.all_columns(), *_COLUMNS).where(
        (DeliveryMilestone.district_code == district_code) & (DeliveryMilestone.due_on < today)).order_by(
        DeliveryMilestone.id)
    for row in rows:
        due = row["due_on"]
        if row["state"] in ("planned", "sent_back") and row["reported_at"] is None:
            yield _flag(f"procurement.late:{row['id']}:{due}", row, "high",
                        f"应于{due}完成，已逾期{(today - due).days}天仍未报告履约情况")
        elif row["reported_at"] is not None and _day(row["reported_at"]) > due:
            reported = _day(row["reported_at"])
            yield _flag(f"procurement.late:{row['id']}:{due}:reported", row, "medium",
                        f"应于{due}完成，{reported}才报告履约情况（逾期{(reported - due).days}天）")


def shortfalls(row: dict[str, Any], percent: float) -> list[str]:
    """What an accepted milestone delivered below its plan by more than `percent` per cent."""
    floor = 1 - percent / 100
    planned = json.loads(row["planned_outputs"] or "{}")
    delivered = json.loads(row["delivered_outputs"] or "{}")
    short = [f"{name}计划{target:g}、实际{delivered.get(name, 0):g}" for name, target in planned.items()
             if target > 0 and delivered.get(name, 0) < target * floor]
    people, got = row["planned_beneficiaries"], row["delivered_beneficiaries"] or 0
    if people > 0 and got < people * floor:
        short.append(f"服务人数计划{people}、实际{got}")
    return short


async def short(district_code: str, today: date, settings: dict):
    """Accepted, with delivered outputs or beneficiaries below the plan by more than the setting."""
    percent = settings["short_delivery_percent"]
    rows = await DeliveryMilestone.select(*DeliveryMilestone.all_columns(), *_COLUMNS).where(
        (DeliveryMilestone.district_code == district_code) & (DeliveryMilestone.state == "accepted")).order_by(
        DeliveryMilestone.id)
    for row in rows:
        if found := shortfalls(row, percent):
            yield _flag(f"procurement.short:{row['id']}", row, "medium",
                        f"已验收，但完成量低于计划超过{percent:g}%：{'；'.join(found)}")


RULES = [
    SupervisionRule(MODULE, "procurement.milestone_late", "购买服务履约节点逾期", "high", late),
    SupervisionRule(MODULE, "procurement.milestone_short", "购买服务履约节点完成量不足", "medium", short),
]


async def _milestones(district_code: str, start: date, end: date):
    """Milestones reported on a day from start to end (China time), whatever their state since."""
    low = datetime.combine(start, time.min, BEIJING)
    high = datetime.combine(end + timedelta(days=1), time.min, BEIJING)
    for row in await DeliveryMilestone.select(*DeliveryMilestone.all_columns(), *_COLUMNS).where(
            (DeliveryMilestone.district_code == district_code) & (DeliveryMilestone.reported_at >= low)
            & (DeliveryMilestone.reported_at < high)).order_by(DeliveryMilestone.id):
        yield {"id": row["id"], "day": _day(row["reported_at"]), "subject": row["project"], "person_id": None,
               "organization_id": row["contract.organization_id"],
               "summary": f"{row['project.title']}·{row['title']}：服务{row['delivered_beneficiaries'] or 0}人，"
                          f"{row['note'][:60]}"}


async def _payments(district_code: str, start: date, end: date):
    for row in await Payment.select(*Payment.all_columns(), Payment.contract.organization_id,
                                    Payment.project.title, Payment.milestone.title).where(
            (Payment.district_code == district_code) & (Payment.paid_on >= start) & (Payment.paid_on <= end)
    ).order_by(Payment.id):
        yield {"id": row["id"], "day": row["paid_on"], "subject": row["project"], "person_id": None,
               "organization_id": row["contract.organization_id"],
               "summary": f"{row['project.title']}·{row['milestone.title']}：支付{row['amount_fen'] / 100:,.2f}元"
                          f"（凭证{row['voucher'] or '—'}）"}


SOURCES = [
    AuditableRecords(MODULE, "procurement.milestones", "购买服务履约节点", _milestones, MILESTONE_RECORD),
    AuditableRecords(MODULE, "procurement.payments", "购买服务支付记录", _payments, PAYMENT_RECORD),
]
