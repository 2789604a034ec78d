"""The procurement dashboard over a hand-built data set (dashboard_data.py) in 2019–2020, in two
districts: every figure equals the number computed by hand here; the city total is the sum of
the districts (shares recomputed, the mean score weighted by projects evaluated); access by role,
district and city; 430703 without the module is 404 for its dashboard and 未启用 in the city view."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from tests.conftest import OTHER, OWN, bearer, run
from tests.plugins.procurement import dashboard_data
from tests.plugins.procurement.support import headers_for

WINDOW = {"years": 2, "until": 2020}
CITY = "430700"


def board(client, headers, code: str = OWN, **params):
    return client.get(f"/api/districts/{code}/procurement/dashboard", params={**WINDOW, **params}, headers=headers)


def city(client, headers, **params):
    return client.get("/api/procurement/dashboard", params={"city": CITY, **WINDOW, **params}, headers=headers)


def set_module(app, tokens, code: str, on: bool) -> None:
    with TestClient(app=app) as c:
        answer = c.put(f"/api/districts/{code}/modules/procurement", json={"enabled": on},
                       headers=bearer(tokens["platform_admin"]))
        assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def data(app, tokens) -> Iterator[dict]:
    """Both districts enable procurement; the data set is in; before: each district's figures without it."""
    from core.modules import enabled_modules

    had = "procurement" in run(enabled_modules(app.state.ctx, OTHER))
    set_module(app, tokens, OTHER, True)
    admin = bearer(tokens["platform_admin"])
    with TestClient(app=app) as c:
        before = {code: board(c, admin, code).json() for code in (OWN, OTHER)}
    orgs = dashboard_data.build()
    yield {"orgs": orgs, "before": before}
    dashboard_data.remove(orgs)
    set_module(app, tokens, OTHER, had)


def by_year(rows: list[dict]) -> dict[int, dict]:
    return {r["year"]: r for r in rows}


def test_the_window_is_empty_before_the_data_set(data):
    for found in data["before"].values():
        assert found["years"] == [2019, 2020]
        assert found["spend"]["fields"] == [] and found["summary"]["contracted_yuan"] == 0
        assert [r["providers"] for r in found["providers"]] == [0, 0]
        assert [r["accepted"] for r in found["milestones"]["years"]] == [0, 0]
        assert [r["evaluated"] for r in found["outcomes"]] == [0, 0]


def test_spend_by_field_and_year(client, as_role, data):
    found = board(client, as_role("district_admin")).json()
    fields = {f["field"]: f for f in found["spend"]["fields"]}
    assert list(fields) == ["社区养老", "残障康复"]  # the guidance catalogue's order; fields without money left out
    elder = by_year(fields["社区养老"]["years"])
    assert (elder[2019]["contracted_yuan"], elder[2019]["paid_yuan"]) == (300_000.0, 100_000.0)
    assert (elder[2020]["contracted_yuan"], elder[2020]["paid_yuan"]) == (200_000.0, 150_000.0)
    rehab = by_year(fields["残障康复"]["years"])
    assert (rehab[2019]["contracted_yuan"], rehab[2020]["contracted_yuan"], rehab[2020]["paid_yuan"]) == (
        0.0, 100_000.0, 50_000.0)
    assert fields["残障康复"]["label_en"] == "Disability rehabilitation"
    totals = by_year(found["spend"]["years"])
    assert (totals[2019]["contracted_yuan"], totals[2019]["paid_yuan"]) == (300_000.0, 100_000.0)
    assert (totals[2020]["contracted_yuan"], totals[2020]["paid_yuan"]) == (300_000.0, 200_000.0)
    assert (found["summary"]["contracted_yuan"], found["summary"]["paid_yuan"]) == (600_000.0, 300_000.0)


def test_providers_and_concentration(client, as_role, data):
    orgs = data["orgs"]
    found = by_year(board(client, as_role("district_admin")).json()["providers"])
    # 2019: A1 30 万 and A2 10 万 (its award at 20:00 Beijing time on 31 December is still 2019).
    assert (found[2019]["providers"], found[2019]["awarded_yuan"], found[2019]["top3_share"]) == (2, 400_000.0, 1.0)
    # 2020: A3 20, A1 5, A5 4, A4 1 (万): the top three hold 29 of 30.
    year = found[2020]
    assert (year["providers"], year["awarded_yuan"], year["top3_yuan"]) == (4, 300_000.0, 290_000.0)
    assert year["top3_share"] == round(29 / 30, 3)
    assert [t["organization_id"] for t in year["top3"]] == [orgs["A3"], orgs["A1"], orgs["A5"]]
    assert year["top3"][0]["name"].startswith("投标测试社会工作服务中心") and year["top3"][0]["share"] == round(20 / 30, 3)


def test_on_time_milestones_and_overdue(client, as_role, data):
    found = board(client, as_role("district_admin")).json()
    years = by_year(found["milestones"]["years"])
    # 2019: one accepted at 23:30 on its due day (on time), one late; 2020: the one accepted at 07:00 on 1 January.
    assert (years[2019]["accepted"], years[2019]["on_time"], years[2019]["on_time_share"]) == (2, 1, 0.5)
    assert (years[2020]["accepted"], years[2020]["on_time"], years[2020]["on_time_share"]) == (1, 1, 1.0)
    assert found["milestones"]["overdue"] == data["before"][OWN]["milestones"]["overdue"] + 2
    assert (found["summary"]["accepted"], found["summary"]["on_time"]) == (3, 2)


