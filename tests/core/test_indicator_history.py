"""Indicator history and the city's report (core.indicators_history, core.opendata.indicators,
core.indicators_xlsx): quarter ends in Beijing dates; each history point equals the indicators at
that quarter end (function, API and the district page's trend); the open dataset `indicators`
has rows for both demo districts and no person column; the XLSX has a sheet per indicator with
the districts' and the city's figures."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from core.dates import quarter_ends, quarter_label
from core.indicators import city_indicators, district_indicators
from core.indicators_history import district_history, sparkline
from core.indicators_xlsx import HEADER, TOTAL
from core.opendata.indicators import COLUMNS, QUARTERS
from core.web.indicators import number
from tests.conftest import OTHER, OWN, run

AT = date(2026, 8, 15)


def test_quarter_ends_are_the_quarters_last_days_and_the_date_itself():
    assert quarter_ends(AT, 4) == [date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30), AT]
    assert quarter_ends(date(2026, 6, 30), 2) == [date(2026, 3, 31), date(2026, 6, 30)]
    assert quarter_ends(date(2026, 1, 1), 1) == [date(2026, 1, 1)]
    assert len(quarter_ends(AT)) == 8 and quarter_ends(AT)[0] == date(2024, 12, 31)
    assert [quarter_label(d) for d in quarter_ends(AT, 3)] == ["2026Q1", "2026Q2", "2026Q3"]


def test_sparkline_skips_gaps_and_needs_two_values():
    assert sparkline([None, 1.0])["lines"] == []
    line = sparkline([1.0, 2.0, None, 3.0, 4.0], width=100, height=20, pad=0)
    assert line["lines"] == ["0.0,20.0 25.0,13.3", "75.0,6.7 100.0,0.0"] and line["dot"] == (100.0, 0.0)


def test_history_values_equal_the_indicators_at_each_quarter_end(ctx):
    history = run(district_history(ctx, OWN, AT, 4))
    ends = quarter_ends(AT, 4)
    assert [q["at"] for q in history["quarters"]] == ends
    assert [row["name"] for row in history["indicators"]] == list(ctx.contributions.indicators)
    for i, end in enumerate(ends):
        at_end = {row["name"]: row for row in run(district_indicators(ctx, OWN, end))}
        for row in history["indicators"]:
            point = row["points"][i]
            assert (point["at"], point["quarter"]) == (end, quarter_label(end))
            assert (point["value"], point["target"], point["met"], point["status"]) == (
                at_end[row["name"]]["value"], at_end[row["name"]]["target"], at_end[row["name"]]["met"],
                at_end[row["name"]]["status"]), (row["name"], end)
    assert any(p["value"] is not None for row in history["indicators"] for p in row["points"])


def test_history_api_matches_the_indicator_api_and_checks_quarters(client):
    response = client.get(f"/api/districts/{OWN}/indicators/history", params={"at": "2026-08-15", "quarters": 3})
    assert response.status_code == 200
    body = response.json()
    assert [q["quarter"] for q in body["quarters"]] == ["2026Q1", "2026Q2", "2026Q3"]
    assert [q["at"] for q in body["quarters"]] == ["2026-03-31", "2026-06-30", "2026-08-15"]
    for i, quarter in enumerate(body["quarters"]):
        api = {r["name"]: r for r in client.get(f"/api/districts/{OWN}/indicators",
                                                 params={"at": quarter["at"]}).json()["indicators"]}
        for row in body["indicators"]:
            assert row["points"][i]["value"] == api[row["name"]]["value"], (row["name"], quarter)
            assert row["points"][i]["status"] == api[row["name"]]["status"]
    assert len(client.get(f"/api/districts/{OWN}/indicators/history").json()["quarters"]) == 8
    for bad in (0, 13):
        answer = client.get(f"/api/districts/{OWN}/indicators/history", params={"quarters": bad})
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "quarters"
    assert client.get("/api/districts/999999/indicators/history").status_code == 404


def test_the_district_page_shows_each_cards_trend(client, ctx):
    history = run(district_history(ctx, OWN, AT, 8))
    page = client.get(f"/districts/{OWN}/indicators", params={"at": AT.isoformat()})
    assert page.status_code == 200 and "<script>" not in page.text
    for row in history["indicators"]:
        start = page.text.index(f'data-testid="indicator-{row["name"]}"')
        card = page.text[start:page.text.index("</article>", start)]
        if row["enabled"]:
            assert 'data-testid="trend"' in card and "2024Q4–2026Q3" in card
            for point in row["points"]:
                assert f'data-quarter="{point["quarter"]}"' in card and f'{point["quarter"]}：{number(point["value"])}' in card
            if sum(p["value"] is not None for p in row["points"]) >= 2:
                assert 'data-testid="sparkline"' in card and "<polyline" in card
        else:
            assert 'data-testid="trend"' not in card


def test_the_open_dataset_has_both_districts_by_quarter_and_no_person(client, ctx):
    listed = {d["name"]: d for d in client.get("/opendata/datasets.json").json()}
    entry = listed["indicators"]
    names = [c["name"] for c in entry["columns"]]
    assert names == [c.name for c in COLUMNS]
    assert not {"name", "person_name", "id_number", "phone", "user_id", "person_id", "username"} & set(names)
    assert set(entry["districts"]) >= {OWN, OTHER} and entry["updated"]
    rows = client.get("/opendata/indicators.json").json()
    assert entry["row_count"] == len(rows) == len(ctx.districts) * QUARTERS * len(ctx.contributions.indicators)
    assert {r["district_code"] for r in rows} >= {OWN, OTHER}
    assert len({r["quarter"] for r in rows}) == QUARTERS
    assert all(set(r) == set(names) for r in rows)
    sample = next(r for r in rows if r["district_code"] == OTHER and r["indicator"] == "registry.orgs_per_10k")
    at_that_date = {r["name"]: r for r in run(district_indicators(ctx, OTHER, date.fromisoformat(sample["measured_on"])))}
    assert sample["value"] == at_that_date["registry.orgs_per_10k"]["value"]
    assert sample["quarter"] == quarter_label(date.fromisoformat(sample["measured_on"]))
    csv = client.get("/opendata/indicators.csv")
    assert csv.status_code == 200 and csv.text.count("\n") == len(rows) + 1


def test_the_xlsx_has_a_sheet_per_indicator_with_the_right_numbers(client, ctx):
    response = client.get("/api/cities/430700/indicators.xlsx", params={"at": "2026-06-30"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response.headers["content-disposition"].startswith('attachment; filename="indicators-430700-2026-06-30.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    result = run(city_indicators(ctx, "430700", date(2026, 6, 30)))
    assert len(book.sheetnames) == len(ctx.contributions.indicators) == len(result["total"])
    for sheet, total in zip(book.worksheets, result["total"]):
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        facts = {r[0]: r[1] for r in rows[:8]}
        assert facts["定义"] == total["definition"] and facts["数据来源"] == total["source"]
        assert total["name"] in facts["指标"] and facts["统计日期"] == "2026-06-30"
        header = rows.index(HEADER)
        body = rows[header + 1:]
        assert [r[0] for r in body[:-1]] == [d["code"] for d in result["districts"]]
        for line, district in zip(body, result["districts"]):
            entry = district["indicators"][[t["name"] for t in result["total"]].index(total["name"])]
            assert line[2:6] == [entry["value"], entry["target"], entry["gap"], entry["status_label"]]
        assert body[-1][1] == TOTAL and body[-1][2] == total["value"] and body[-1][6:8] == [
            total["numerator"], total["denominator"]]
    assert client.get("/api/cities/999900/indicators.xlsx").status_code == 404
