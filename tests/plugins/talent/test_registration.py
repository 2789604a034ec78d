"""Registration rules on the worker API (民发〔2009〕44号): only a qualified worker registers; the
first registration within one year of passing (later only with an audited override reason); not
before the exam year; re-registration only in the three months before expiry; the registration
state computed on read. Every refusal is a 422 naming the field and the rule, with nothing written."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from core.codes import make_id_number
from core.dates import add_months, add_years
from core.tables import AuditEvent, Person
from plugins.talent import registration
from plugins.talent.tables import SocialWorker
from tests.conftest import OWN, bearer, run

BASE = f"/api/districts/{OWN}/talent"
TODAY = date.today()  # midnight-safe: `_today` re-reads it before each test
EXAM = TODAY.year - 1  # passed last year: a first registration is on time until the end of this year


@pytest.fixture(autouse=True)
def _today():
    """Today as each test starts, not as the module was imported (a run crossing midnight)."""
    global TODAY, EXAM
    TODAY = date.today()
    EXAM = TODAY.year - 1


def body(seq: int, **extra) -> dict:
    return {"name": "登记测试", "id_number": make_id_number(OWN, date(1991, 2, 3) + timedelta(days=seq), 300 + seq),
            "post_type": "社区专职工作者", "education": "本科", "qualification": "助理社会工作师",
            "certificate_no": f"R{seq:05d}", "certificate_year": EXAM, **extra}


def snapshot() -> dict:
    """Row counts that a refused write must leave alone, and every worker's registration dates."""
    async def take():
        workers = await SocialWorker.select(SocialWorker.id, SocialWorker.first_registered_on,
                                            SocialWorker.registered_on, SocialWorker.registration_expires)
        return {"people": await Person.count(), "events": await AuditEvent.count(),
                "workers": sorted(tuple(w.values()) for w in workers)}

    return run(take())


def refused(response, before: dict, field: str, words: str) -> None:
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field], errors
    assert words in errors[0]["message"], errors
    assert snapshot() == before


def create(client, admin, seq: int, **extra):
    return client.post(f"{BASE}/workers", json=body(seq, **extra), headers=admin)


@pytest.fixture
def admin(tokens):
    return bearer(tokens["district_admin"])


# --- the state, computed when read -----------------------------------------------------------


def test_the_state_is_computed_from_the_date_on_the_day_it_is_read():
    registered = date(2023, 5, 10)  # valid until 2026-05-10; renewal from 2026-02-10
    assert registration.registration_state(None, TODAY) == ("未登记", None)
    assert registration.registration_state(registered, date(2025, 1, 1)) == ("有效", date(2026, 5, 10))
    assert registration.registration_state(registered, date(2026, 2, 9))[0] == "有效"
    assert registration.registration_state(registered, date(2026, 2, 10))[0] == "即将到期"
    assert registration.registration_state(registered, date(2026, 5, 10))[0] == "即将到期"
    assert registration.registration_state(registered, date(2026, 5, 11))[0] == "已过期"
    assert "registration_state" not in {c._meta.name for c in SocialWorker._meta.columns}  # never stored stale


def test_the_api_shows_each_state(client, admin, tokens):
    valid = create(client, admin, 1, registered_on=date(EXAM, 9, 1).isoformat())
    assert valid.status_code == 201, valid.text
    worker = valid.json()
    assert (worker["registration_state"], worker["first_registered_on"], worker["registered_on"]) == (
        "有效", date(EXAM, 9, 1).isoformat(), date(EXAM, 9, 1).isoformat())
    assert worker["registration_expires"] == add_years(date(EXAM, 9, 1), 3).isoformat()
    assert (worker["national_state"], worker["national_state_label"]) == ("not_applied", "未申请")
    latest = add_years(TODAY, -3) + timedelta(days=20)  # expires in 20 days
    expiring = create(client, admin, 2, certificate_year=latest.year, registered_on=latest.isoformat())
    assert expiring.status_code == 201, expiring.text
    assert expiring.json()["registration_state"] == "即将到期"
    lapsed = add_years(TODAY, -3) - timedelta(days=20)
    expired = create(client, admin, 3, certificate_year=lapsed.year, registered_on=lapsed.isoformat())
    assert expired.json()["registration_state"] == "已过期"
    read = client.get(f"{BASE}/workers/{expired.json()['id']}", headers=bearer(tokens["supervisor"]))
    assert (read.json()["registration_state"], read.json()["registration_expires"]) == (
        "已过期", add_years(lapsed, 3).isoformat())


