"""Worker profiles and records: create/update by ID number, masking, status
history, registration expiry, a worker keeping only their own records, and
corrections that keep the original."""

from __future__ import annotations

from datetime import date, timedelta

from core.codes import make_id_number
from core.tables import Person, User
from plugins.talent.tables import ServiceLog, SocialWorker
from tests.conftest import OTHER, OWN, bearer, run

BASE = f"/api/districts/{OWN}/talent"


def worker_body(seq: int, **extra) -> dict:
    return {"name": "测试社工", "id_number": make_id_number(OWN, date(1985, 4, 2), 700 + seq), "phone": "13900007777",
            "post_type": "社区专职工作者", "education": "本科", "major": "社会工作", "social_work_major": True,
            "qualification": "社会工作师", "certificate_no": f"S2020{seq:04d}", "certificate_year": 2020,
            "registered_on": "2021-03-01", "start_date": "2019-07-01", **extra}


def test_create_is_upsert_by_id_number_and_masks_identity(client, tokens):
    admin = bearer(tokens["district_admin"])
    created = client.post(f"{BASE}/workers", json=worker_body(1), headers=admin)
    assert created.status_code == 201, created.text
    worker = created.json()
    assert worker["id_number"].count("*") == 8 and worker["phone"] == "139****7777"
    # Registered 2021-03-01: valid three years, so expired on 2024-03-01.
    assert (worker["registration_state"], worker["registration_expires"]) == ("已过期", "2024-03-01")
    assert worker["subsidy"] == 300  # 社会工作师 default district subsidy
    again = client.post(f"{BASE}/workers", json=worker_body(1, education="硕士研究生"), headers=admin)
    assert again.json()["id"] == worker["id"] and again.json()["education"] == "硕士研究生"
    assert run(SocialWorker.count().where(SocialWorker.person_id == worker["person_id"])) == 1
    listed = client.get(f"{BASE}/workers", params={"per_page": 200}, headers=admin).text
    assert worker_body(1)["id_number"] not in listed and "13900007777" not in listed


def test_status_changes_are_kept_as_history(client, tokens):
    admin = bearer(tokens["district_admin"])
    worker = client.post(f"{BASE}/workers", json=worker_body(2), headers=admin).json()
    changed = client.patch(f"{BASE}/workers/{worker['id']}", json={"status": "离岗"}, headers=admin).json()
    assert [(h["from_status"], h["to_status"]) for h in changed["status_history"]] == [(None, "在岗"), ("在岗", "离岗")]


def test_profile_vocabulary_is_checked(client, tokens):
    bad = client.post(f"{BASE}/workers", headers=bearer(tokens["district_admin"]),
                      json=worker_body(3, qualification="社工大师", education="小学", certificate_year=1990))
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"qualification", "education", "certificate_year"}


def test_other_districts_see_nothing(client, tokens):
    admin = bearer(tokens["district_admin"])
    worker = client.post(f"{BASE}/workers", json=worker_body(4), headers=admin).json()
    platform = bearer(tokens["platform_admin"])
    assert client.get(f"/api/districts/{OTHER}/talent/workers/{worker['id']}", headers=platform).status_code == 404
    assert client.get(f"/api/districts/{OTHER}/talent/workers", headers=admin).status_code == 403
    assert client.get(f"{BASE}/workers", headers=bearer(tokens["resident"])).status_code == 403


def _ensure_own_worker() -> None:
    """The demo worker user's person has a worker profile (created here if the demo has none)."""
    from plugins.talent.services import upsert_worker
    from core import db

    user = run(User.select(User.person_id).where(User.username == f"{OWN}-worker").first())
    if run(SocialWorker.exists().where(SocialWorker.person_id == user["person_id"])):
        return
    person = run(Person.select().where(Person.id == user["person_id"]).first())

    async def create():
        async with db.write_transaction():
            await upsert_worker(OWN, "test", {"name": person["name"], "id_number": person["id_number"]},
                                {"post_type": "社区专职工作者", "education": "大专"})

    run(create())


def test_a_worker_keeps_their_own_logs_and_corrections_keep_the_original(client, tokens):
    _ensure_own_worker()
    me = bearer(tokens["social_worker"])
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    log = client.post(f"{BASE}/me/logs", json={"day": yesterday, "hours": 2, "kind": "走访", "summary": "走访独居老人"},
                      headers=me)
    assert log.status_code == 201, log.text
    log_id = log.json()["id"]
    assert client.patch(f"{BASE}/me/logs/{log_id}", headers=me,
                        json={"day": yesterday, "hours": 3, "kind": "走访", "summary": "走访独居老人两户"}).status_code == 200
    assert client.post(f"{BASE}/me/logs/{log_id}/submit", headers=me).json()["state"] == "submitted"
    frozen = client.patch(f"{BASE}/me/logs/{log_id}", headers=me,
                          json={"day": yesterday, "hours": 9, "kind": "走访", "summary": "改"})
    assert frozen.status_code == 409 and frozen.json()["code"] == "record_submitted"
    correction = client.post(f"{BASE}/me/logs/{log_id}/correction", headers=me,
                             json={"day": yesterday, "hours": 2.5, "kind": "走访", "summary": "走访独居老人两户",
                                   "reason": "时长记错"})
    assert correction.status_code == 201 and correction.json()["corrects"] == log_id
    original = run(ServiceLog.select().where(ServiceLog.id == log_id).first())
    assert original["hours"] == 3 and original["superseded"] is True
    assert client.post(f"{BASE}/me/logs/{log_id}/correction", headers=me,
                       json={"day": yesterday, "hours": 1, "kind": "走访", "reason": "再改"}).status_code == 409
    logs = client.get(f"{BASE}/me/logs", headers=me).json()
    assert {log_id, correction.json()["id"]} <= {entry["id"] for entry in logs}
    future = client.post(f"{BASE}/me/logs", headers=me,
                         json={"day": (date.today() + timedelta(days=2)).isoformat(), "hours": 1, "kind": "个案"})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "day"


def test_a_worker_cannot_reach_other_workers_records(client, tokens):
    _ensure_own_worker()
    me = bearer(tokens["social_worker"])
    other = run(SocialWorker.select(SocialWorker.id).where(SocialWorker.district_code == OWN).first())["id"]
    assert client.get(f"{BASE}/workers/{other}/logs", headers=me).status_code == 403
    assert client.get(f"{BASE}/workers", headers=me).status_code == 403
    someone_elses = run(ServiceLog.select(ServiceLog.id).where(ServiceLog.worker != other).first())
    if someone_elses:
        assert client.post(f"{BASE}/me/logs/{someone_elses['id']}/submit", headers=me).status_code in (404, 409)
    supervisor = bearer(tokens["supervisor"])
    assert client.get(f"{BASE}/workers/{other}/logs", headers=supervisor).status_code == 200


def test_a_person_of_another_district_is_not_changed_through_this_one(client, tokens):
    other_person = run(Person.select().where(Person.district_code == OTHER).first())
    response = client.post(f"{BASE}/workers", headers=bearer(tokens["platform_admin"]),
                           json=worker_body(9, id_number=other_person["id_number"], name="冒名"))
    assert response.status_code == 409 and response.json()["code"] == "other_district"
    assert run(Person.select(Person.name).where(Person.id == other_person["id"]).first())["name"] == other_person["name"]
