"""Quarterly submissions (季度报送, core.indicator_reports, /api/.../indicators/reports): a submitted
quarter's figures are frozen (the live computation moves when a record dated inside the quarter is
added later; the report and the history point do not); a resubmission needs a reason and is the
next version; open, malformed and too-old quarters are 422 naming `quarter`; another district's
admin is 403 and writes nothing; anonymous is 401; the city lists submitted and 未报送 districts;
every submission is audited. Frozen-figure tests use a test-only district (430791); the HTTP tests
use 430702's oldest submittable quarters, which no other test reads."""

from __future__ import annotations

import asyncio
import io
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from core import db
from core import indicator_reports as reports
from core.demo import submit_reports
from core.dates import quarter_label
from core.districts import DistrictConfig
from core.errors import ApiError
from core.indicators import STATUS_LABELS, district_indicators
from core.indicators_xlsx import SUBMITTED_HEADER, SUBMITTED_TOTAL
from core.indicators_history import district_history
from core.tables import AuditEvent, Community, IndicatorReport, Organization
from core.web.indicators import number
from tests.conftest import OTHER, OWN, bearer_for, run

CODE = "430791"
URBAN = "registry.urban_community_orgs"
OLD = datetime(2020, 1, 1, tzinfo=timezone.utc)


def _org(name: str, registered: date) -> Organization:
    return Organization(district_code=CODE, name=f"报送测试{name}", legal_type="community_filed", status="filed",
                        community_code=f"{CODE}001001", registered_on=registered, created_at=OLD)


@pytest.fixture
def test_ctx(ctx):
    """430791: one street, one urban community, one community organisation registered inside the
    last closed quarter; removed afterwards with its reports (the district is in no file)."""
    end = reports.end_of(reports.last_closed_quarter())

    async def build():
        await Community.insert(Community(district_code=CODE, code=f"{CODE}001000", name="报送测试街道", kind="street",
                                         created_at=OLD))
        await Community.insert(Community(district_code=CODE, code=f"{CODE}001001", name="报送测试社区",
                                         kind="community", parent_code=f"{CODE}001000", created_at=OLD))
        await Organization.insert(_org("甲", end - timedelta(days=20)))

    async def remove():
        await IndicatorReport.delete().where(IndicatorReport.district_code == CODE)
        await Organization.delete().where(Organization.district_code == CODE)
        await Community.delete().where((Community.district_code == CODE) & (Community.kind == "community"))
        await Community.delete().where(Community.district_code == CODE)

    run(remove())
    run(build())
    yield replace(ctx, districts={**ctx.districts, CODE: DistrictConfig(CODE, "报送测试区", "430700", "常德市", 10_000, ())})
    run(remove())


def _urban(rows: list[dict]) -> dict:
    return next(r for r in rows if r["name"] == URBAN)


def test_a_submitted_quarter_is_frozen(test_ctx):
    quarter = reports.last_closed_quarter()
    end = reports.end_of(quarter)
    made = run(reports.submit(test_ctx, CODE, "tester", quarter, note="首次报送"))
    assert (made["quarter"], made["quarter_end"], made["version"]) == (quarter, end, 1)
    assert _urban(made["values"])["value"] == 1.0 and _urban(made["values"])["numerator"] == 1.0
    run(Organization.insert(_org("乙", end - timedelta(days=5))))  # entered later, dated inside the quarter
    assert _urban(run(district_indicators(test_ctx, CODE, end)))["value"] == 2.0  # the live computation moves
    history = run(district_history(test_ctx, CODE, end, 2))
    point = next(r for r in history["indicators"] if r["name"] == URBAN)["points"][-1]
    assert (point["quarter"], point["value"], point["reported"]) == (quarter, 1.0, True)  # the history does not
    earlier = next(r for r in history["indicators"] if r["name"] == URBAN)["points"][0]
    assert earlier["reported"] is False
    assert _urban(run(reports.report(CODE, quarter))["values"])["value"] == 1.0  # nor the report


