"""Bids through the real app: the bid window (only in tender, only with a deadline, never after
it), one submitted bid per organisation (409; withdraw, then bid again), the team drawn from the
organisation's certified workers and masked for everyone else, the terms locked by the first
bid, bad input 422 with nothing written, two racing bids of one organisation (one wins), and who
sees which bids in which district (staff their own only; readers all, after the deadline)."""

from __future__ import annotations

import asyncio

import pytest

from core.auth import Grant, Principal
from core.facts import organization_workers
from core.tables import AuditEvent, Organization
from plugins.procurement import bids
from plugins.procurement.tables import Bid
from tests.conftest import OTHER, OWN, bearer_for, run
from tests.plugins.procurement.support import (
    bid,
    deadline_passes,
    new_org,
    open_tender,
    staff_of,
)
from tests.plugins.procurement.test_projects import API, create, move


def _workers(ctx, org_id: int) -> list[dict]:
    return run(organization_workers(ctx, OWN, org_id))


def _demo_agency(ctx) -> int:
    """The demo organisation of the `430702-org` user (it employs certified workers)."""
    from core.tables import Organization

    org = run(Organization.select(Organization.id).where(Organization.district_code == OWN).order_by(
        Organization.id).first())["id"]
    assert _workers(ctx, org), "the demo agency employs certified workers"
    return org


def test_bid_window(client, as_role):
    admin = as_role("district_admin")
    org = new_org()
    planning = create(client, admin, title="投标窗口：计划中")
    assert bid(client, staff_of(org), planning["id"]).json()["code"] == "not_in_tender"
    no_deadline = create(client, admin, title="投标窗口：未设截止")
    assert move(client, admin, no_deadline["id"], "tender").status_code == 200
    assert bid(client, staff_of(org), no_deadline["id"]).json()["code"] == "no_deadline"
    project = open_tender(client, admin, "投标窗口：已截止")
    # The deadline has not passed: no evaluation yet.
    early = move(client, admin, project["id"], "evaluation")
    assert early.status_code == 409 and early.json()["code"] == "deadline_not_passed"
    deadline_passes(project["id"])
    late = bid(client, staff_of(org), project["id"])
    assert late.status_code == 409 and late.json()["code"] == "deadline_passed"
    assert not run(Bid.exists().where(Bid.project == project["id"]))
    assert move(client, admin, project["id"], "evaluation").status_code == 200


