"""The roster import applies the registration rules (民发〔2009〕44号) with the row and the column
of every refusal, writes nothing when a row breaks one, takes a late first registration only with
its 逾期登记原因 (audited with the import), and still reads a file without the registration columns."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from core.dates import add_years
from core.tables import AuditEvent, Person
from plugins.talent.roster import HEADERS
from plugins.talent.tables import SocialWorker
from tests.plugins.talent.test_roster import counts, record, refs, rejected, upload, xlsx  # noqa: F401 - refs is a fixture
from tests.conftest import run

TODAY = date.today()  # midnight-safe: `_today` re-reads it before each test
EXAM = TODAY.year - 1


@pytest.fixture(autouse=True)
def _today():
    """Today as each test starts, not as the module was imported (a run crossing midnight)."""
    global TODAY, EXAM
    TODAY = date.today()
    EXAM = TODAY.year - 1


def worker_of(id_number: str) -> dict:
    person = run(Person.select(Person.id).where(Person.id_number == id_number).first())
    return run(SocialWorker.select().where(SocialWorker.person_id == person["id"]).first())


def registered(refs, first: date | None, latest: date | None = None, **cells):
    """A roster row of a 社会工作师 who passed in `first`'s year, with these registration cells."""
    return {**record(refs, 取证年份=first.year if first else EXAM, 首次登记日期=first, 最近登记日期=latest), **cells}


def test_registration_dates_are_imported(client, tokens, refs):
    first = date(EXAM, 10, 9)
    history = add_years(TODAY, -3) + timedelta(days=30)
    rows = [registered(refs, first), registered(refs, add_years(history, -3), history)]
    response = upload(client, tokens, xlsx(rows))
    assert response.status_code == 200, response.text
    one, two = (worker_of(r["身份证号"]) for r in rows)
    assert (one["first_registered_on"], one["registered_on"], one["registration_expires"]) == (
        first, first, add_years(first, 3))
    assert (two["first_registered_on"], two["registered_on"]) == (add_years(history, -3), history)


def test_a_late_first_registration_names_its_row_and_column(client, tokens, refs):
    late = registered(refs, None, 首次登记日期=date(EXAM, 3, 1), 取证年份=EXAM - 3)
    before = counts()
    response = upload(client, tokens, xlsx([registered(refs, date(EXAM, 5, 5)), late]))
    assert rejected(response, before) == [(3, "首次登记日期")]
    assert "首次登记须在考试合格后一年内办理" in response.json()["errors"][0]["message"]


def test_a_late_first_registration_with_its_reason_is_imported_and_audited(client, tokens, refs):
    row = registered(refs, None, 首次登记日期=date(EXAM, 3, 1), 取证年份=EXAM - 3, 逾期登记原因="外派援疆，返岗后补办")
    response = upload(client, tokens, xlsx([registered(refs, date(EXAM, 5, 5)), row]))
    assert response.status_code == 200, response.text
    event = run(AuditEvent.select().order_by(AuditEvent.seq, ascending=False).first())
    overrides = json.loads(event["after"])["registration_overrides"]
    assert [(o["row"], o["worker_id"], o["reason"]) for o in overrides] == [
        (3, worker_of(row["身份证号"])["id"], "外派援疆，返岗后补办")]


def test_each_registration_rule_names_its_cell(client, tokens, refs):
    rows = [
        registered(refs, date(EXAM, 6, 1), 职业资格等级=None, 证书编号=None, 取证年份=None),  # not qualified
        registered(refs, date(EXAM, 6, 1), 取证年份=None),  # no exam year
        registered(refs, None, 首次登记日期=date(EXAM - 1, 12, 1), 取证年份=EXAM),  # before the exam year
        registered(refs, date(EXAM - 3, 6, 1), date(EXAM - 2, 6, 1)),  # a renewal a year after the first
        registered(refs, date(EXAM, 6, 1), 最近登记日期="2025-02-30"),  # not a date
    ]
    before = counts()
    response = upload(client, tokens, xlsx(rows))
    assert rejected(response, before) == [(2, "职业资格等级"), (3, "取证年份"), (4, "首次登记日期"),
                                          (5, "最近登记日期"), (6, "最近登记日期")]
    messages = [e["message"] for e in response.json()["errors"]]
    assert "职业水平证书" in messages[0] and "登记日期不能早于职业水平考试年份" in messages[2]
    assert "再登记须在登记有效期" in messages[3] and "日期无效" in messages[4]


def test_a_re_registration_outside_the_window_is_refused_for_a_stored_worker(client, tokens, refs):
    latest = add_years(TODAY, -3) + timedelta(days=150)  # renewable in about two months
    row = registered(refs, latest)
    assert upload(client, tokens, xlsx([row])).status_code == 200
    before = counts()
    response = upload(client, tokens, xlsx([{**row, "最近登记日期": TODAY}]))
    assert rejected(response, before) == [(2, "最近登记日期")]
    assert worker_of(row["身份证号"])["registered_on"] == latest


def test_a_file_without_the_registration_columns_keeps_the_stored_dates(client, tokens, refs):
    row = registered(refs, date(EXAM, 7, 7))
    assert upload(client, tokens, xlsx([row])).status_code == 200
    old_headers = HEADERS[:12]
    again = upload(client, tokens, xlsx([{**row, "学历": "硕士研究生"}], headers=old_headers))
    assert again.status_code == 200, again.text
    worker = worker_of(row["身份证号"])
    assert (worker["education"], worker["first_registered_on"]) == ("硕士研究生", date(EXAM, 7, 7))
    empty_cells = upload(client, tokens, xlsx([{**row, "首次登记日期": None, "最近登记日期": None}]))
    assert empty_cells.status_code == 200 and worker_of(row["身份证号"])["registered_on"] == date(EXAM, 7, 7)
