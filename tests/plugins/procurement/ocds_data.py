"""A generated set of purchase projects for the OCDS tests: every path through the stages
(each prefix of planning → closed, cancellation from planning, tender, evaluation and award,
failure in tender and evaluation), written straight to the tables with their stage history
spread over days, so dates, `since` and paging have something to bite on. A few buyers are
registry organisations with a credit code (their parties carry a CN-USCC identifier).

From tender on, registry organisations of the district bid (one withdraws), the deadline
falls a day after the move to tender; awarded projects have their award (every third not to
the top-ranked bid, with a reason), contracted ones their contract, three milestones (the
last due the day of signing and never accepted: late once delivery starts) and, in delivery,
acceptances and payments between the stage changes (short of plan when evaluated, paid in full
when closed) — `deliver` writes them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone

from core.tables import Organization
from plugins.procurement import states
from plugins.procurement.delivery_tables import Contract, DeliveryMilestone, Payment
from plugins.procurement.glossary import METHODS, PRIORITY_FIELDS
from plugins.procurement.tables import Award, Bid, PurchaseProject, StageChange
from tests.conftest import bearer, run

PATHS = [list(states.ORDER[:n]) for n in range(1, len(states.ORDER) + 1)] + [
    ["planning", "cancelled"], ["planning", "tender", "cancelled"],
    ["planning", "tender", "evaluation", "cancelled"], ["planning", "tender", "evaluation", "awarded", "cancelled"],
    ["planning", "tender", "unsuccessful"], ["planning", "tender", "evaluation", "unsuccessful"],
]
START = datetime(2025, 3, 1, 1, 30, tzinfo=timezone.utc)
MARK = "（生成）"


async def generate(code: str, count: int, prefix: str = "ocds-sanshe") -> list[int]:
    """`count` projects in district `code` (ids returned), cycling through PATHS, methods and fields."""
    registry = await Organization.select(Organization.name).where(
        (Organization.district_code == code) & Organization.uscc.is_not_null()).order_by(Organization.id).first()
    bidders = [r["id"] for r in await Organization.select(Organization.id).where(
        Organization.district_code == code).order_by(Organization.id).limit(3)]
    methods = list(METHODS)
    ids = []
    for i in range(count):
        created = START + timedelta(hours=7 * i)
        method = methods[i % len(methods)]
        buyer = registry["name"] if registry and i % 10 == 3 else f"街道办事处{i % 4}号"
        [row] = await PurchaseProject.insert(PurchaseProject(
            district_code=code, title=f"生成项目{i}{MARK}", buyer=buyer, field=PRIORITY_FIELDS[i % 5],
            target_group="居民", budget_fen=100_000 + i * 12_345, period_start=date(2025 + i % 3, 1, 1),
            period_end=date(2025 + i % 3, 12, 31), method=method,
            method_reason="唯一具备资质的承接主体" if method == "单一来源" else "",
            indicators=json.dumps([{"name": "服务人次", "unit": "人次", "target": 100 + i, "kind": "output"}]),
            created_by=f"{code}-admin", created_at=created, updated_at=created)).returning(PurchaseProject.id)
        pid = row["id"]
        path = PATHS[i % len(PATHS)]
        at, moves = created, {}
        for step, (left, to) in enumerate(zip(path, path[1:]), start=1):
            at = created + timedelta(days=3 * step, minutes=i)
            moves.setdefault(to, at)
            reason = f"第{i}号项目：{'终止原因' if to == 'cancelled' else '采购失败原因' if to == 'unsuccessful' else '推进'}"
            await StageChange.insert(StageChange(project=pid, from_stage=left, to_stage=to, reason=reason,
                                                 actor=f"{code}-admin", at=at))
        deadline = moves["tender"] + timedelta(days=1) if "tender" in moves else None
        await PurchaseProject.update({PurchaseProject.ocid: f"{prefix}-{code}-{pid}", PurchaseProject.stage: path[-1],
                                      PurchaseProject.stage_reason: reason if len(path) > 1 else "",
                                      PurchaseProject.bid_deadline: deadline,
                                      PurchaseProject.updated_at: at}).where(PurchaseProject.id == pid)
        if deadline and bidders:
            await _tender(code, pid, i, moves, bidders)
        ids.append(pid)
    return ids


async def _tender(code: str, pid: int, i: int, moves: dict[str, datetime], bidders: list[int]) -> None:
    """Bids before the deadline; the award, contract and delivery as far as the project went."""
    bid_ids = []
    for n, org in enumerate(bidders):
        state = "withdrawn" if n == 2 else "submitted"
        [row] = await Bid.insert(Bid(project=pid, district_code=code, organization_id=org, price_fen=90_000 + n * 1000,
                                     plan="方案", state=state, submitted_by=f"{code}-org-{org}",
                                     submitted_at=moves["tender"] + timedelta(hours=2 + n))).returning(Bid.id)
        bid_ids.append(row["id"])
    if "awarded" not in moves:
        return
    top = i % 3 != 0
    await Award.insert(Award(project=pid, district_code=code, bid=bid_ids[0 if top else 1],
                             organization_id=bidders[0 if top else 1], price_fen=90_000 + (0 if top else 1000),
                             total=88.0, top_ranked=top, reason="评审排名第一" if top else "排名第一的投标人放弃中标",
                             awarded_by=f"{code}-admin", awarded_at=moves["awarded"]))
    if "contracted" in moves:
        await deliver(code, pid, bidders[0 if top else 1], 90_000, moves)


async def deliver(code: str, pid: int, org: int, value: int, moves: dict[str, datetime]) -> None:
    """A contract, three milestones and, from delivery on, acceptances and payments."""
    signed = moves["contracted"]
    [contract] = await Contract.insert(Contract(
        project=pid, district_code=code, organization_id=org, number=f"GEN-{pid}", value_fen=value,
        signed_on=signed.date(), term_start=signed.date(), term_end=signed.date() + timedelta(days=300),
        recorded_by=f"{code}-admin", recorded_at=signed)).returning(Contract.id)
    plans = [("第一阶段", 4, value // 2), ("第二阶段", 8, value - value // 2), ("回访", 0, 0)]
    ids = []
    for title, days, amount in plans:
        [row] = await DeliveryMilestone.insert(DeliveryMilestone(
            project=pid, contract=contract["id"], district_code=code, title=title,
            due_on=signed.date() + timedelta(days=days), planned_outputs=json.dumps({"服务人次": 50}),
            planned_beneficiaries=20, amount_fen=amount, created_by=f"{code}-admin",
            created_at=signed + timedelta(minutes=5))).returning(DeliveryMilestone.id)
        ids.append(row["id"])
    if "in_delivery" not in moves:
        return
    accepted = [(0, moves["in_delivery"] + timedelta(days=1), 50)]
    if "evaluated" in moves:
        accepted.append((1, moves["in_delivery"] + timedelta(days=2), 30 if "closed" not in moves else 50))
    for n, when, delivered in accepted:
        await DeliveryMilestone.update({
            DeliveryMilestone.state: "accepted", DeliveryMilestone.delivered_outputs: json.dumps({"服务人次": delivered}),
            DeliveryMilestone.delivered_beneficiaries: 20, DeliveryMilestone.delivered_on: when.date(),
            DeliveryMilestone.decided_by: f"{code}-admin", DeliveryMilestone.decided_at: when}).where(
            DeliveryMilestone.id == ids[n])
        await Payment.insert(Payment(project=pid, contract=contract["id"], milestone=ids[n], district_code=code,
                                     amount_fen=plans[n][2], paid_on=when.date(), voucher=f"ZF-{pid}-{n}",
                                     recorded_by=f"{code}-admin", recorded_at=when + timedelta(hours=3)))


async def remove(ids: list[int]) -> None:
    """The generated projects and everything written for them."""
    for table in (Payment, DeliveryMilestone, Contract, Award, Bid, StageChange):
        await table.delete().where(table.project.is_in(ids))
    await PurchaseProject.delete().where(PurchaseProject.id.is_in(ids))


def set_module(client, tokens, code: str, enabled: bool) -> None:
    answer = client.put(f"/api/districts/{code}/modules/procurement", json={"enabled": enabled},
                        headers=bearer(tokens["platform_admin"]))
    assert answer.status_code == 200, answer.text


@contextmanager
def published(app, tokens, code: str, count: int) -> Iterator[list[int]]:
    """`count` generated projects in `code`, published while the module is on there; afterwards
    the module is off again and the projects are gone (OTHER has no procurement in the demo)."""
    from litestar.testing import TestClient

    with TestClient(app=app) as c:
        set_module(c, tokens, code, True)
        ids = run(generate(code, count))
        try:
            yield ids
        finally:
            set_module(c, tokens, code, False)
            run(remove(ids))
