"""Registration applications in the national system's states (未申请 → 待审核 → 初审 → 终审 →
首次登记已完成 → 已出证): allowed moves only (409 otherwise), editable only before 初审通过, every move
audited and conditional on the state read, the registration rules applied to the application date,
completion setting the worker's registration, and the states shown on the roster page."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from core.codes import make_id_number
from core.dates import add_years
from core.errors import ApiError
from core.tables import AuditEvent
from plugins.talent import applications
from plugins.talent.tables import RegistrationApplication, SocialWorker
from tests.conftest import OWN, bearer, run

BASE = f"/api/districts/{OWN}/talent"
TODAY = date.today()  # midnight-safe: `_today` re-reads it before each test


@pytest.fixture(autouse=True)
def _today():
    """Today as each test starts, not as the module was imported (a run crossing midnight)."""
    global TODAY
    TODAY = date.today()


@pytest.fixture
def admin(tokens):
    return bearer(tokens["district_admin"])


def new_worker(client, admin, seq: int, **extra) -> dict:
    body = {"name": f"申请{seq}", "id_number": make_id_number(OWN, date(1992, 5, 6) + timedelta(days=seq), 400 + seq),
            "post_type": "社区专职工作者", "education": "本科", "qualification": "社会工作师",
            "certificate_no": f"N{seq:05d}", "certificate_year": TODAY.year - 1, **extra}
    response = client.post(f"{BASE}/workers", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


def snapshot() -> dict:
    async def take():
        rows = await RegistrationApplication.select(RegistrationApplication.id, RegistrationApplication.state,
                                                    RegistrationApplication.applied_on, RegistrationApplication.note)
        workers = await SocialWorker.select(SocialWorker.id, SocialWorker.registered_on)
        return {"applications": sorted(tuple(r.values()) for r in rows), "events": await AuditEvent.count(),
                "workers": sorted(tuple(w.values()) for w in workers)}

    return run(take())


def move(client, admin, application_id: int, to: str, note: str = ""):
    return client.post(f"{BASE}/registrations/{application_id}/moves", json={"to": to, "note": note}, headers=admin)


def events_of(application_id: int) -> list[dict]:
    return run(AuditEvent.select().where((AuditEvent.entity == "registration_application")
                                         & (AuditEvent.entity_id == str(application_id))).order_by(AuditEvent.seq))


def test_a_first_registration_goes_through_every_state_and_registers_the_worker(client, admin, tokens):
    worker = new_worker(client, admin, 1)
    created = client.post(f"{BASE}/workers/{worker['id']}/registrations", json={"note": "材料齐全"}, headers=admin)
    assert created.status_code == 201, created.text
    application = created.json()
    assert (application["kind"], application["state"], application["state_label"], application["applied_on"]) == (
        "首次登记", "not_applied", "未申请", TODAY.isoformat())
    assert application["allowed_moves"] == ["pending"] and application["editable"] is True
    app_id = application["id"]
    edited = client.patch(f"{BASE}/registrations/{app_id}", json={"note": "材料齐全，已核对原件"}, headers=admin)
    assert edited.status_code == 200 and edited.json()["note"] == "材料齐全，已核对原件"
    path = ["pending", "first_passed", "final_passed", "registered", "issued"]
    for state in path:
        moved = move(client, admin, app_id, state)
        assert moved.status_code == 200, moved.text
        assert moved.json()["state"] == state
    assert moved.json()["state_label"] == "已出证" and moved.json()["allowed_moves"] == []
    assert moved.json()["registered_on"] == TODAY.isoformat()
    # every change audited, in order
    trail = events_of(app_id)
    assert [e["action"] for e in trail] == ["create", "update"] + ["move"] * len(path)
    assert [json.loads(e["after"])["state"] for e in trail[2:]] == path
    # completing the application registered the worker today (a first registration)
    profile = client.get(f"{BASE}/workers/{worker['id']}", headers=bearer(tokens["supervisor"])).json()
    assert (profile["first_registered_on"], profile["registered_on"], profile["registration_state"]) == (
        TODAY.isoformat(), TODAY.isoformat(), "有效")
    assert (profile["national_state"], profile["national_state_label"]) == ("issued", "已出证")
    registered = run(AuditEvent.select().where((AuditEvent.action == "register")
                                               & (AuditEvent.entity_id == str(worker["id"]))).first())
    assert json.loads(registered["after"])["application_id"] == app_id
    listed = client.get(f"{BASE}/workers/{worker['id']}/registrations", headers=bearer(tokens["supervisor"]))
    assert [a["id"] for a in listed.json()] == [app_id]


def test_an_illegal_move_is_409_and_changes_nothing(client, admin):
    worker = new_worker(client, admin, 2)
    app_id = client.post(f"{BASE}/workers/{worker['id']}/registrations", json={}, headers=admin).json()["id"]
    for target in ("first_passed", "registered", "issued", "not_applied"):
        before = snapshot()
        response = move(client, admin, app_id, target)
        assert response.status_code == 409 and response.json()["code"] == "invalid_transition", response.text
        assert "未申请" in response.json()["detail"]
        assert snapshot() == before
    unknown = move(client, admin, app_id, "approved")
    assert unknown.status_code == 400  # not a state of the national system


def test_editable_only_before_first_review_passes(client, admin):
    worker = new_worker(client, admin, 3)
    app_id = client.post(f"{BASE}/workers/{worker['id']}/registrations", json={}, headers=admin).json()["id"]
    assert move(client, admin, app_id, "pending").status_code == 200
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    assert client.patch(f"{BASE}/registrations/{app_id}", json={"applied_on": yesterday},
                        headers=admin).json()["applied_on"] == yesterday  # 待审核: still editable
    assert move(client, admin, app_id, "first_passed").status_code == 200
    before = snapshot()
    frozen = client.patch(f"{BASE}/registrations/{app_id}", json={"note": "改"}, headers=admin)
    assert frozen.status_code == 409 and frozen.json()["code"] == "not_editable"
    assert snapshot() == before


def test_a_failed_review_needs_its_reason_and_goes_back_for_correction(client, admin):
    worker = new_worker(client, admin, 4)
    app_id = client.post(f"{BASE}/workers/{worker['id']}/registrations", json={}, headers=admin).json()["id"]
    assert move(client, admin, app_id, "pending").status_code == 200
    before = snapshot()
    silent = move(client, admin, app_id, "first_failed")
    assert silent.status_code == 422 and silent.json()["errors"][0]["field"] == "note"
    assert snapshot() == before
    failed = move(client, admin, app_id, "first_failed", "缺少学历证明")
    assert failed.status_code == 200 and failed.json()["note"] == "缺少学历证明"
    assert failed.json()["editable"] is False and failed.json()["allowed_moves"] == ["not_applied"]
    back = move(client, admin, app_id, "not_applied")
    assert back.json()["editable"] is True


def test_one_application_in_progress_per_worker(client, admin):
    worker = new_worker(client, admin, 5)
    assert client.post(f"{BASE}/workers/{worker['id']}/registrations", json={}, headers=admin).status_code == 201
    before = snapshot()
    second = client.post(f"{BASE}/workers/{worker['id']}/registrations", json={}, headers=admin)
    assert second.status_code == 409 and second.json()["code"] == "application_open"
    assert snapshot() == before


def test_a_move_is_conditional_on_the_state_it_was_read_in(client, admin):
    worker = new_worker(client, admin, 6)
    app_id = client.post(f"{BASE}/workers/{worker['id']}/registrations", json={}, headers=admin).json()["id"]
    stale = run(RegistrationApplication.select().where(RegistrationApplication.id == app_id).first())
    assert move(client, admin, app_id, "pending").status_code == 200  # someone else moved it meanwhile
    before = snapshot()
    with pytest.raises(ApiError) as refused:
        run(applications._update(stale, {RegistrationApplication.state: "pending"}))
    assert (refused.value.status_code, refused.value.code) == (409, "conflict")
    assert snapshot() == before


# --- the rules on the application date --------------------------------------------------------


def test_an_unqualified_worker_cannot_apply(client, admin):
    worker = new_worker(client, admin, 7, qualification="无", certificate_no="", certificate_year=None)
    before = snapshot()
    response = client.post(f"{BASE}/workers/{worker['id']}/registrations", json={}, headers=admin)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "qualification"
    assert "职业水平证书" in response.json()["errors"][0]["message"]
    assert snapshot() == before


def test_a_late_first_application_needs_an_audited_reason(client, admin):
    worker = new_worker(client, admin, 8, certificate_year=TODAY.year - 4)
    before = snapshot()
    late = client.post(f"{BASE}/workers/{worker['id']}/registrations", json={}, headers=admin)
    assert late.status_code == 422 and late.json()["errors"][0]["field"] == "applied_on"
    assert "首次登记须在考试合格后一年内办理" in late.json()["errors"][0]["message"]
    assert snapshot() == before
    allowed = client.post(f"{BASE}/workers/{worker['id']}/registrations", headers=admin,
                          json={"override_reason": "产假期间未能申请，经局务会同意"})
    assert allowed.status_code == 201 and allowed.json()["override_reason"] == "产假期间未能申请，经局务会同意"
    created = json.loads(events_of(allowed.json()["id"])[0]["after"])
    assert created["overridden_rules"] and created["override_reason"] == "产假期间未能申请，经局务会同意"
    # clearing the reason while the application is editable brings the refusal back
    before = snapshot()
    cleared = client.patch(f"{BASE}/registrations/{allowed.json()['id']}", json={"override_reason": ""},
                           headers=admin)
    assert cleared.status_code == 422 and cleared.json()["errors"][0]["field"] == "applied_on"
    assert snapshot() == before


def test_an_application_dated_before_the_exam_year_is_refused(client, admin):
    worker = new_worker(client, admin, 9)
    before = snapshot()
    response = client.post(f"{BASE}/workers/{worker['id']}/registrations", headers=admin,
                           json={"applied_on": date(TODAY.year - 2, 12, 31).isoformat()})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "applied_on"
    assert "登记日期不能早于职业水平考试年份" in response.json()["errors"][0]["message"]
    assert snapshot() == before


def test_re_registration_is_accepted_only_in_the_renewal_window(client, admin):
    early = add_years(TODAY, -3) + timedelta(days=150)
    worker = new_worker(client, admin, 10, certificate_year=early.year, registered_on=early.isoformat())
    before = snapshot()
    refused = client.post(f"{BASE}/workers/{worker['id']}/registrations", json={}, headers=admin)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "applied_on"
    assert "再登记须在登记有效期（3年）届满前3个月内办理" in refused.json()["errors"][0]["message"]
    assert snapshot() == before

    due = add_years(TODAY, -3) + timedelta(days=40)
    other = new_worker(client, admin, 11, certificate_year=due.year, registered_on=due.isoformat())
    application = client.post(f"{BASE}/workers/{other['id']}/registrations", json={}, headers=admin)
    assert application.status_code == 201 and application.json()["kind"] == "再登记"
    for state in ("pending", "first_passed", "final_passed", "registered"):
        assert move(client, admin, application.json()["id"], state).status_code == 200
    renewed = run(SocialWorker.select().where(SocialWorker.id == other["id"]).first())
    assert (renewed["first_registered_on"], renewed["registered_on"]) == (due, TODAY)  # the first stays


# --- access and pages --------------------------------------------------------------------------


def test_readers_read_and_only_district_admins_move(client, admin, tokens):
    worker = new_worker(client, admin, 12)
    app_id = client.post(f"{BASE}/workers/{worker['id']}/registrations", json={}, headers=admin).json()["id"]
    supervisor = bearer(tokens["supervisor"])
    queue = client.get(f"{BASE}/registrations", params={"state": "not_applied"}, headers=supervisor)
    assert queue.status_code == 200 and app_id in [a["id"] for a in queue.json()]
    assert all(a["state"] == "not_applied" for a in queue.json())
    before = snapshot()
    for role in ("supervisor", "social_worker", "org_staff"):
        assert move(client, bearer(tokens[role]), app_id, "pending").status_code == 403
    assert snapshot() == before


def test_the_roster_page_shows_both_states(client, admin, tokens):
    worker = new_worker(client, admin, 13, registered_on=date(TODAY.year - 1, 10, 8).isoformat())
    assert worker["registration_state"] == "有效"
    total = run(SocialWorker.count().where(SocialWorker.district_code == OWN))
    last = -(-total // 50)
    html = client.get(f"/districts/{OWN}/talent", params={"page": last}, headers=admin).text
    row = next(r for r in html.split("<tr>") if "申请13" in r)
    assert '<td data-testid="registration-state">有效</td>' in row
    assert '<td data-testid="national-state">未申请</td>' in row
    english = client.get(f"/districts/{OWN}/talent", params={"page": last, "lang": "en"}, headers=admin).text
    row = next(r for r in english.split("<tr>") if "申请13" in r)
    assert ">Valid<" in row and ">Not applied<" in row and "National registration system" in english