def test_moving_to_tender_sets_the_deadline_shown_in_beijing_time(client, as_role):
    admin = as_role("district_admin")
    project = create(client, admin, title="投标窗口：进入招标时设截止")
    past = client.post(f"{API}/{project['id']}/moves", headers=admin,
                       json={"to": "tender", "bid_deadline": "2020-01-01T09:00:00"})
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "bid_deadline"
    moved = client.post(f"{API}/{project['id']}/moves", headers=admin,
                        json={"to": "tender", "bid_deadline": "2099-03-01T09:30:00"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["bid_deadline"].startswith("2099-03-01T01:30:00")  # 09:30 Beijing time, stored UTC
    page = client.get(f"/districts/{OWN}/procurement/projects/{project['id']}", headers=admin)
    assert "2099-03-01 09:30" in page.text


def test_one_bid_per_organisation_withdraw_and_bid_again(client, as_role, ctx):
    admin = as_role("district_admin")
    org = _demo_agency(ctx)
    team = [w["worker_id"] for w in _workers(ctx, org)][:2]
    project = open_tender(client, admin, "投标：每个机构一份")
    staff = as_role("org_staff")  # 430702-org works for the demo agency
    first = bid(client, staff, project["id"], team=team, price_fen=18_000_000)
    assert first.status_code == 201, first.text
    mine = first.json()
    assert mine["state"] == "submitted" and mine["own"] and mine["organization_id"] == org
    full_names = {w["worker_id"]: w["name"] for w in _workers(ctx, org)}
    assert [m["name"] for m in mine["team"]] == [full_names[i] for i in team]  # the bidder sees full names
    assert mine["documents"] == []
    second = bid(client, staff, project["id"], price_fen=17_000_000)
    assert second.status_code == 409 and second.json()["code"] == "already_bid"
    # The terms are locked by the first bid.
    locked = client.put(f"{API}/{project['id']}/terms", headers=admin, json={"eligibility": {"min_grade": "5A"}})
    assert locked.status_code == 409 and locked.json()["code"] == "terms_locked"
    withdrawn = client.post(f"{API}/{project['id']}/bids/{mine['id']}/withdraw", headers=staff)
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    again = client.post(f"{API}/{project['id']}/bids/{mine['id']}/withdraw", headers=staff)
    assert again.status_code == 409
    replaced = bid(client, staff, project["id"], price_fen=17_000_000)
    assert replaced.status_code == 201
    listed = client.get(f"{API}/{project['id']}/bids", headers=staff).json()
    assert [(b["state"], b["price_fen"]) for b in listed["items"]] == [("withdrawn", 18_000_000),
                                                                       ("submitted", 17_000_000)]
    actions = [r["action"] for r in run(AuditEvent.select(AuditEvent.action).where(
        AuditEvent.entity == "procurement_bid").order_by(AuditEvent.seq)) if r]
    assert {"bid", "withdraw"} <= set(actions)
    # Readers: sealed before the deadline, all bids after it, team names masked.
    reader = client.get(f"{API}/{project['id']}/bids", headers=as_role("supervisor")).json()
    assert reader == {"sealed": True, "items": []}
    deadline_passes(project["id"])
    late = client.post(f"{API}/{project['id']}/bids/{replaced.json()['id']}/withdraw", headers=staff)
    assert late.status_code == 409
    seen = client.get(f"{API}/{project['id']}/bids", headers=as_role("supervisor")).json()
    assert not seen["sealed"] and len(seen["items"]) == 2
    masked = seen["items"][0]["team"]
    assert [m["name"] for m in masked] == [full_names[i][0] + "*" * (len(full_names[i]) - 1) for i in team]
    assert all(not b["own"] for b in seen["items"])


BAD = [
    ({"price_fen": 0}, "price_fen", "应大于0"),
    ({"price_fen": 30_000_001}, "price_fen", "不能高于项目预算"),
    ({"price_fen": None}, "price_fen", "请填写投标报价"),
    ({"plan": "  "}, "plan", "请填写服务方案"),
    ({"team": [999_999]}, "team", "不是本机构在岗的持证社工"),
]


@pytest.mark.parametrize(("changes", "field", "words"), BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)])
def test_bad_bids_422_and_nothing_written(client, as_role, changes, field, words):
    project = open_tender(client, as_role("district_admin"), f"投标：错误输入{field}")
    staff = staff_of(new_org())
    before = run(Bid.count()), run(AuditEvent.count())
    answer = bid(client, staff, project["id"], **changes)
    assert answer.status_code == 422, answer.text
    assert any(e["field"] == field and words in e["message"] for e in answer.json()["errors"]), answer.json()
    assert (run(Bid.count()), run(AuditEvent.count())) == before


def test_a_team_member_of_another_organisation_is_refused(client, as_role, ctx):
    project = open_tender(client, as_role("district_admin"), "投标：借用他人社工")
    other_worker = _workers(ctx, _demo_agency(ctx))[0]["worker_id"]
    answer = bid(client, staff_of(new_org()), project["id"], team=[other_worker])
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "team"


