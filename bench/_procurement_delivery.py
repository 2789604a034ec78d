"""What generated projects (_procurement_data.py) have done by their stage, written straight to the
tables in bulk: 2–4 bids from the district's providers once a project reached evaluation (one
or two while still in tender), the award to the first bid, the contract at the award's price,
two milestones (half the value each; accepted as delivery goes on), payments against the
accepted ones (the last only when the project closed) and a completed outcome evaluation for
evaluated projects. `suppliers` adds 40 generated providers to the district's registry (a
district with thousands of projects has more than the demo's handful)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from core.codes import make_uscc
from core.tables import Organization
from plugins.procurement.delivery_tables import Contract, DeliveryMilestone, Payment
from plugins.procurement.evaluation_rules import grade
from plugins.procurement.evaluation_tables import ProjectEvaluation
from plugins.procurement.glossary import DEFAULT_KINDS
from plugins.procurement.tables import Award, Bid
from _procurement_data import CHUNK, MARK, Planned

PROVIDERS = 40
GRADES = ("3A", "4A", "3A", "2A", "5A", None, "4A", "3A")
PLAN = "组建专业社工团队，按“需求评估—个案管理—小组活动—社区活动”开展服务，每月报送服务数据，季度满意度回访。"
ACCEPTED = {"contracted": 0, "in_delivery": 1, "evaluated": 2, "closed": 2}  # milestones accepted by final stage
PAID = {"contracted": 0, "in_delivery": 1, "evaluated": 1, "closed": 2}


async def suppliers(code: str) -> list[int]:
    """The ids of the district's registered providers of a kind projects accept, after adding the
    generated ones (once)."""
    if not await Organization.exists().where((Organization.district_code == code)
                                             & Organization.name.like(f"%{MARK}")):
        await Organization.insert(*[Organization(
            district_code=code, uscc=make_uscc("2", code, int(code) * 100 + 50 + k),
            name=f"生成{k:02d}号社会工作服务中心{MARK}", legal_type="social_service_institution", status="registered",
            grade=GRADES[k % len(GRADES)], registered_on=date(2012 + k % 10, 1 + k % 12, 1 + k % 28))
            for k in range(PROVIDERS)])
    rows = await Organization.select(Organization.id).where(
        (Organization.district_code == code) & (Organization.status == "registered")
        & Organization.legal_type.is_in(list(DEFAULT_KINDS)) & (Organization.credit_status == "normal")
    ).order_by(Organization.id)
    return [r["id"] for r in rows]


async def _bulk(table, rows: list, *returning) -> list[dict]:
    out: list[dict] = []
    for low in range(0, len(rows), CHUNK):
        chunk = rows[low:low + CHUNK]
        if returning:
            out += await table.insert(*chunk).returning(*returning)
        else:
            await table.insert(*chunk)
    return out


def _bids(code: str, batch: list[Planned], orgs: list[int]) -> list[Bid]:
    rows = []
    for p in batch:
        opened = p.reached("tender")
        if opened is None:
            continue
        count = 2 + p.index % 3 if p.reached("evaluation") else p.index % 3
        bidders = list(dict.fromkeys(orgs[(p.index * 7 + k * 13) % len(orgs)] for k in range(count)))
        for k, org in enumerate(bidders):
            price = p.row.budget_fen * (980 - 40 * k - p.index % 20) // 1000 // 100 * 100
            rows.append(Bid(project=p.project_id, district_code=code, organization_id=org, price_fen=price, plan=PLAN,
                            submitted_by=f"{code}-org-{org}", submitted_at=opened + timedelta(days=3 + k)))
    return rows


async def add(code: str, batch: list[Planned], orgs: list[int]) -> None:
    admin = f"{code}-admin"
    winners: dict[int, dict] = {}
    for bid in await _bulk(Bid, _bids(code, batch, orgs), Bid.id, Bid.project, Bid.organization_id, Bid.price_fen):
        if bid["project"] not in winners or bid["id"] < winners[bid["project"]]["id"]:
            winners[bid["project"]] = bid  # the first bid wins
    awarded = [p for p in batch if p.reached("awarded")]
    await _bulk(Award, [Award(
        project=p.project_id, district_code=code, bid=winners[p.project_id]["id"],
        organization_id=winners[p.project_id]["organization_id"], price_fen=winners[p.project_id]["price_fen"],
        total=round(80 + p.index % 150 / 10, 1), reason="综合评分排名第一", awarded_by=admin,
        awarded_at=p.reached("awarded")) for p in awarded])
    contracted = {p.project_id: p for p in awarded if p.reached("contracted")}
    made = await _bulk(Contract, [Contract(
        project=pid, district_code=code, organization_id=winners[pid]["organization_id"],
        number=f"GM-{p.row.period_start.year}-{pid:06d}", value_fen=winners[pid]["price_fen"],
        signed_on=p.reached("contracted").date(), term_start=p.row.period_start, term_end=p.row.period_end,
        recorded_by=admin, recorded_at=p.reached("contracted")) for pid, p in contracted.items()],
        Contract.id, Contract.project, Contract.value_fen)
    await _milestones(code, made, contracted)
    await _bulk(ProjectEvaluation, [ProjectEvaluation(
        project=p.project_id, district_code=code, organization_id=winners[p.project_id]["organization_id"],
        evaluator=f"{code}-supervisor", weights=json.dumps({"buyer": 30, "users": 30, "third_party": 40}),
        state="completed", buyer_scores=json.dumps({"服务人次": {"score": p.row.outcome_score, "note": ""}}),
        buyer_by=admin, buyer_at=p.reached("evaluated"), third_party_at=p.reached("evaluated"),
        third_party_scores=json.dumps({"服务人次": {"score": p.row.outcome_score, "note": ""}}),
        used_weights=json.dumps({"buyer": 42.86, "users": 0, "third_party": 57.14}), total=p.row.outcome_score,
        grade=grade(p.row.outcome_score), findings="服务按计划完成，记录齐全。", opened_by=admin,
        opened_at=p.reached("evaluated") - timedelta(days=20), completed_by=admin, completed_at=p.reached("evaluated"))
        for p in contracted.values() if p.reached("evaluated")])


def _moment(day: date) -> datetime:
    """10:00 Beijing time on `day` (acceptances and payments happen in office hours)."""
    return datetime(day.year, day.month, day.day, 2, tzinfo=timezone.utc)


async def _milestones(code: str, made: list[dict], contracted: dict[int, Planned]) -> None:
    """Two milestones per contract, accepted and paid as far as the project's stage implies."""
    admin, rows = f"{code}-admin", []
    for contract in made:
        p = contracted[contract["project"]]
        half = contract["value_fen"] // 2
        stage, start, end = p.path[-1], p.row.period_start, p.row.period_end
        for n, (title, due, amount) in enumerate((("第一阶段服务", start + (end - start) / 2, half),
                                                  ("第二阶段服务与结项", end, contract["value_fen"] - half))):
            done = n < ACCEPTED[stage]
            people = 150 + p.index % 50
            rows.append(DeliveryMilestone(
                project=p.project_id, contract=contract["id"], district_code=code, title=title, due_on=due,
                planned_outputs=json.dumps({"服务人次": 50 + p.index % 1000}), planned_beneficiaries=people,
                amount_fen=amount, state="accepted" if done else "planned",
                delivered_outputs=json.dumps({"服务人次": 50 + p.index % 1000} if done else {}),
                delivered_beneficiaries=people - p.index % 7 if done else None, delivered_on=due if done else None,
                note="服务完成，签到表已上传" if done else "", reported_by=f"{code}-org" if done else "",
                decided_by=admin if done else "", decided_at=_moment(due + timedelta(days=2)) if done else None,
                created_by=admin, created_at=p.reached("contracted")))
    stored = await _bulk(DeliveryMilestone, rows, DeliveryMilestone.id, DeliveryMilestone.project,
                         DeliveryMilestone.contract, DeliveryMilestone.title, DeliveryMilestone.amount_fen,
                         DeliveryMilestone.due_on)
    payments = []
    for m in stored:
        if (1 if m["title"] == "第一阶段服务" else 2) <= PAID[contracted[m["project"]].path[-1]]:
            payments.append(Payment(project=m["project"], contract=m["contract"], milestone=m["id"],
                                    district_code=code, amount_fen=m["amount_fen"], paid_on=m["due_on"],
                                    voucher=f"ZF{m['project']:06d}{m['id']:06d}", recorded_by=admin,
                                    recorded_at=_moment(m["due_on"] + timedelta(days=9))))
    await _bulk(Payment, payments)
