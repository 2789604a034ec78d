"""Shared by the delivery tests: a project made through the API, tendered and awarded, its
contract recorded, milestones planned, reported and accepted — each step asserted."""

from __future__ import annotations

from datetime import date, timedelta

from core.dates import add_months
from core.tables import Organization
from tests.conftest import OWN, run
from tests.plugins.procurement.support import bid, deadline_passes, open_tender, staff_of
from tests.plugins.procurement.test_projects import API, award_the_only_bid, move

START = date.today() - timedelta(days=60)  # midnight-safe: two months back
END = add_months(START, 12) - timedelta(days=1)  # the longest term without a reason
PDF = b"%PDF-1.4\n%%EOF\n"


def orgs(code: str = OWN, **where) -> list[int]:
    """The district's organisation ids, oldest first (the first is the demo org staff's)."""
    query = Organization.district_code == code
    for name, value in where.items():
        query &= getattr(Organization, name) == value
    return [r["id"] for r in run(Organization.select(Organization.id).where(query).order_by(Organization.id))]


def awarded(client, admin, title: str, budget_fen: int = 30_000_000, supplier: int | None = None) -> dict:
    """A project tendered, bid on by `supplier` (default: the demo organisation staff's organisation,
    orgs()[0]) and awarded to it at 28 万元 through the panel."""
    project = open_tender(client, admin, title, budget_fen=budget_fen, period_start=str(START), period_end=str(END))
    assert bid(client, staff_of(supplier or orgs()[0]), project["id"], price_fen=28_000_000).status_code == 201
    deadline_passes(project["id"])
    assert move(client, admin, project["id"], "evaluation").status_code == 200
    award_the_only_bid(client, admin, project["id"], "评审第一")
    return project


def contract_body(**changes) -> dict:
    return {"organization_id": orgs()[0], "number": "WL-2026-001", "value_fen": 28_000_000,
            "signed_on": str(START), "term_start": str(START), "term_end": str(END), **changes}


def contracted(client, admin, title: str, supplier: int | None = None, **changes) -> dict:
    """A project awarded to `supplier` (default orgs()[0]) with its contract recorded (so
    contracted); the project dict."""
    project = awarded(client, admin, title, supplier=supplier)
    signed = client.post(f"{API}/{project['id']}/contract", headers=admin,
                         json=contract_body(**({"organization_id": supplier} if supplier else {}), **changes))
    assert signed.status_code == 201, signed.text
    return project


def plan(client, admin, project_id: int, **changes):
    body = {"title": "第一阶段服务", "due_on": str(date.today() + timedelta(days=10)),
            "planned_outputs": {"服务人次": 600}, "planned_beneficiaries": 100, "amount_fen": 10_000_000, **changes}
    return client.post(f"{API}/{project_id}/milestones", headers=admin, json=body)


def report(client, staff, project_id: int, milestone_id: int, **changes):
    body = {"delivered_outputs": {"服务人次": 610}, "delivered_beneficiaries": 102,
            "delivered_on": str(date.today()), "note": "已完成", **changes}
    return client.post(f"{API}/{project_id}/milestones/{milestone_id}/report", headers=staff, json=body)


def accepted(client, admin, staff, project_id: int, **changes) -> dict:
    """A milestone planned, reported by the supplier's staff and accepted."""
    planned = plan(client, admin, project_id, **changes)
    assert planned.status_code == 201, planned.text
    milestone = planned.json()["id"]
    assert report(client, staff, project_id, milestone).status_code == 200
    done = client.post(f"{API}/{project_id}/milestones/{milestone}/accept", headers=admin)
    assert done.status_code == 200 and done.json()["state"] == "accepted", done.text
    return done.json()
