"""Helpers of the tender tests: organisations of any standing, users of any role with a
bearer token, a project opened for bids, time passing (the deadline moved into the past),
and a past award with an outcome score."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from core.dates import utc_now
from core.identity import create_api_token, ensure_user
from core.registry import credit
from core.tables import AnnualInspection, Organization
from plugins.procurement.tables import Award, Bid, PurchaseProject
from tests.conftest import OWN, PASSWORD, bearer, run
from tests.plugins.procurement.test_projects import API, create

_serial = itertools.count(1)


def new_org(legal_type: str = "social_service_institution", status: str = "registered", grade: str | None = "4A",
            credit_list: str | None = None, failed_year: int | None = None, code: str = OWN) -> int:
    org = Organization(district_code=code, name=f"投标测试社会工作服务中心{next(_serial)}", legal_type=legal_type,
                       status=status, grade=grade)
    org_id = run(Organization.insert(org).returning(Organization.id))[0]["id"]
    if credit_list:
        run(credit.add(code, "test", org_id, credit_list, date.today() - timedelta(days=30), "未按规定报送年度工作报告"))
    if failed_year:
        run(AnnualInspection.insert(AnnualInspection(organization=org_id, district_code=code, year=failed_year,
                                                     result="unqualified", recorded_by="test")))
    return org_id


def headers_for(username: str, grants: list[dict]) -> dict[str, str]:
    async def make():
        user_id = await ensure_user(username, PASSWORD, grants, fast_hash=True, actor="test")
        return (await create_api_token(user_id, username, "tests"))["token"]

    return bearer(run(make()))


def staff_of(org_id: int, code: str = OWN) -> dict[str, str]:
    return headers_for(f"{code}-bidder-{org_id}", [{"role": "org_staff", "district_code": code,
                                                     "organization_id": org_id}])


def panelist(n: int) -> dict[str, str]:
    return headers_for(f"{OWN}-panelist-{n}", [{"role": "procurement_panelist", "district_code": OWN}])


def open_tender(client, admin, title: str, eligibility: dict | None = None, **changes) -> dict:
    """A new project with these eligibility terms, moved to tender with a deadline a day away."""
    project = create(client, admin, title=title, **changes)
    deadline = (utc_now() + timedelta(days=1)).isoformat()
    answer = client.put(f"{API}/{project['id']}/terms", headers=admin,
                        json={"eligibility": eligibility or {}, "bid_deadline": deadline})
    assert answer.status_code == 200, answer.text
    moved = client.post(f"{API}/{project['id']}/moves", headers=admin, json={"to": "tender"})
    assert moved.status_code == 200, moved.text
    return moved.json()


def deadline_passes(project_id: int) -> None:
    """Time passes: the bid deadline is now an hour ago."""
    run(PurchaseProject.update({PurchaseProject.bid_deadline: utc_now() - timedelta(hours=1)}).where(
        PurchaseProject.id == project_id))


def bid(client, headers, project_id: int, **changes):
    body = {"price_fen": 20_000_000, "team": [], "plan": "需求评估、个案管理与社区活动相结合", **changes}
    return client.post(f"{API}/{project_id}/bids", headers=headers, json=body)


def past_award(org_id: int, score: float | None) -> None:
    """An earlier project of this organisation, awarded to it and evaluated with `score`."""
    project_id = run(PurchaseProject.insert(PurchaseProject(
        district_code=OWN, title="以往项目", buyer="武陵区民政局", field="社区养老", budget_fen=100, method="询价",
        period_start=date(2024, 1, 1), period_end=date(2024, 12, 31), stage="closed", outcome_score=score,
        created_by="test")).returning(PurchaseProject.id))[0]["id"]
    run(PurchaseProject.update({PurchaseProject.ocid: f"ocds-sanshe-{OWN}-{project_id}"}).where(
        PurchaseProject.id == project_id))  # as projects.create sets it
    bid_id = run(Bid.insert(Bid(project=project_id, district_code=OWN, organization_id=org_id, price_fen=100,
                                submitted_by="test")).returning(Bid.id))[0]["id"]
    run(Award.insert(Award(project=project_id, district_code=OWN, bid=bid_id, organization_id=org_id, price_fen=100,
                           reason="以往项目", awarded_by="test")))


def in_evaluation(client, admin, title: str, prices: list[int], members: int = 2,
                  eligibility: dict | None = None) -> tuple[dict, list[int], list[int], list[dict[str, str]]]:
    """A project in evaluation with one bid per price (each from a new organisation) and `members`
    panelists named: (project, bid ids, organisation ids, panelists' headers)."""
    project = open_tender(client, admin, title, eligibility)
    orgs = [new_org() for _ in prices]
    bid_ids = []
    for org, price in zip(orgs, prices):
        answer = bid(client, staff_of(org), project["id"], price_fen=price)
        assert answer.status_code == 201, answer.text
        bid_ids.append(answer.json()["id"])
    deadline_passes(project["id"])
    assert client.post(f"{API}/{project['id']}/moves", headers=admin, json={"to": "evaluation"}).status_code == 200
    people = []
    for n in range(members):
        headers = panelist(n)
        named = client.post(f"{API}/{project['id']}/panel", headers=admin, json={"username": f"{OWN}-panelist-{n}"})
        assert named.status_code in (201, 409), named.text
        people.append(headers)
    return project, bid_ids, orgs, people


def declare(client, headers, project_id: int, conflict: str = "none", orgs: list[int] | None = None,
            statement: str = ""):
    return client.post(f"{API}/{project_id}/declarations", headers=headers,
                       json={"conflict": conflict, "organization_ids": orgs or [], "statement": statement})


def score(client, headers, project_id: int, bid_id: int, plan: float, capacity: float = 80, past: float = 80):
    return client.post(f"{API}/{project_id}/scores", headers=headers,
                       json={"bid_id": bid_id, "plan": plan, "capacity": capacity, "past": past})
