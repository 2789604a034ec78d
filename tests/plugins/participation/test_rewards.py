"""Rewards and redemptions over HTTP: staff add and change rewards; a resident redeems (201);
409 insufficient_points / out_of_stock write nothing (stock, balance, ledger unchanged); staff
collect or cancel (refund by a reversal naming the redeem entry, stock back); access by role
and district."""

from __future__ import annotations

import pytest

from plugins.participation.tables import PointEntry
from tests.conftest import OTHER, OWN, bearer_for, run
from tests.plugins.participation.points_support import (balance, entries, give, ledger_sum, new_resident, new_reward,
                                                        redemptions, stock)

API = f"/api/districts/{OWN}/participation"
pytestmark = pytest.mark.usefixtures("ctx")


def _resident_with(client, amount: int) -> tuple[dict, int]:
    username, user_id = new_resident()
    if amount:
        give(user_id, amount)
    return bearer_for(client, username), user_id


def test_staff_add_and_change_rewards_and_everyone_sees_them(client, as_role):
    staff = as_role("district_admin")
    made = client.post(f"{API}/rewards", headers=staff, json={"name": "环保购物袋（测试）", "cost": 30, "stock": 2})
    assert made.status_code == 201, made.text
    reward = made.json()
    assert reward["active"] is True and reward["stock"] == 2
    changed = client.patch(f"{API}/rewards/{reward['id']}", headers=staff, json={"stock": 5, "active": False})
    assert changed.status_code == 200 and changed.json()["stock"] == 5 and changed.json()["active"] is False
    public = client.get(f"{API}/rewards").json()
    assert any(r["id"] == reward["id"] and r["stock"] == 5 for r in public)
    assert client.get(f"/api/districts/{OTHER}/participation/rewards").status_code == 404


@pytest.mark.parametrize("body,field", [({"name": "x", "cost": 0, "stock": 1}, "cost"),
                                        ({"name": "x", "cost": 5, "stock": -1}, "stock"),
                                        ({"name": "", "cost": 5, "stock": 1}, "name"),
                                        ({"cost": 5, "stock": 1}, "name")])
def test_bad_rewards_are_refused_naming_the_field(client, as_role, body, field):
    before = client.get(f"{API}/rewards").json()
    answer = client.post(f"{API}/rewards", headers=as_role("district_admin"), json=body)
    assert answer.status_code in (400, 422) and field in [e["field"] for e in answer.json()["errors"]]
    assert client.get(f"{API}/rewards").json() == before


@pytest.mark.parametrize("role", ["resident", "org_staff", "social_worker", "supervisor"])
def test_only_staff_manage_rewards(client, as_role, role):
    reward = new_reward(10, 3)
    assert client.post(f"{API}/rewards", headers=as_role(role), json={"name": "x", "cost": 5, "stock": 1}).status_code == 403
    assert client.patch(f"{API}/rewards/{reward}", headers=as_role(role), json={"stock": 0}).status_code == 403
    assert client.get(f"{API}/redemptions", headers=as_role(role)).status_code == 403
    assert stock(reward) == 3


def test_a_resident_redeems_and_the_ledger_names_the_redemption(client):
    headers, user_id = _resident_with(client, 40)
    reward = new_reward(30, 2)
    done = client.post(f"{API}/rewards/{reward}/redemptions", headers=headers)
    assert done.status_code == 201, done.text
    body = done.json()
    assert body["cost"] == 30 and body["balance"] == 10 and body["state"] == "issued"
    assert stock(reward) == 1 and balance(user_id) == 10 == ledger_sum(user_id)
    entry = run(PointEntry.select().where((PointEntry.user_id == user_id) & (PointEntry.reason == "redeem")).first())
    assert entry["ref"] == f"redemption:{body['id']}" and entry["amount"] == -30
    mine = client.get("/api/me/points", headers=headers).json()
    assert mine["balance"] == 10 and mine["entries"][0]["reason_label"] == "兑换奖品"


def test_not_enough_points_writes_nothing(client):
    headers, user_id = _resident_with(client, 29)
    reward = new_reward(30, 2)
    refused = client.post(f"{API}/rewards/{reward}/redemptions", headers=headers)
    assert refused.status_code == 409 and refused.json()["code"] == "insufficient_points"
    assert stock(reward) == 2 and balance(user_id) == 29 == ledger_sum(user_id)
    assert entries(user_id) == 1 and redemptions(user_id) == 0


