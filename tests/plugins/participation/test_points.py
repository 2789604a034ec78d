"""The points ledger: an award pays once per record; reversals and staff adjustments append
entries (never change one); the ledger's sum always equals the kept balance; /api/me/points."""

from __future__ import annotations

import uuid

import pytest

from core import db
from plugins.participation import points
from plugins.participation.tables import PointEntry
from tests.conftest import OTHER, OWN, bearer_for, run
from tests.plugins.participation.points_support import balance, entries, give, ledger_sum, new_resident

API = f"/api/districts/{OWN}/participation/points"
pytestmark = pytest.mark.usefixtures("ctx")


def _award(user_id: int, amount: int, ref: str):
    async def go():
        async with db.write_transaction():
            return await points.award(OWN, user_id, amount, "attend", ref, "参加活动", "test")

    return run(go())


def test_an_award_pays_once_per_record_and_the_ledger_sums_to_the_balance():
    _, user_id = new_resident()
    ref = f"activity:{uuid.uuid4().hex[:6]}"
    assert _award(user_id, 10, ref) is not None
    assert _award(user_id, 10, ref) is None  # the same check-in never pays twice
    assert _award(user_id, 0, "other") is None
    assert balance(user_id) == 10 == ledger_sum(user_id)
    assert entries(user_id) == 1


def test_staff_reverse_an_entry_once_and_never_a_reversal(client, as_role):
    _, user_id = new_resident()
    entry = _award(user_id, 10, "activity:rev")
    staff = as_role("district_admin")
    done = client.post(f"{API}/entries/{entry}/reverse", headers=staff, json={"note": "误签到"})
    assert done.status_code == 201, done.text
    body = done.json()
    assert body["amount"] == -10 and body["reverses"] == entry and body["reason"] == "reversal"
    assert balance(user_id) == 0 == ledger_sum(user_id)
    again = client.post(f"{API}/entries/{entry}/reverse", headers=staff, json={"note": "再来"})
    assert again.status_code == 409 and again.json()["code"] == "already_reversed"
    of_reversal = client.post(f"{API}/entries/{body['id']}/reverse", headers=staff, json={})
    assert of_reversal.status_code == 409 and of_reversal.json()["code"] == "is_reversal"
    original = run(PointEntry.select().where(PointEntry.id == entry).first())
    assert original["amount"] == 10 and original["reverses"] is None  # the ledger is never updated
    assert balance(user_id) == 0 == ledger_sum(user_id)


def test_reversing_a_credit_already_spent_is_refused_with_nothing_written(client, as_role):
    username, user_id = new_resident()
    entry = _award(user_id, 10, "activity:spent")
    staff = as_role("district_admin")
    assert client.post(f"{API}/adjustments", headers=staff,
                       json={"username": username, "amount": -8, "note": "兑换线下奖品"}).status_code == 201
    refused = client.post(f"{API}/entries/{entry}/reverse", headers=staff, json={"note": "x"})
    assert refused.status_code == 409 and refused.json()["code"] == "insufficient_points"
    assert balance(user_id) == 2 == ledger_sum(user_id) and entries(user_id) == 2


def test_adjustments_credit_and_debit_but_never_overdraw(client, as_role):
    username, user_id = new_resident()
    staff = as_role("district_admin")
    up = client.post(f"{API}/adjustments", headers=staff, json={"username": username, "amount": 25, "note": "补录"})
    assert up.status_code == 201, up.text
    assert up.json()["balance"] == 25 and up.json()["reason_label"] == "调整"
    over = client.post(f"{API}/adjustments", headers=staff, json={"username": username, "amount": -26, "note": "x"})
    assert over.status_code == 409 and over.json()["code"] == "insufficient_points"
    down = client.post(f"{API}/adjustments", headers=staff, json={"username": username, "amount": -25, "note": "x"})
    assert down.status_code == 201 and down.json()["balance"] == 0
    assert balance(user_id) == 0 == ledger_sum(user_id) and entries(user_id) == 2


@pytest.mark.parametrize("body,field", [
    ({"amount": 0, "note": "x"}, "amount"),
    ({"amount": 1001, "note": "x"}, "amount"),
    ({"amount": -1001, "note": "x"}, "amount"),
    ({"amount": 5, "note": ""}, "note"),
    ({"amount": 5}, "note"),
    ({"amount": "five", "note": "x"}, "amount"),
])
def test_bad_adjustments_are_refused_naming_the_field_with_nothing_written(client, as_role, body, field):
    username, user_id = new_resident()
    answer = client.post(f"{API}/adjustments", headers=as_role("district_admin"), json={"username": username, **body})
    assert answer.status_code in (400, 422), answer.text  # 400: the shape (msgspec), 422: the rules
    assert answer.json()["code"] == "invalid" and field in [e["field"] for e in answer.json()["errors"]]
    assert entries(user_id) == 0


def test_adjustments_reach_only_residents_of_the_district(client, as_role):
    stranger, stranger_id = new_resident(OTHER)
    staff = as_role("district_admin")
    answer = client.post(f"{API}/adjustments", headers=staff, json={"username": stranger, "amount": 5, "note": "x"})
    assert answer.status_code == 404
    assert client.post(f"{API}/adjustments", headers=staff,
                       json={"username": f"{OWN}-admin", "amount": 5, "note": "x"}).status_code == 404
    assert entries(stranger_id) == 0


def test_an_entry_of_another_district_is_not_found(client, as_role):
    _, user_id = new_resident(OTHER)
    entry = give(user_id, 5, district=OTHER)
    answer = client.post(f"{API}/entries/{entry}/reverse", headers=as_role("district_admin"), json={})
    assert answer.status_code == 404
    assert balance(user_id, OTHER) == 5


@pytest.mark.parametrize("role", ["resident", "org_staff", "social_worker", "supervisor"])
def test_only_staff_adjust_or_reverse(client, as_role, role):
    username, user_id = new_resident()
    entry = give(user_id, 5)
    assert client.post(f"{API}/adjustments", headers=as_role(role),
                       json={"username": username, "amount": 5, "note": "x"}).status_code == 403
    assert client.post(f"{API}/entries/{entry}/reverse", headers=as_role(role), json={}).status_code == 403
    assert balance(user_id) == 5 and entries(user_id) == 1


def test_module_off_in_the_other_district(client, as_role):
    answer = client.post(f"/api/districts/{OTHER}/participation/points/adjustments", headers=as_role("platform_admin"),
                         json={"username": "x", "amount": 5, "note": "x"})
    assert answer.status_code == 404 and answer.json()["code"] == "module_not_enabled"


def test_my_points_are_mine_newest_first(client, as_role):
    username, user_id = new_resident()
    give(user_id, 7)
    give(user_id, 3, reason="careful_rating")
    other, other_id = new_resident()
    give(other_id, 50)
    mine = client.get("/api/me/points", headers=bearer_for(client, username))
    assert mine.status_code == 200, mine.text
    body = mine.json()
    assert body["balance"] == 10
    assert [e["amount"] for e in body["entries"]] == [3, 7]
    assert body["entries"][0]["reason_label"] == "认真评价"
    assert client.get(f"/api/me/points?district={OTHER}", headers=bearer_for(client, username)).json() == {
        "balance": 0, "entries": []}
    assert client.get("/api/me/points", headers=as_role("district_admin")).json() == {"balance": 0, "entries": []}
    assert client.get("/api/me/points").status_code == 401
