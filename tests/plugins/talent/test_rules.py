"""Each talent supervision rule raises exactly the flags it should on prepared
data, with stable keys (never the same condition twice)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import db
from core.codes import make_id_number
from plugins.talent.rules import RULES, SOURCES
from plugins.talent.services import upsert_worker
from plugins.talent.tables import ContinuingEducation, ServiceLog
from tests.conftest import OWN, run

TODAY = date(2026, 6, 30)
SETTINGS = {"ce_hours_assistant": 72, "ce_hours_social_worker": 90, "ce_hours_senior": 90}
RULE = {r.name: r for r in RULES}


async def _prepare() -> dict[str, int]:
    async with db.write_transaction():
        async def worker(seq, **profile):
            person = {"name": f"规则{seq}", "id_number": make_id_number(OWN, date(1980, 1, 1 + seq), 900 + seq)}
            base = {"post_type": "社区专职工作者", "education": "本科", "status": "在岗",
                    "start_date": date(2020, 1, 1)}
            return (await upsert_worker(OWN, "test", person, {**base, **profile}))[0]

        ids = {
            "expired": await worker(1, qualification="社会工作师", certificate_no="A1", registered_on=date(2023, 5, 1)),
            "due": await worker(2, qualification="助理社会工作师", certificate_no="A2", registered_on=date(2023, 8, 15)),
            "fine": await worker(3, qualification="助理社会工作师", certificate_no="A3", registered_on=date(2025, 1, 10)),
            "idle": await worker(4),
            "busy": await worker(5),
        }
        await ContinuingEducation.insert(  # "fine" has done its hours, "due" is short (10 of 72)
            ContinuingEducation(worker=ids["fine"], district_code=OWN, day=date(2025, 6, 1), provider="x", hours=80),
            ContinuingEducation(worker=ids["due"], district_code=OWN, day=date(2024, 6, 1), provider="x", hours=10))

        def log(worker_id, day, hours, summary="入户走访"):
            return ServiceLog(worker=worker_id, district_code=OWN, day=day, hours=hours, kind="走访",
                              summary=summary, state="submitted")

        recent = TODAY - timedelta(days=5)
        await ServiceLog.insert(
            log(ids["idle"], TODAY - timedelta(days=90), 2),
            log(ids["busy"], recent, 8), log(ids["busy"], recent, 5, "小组活动"),  # 13 hours on one day
            log(ids["busy"], recent - timedelta(days=1), 2), log(ids["busy"], recent - timedelta(days=1), 2),  # duplicate
            *[log(ids[k], recent, 1, f"日常{k}") for k in ("expired", "due", "fine")],
        )
        return ids


@pytest.fixture(scope="module")
def prepared(ctx):
    return run(_prepare())


def flags(rule_name: str, subjects: set[int]) -> list[dict]:
    async def collect():
        return [f async for f in RULE[rule_name].check(OWN, TODAY, SETTINGS) if f["subject"] in subjects]

    return run(collect())


def test_registration_rule(prepared):
    found = flags("talent.registration_due", set(prepared.values()))
    assert {(f["subject"], f["severity"]) for f in found} == {(prepared["expired"], "high"), (prepared["due"], "medium")}
    assert all("登记" in f["message"] for f in found)


def test_education_rule(prepared):
    found = flags("talent.education_short", set(prepared.values()))
    assert [f["subject"] for f in found] == [prepared["due"]] and "尚差62学时" in found[0]["message"]


def test_no_recent_log_rule(prepared):
    assert [f["subject"] for f in flags("talent.no_recent_log", set(prepared.values()))] == [prepared["idle"]]


def test_long_day_rule(prepared):
    found = flags("talent.long_day", set(prepared.values()))
    assert [f["subject"] for f in found] == [prepared["busy"]] and "13小时" in found[0]["message"]


def test_duplicate_rule(prepared):
    found = flags("talent.duplicate_log", set(prepared.values()))
    assert [f["subject"] for f in found] == [prepared["busy"]] and "重复" in found[0]["message"]


def test_keys_are_stable_and_unique(prepared):
    for rule in RULES:
        first = flags(rule.name, set(prepared.values()))
        second = flags(rule.name, set(prepared.values()))
        assert [f["key"] for f in first] == [f["key"] for f in second]
        assert len({f["key"] for f in first}) == len(first)


def test_worker_records_are_auditable(prepared):
    source = next(s for s in SOURCES if s.name == "talent.service_logs")

    async def collect():
        return [r async for r in source.fetch(OWN, TODAY - timedelta(days=10), TODAY)]

    records = run(collect())
    assert {r["subject"] for r in records} >= {prepared["busy"], prepared["fine"]}
    assert all(TODAY - timedelta(days=10) <= r["day"] <= TODAY for r in records)
