"""A hand-built data set for the dashboard tests: projects with awards, contracts, milestones
(on time, late, overdue), payments and evaluations in 2019 and 2020, in two districts (A =
430702, B = 430703), inserted straight into the tables with chosen dates (the API stamps
"now") and removed afterwards. The figures each test expects are computed by hand in
test_dashboard.py from the values here."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from core.dates import BEIJING
from core.tables import Organization
from plugins.procurement.delivery_tables import Contract, DeliveryMilestone, Payment
from plugins.procurement.evaluation_tables import ProjectEvaluation
from plugins.procurement.tables import Award, Bid, PurchaseProject
from tests.conftest import OTHER, OWN, run
from tests.plugins.procurement.support import new_org

MARK = "dashboard-test"
WAN = 1_000_000  # fen in 1 万元


def bj(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    """A Beijing moment, as stored (UTC)."""
    return datetime(y, m, d, hour, minute, tzinfo=BEIJING).astimezone(timezone.utc)


def _insert(table, **values) -> int:
    return run(table.insert(table(**values)).returning(table.id))[0]["id"]


def project(code: str, field: str, stage: str) -> int:
    return _insert(PurchaseProject, district_code=code, title=f"统计测试{field}", buyer="民政局", field=field,
                   budget_fen=50 * WAN, method="询价", period_start=date(2019, 1, 1), period_end=date(2019, 12, 31),
                   stage=stage, created_by=MARK)


def award(code: str, project_id: int, org: int, fen: int, at: datetime) -> None:
    bid = _insert(Bid, project=project_id, district_code=code, organization_id=org, price_fen=fen, submitted_by=MARK)
    _insert(Award, project=project_id, district_code=code, bid=bid, organization_id=org, price_fen=fen, reason="测试",
            awarded_by=MARK, awarded_at=at)


def contract(code: str, project_id: int, org: int, fen: int, signed: date) -> int:
    return _insert(Contract, project=project_id, district_code=code, organization_id=org, number=f"T-{project_id}",
                   value_fen=fen, signed_on=signed, term_start=signed, term_end=signed, recorded_by=MARK)


def milestone(code: str, project_id: int, contract_id: int, due: date, state: str = "accepted",
              decided: datetime | None = None) -> int:
    return _insert(DeliveryMilestone, project=project_id, contract=contract_id, district_code=code, title="节点",
                   due_on=due, state=state, decided_at=decided, created_by=MARK)


def payment(code: str, project_id: int, contract_id: int, milestone_id: int, fen: int, paid: date) -> None:
    _insert(Payment, project=project_id, contract=contract_id, milestone=milestone_id, district_code=code,
            amount_fen=fen, paid_on=paid, recorded_by=MARK)


def evaluation(code: str, project_id: int, org: int, total: float, at: datetime) -> None:
    _insert(ProjectEvaluation, project=project_id, district_code=code, organization_id=org, evaluator=MARK,
            state="completed", total=total, completed_at=at, opened_by=MARK)


def build() -> dict[str, Any]:
    """Insert the data set; the organisations' ids by name (A1..A5, B1, B2)."""
    orgs = {name: new_org(code=OWN) for name in ("A1", "A2", "A3", "A4", "A5")}
    orgs |= {name: new_org(code=OTHER) for name in ("B1", "B2")}
    a, b = OWN, OTHER
    # A: P1 社区养老, awarded to A1 for 30 万 in 2019, two milestones in 2019 (one accepted at 23:30
    # Beijing time on its due day: on time; one accepted late), paid 10 万 in 2019 and 15 万 in 2020,
    # evaluated at 20:00 Beijing time on 2019-12-31 (still 2019 in Beijing, 12:00 UTC).
    p1 = project(a, "社区养老", "closed")
    award(a, p1, orgs["A1"], 30 * WAN, bj(2019, 3, 1))
    c1 = contract(a, p1, orgs["A1"], 30 * WAN, date(2019, 3, 10))
    m1 = milestone(a, p1, c1, date(2019, 6, 30), decided=bj(2019, 6, 30, 23, 30))
    m2 = milestone(a, p1, c1, date(2019, 9, 30), decided=bj(2019, 10, 8))
    payment(a, p1, c1, m1, 10 * WAN, date(2019, 7, 5))
    payment(a, p1, c1, m2, 15 * WAN, date(2020, 1, 10))
    evaluation(a, p1, orgs["A1"], 85.0, bj(2019, 12, 31, 20))
    # P2 残障康复: awarded to A2 for 10 万 at 20:00 on 2019-12-31 (2019), contract 2020; a milestone
    # accepted at 07:00 Beijing time on 2020-01-01 (2019-12-31 UTC, but 2020 in Beijing), on time;
    # another still planned, due 2020-05-01: overdue. Paid 5 万 in 2020.
    p2 = project(a, "残障康复", "in_delivery")
    award(a, p2, orgs["A2"], 10 * WAN, bj(2019, 12, 31, 20))
    c2 = contract(a, p2, orgs["A2"], 10 * WAN, date(2020, 1, 2))
    m3 = milestone(a, p2, c2, date(2020, 3, 31), decided=bj(2020, 1, 1, 7))
    milestone(a, p2, c2, date(2020, 5, 1), state="planned")
    payment(a, p2, c2, m3, 5 * WAN, date(2020, 2, 1))
    # P3 社区养老: A3, 20 万 in 2020, a reported (not accepted) milestone due 2020-08-01: overdue; scored 70.
    p3 = project(a, "社区养老", "evaluated")
    award(a, p3, orgs["A3"], 20 * WAN, bj(2020, 4, 1))
    c3 = contract(a, p3, orgs["A3"], 20 * WAN, date(2020, 4, 10))
    milestone(a, p3, c3, date(2020, 8, 1), state="reported")
    evaluation(a, p3, orgs["A3"], 70.0, bj(2020, 11, 1))
    # P4, P5, P6: awarded in 2020 without contracts (A1 5 万, A4 1 万, A5 4 万); P7 planning; P8 cancelled.
    for org, fen, month in (("A1", 5, 5), ("A4", 1, 6), ("A5", 4, 7)):
        award(a, project(a, "社区养老", "awarded"), orgs[org], fen * WAN, bj(2020, month, 1))
    project(a, "婚姻家庭", "planning")
    project(a, "婚姻家庭", "cancelled")
    # B: Q1 婚姻家庭 B1 8 万 (contract 2020, a milestone accepted a day late, paid 2 万); Q2 B2 2 万
    # scored 90; Q3 B1 1 万 scored 60.
    q1 = project(b, "婚姻家庭", "in_delivery")
    award(b, q1, orgs["B1"], 8 * WAN, bj(2020, 2, 1))
    d1 = contract(b, q1, orgs["B1"], 8 * WAN, date(2020, 2, 10))
    n1 = milestone(b, q1, d1, date(2020, 5, 31), decided=bj(2020, 6, 1))
    payment(b, q1, d1, n1, 2 * WAN, date(2020, 6, 5))
    q2 = project(b, "婚姻家庭", "closed")
    award(b, q2, orgs["B2"], 2 * WAN, bj(2020, 3, 1))
    evaluation(b, q2, orgs["B2"], 90.0, bj(2020, 9, 1))
    q3 = project(b, "婚姻家庭", "evaluated")
    award(b, q3, orgs["B1"], 1 * WAN, bj(2020, 3, 5))
    evaluation(b, q3, orgs["B1"], 60.0, bj(2020, 10, 1))
    return orgs


def remove(orgs: dict[str, int]) -> None:
    """Delete the data set (children first), so other tests never see it."""
    ids = [r["id"] for r in run(PurchaseProject.select(PurchaseProject.id).where(PurchaseProject.created_by == MARK))]
    for table in (Payment, DeliveryMilestone, ProjectEvaluation, Contract, Award, Bid):
        run(table.delete().where(table.project.is_in(ids)))
    run(PurchaseProject.delete().where(PurchaseProject.id.is_in(ids)))
    run(Organization.delete().where(Organization.id.is_in(list(orgs.values()))))