# --- first registration ------------------------------------------------------------------------


def test_a_qualified_worker_registers_within_a_year_of_passing(client, admin):
    deadline = date(EXAM, 12, 31)  # passed the year before: the last day on time
    response = create(client, admin, 10, certificate_year=EXAM - 1, registered_on=deadline.isoformat())
    assert response.status_code == 201, response.text
    assert (response.json()["first_registered_on"], response.json()["registered_on"]) == (
        deadline.isoformat(), deadline.isoformat())
    before = snapshot()
    day_after = create(client, admin, 17, certificate_year=EXAM - 1,
                       registered_on=(deadline + timedelta(days=1)).isoformat())
    refused(day_after, before, "registered_on", "首次登记须在考试合格后一年内办理")


def test_no_registration_without_a_qualification(client, admin):
    before = snapshot()
    response = create(client, admin, 11, qualification="无", certificate_no="", certificate_year=None,
                      registered_on=date(EXAM, 9, 1).isoformat())
    refused(response, before, "qualification", "职业水平证书")


def test_no_registration_without_the_exam_year(client, admin):
    before = snapshot()
    response = create(client, admin, 12, certificate_year=None, registered_on=date(EXAM, 9, 1).isoformat())
    refused(response, before, "certificate_year", "取证年份")


def test_no_registration_before_the_exam_year(client, admin):
    before = snapshot()
    response = create(client, admin, 13, registered_on=date(EXAM - 1, 12, 31).isoformat())
    refused(response, before, "registered_on", "登记日期不能早于职业水平考试年份")


def test_no_registration_in_the_future(client, admin):
    before = snapshot()
    response = create(client, admin, 14, certificate_year=TODAY.year,
                      registered_on=(TODAY + timedelta(days=1)).isoformat())
    refused(response, before, "registered_on", "不能晚于今天")


def test_a_late_first_registration_is_refused_unless_a_reason_is_given_and_audited(client, admin):
    late = date(EXAM, 3, 1)  # passed three years before that
    before = snapshot()
    response = create(client, admin, 15, certificate_year=EXAM - 3, first_registered_on=late.isoformat())
    refused(response, before, "first_registered_on", "首次登记须在考试合格后一年内办理")
    assert f"{EXAM - 2}-12-31" in response.json()["errors"][0]["message"]

    accepted = create(client, admin, 15, certificate_year=EXAM - 3, first_registered_on=late.isoformat(),
                      registration_override_reason="考试合格后长期病休，经区民政局同意补办")
    assert accepted.status_code == 201, accepted.text
    worker = accepted.json()
    assert (worker["first_registered_on"], worker["registered_on"]) == (late.isoformat(), late.isoformat())
    event = run(AuditEvent.select().where((AuditEvent.action == "registration_override")
                                          & (AuditEvent.entity_id == str(worker["id"]))).first())
    after = json.loads(event["after"])
    assert after["reason"] == "考试合格后长期病休，经区民政局同意补办"
    assert after["rules"] == [registration.RULE_FIRST_WITHIN_YEAR] and after["first_registered_on"] == late.isoformat()
    # Saving the profile again changes no date, so nothing is checked (and nothing overridden again).
    events = run(AuditEvent.count().where(AuditEvent.action == "registration_override"))
    again = create(client, admin, 15, certificate_year=EXAM - 3, first_registered_on=late.isoformat(),
                   education="硕士研究生")
    assert again.status_code == 201 and again.json()["education"] == "硕士研究生"
    assert run(AuditEvent.count().where(AuditEvent.action == "registration_override")) == events