def test_a_resubmission_needs_a_reason_and_is_the_next_version(test_ctx):
    quarter = reports.last_closed_quarter()
    end = reports.end_of(quarter)
    run(reports.submit(test_ctx, CODE, "tester", quarter))
    run(Organization.insert(_org("丙", end - timedelta(days=1))))
    with pytest.raises(ApiError) as refused:
        run(reports.submit(test_ctx, CODE, "tester", quarter, reason="   "))
    assert refused.value.status_code == 422 and refused.value.errors[0]["field"] == "reason"
    corrected = run(reports.submit(test_ctx, CODE, "tester", quarter, reason="补录社区社会组织"))
    assert corrected["version"] == 2 and _urban(corrected["values"])["value"] == 2.0
    assert [v["version"] for v in corrected["versions"]] == [2, 1] and corrected["versions"][0]["reason"] == "补录社区社会组织"
    history = run(district_history(test_ctx, CODE, end, 1))
    assert next(r for r in history["indicators"] if r["name"] == URBAN)["points"][0]["value"] == 2.0  # the latest version
    assert run(IndicatorReport.count().where(IndicatorReport.district_code == CODE)) == 2  # nothing overwritten


def test_two_submissions_at_once_store_one(test_ctx, monkeypatch):
    """Both submissions have their figures at the same moment (a barrier), then write. On
    PostgreSQL both read "no report yet" and the unique index refuses the second: 409. On SQLite
    the write transactions queue and the second sees the first: 422 (a correction needs a reason)."""
    quarter = reports.closed_quarters()[1]
    real = reports.district_indicators

    async def both():
        barrier = asyncio.Barrier(2)

        async def figures(*args):
            rows = await real(*args)
            await barrier.wait()
            return rows

        monkeypatch.setattr(reports, "district_indicators", figures)
        return await asyncio.gather(*(reports.submit(test_ctx, CODE, f"tester{n}", quarter) for n in (1, 2)),
                                    return_exceptions=True)

    answers = run(both())
    made = [a for a in answers if isinstance(a, dict)]
    refused = [a for a in answers if isinstance(a, ApiError)]
    assert len(made) == 1 and len(refused) == 1, answers
    assert refused[0].status_code == (409 if db.is_postgres() else 422), refused[0].detail
    assert run(IndicatorReport.count().where((IndicatorReport.district_code == CODE)
                                             & (IndicatorReport.quarter == quarter))) == 1


def test_quarter_rules():
    today = date.today()
    closed = reports.closed_quarters()
    assert len(closed) == 12 and closed[0] != quarter_label(today) and reports.end_of(closed[0]) < today
    assert reports.end_of("2026Q3") == date(2026, 9, 30) and reports.end_of("2026Q5") is None
    assert reports.end_of("2026q3") is None and reports.end_of("0000Q1") is None
    # a quarter closes the day after its last day; twelve back, across the year
    assert reports.closed_quarters(date(2026, 9, 30))[0] == "2026Q2"
    assert reports.closed_quarters(date(2026, 10, 1))[:2] == ["2026Q3", "2026Q2"]
    assert reports.closed_quarters(date(2026, 1, 1))[-1] == "2023Q1"


def _url(code: str = OWN, quarter: str = "") -> str:
    return f"/api/districts/{code}/indicators/reports" + (f"/{quarter}" if quarter else "")


def _free_quarter(code: str) -> str:
    """430702's oldest submittable quarter not yet submitted (other tests read newer quarters)."""
    done = {r["quarter"] for r in run(IndicatorReport.select(IndicatorReport.quarter).where(
        IndicatorReport.district_code == code))}
    return next(q for q in reversed(reports.closed_quarters()) if q not in done)


def _count(code: str = OWN) -> int:
    return run(IndicatorReport.count().where(IndicatorReport.district_code == code))


def test_submit_read_and_correct_through_the_api(client, as_role):
    admin = as_role("district_admin")
    quarter = _free_quarter(OWN)
    audits = run(AuditEvent.count().where(AuditEvent.entity == reports.ENTITY))
    made = client.post(_url(), json={"quarter": quarter, "note": "按时报送"}, headers=admin)
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["quarter"], body["version"], body["note"]) == (quarter, 1, "按时报送")
    assert body["submitted_at"].endswith(("Z", "+00:00")) and "430702-admin" not in made.text
    assert {v["name"] for v in body["values"]} == set(client.app.state.ctx.contributions.indicators)
    assert run(AuditEvent.count().where((AuditEvent.entity == reports.ENTITY) & (AuditEvent.action == "submit"))) >= 1
    again = client.post(_url(), json={"quarter": quarter}, headers=admin)
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "reason"
    corrected = client.post(_url(), json={"quarter": quarter, "reason": "数据更正"}, headers=admin)
    assert corrected.status_code == 201 and corrected.json()["version"] == 2
    assert run(AuditEvent.count().where(AuditEvent.entity == reports.ENTITY)) == audits + 2
    detail = client.get(_url(OWN, quarter)).json()  # public
    assert detail["version"] == 2 and [v["version"] for v in detail["versions"]] == [2, 1]
    assert detail["versions"][0]["reason"] == "数据更正"
    listed = client.get(_url()).json()
    row = next(r for r in listed["reports"] if r["quarter"] == quarter)
    assert (row["version"], row["versions"]) == (2, 2) and quarter not in listed["unsubmitted"]
    assert client.get(_url(OWN, "1999Q1")).status_code == 404
    history = client.get(f"/api/districts/{OWN}/indicators/history",
                         params={"at": reports.end_of(quarter).isoformat(), "quarters": 1}).json()
    assert all(r["points"][0]["reported"] for r in history["indicators"])