def test_staff_bid_only_for_their_own_organisation_and_see_only_their_own(client, as_role):
    admin = as_role("district_admin")
    project = open_tender(client, admin, "投标：只能为本机构")
    mine, theirs = new_org(), new_org()
    staff = staff_of(mine)
    before = run(Bid.count())
    other = bid(client, staff, project["id"], organization_id=theirs)
    assert other.status_code == 403 and run(Bid.count()) == before
    assert bid(client, staff_of(mine), project["id"]).status_code == 201
    assert bid(client, staff_of(theirs), project["id"]).status_code == 201
    seen = client.get(f"{API}/{project['id']}/bids", headers=staff_of(mine)).json()
    assert [b["organization_id"] for b in seen["items"]] == [mine]
    their_bid = client.get(f"{API}/{project['id']}/bids", headers=staff_of(theirs)).json()["items"][0]["id"]
    assert client.post(f"{API}/{project['id']}/bids/{their_bid}/withdraw", headers=staff_of(mine)).status_code == 404
    # Readers and residents may not bid; residents may not read bids.
    assert bid(client, as_role("district_admin"), project["id"]).status_code == 403
    assert client.get(f"{API}/{project['id']}/bids", headers=as_role("resident")).status_code == 403
    # Tenders: the bidder sees this project among the open ones, and its page API.
    tenders = client.get(f"/api/districts/{OWN}/procurement/tenders", headers=staff_of(mine)).json()["items"]
    assert project["id"] in [p["id"] for p in tenders] and all(p["stage"] == "tender" for p in tenders)
    assert client.get(f"/api/districts/{OWN}/procurement/tenders/{project['id']}",
                      headers=staff_of(mine)).status_code == 200
    planning = create(client, admin, title="投标：计划中的项目不公开")
    assert client.get(f"/api/districts/{OWN}/procurement/tenders/{planning['id']}",
                      headers=staff_of(mine)).status_code == 404


def test_other_district(client, as_role):
    project = open_tender(client, as_role("district_admin"), "投标：跨区")
    outsider = new_org(code=OTHER)
    # Staff of an organisation of 430703 (where procurement is not enabled): 404 there, 403 here.
    assert client.get(f"/api/districts/{OTHER}/procurement/tenders", headers=staff_of(outsider, OTHER)
                      ).status_code == 404
    assert bid(client, staff_of(outsider, OTHER), project["id"]).status_code == 403
    assert client.get(f"/api/districts/{OTHER}/procurement/projects/{project['id']}/bids",
                      headers=as_role("platform_admin")).status_code == 404
    other_admin = bearer_for(client, f"{OTHER}-admin")
    assert client.get(f"{API}/{project['id']}/bids", headers=other_admin).status_code == 403


def test_two_racing_bids_of_one_organisation_one_wins(client, as_role, ctx):
    project = open_tender(client, as_role("district_admin"), "投标：并发")
    org = new_org()
    staff = Principal(user_id=0, username="racer", grants=(Grant("org_staff", "organization", district_code=OWN,
                                                                 organization_id=org),),
                      permissions_by_role=ctx.contributions.role_permissions)

    async def race():
        data = bids.BidIn(price_fen=10_000_000, plan="并发投标")
        return await asyncio.gather(bids.submit(ctx, OWN, project["id"], staff, data),
                                    bids.submit(ctx, OWN, project["id"], staff, data), return_exceptions=True)

    results = run(race())
    assert sorted(type(r).__name__ for r in results) == ["ApiError", "dict"], results
    assert next(r for r in results if not isinstance(r, dict)).status_code == 409
    assert run(Bid.count().where((Bid.project == project["id"]) & (Bid.state == "submitted"))) == 1


def test_the_ranking_is_sealed_until_the_deadline(client, as_role):
    """Before the deadline nobody learns who bid or at what price: not the ranking API, not the
    project page (a reader sees "sealed"); after it the ranking lists every submitted bid."""
    admin = as_role("district_admin")
    project = open_tender(client, admin, "投标：截止前评审结果保密")
    org = new_org()
    assert bid(client, staff_of(org), project["id"], price_fen=12_345_600).status_code == 201
    name = run(Organization.select(Organization.name).where(Organization.id == org).first())["name"]
    ranking = client.get(f"{API}/{project['id']}/ranking", headers=admin).json()
    assert ranking["sealed"] is True and ranking["bids"] == [] and ranking["recommended_bid"] is None
    page = client.get(f"/districts/{OWN}/procurement/projects/{project['id']}", headers=admin).text
    assert name not in page and "123,456" not in page and 'data-testid="ranking-sealed"' in page
    deadline_passes(project["id"])
    ranking = client.get(f"{API}/{project['id']}/ranking", headers=admin).json()
    assert ranking["sealed"] is False and [b["organization_id"] for b in ranking["bids"]] == [org]
    page = client.get(f"/districts/{OWN}/procurement/projects/{project['id']}", headers=admin).text
    assert name in page and 'data-testid="ranking-sealed"' not in page