def test_out_of_stock_writes_nothing(client):
    headers, user_id = _resident_with(client, 100)
    for reward in (new_reward(30, 0), new_reward(30, 5, active=False)):
        refused = client.post(f"{API}/rewards/{reward}/redemptions", headers=headers)
        assert refused.status_code == 409 and refused.json()["code"] == "out_of_stock"
    assert balance(user_id) == 100 and entries(user_id) == 1 and redemptions(user_id) == 0


def test_a_reward_of_another_district_is_not_found(client):
    headers, user_id = _resident_with(client, 100)
    reward = new_reward(10, 5, district=OTHER)
    assert client.post(f"{API}/rewards/{reward}/redemptions", headers=headers).status_code == 404
    assert stock(reward) == 5 and balance(user_id) == 100


@pytest.mark.parametrize("role", ["district_admin", "org_staff", "supervisor"])
def test_only_residents_redeem(client, as_role, role):
    reward = new_reward(1, 5)
    assert client.post(f"{API}/rewards/{reward}/redemptions", headers=as_role(role)).status_code == 403
    assert client.post(f"{API}/rewards/{reward}/redemptions").status_code == 401
    assert stock(reward) == 5


def test_staff_collect_or_cancel_with_a_refund(client, as_role):
    headers, user_id = _resident_with(client, 100)
    reward = new_reward(30, 5)
    first = client.post(f"{API}/rewards/{reward}/redemptions", headers=headers).json()
    second = client.post(f"{API}/rewards/{reward}/redemptions", headers=headers).json()
    staff = as_role("district_admin")
    listed = client.get(f"{API}/redemptions", headers=staff).json()
    mine = [r for r in listed if r["id"] in (first["id"], second["id"])]
    assert len(mine) == 2 and all(r["resident"] == "测***" for r in mine)  # masked
    collected = client.post(f"{API}/redemptions/{first['id']}/collect", headers=staff)
    assert collected.status_code == 200 and collected.json()["state"] == "collected"
    assert client.post(f"{API}/redemptions/{first['id']}/cancel", headers=staff).status_code == 409
    cancelled = client.post(f"{API}/redemptions/{second['id']}/cancel", headers=staff)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert client.post(f"{API}/redemptions/{second['id']}/collect", headers=staff).status_code == 409
    assert stock(reward) == 4 and balance(user_id) == 70 == ledger_sum(user_id)
    redeem_entry = run(PointEntry.select(PointEntry.id).where(PointEntry.ref == f"redemption:{second['id']}").first())
    refund = run(PointEntry.select().where(PointEntry.reverses == redeem_entry["id"]).first())
    assert refund["amount"] == 30 and refund["reason"] == "reversal"
    assert client.post(f"/api/districts/{OTHER}/participation/redemptions/{first['id']}/collect",
                       headers=as_role("platform_admin")).status_code == 404


def test_pages_show_rewards_balance_and_redemptions(client, as_role):
    headers, user_id = _resident_with(client, 12)
    new_reward(10, 3)
    page = client.get(f"/districts/{OWN}/participation/rewards", headers=headers)
    assert page.status_code == 200 and 'id="balance">12<' in page.text and "兑换" in page.text
    anonymous = client.get(f"/districts/{OWN}/participation/rewards")
    assert anonymous.status_code == 200 and 'id="balance"' not in anonymous.text
    staff = client.get(f"/districts/{OWN}/participation/redemptions", headers=as_role("district_admin"))
    assert staff.status_code == 200 and "兑换登记" in staff.text
    assert client.get(f"/districts/{OWN}/participation/redemptions", headers=headers).status_code == 403


def test_the_demo_gives_two_rewards_and_the_resident_points_to_redeem(client):
    names = {r["name"]: r for r in client.get(f"{API}/rewards").json()}
    assert names["环保购物袋"]["cost"] == 30 and names["社区理发券"]["stock"] <= 5
    resident = bearer_for(client, f"{OWN}-resident")
    me = client.get(f"{API}/me", headers=resident).json()
    assert me["balance"] == client.get("/api/me/points", headers=resident).json()["balance"]
    # the demo leaves the resident at least 60 points: what the demo credited, less its one redemption
    # (browser tests, run earlier in a full run, earn and spend more of their own)
    from core.tables import User

    user_id = run(User.select(User.id).where(User.username == f"{OWN}-resident").first())["id"]
    demo_points = run(PointEntry.select(PointEntry.amount).where(
        (PointEntry.district_code == OWN) & (PointEntry.user_id == user_id) & (PointEntry.created_by == "demo")))
    assert sum(e["amount"] for e in demo_points) >= 60
    # The demo's one redemption is the oldest (the browser test, run earlier in a full run, adds its own).
    assert me["redemptions"] and me["redemptions"][-1]["state"] == "collected"
    assert me["redemptions"][-1]["reward_name"] == "环保购物袋"
