"""Continuing education (民发〔2009〕123号): a completed social-work degree counts once as 90 hours —
recorded as its own kind (once per worker, 90 hours), counted by the hours rule (no false "hours
short" flag for a degree holder) and shown on the profile."""

from __future__ import annotations

from datetime import date

import pytest

from core import db
from core.codes import make_id_number
from core.tables import AuditEvent
from plugins.talent.rules import RULES
from plugins.talent.services import upsert_worker
from plugins.talent.tables import ContinuingEducation
from tests.conftest import OWN, bearer, run

BASE = f"/api/districts/{OWN}/talent"
TODAY = date(2026, 6, 30)
SETTINGS = {"ce_hours_assistant": 72, "ce_hours_social_worker": 90, "ce_hours_senior": 90}
SHORT = next(r for r in RULES if r.name == "talent.education_short")


def flags(subjects: set[int], settings: dict = SETTINGS) -> dict[int, str]:
    async def collect():
        return {f["subject"]: f["message"] async for f in SHORT.check(OWN, TODAY, settings) if f["subject"] in subjects}

    return run(collect())


async def _worker(seq: int, first: date, latest: date, *records: dict) -> int:
    """A 社会工作师 registered `first` (and last on `latest`) with the CE records given."""
    async with db.write_transaction():
        person = {"name": f"学时{seq}", "id_number": make_id_number(OWN, date(1988, 8, 1 + seq), 500 + seq)}
        worker_id, _ = await upsert_worker(OWN, "test", person, {
            "post_type": "社区专职工作者", "education": "本科", "status": "在岗", "qualification": "社会工作师",
            "certificate_no": f"CE{seq}", "certificate_year": first.year, "first_registered_on": first,
            "registered_on": latest})
        if records:
            await ContinuingEducation.insert(*[ContinuingEducation(
                worker=worker_id, district_code=OWN, provider="x", state="submitted", **r) for r in records])
        return worker_id


@pytest.fixture(scope="module")
def workers(ctx) -> dict[str, int]:
    period = date(2024, 6, 1)  # the current period runs to 2027-06-01; more than half of it has passed
    degree = {"kind": "学历教育", "hours": 90}
    return run(_ids({
        "degree_in_period": (period, period, {**degree, "day": date(2025, 1, 15)}),
        "training_only": (period, period, {"day": date(2025, 1, 15), "hours": 30}),
        "degree_before_first": (period, period, {**degree, "day": date(2023, 7, 1)}),
        "degree_in_an_earlier_period": (date(2018, 6, 1), period, {**degree, "day": date(2019, 7, 1)}),
        "two_degrees": (period, period, {**degree, "day": date(2024, 9, 1)}, {**degree, "day": date(2025, 9, 1)}),
    }))


async def _ids(plan: dict) -> dict[str, int]:
    return {name: await _worker(i, *spec) for i, (name, spec) in enumerate(plan.items(), start=1)}


def test_a_degree_in_the_period_counts_90_hours_and_raises_no_flag(workers):
    found = flags(set(workers.values()))
    assert workers["degree_in_period"] not in found
    assert "尚差60学时" in found[workers["training_only"]]


def test_a_degree_before_the_first_registration_counts_in_the_first_period(workers):
    assert workers["degree_before_first"] not in flags(set(workers.values()))


def test_a_degree_counts_once_only(workers):
    found = flags(set(workers.values()))
    assert "尚差90学时" in found[workers["degree_in_an_earlier_period"]]  # used up in its own period
    more = {**SETTINGS, "ce_hours_social_worker": 150}
    assert "继续教育90学时" in flags({workers["two_degrees"]}, more)[workers["two_degrees"]]  # 90, not 180


def test_the_profile_counts_the_degree(client, tokens, workers):
    profile = client.get(f"{BASE}/workers/{workers['degree_before_first']}", headers=bearer(tokens["supervisor"]))
    hours = profile.json()["continuing_education"]
    assert (hours["degree_hours"], hours["training_hours"], hours["required"]) == (90, 0, 90)
    assert (hours["period_start"], hours["short"]) == ("2024-06-01", 0)


# --- recording a degree -------------------------------------------------------------------------


def _counts() -> tuple[int, int]:
    return run(ContinuingEducation.count()), run(AuditEvent.count())


def test_a_worker_records_their_degree_once_as_90_hours(client, tokens):
    me = bearer(tokens["social_worker"])
    assert client.get(f"{BASE}/me", headers=me).status_code == 200  # the demo gives the worker user a profile
    before = _counts()
    wrong_hours = client.post(f"{BASE}/me/education", headers=me, json={
        "day": "2024-06-30", "provider": "湖南师范大学", "title": "社会工作硕士", "kind": "学历教育", "hours": 40})
    assert wrong_hours.status_code == 422 and wrong_hours.json()["errors"][0]["field"] == "hours"
    assert "一次性记90学时" in wrong_hours.json()["errors"][0]["message"] and _counts() == before
    degree = client.post(f"{BASE}/me/education", headers=me, json={
        "day": "2024-06-30", "provider": "湖南师范大学", "title": "社会工作硕士", "kind": "学历教育"})
    assert degree.status_code == 201, degree.text
    assert (degree.json()["kind"], degree.json()["hours"]) == ("学历教育", 90)
    before = _counts()
    again = client.post(f"{BASE}/me/education", headers=me, json={
        "day": "2025-06-30", "provider": "中南大学", "title": "社会工作博士", "kind": "学历教育"})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "kind"
    assert "只计一次" in again.json()["errors"][0]["message"] and _counts() == before
    profile = client.get(f"{BASE}/me", headers=me).json()
    assert profile["registration_state"] in ("有效", "即将到期", "已过期") and profile["national_state_label"] == "未申请"


def test_training_needs_its_hours(client, tokens):
    me = bearer(tokens["social_worker"])
    before = _counts()
    response = client.post(f"{BASE}/me/education", headers=me, json={"day": "2025-03-01", "provider": "区民政局"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "hours"
    assert _counts() == before
    ok = client.post(f"{BASE}/me/education", headers=me, json={"day": "2025-03-01", "provider": "区民政局",
                                                              "hours": 8})
    assert ok.status_code == 201 and ok.json()["kind"] == "培训"