def test_bad_open_and_old_quarters_are_422(client, as_role):
    admin = as_role("district_admin")
    before = _count()
    oldest = reports.closed_quarters()[-1]
    too_old = reports.closed_quarters(reports.end_of(oldest))[0]
    for quarter in ("2026Q5", "2026-3", "", quarter_label(date.today()), too_old, "2999Q1"):
        answer = client.post(_url(), json={"quarter": quarter}, headers=admin)
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "quarter", (quarter, answer.text)
    assert _count() == before


def test_who_may_submit(client, as_role):
    quarter = _free_quarter(OWN)
    before, other_before = _count(), _count(OTHER)
    assert client.post(_url(), json={"quarter": quarter}).status_code == 401
    for role in ("resident", "social_worker", "city_admin", "supervisor"):
        assert client.post(_url(), json={"quarter": quarter}, headers=as_role(role)).status_code == 403, role
    other_admin = bearer_for(client, f"{OTHER}-admin")
    assert client.post(_url(), json={"quarter": quarter}, headers=other_admin).status_code == 403
    assert client.post(_url("999999"), json={"quarter": quarter}, headers=other_admin).status_code == 404
    assert (_count(), _count(OTHER)) == (before, other_before)


def test_the_city_lists_submitted_and_missing_districts(client, as_role):
    quarter = _free_quarter(OWN)
    assert client.post(_url(), json={"quarter": quarter}, headers=as_role("district_admin")).status_code == 201
    other_done = run(IndicatorReport.exists().where((IndicatorReport.district_code == OTHER)
                                                    & (IndicatorReport.quarter == quarter)))
    city = client.get("/api/cities/430700/indicators/reports", params={"quarter": quarter}).json()
    rows = {d["code"]: d for d in city["districts"]}
    assert (city["quarter"], rows[OWN]["submitted"], rows[OWN]["status_label"]) == (quarter, True, "已报送")
    assert rows[OWN]["version"] == 1 and rows[OWN]["values"]
    if not other_done:
        assert (rows[OTHER]["submitted"], rows[OTHER]["status_label"], rows[OTHER]["values"]) == (False, "未报送", None)
    default = client.get("/api/cities/430700/indicators/reports").json()
    assert default["quarter"] == reports.last_closed_quarter() and {OWN, OTHER} <= {d["code"] for d in default["districts"]}
    assert client.get("/api/cities/999900/indicators/reports").status_code == 404
    bad = client.get("/api/cities/430700/indicators/reports", params={"quarter": "2026Q9"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "quarter"
    page = client.get("/cities/430700/indicators")
    assert 'data-testid="report-status-430702"' in page.text and reports.last_closed_quarter() in page.text


def test_the_dashboard_shows_reports_and_the_form_to_admins_only(client, as_role):
    quarter = _free_quarter(OWN)
    client.post(_url(), json={"quarter": quarter}, headers=as_role("district_admin"))
    public = client.get(f"/districts/{OWN}/indicators")
    assert public.status_code == 200 and f'data-testid="report-{quarter}"' in public.text
    assert 'data-testid="report-form"' not in public.text and "indicator_report.js" not in public.text
    staff = client.get(f"/districts/{OWN}/indicators", headers=as_role("district_admin"))
    assert 'data-testid="report-form"' in staff.text and "/static/indicator_report.js" in staff.text
    assert "<script>" not in staff.text
    english = client.get(f"/districts/{OWN}/indicators", params={"lang": "en"})
    assert "Quarterly submission" in english.text


def test_the_report_page_shows_the_frozen_figures_and_every_version(client, as_role):
    admin = as_role("district_admin")
    quarter = _free_quarter(OWN)
    assert client.post(_url(), json={"quarter": quarter, "note": "页面测试"}, headers=admin).status_code == 201
    assert client.post(_url(), json={"quarter": quarter, "reason": "补录服务记录"}, headers=admin).status_code == 201
    detail = client.get(_url(OWN, quarter)).json()
    page = client.get(f"/districts/{OWN}/indicators/reports/{quarter}")  # public, like the API
    assert page.status_code == 200 and 'data-testid="report-version">v2<' in page.text
    assert page.text.count('data-testid="report-value-') == len(detail["values"])
    assert "补录服务记录" in page.text and "430702-admin" not in page.text
    shown = {r["name"]: r for r in detail["values"]}
    talent = shown["talent.workers_per_10k"]
    if talent["value"] is not None:  # the figure shown is the frozen one, as the API answers it
        block = page.text.split('data-testid="report-value-talent.workers_per_10k"')[1].split("</li>")[0]
        assert number(talent["value"]) in block
    dashboard = client.get(f"/districts/{OWN}/indicators")
    assert f'href="/districts/{OWN}/indicators/reports/{quarter}"' in dashboard.text
    assert client.get(f"/districts/{OWN}/indicators/reports/1999Q1").status_code == 404
    assert "Quarterly submission" in client.get(f"/districts/{OWN}/indicators/reports/{quarter}?lang=en").text


def test_the_city_compares_the_submitted_figures(client, as_role):
    quarter = _free_quarter(OWN)
    assert client.post(_url(), json={"quarter": quarter}, headers=as_role("district_admin")).status_code == 201
    frozen = {r["name"]: r for r in client.get(_url(OWN, quarter)).json()["values"]}
    other = run(IndicatorReport.exists().where((IndicatorReport.district_code == OTHER)
                                                & (IndicatorReport.quarter == quarter)))
    page = client.get(f"/cities/430700/indicators/reports/{quarter}")
    assert page.status_code == 200
    assert 'data-testid="report-status-430702" data-submitted="1"' in page.text
    cell = page.text.split(f'data-testid="cell-registry.orgs_per_10k-{OWN}">')[1].split("</td>")[0]
    assert number(frozen["registry.orgs_per_10k"]["value"]) in cell  # the frozen figure
    total = page.text.split('data-testid="cell-registry.orgs_per_10k-total"')[1].split("</td>")[0]
    if not other:  # only 430702 submitted: the total is its own figure
        assert 'data-testid="report-status-430703" data-submitted="0"' in page.text
        assert "未报送" in page.text.split(f'data-testid="cell-registry.orgs_per_10k-{OTHER}">')[1].split("</td>")[0]
        assert number(frozen["registry.orgs_per_10k"]["value"]) in total
    assert client.get("/cities/430700/indicators/reports/2026Q9").status_code == 404
    assert client.get(f"/cities/999900/indicators/reports/{quarter}").status_code == 404
    city = client.get("/cities/430700/indicators")
    assert f'href="/cities/430700/indicators/reports/{reports.last_closed_quarter()}"' in city.text


def test_the_city_total_of_submitted_figures_sums_numerators_and_denominators(test_ctx):
    """430791 (in city 430700) submits its last closed quarter: 1 organisation in its 1 urban
    community. The city total sums the frozen numerators and denominators of the districts that
    submitted that quarter (430702 may have too, earlier in a run); 未报送 districts add nothing."""
    quarter = reports.last_closed_quarter()
    run(reports.submit(test_ctx, CODE, "tester", quarter))
    found = run(reports.city_submitted(test_ctx, "430700", quarter))
    mine = next(d for d in found["districts"] if d["code"] == CODE)
    assert mine["submitted"] and (_urban(list(mine["indicators"].values()))["numerator"],
                                  _urban(list(mine["indicators"].values()))["denominator"]) == (1, 1)
    submitted = [d for d in found["districts"] if d["submitted"]]
    assert all(d["indicators"] is None for d in found["districts"] if not d["submitted"])
    numerator = sum(d["indicators"][URBAN]["numerator"] for d in submitted)
    denominator = sum(d["indicators"][URBAN]["denominator"] for d in submitted)
    total = _urban(found["total"])
    assert (total["numerator"], total["denominator"]) == (numerator, denominator)
    assert total["value"] == round(numerator / denominator, 2)


def test_the_open_dataset_publishes_the_submitted_figures(client, as_role):
    """The indicators dataset's rows of a submitted quarter are the frozen figures, marked reported;
    a quarter not submitted is computed and marked so."""
    last = reports.last_closed_quarter()
    admin = as_role("district_admin")
    done = run(IndicatorReport.exists().where((IndicatorReport.district_code == OWN) & (IndicatorReport.quarter == last)))
    body = {"quarter": last, **({"reason": "开放数据测试更正"} if done else {})}
    assert client.post(_url(), json=body, headers=admin).status_code == 201
    frozen = {r["name"]: r for r in client.get(_url(OWN, last)).json()["values"]}
    rows = [r for r in client.get("/opendata/indicators.json").json() if r["district_code"] == OWN]
    mine = {r["indicator"]: r for r in rows if r["quarter"] == last}
    assert mine and all(r["reported"] is True for r in mine.values())
    assert all(mine[name]["value"] == frozen[name]["value"] for name in mine)
    current = [r for r in rows if r["quarter"] == quarter_label(date.today())]
    assert current and not any(r["reported"] for r in current)  # the open quarter is computed


def test_the_submitted_figures_download_as_xlsx(client, as_role, ctx):
    """The city's report from what the districts submitted: a sheet per indicator, each district's
    frozen figures with its status and version, 未报送 rows empty, the total of those submitted."""
    quarter = _free_quarter(OWN)
    assert client.post(_url(), json={"quarter": quarter}, headers=as_role("district_admin")).status_code == 201
    frozen = {r["name"]: r for r in client.get(_url(OWN, quarter)).json()["values"]}
    response = client.get("/api/cities/430700/indicators/reports.xlsx", params={"quarter": quarter})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert f'filename="indicator-reports-430700-{quarter}.xlsx"' in response.headers["content-disposition"]
    found = run(reports.city_submitted(ctx, "430700", quarter))
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == len(ctx.contributions.indicators) == len(found["total"])
    for sheet, total in zip(book.worksheets, found["total"]):
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        facts = {r[0]: r[1] for r in rows[:rows.index(SUBMITTED_HEADER)] if r[0]}
        assert total["name"] in facts["指标"] and facts["季度"].startswith(quarter) and "已报送区县" in facts["口径"]
        body = rows[rows.index(SUBMITTED_HEADER) + 1:]
        assert [r[0] for r in body[:-1]] == [d["code"] for d in found["districts"]]
        for line, district in zip(body, found["districts"]):
            if district["code"] == OWN:
                entry = frozen[total["name"]]
                assert line[2:4] == ["已报送", 1]
                assert line[4:] == [entry["value"], entry["target"], entry["gap"],
                                    STATUS_LABELS.get(entry["status"], ""), entry["numerator"], entry["denominator"]]
            elif not district["submitted"]:
                assert line[2] == "未报送" and line[3:] == [None] * 7
        assert body[-1][1] == SUBMITTED_TOTAL and body[-1][4] == total["value"] and body[-1][8:] == [
            total["numerator"], total["denominator"]]
    page = client.get(f"/cities/430700/indicators/reports/{quarter}")
    assert f'href="/api/cities/430700/indicators/reports.xlsx?quarter={quarter}"' in page.text
    bad = client.get("/api/cities/430700/indicators/reports.xlsx", params={"quarter": "2026Q5"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "quarter"
    assert client.get("/api/cities/999900/indicators/reports.xlsx").status_code == 404


def test_the_demo_has_one_district_submitted_and_one_to_submit(ctx):
    """The demo city shows both states: 430703 has submitted the last closed quarter (by "demo"),
    430702 (the city's first) has not, so its admin can try the form. Loading again adds nothing."""
    rows = run(IndicatorReport.select(IndicatorReport.district_code, IndicatorReport.quarter).where(
        (IndicatorReport.submitted_by == "demo") & IndicatorReport.district_code.is_in([OWN, OTHER])))
    assert {r["district_code"] for r in rows} == {OTHER}
    # the quarter closed last when the demo loaded (the one before, should this run cross a quarter's end)
    assert {r["quarter"] for r in rows} & set(reports.closed_quarters()[:2])
    before = _count(OTHER)
    run(submit_reports(ctx))
    assert _count(OTHER) == before


def test_the_dashboard_says_when_the_last_closed_quarter_is_not_submitted(client):
    """430703 (the demo submitted it) shows no reminder; 430702 shows one until it submits."""
    last = reports.last_closed_quarter()
    for code in (OWN, OTHER):
        done = run(IndicatorReport.exists().where((IndicatorReport.district_code == code)
                                                  & (IndicatorReport.quarter == last)))
        page = client.get(f"/districts/{code}/indicators")
        assert ('data-testid="report-due"' in page.text) is not done, code
        if not done:
            assert f"{last} 已结束，尚未报送" in page.text
    assert run(IndicatorReport.exists().where((IndicatorReport.district_code == OTHER)
                                              & (IndicatorReport.quarter.is_in(reports.closed_quarters()[:2]))))