def test_outcome_scores_needs_and_stages(client, as_role, data):
    found = board(client, as_role("district_admin")).json()
    assert [(r["year"], r["evaluated"], r["mean_score"], r["lowest_score"]) for r in found["outcomes"]] == [
        (2019, 1, 85.0, 85.0), (2020, 1, 70.0, 70.0)]
    # participation collects needs in 430702, so the needs answered are counted
    assert found["needs"]["available"] is True and found["needs"]["reason"] == ""
    assert found["needs"]["answered"] == sum(y["answered"] for y in found["needs"]["years"])
    before = {r["stage"]: r["projects"] for r in data["before"][OWN]["stages"]}
    now = {r["stage"]: r["projects"] for r in found["stages"]}
    added = {"closed": 1, "in_delivery": 1, "evaluated": 1, "awarded": 3, "planning": 1, "cancelled": 1}
    assert {s: now[s] - before[s] for s in now} == {s: added.get(s, 0) for s in now}
    assert found["projects"] == data["before"][OWN]["projects"] + 8


def test_the_city_total_is_the_sum_of_the_districts(client, as_role, data):
    found = city(client, as_role("city_admin"))
    assert found.status_code == 200, found.text
    body = found.json()
    assert [d["district_code"] for d in body["districts"]] == [OWN, OTHER]
    a, b = (d["figures"] for d in body["districts"])
    total = body["total"]
    # B by hand: 婚姻家庭 8 万 contracted and 2 万 paid in 2020; B1 9 万, B2 2 万; one milestone a day late; 90 and 60.
    assert by_year(b["spend"]["years"])[2020] == {"year": 2020, "contracted_yuan": 80_000.0, "paid_yuan": 20_000.0}
    assert (by_year(b["providers"])[2020]["providers"], by_year(b["outcomes"])[2020]["mean_score"]) == (2, 75.0)
    # Sums.
    for key in ("contracted_yuan", "paid_yuan"):
        assert [r[key] for r in total["spend"]["years"]] == [x[key] + y[key] for x, y in
                                                             zip(a["spend"]["years"], b["spend"]["years"])]
    assert total["milestones"]["overdue"] == a["milestones"]["overdue"] + b["milestones"]["overdue"]
    assert total["projects"] == a["projects"] + b["projects"]
    # Shares recomputed from the summed parts: 2020 the city's top three are A3 20, B1 9, A1 5 of 41 万.
    year = by_year(total["providers"])[2020]
    orgs = data["orgs"]
    assert (year["providers"], year["awarded_yuan"], year["top3_share"]) == (6, 410_000.0, round(34 / 41, 3))
    assert [t["organization_id"] for t in year["top3"]] == [orgs["A3"], orgs["B1"], orgs["A1"]]
    on_time = by_year(total["milestones"]["years"])[2020]
    assert (on_time["accepted"], on_time["on_time"], on_time["on_time_share"]) == (2, 1, 0.5)  # not (1.0 + 0) / 2
    # The mean score weighted by projects evaluated: (70 + 90 + 60) / 3, not the mean of 70 and 75.
    scores = by_year(total["outcomes"])[2020]
    assert (scores["evaluated"], scores["mean_score"], scores["lowest_score"]) == (3, 73.3, 60.0)
    assert total["summary"]["mean_score"] == round((85 + 70 + 90 + 60) / 4, 1)


def test_a_district_without_the_module(client, as_role, app, tokens, data):
    set_module(app, tokens, OTHER, False)
    try:
        assert board(client, as_role("platform_admin"), OTHER).status_code == 404
        body = city(client, as_role("city_admin")).json()
        other = body["districts"][1]
        assert (other["district_code"], other["enabled"], other["status"], other["figures"]) == (
            OTHER, False, "未启用", None)
        own = board(client, as_role("city_admin")).json()
        assert body["total"]["spend"]["years"] == own["spend"]["years"]  # the total is over enabled districts only
    finally:
        set_module(app, tokens, OTHER, True)


def test_access(client, as_role, data):
    assert board(client, as_role("org_staff")).status_code == 403  # organisation staff may not read it
    assert city(client, as_role("org_staff")).status_code == 403
    assert board(client, as_role("district_admin"), OTHER).status_code in (403, 404)
    for role in ("district_admin", "supervisor", "city_admin", "platform_admin"):
        assert board(client, as_role(role)).status_code == 200, role
    elsewhere = headers_for("city-admin-430100", [{"role": "city_admin", "city_code": "430100"}])
    assert board(client, elsewhere).status_code == 403
    assert city(client, elsewhere).status_code in (403, 404)
    # A district admin's city view holds their own district only.
    assert [d["district_code"] for d in city(client, as_role("district_admin")).json()["districts"]] == [OWN]
    assert city(client, as_role("city_admin"), city="999900").status_code == 404
    assert board(client, as_role("district_admin"), years=0).status_code == 400
    assert board(client, as_role("district_admin"), years=21).status_code == 400


def test_default_window_is_five_years_to_this_beijing_year(client, as_role):
    from plugins.procurement.dashboard import beijing_today

    found = client.get(f"/api/districts/{OWN}/procurement/dashboard", headers=as_role("district_admin")).json()
    this = beijing_today().year
    assert found["years"] == list(range(this - 4, this + 1))