def test_a_history_entered_at_once_must_be_a_possible_one(client, admin):
    first = date(EXAM - 6, 8, 1)
    before = snapshot()
    too_soon = add_months(add_years(first, 3), -4)  # a re-registration before the first could be renewed
    response = create(client, admin, 16, certificate_year=EXAM - 6, first_registered_on=first.isoformat(),
                      registered_on=too_soon.isoformat())
    refused(response, before, "registered_on", "再登记须在登记有效期（3年）届满前3个月内办理")
    ok = create(client, admin, 16, certificate_year=EXAM - 6, first_registered_on=first.isoformat(),
                registered_on=add_years(first, 6).isoformat())
    assert ok.status_code == 201, ok.text
    assert ok.json()["registration_expires"] == add_years(first, 9).isoformat()


# --- re-registration ---------------------------------------------------------------------------


def _registered(client, admin, seq: int, latest: date) -> dict:
    """A worker first registered on `latest`, on time."""
    response = create(client, admin, seq, certificate_year=latest.year, registered_on=latest.isoformat())
    assert response.status_code == 201, response.text
    return response.json()


def test_re_registration_in_the_three_months_before_expiry(client, admin):
    worker = _registered(client, admin, 20, add_years(TODAY, -3) + timedelta(days=30))
    renewed = client.patch(f"{BASE}/workers/{worker['id']}", json={"registered_on": TODAY.isoformat()}, headers=admin)
    assert renewed.status_code == 200, renewed.text
    assert (renewed.json()["registered_on"], renewed.json()["registration_state"]) == (TODAY.isoformat(), "有效")
    assert renewed.json()["first_registered_on"] == worker["first_registered_on"]


def test_re_registration_before_the_window_is_refused(client, admin):
    latest = add_years(TODAY, -3) + timedelta(days=120)  # the window opens in about a month
    worker = _registered(client, admin, 21, latest)
    before = snapshot()
    response = client.patch(f"{BASE}/workers/{worker['id']}", json={
        "registered_on": TODAY.isoformat(), "registration_override_reason": "提前办理"}, headers=admin)
    refused(response, before, "registered_on", "再登记须在登记有效期（3年）届满前3个月内办理")
    assert str(add_months(add_years(latest, 3), -3)) in response.json()["errors"][0]["message"]


def test_re_registration_after_expiry_needs_an_audited_reason(client, admin):
    worker = _registered(client, admin, 22, add_years(TODAY, -3) - timedelta(days=40))
    before = snapshot()
    response = client.patch(f"{BASE}/workers/{worker['id']}", json={"registered_on": TODAY.isoformat()}, headers=admin)
    refused(response, before, "registered_on", "已过期")
    accepted = client.patch(f"{BASE}/workers/{worker['id']}", headers=admin, json={
        "registered_on": TODAY.isoformat(), "registration_override_reason": "援藏工作期间未能按期再登记"})
    assert accepted.status_code == 200 and accepted.json()["registration_state"] == "有效"
    event = run(AuditEvent.select().where((AuditEvent.action == "registration_override")
                                          & (AuditEvent.entity_id == str(worker["id"]))).first())
    assert json.loads(event["after"])["rules"] == [registration.RULE_RENEWAL_WINDOW]


# --- the demo keeps the rules ------------------------------------------------------------------


def test_every_demo_registration_keeps_the_rules(ctx):
    from plugins.talent.demo import ACTOR
    from plugins.talent.tables import StatusChange

    demo = {r["worker"] for r in run(StatusChange.select(StatusChange.worker).where(StatusChange.actor == ACTOR))}
    workers = run(SocialWorker.select().where(SocialWorker.registered_on.is_not_null()
                                              & SocialWorker.id.is_in(sorted(demo))))
    assert len(workers) > 100
    for w in workers:
        # checked as if entered today as a new worker with its whole history
        verdict = registration.check_dates(None, w)
        assert verdict.errors == [] and verdict.overridden == [], (w, verdict)
