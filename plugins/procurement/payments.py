"""Payments to the supplier (支付), each against an accepted milestone and at most what that
milestone has left to pay; all payments of a contract together NEVER exceed its value, even
when requests race: the contract row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's
IMMEDIATE write transaction serialises writers) before the sums are read, so each payment sees
every one committed before it. Over the value → 409 `over_contract_value`, nothing written."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Sum

from core import audit, db
from core.errors import ApiError, invalid, not_found
from plugins.procurement import milestones, rules
from plugins.procurement.delivery_tables import Contract, Payment

ENTITY = "procurement_payment"


class PaymentIn(msgspec.Struct, forbid_unknown_fields=True):
    """A payment made. Every field is checked by the service (422 names the field)."""

    milestone_id: int | None = None  # an accepted milestone of this project
    amount_fen: int | None = None  # money in fen (分), more than 0
    paid_on: date | None = None
    voucher: rules.Short = ""  # the payment voucher or transfer number


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}元"


async def paid(contract_id: int, milestone_id: int | None = None) -> int:
    where = Payment.contract == contract_id
    if milestone_id is not None:
        where &= Payment.milestone == milestone_id
    return int((await Payment.select(Sum(Payment.amount_fen, alias="total")).where(where).first())["total"] or 0)


def _check(data: PaymentIn) -> None:
    errors = []
    if data.milestone_id is None:
        errors.append(("milestone_id", "请选择已验收的履约节点"))
    if data.amount_fen is None or data.amount_fen <= 0:
        errors.append(("amount_fen", "支付金额应大于0"))
    if data.paid_on is None:
        errors.append(("paid_on", "请填写支付日期"))
    elif data.paid_on > date.today():
        errors.append(("paid_on", "支付日期不能晚于今天"))
    if len(data.voucher.strip()) > 100:
        errors.append(("voucher", "凭证号不能超过100个字"))
    if errors:
        raise invalid(errors)


async def record(code: str, project_id: int, actor: str, data: PaymentIn) -> dict[str, Any]:
    _check(data)
    amount = data.amount_fen
    async with db.write_transaction():
        contract = await db.locked(Contract.select().where(
            (Contract.project == project_id) & (Contract.district_code == code))).first()
        if contract is None:
            raise not_found("服务合同")
        try:
            milestone = await milestones.get(code, project_id, data.milestone_id)
        except ApiError:
            raise invalid([("milestone_id", "不是本项目的履约节点")]) from None
        if milestone["state"] != "accepted":
            raise ApiError(409, f"履约节点“{milestone['title']}”当前为“{milestones.LABELS[milestone['state']]}”，"
                                "验收后才能支付", "milestone_not_accepted")
        total = await paid(contract["id"])
        if total + amount > contract["value_fen"]:
            raise ApiError(409, f"支付后累计{_yuan(total + amount)}，超过合同金额{_yuan(contract['value_fen'])}"
                                f"（已支付{_yuan(total)}）", "over_contract_value",
                           [("amount_fen", f"最多还可支付{_yuan(contract['value_fen'] - total)}")])
        left = milestone["amount_fen"] - await paid(contract["id"], milestone["id"])
        if amount > left:
            raise ApiError(409, f"履约节点“{milestone['title']}”还可支付{_yuan(max(left, 0))}", "over_milestone_amount",
                           [("amount_fen", f"最多还可支付{_yuan(max(left, 0))}")])
        values = {"milestone": milestone["id"], "amount_fen": amount, "paid_on": data.paid_on,
                  "voucher": data.voucher.strip()}
        row = (await Payment.insert(Payment(project=project_id, contract=contract["id"], district_code=code,
                                            recorded_by=actor, **values)).returning(*Payment.all_columns()))[0]
        await audit.record(actor=actor, action="create", entity=ENTITY, entity_id=row["id"], district_code=code,
                           after={**values, "project": project_id, "paid_before": total})
    return row


async def listing(code: str, project_id: int) -> list[dict[str, Any]]:
    return await Payment.select().where((Payment.project == project_id) & (Payment.district_code == code)).order_by(
        Payment.paid_on, Payment.id)
