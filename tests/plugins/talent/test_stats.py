"""Workforce statistics: the pure computation against hand-computed numbers, the
district and city endpoints (on a prepared set, as deltas over the demo roster the
session database holds, and removed afterwards), the dashboard and roster pages, the
open datasets (no person, small cells hidden), and the demo roster's story."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from core import db
from core.codes import make_id_number
from core.tables import Community, Organization, Person
from plugins.talent.datasets import community_rows, suppress, suppress_within
from plugins.talent.demo import load_workers
from core.dates import add_years
from plugins.talent.stats import age_band, month_ends, status_on, structure, trend
from plugins.talent.tables import SocialWorker, StatusChange
from tests.conftest import OTHER, OWN, bearer, run

# A reference date in the past, on the 15th (no 29 February trouble), so ages and windows are exact.
_back = date.today() - timedelta(days=60)  # midnight-safe: two months back
ON = date(_back.year, _back.month, 15)
STATS = f"/api/districts/{OWN}/talent/stats"


def row(**values) -> dict:
    base = {"status": "在岗", "qualification": "无", "education": "大专", "social_work_major": False,
            "post_type": "社区专职工作者", "community_code": "C1", "gender": "女", "birth_date": date(1980, 1, 1),
            "registration_expires": None, "start_date": None}
    return {**base, **values}


# --- the pure computation -------------------------------------------------------------


def test_structure_by_hand():
    on = date(2026, 6, 15)
    workers = [
        row(birth_date=date(1986, 6, 15), education="中专"),  # 40 today: its birthday
        row(birth_date=date(1986, 6, 16), education="高中", gender="男", qualification="助理社会工作师",
            registration_expires=on + timedelta(days=90)),  # 39; registration due on the 90th day
        row(birth_date=date(2000, 1, 1), education="本科", social_work_major=True, post_type="机构社工",
            community_code=None, qualification="社会工作师", registration_expires=on - timedelta(days=1)),  # 26
        row(birth_date=date(1966, 6, 15), education="初中及以下", gender="男"),  # 60
        row(status="离岗", education="初中及以下"),  # not counted anywhere
        row(status="储备"),
    ]
    s = structure(workers, on, 40000)
    assert (s["workers"], s["population"], s["per_10k_residents"]) == (4, 40000, 1.0)
    assert s["certified"] == 2 and s["share_certified"] == 0.5
    assert s["by_qualification"] == {"无": 2, "助理社会工作师": 1, "社会工作师": 1, "高级社会工作师": 0}
    assert s["by_education"] == {"初中及以下": 1, "高中": 1, "中专": 1, "大专": 0, "本科": 1, "硕士研究生": 0,
                                 "博士研究生": 0}
    assert list(s["by_education"]) == ["初中及以下", "高中", "中专", "大专", "本科", "硕士研究生", "博士研究生"]
    assert s["share_vocational_or_below"] == 0.75
    assert s["by_age_band"] == {"<30": 1, "30-39": 1, "40-49": 1, "50+": 1}
    assert s["by_age_band_gender"]["30-39"] == {"男": 1, "女": 0} and s["by_age_band_gender"]["40-49"] == {"男": 0, "女": 1}
    assert s["share_40_plus"] == 0.5
    assert (s["social_work_major"], s["share_social_work_major"]) == (1, 0.25)
    assert s["by_post_type"] == {"社区专职工作者": 3, "机构社工": 1, "政府购买服务岗位": 0, "兼职": 0}
    assert s["by_gender"] == {"男": 2, "女": 2}
    assert s["community_counts"] == {"C1": 3, None: 1}
    assert (s["registrations_due_90_days"], s["registrations_expired"]) == (1, 1)
    # one day earlier the first worker is still 39
    assert structure(workers, on - timedelta(days=1), 40000)["by_age_band"] == {"<30": 1, "30-39": 2, "40-49": 0,
                                                                                  "50+": 1}


def test_edge_cases_give_zeros_not_errors():
    s = structure([row(status="离岗")], date(2026, 1, 1), 0)
    assert s["workers"] == 0 and s["per_10k_residents"] == 0.0
    assert s["share_40_plus"] == s["share_vocational_or_below"] == s["share_certified"] == 0.0
    assert set(s["by_education"].values()) == {0} and s["by_age_band"] == {"<30": 0, "30-39": 0, "40-49": 0, "50+": 0}
    third = structure([row(), row(), row(education="中专")], date(2026, 1, 1), 600000)
    assert third["share_vocational_or_below"] == 0.333
    odd = structure([row(education="小学")], date(2026, 1, 1), 1)
    assert odd["by_education"]["小学"] == 1  # a value outside the glossary is kept, after it
    assert [age_band(a) for a in (29, 30, 39, 40, 49, 50)] == ["<30", "30-39", "30-39", "40-49", "40-49", "50+"]


def test_status_history_and_trend_by_hand():
    worker = {"id": 1, "status": "在岗", "start_date": date(2025, 1, 10)}
    changes = [{"id": 1, "worker": 1, "from_status": None, "to_status": "在岗", "changed_on": date(2026, 3, 1)},
               {"id": 2, "worker": 1, "from_status": "在岗", "to_status": "离岗", "changed_on": date(2026, 5, 10)},
               {"id": 3, "worker": 1, "from_status": "离岗", "to_status": "在岗", "changed_on": date(2026, 8, 1)}]
    assert status_on(worker, changes, date(2025, 1, 9)) is None  # before they started
    assert status_on(worker, changes, date(2025, 6, 1)) == "在岗"  # the creation row's status held from start_date
    assert status_on(worker, changes, date(2026, 5, 10)) == "离岗"
    assert status_on(worker, changes, date(2026, 7, 31)) == "离岗"
    assert status_on(worker, changes, date(2026, 8, 1)) == "在岗"
    # without a start date, the profile counts from its creation
    assert status_on({"id": 2, "status": "在岗", "start_date": None}, changes[:1], date(2026, 2, 28)) is None

    ends = month_ends(date(2026, 3, 15))
    assert len(ends) == 12 and (ends[0], ends[-2], ends[-1]) == (date(2025, 4, 30), date(2026, 2, 28), date(2026, 3, 15))
    newcomer = {"id": 2, "status": "在岗", "start_date": date(2026, 1, 5)}
    joined = {"id": 4, "worker": 2, "from_status": None, "to_status": "在岗", "changed_on": date(2026, 1, 5)}
    points = trend([worker, newcomer], [*changes, joined], date(2026, 9, 20))
    assert [p["month"] for p in points][:2] == ["2025-10", "2025-11"] and points[-1]["date"] == "2026-09-20"
    assert [p["workers"] for p in points] == [1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 2, 2]


# --- the endpoints on a prepared set ------------------------------------------------------


def _own_places() -> tuple[str, int, str]:
    """A community of OWN, and an organisation of OWN with its community."""
    community = run(Community.select(Community.code).where(
        (Community.district_code == OWN) & (Community.kind == "community")).order_by(Community.code).first())["code"]
    org = run(Organization.select(Organization.id, Organization.community_code).where(
        (Organization.district_code == OWN) & Organization.community_code.is_not_null()
    ).order_by(Organization.id).first())
    return community, org["id"], org["community_code"]


def _body(seq: int, born: date, female: bool, **extra) -> dict:
    return {"name": f"统计{seq}", "id_number": make_id_number(OWN, born, 600 + seq * 2 + (0 if female else 1)),
            "phone": f"1370000{seq:04d}", "post_type": "社区专职工作者", "education": "大专",
            "start_date": (ON - timedelta(days=730)).isoformat(), **extra}


@pytest.fixture
def prepared(client, tokens) -> Iterator[dict]:
    """Five workers created through the API (three active), removed afterwards; yields the stats before."""
    admin = bearer(tokens["district_admin"])
    community, org_id, org_community = _own_places()
    before = {on: client.get(STATS, params={"on": on.isoformat()}, headers=admin).json()
              for on in (ON, ON - timedelta(days=1))}
    bodies = [
        _body(1, add_years(ON, -40), True, education="中专", employer_community_code=community,
              start_date=(ON - timedelta(days=100)).isoformat()),  # turns 40 on ON
        _body(2, add_years(ON, -25) - timedelta(days=100), False, education="本科", social_work_major=True,
              major="社会工作", post_type="机构社工", employer_org_id=org_id, qualification="助理社会工作师",
              certificate_no="T-STATS-2", certificate_year=2022,
              registered_on=(add_years(ON, -3) + timedelta(days=30)).isoformat()),  # due 30 days after ON
        _body(3, add_years(ON, -55), True, education="初中及以下", employer_community_code=community,
              qualification="社会工作师", certificate_no="T-STATS-3", certificate_year=add_years(ON, -9).year,
              first_registered_on=(add_years(ON, -9) - timedelta(days=10)).isoformat(),  # re-registered twice
              registered_on=(add_years(ON, -3) - timedelta(days=10)).isoformat()),  # expired 10 days before ON
        _body(4, add_years(ON, -35), False, status="离岗", employer_community_code=community),
        _body(5, add_years(ON, -45), True, education="高中", status="储备", employer_community_code=community),
    ]
    ids = []
    try:
        for body in bodies:
            response = client.post(f"{STATS[:-6]}/workers", json=body, headers=admin)
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
        yield {"before": before, "community": community, "org_community": org_community, "ids": ids}
    finally:
        people = [w["person_id"] for w in run(SocialWorker.select(SocialWorker.person_id).where(
            SocialWorker.id.is_in(ids or [0])))]

        async def remove():
            async with db.write_transaction():
                await StatusChange.delete().where(StatusChange.worker.is_in(ids or [0]))
                await SocialWorker.delete().where(SocialWorker.id.is_in(ids or [0]))
                await Person.delete().where(Person.id.is_in(people or [0]))

        run(remove())


def delta(after: dict, before: dict, key: str) -> dict:
    return {k: after[key][k] - before[key][k] for k in after[key]}


def test_district_stats_count_the_prepared_workers(prepared, client, tokens):
    before = prepared["before"][ON]
    after = client.get(STATS, params={"on": ON.isoformat()}, headers=bearer(tokens["supervisor"])).json()
    assert after["workers"] - before["workers"] == 3 and after["population"] == 600000
    assert after["per_10k_residents"] == round(after["workers"] * 10000 / 600000, 2)
    assert after["certified"] - before["certified"] == 2
    assert delta(after, before, "by_qualification") == {"无": 1, "助理社会工作师": 1, "社会工作师": 1, "高级社会工作师": 0}
    assert delta(after, before, "by_education") == {"初中及以下": 1, "高中": 0, "中专": 1, "大专": 0, "本科": 1,
                                                    "硕士研究生": 0, "博士研究生": 0}
    assert delta(after, before, "by_age_band") == {"<30": 1, "30-39": 0, "40-49": 1, "50+": 1}
    assert delta(after, before, "by_gender") == {"男": 1, "女": 2}
    assert delta(after, before, "by_post_type") == {"社区专职工作者": 2, "机构社工": 1, "政府购买服务岗位": 0, "兼职": 0}
    assert after["social_work_major"] - before["social_work_major"] == 1
    assert after["registrations_due_90_days"] - before["registrations_due_90_days"] == 1
    assert after["registrations_expired"] - before["registrations_expired"] == 1
    communities = {c["code"]: c["workers"] for c in after["by_community"]}
    was = {c["code"]: c["workers"] for c in before["by_community"]}
    if prepared["community"] == prepared["org_community"]:
        assert communities[prepared["community"]] - was.get(prepared["community"], 0) == 3
    else:
        assert communities[prepared["community"]] - was.get(prepared["community"], 0) == 2
        assert communities[prepared["org_community"]] - was.get(prepared["org_community"], 0) == 1
    # shares are over active workers, from the counts shown
    aged = after["by_age_band"]["40-49"] + after["by_age_band"]["50+"]
    assert after["share_40_plus"] == round(aged / after["workers"], 3)
    low = sum(after["by_education"][e] for e in ("初中及以下", "高中", "中专"))
    assert after["share_vocational_or_below"] == round(low / after["workers"], 3)
    # trend: two prepared workers count all year, the one who started 100 days before ON from then on
    start = ON - timedelta(days=100)
    assert [a["workers"] - b["workers"] for a, b in zip(after["trend"], before["trend"])] == [
        2 + (date.fromisoformat(p["date"]) >= start) for p in after["trend"]]


def test_age_band_birthday_boundary(prepared, client, tokens):
    admin = bearer(tokens["district_admin"])
    eve = ON - timedelta(days=1)
    after = client.get(STATS, params={"on": eve.isoformat()}, headers=admin).json()
    # the day before their 40th birthday the first prepared worker is still in 30-39
    assert delta(after, prepared["before"][eve], "by_age_band") == {"<30": 1, "30-39": 1, "40-49": 0, "50+": 1}


def test_on_defaults_to_today_and_is_checked(client, tokens):
    admin = bearer(tokens["district_admin"])
    today = client.get(STATS, headers=admin).json()
    assert today["on"] == date.today().isoformat() and len(today["trend"]) == 12
    assert today["trend"][-1]["workers"] == today["workers"]  # the history ends where the roster is
    bad = client.get(STATS, params={"on": "2026-13-01"}, headers=admin)
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert client.get(STATS, headers=bearer(tokens["resident"])).status_code == 403
    assert client.get(f"/api/districts/{OTHER}/talent/stats", headers=admin).status_code == 403


# --- the city view ------------------------------------------------------------------------


def set_talent(client, tokens, code: str, enabled: bool) -> None:
    response = client.put(f"/api/districts/{code}/modules/talent", json={"enabled": enabled},
                          headers=bearer(tokens["platform_admin"]))
    assert response.status_code == 200, response.text


def test_city_view_side_by_side_and_scoped(client, tokens):
    city = {"city": "430700"}
    for role in ("platform_admin", "city_admin"):
        body = client.get("/api/talent/stats", params=city, headers=bearer(tokens[role])).json()
        assert [d["district_code"] for d in body["districts"]] == [OWN, OTHER]
        own = client.get(STATS, headers=bearer(tokens[role])).json()
        assert {k: body["districts"][0][k] for k in ("workers", "certified", "by_education", "trend")} == {
            k: own[k] for k in ("workers", "certified", "by_education", "trend")}
        assert body["total"]["workers"] == sum(d["workers"] for d in body["districts"])
        assert body["total"]["population"] == 600000 + 750000
    for role in ("district_admin", "supervisor"):
        body = client.get("/api/talent/stats", params=city, headers=bearer(tokens[role])).json()
        assert [d["district_code"] for d in body["districts"]] == [OWN]  # never the other district
        assert body["total"]["workers"] == body["districts"][0]["workers"]
    assert client.get("/api/talent/stats", headers=bearer(tokens["social_worker"])).status_code == 403
    assert client.get("/api/talent/stats", params={"city": "999900"},
                      headers=bearer(tokens["platform_admin"])).status_code == 404


def test_city_view_leaves_out_districts_without_talent(client, tokens):
    set_talent(client, tokens, OTHER, False)
    try:
        body = client.get("/api/talent/stats", headers=bearer(tokens["platform_admin"])).json()
        assert [d["district_code"] for d in body["districts"]] == [OWN]
    finally:
        set_talent(client, tokens, OTHER, True)


# --- pages ----------------------------------------------------------------------------------


def test_dashboard_draws_svg_charts_and_tables(client, tokens):
    page = client.get(f"/districts/{OWN}/talent/stats", headers=bearer(tokens["supervisor"]))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    for chart in ("age", "education", "qualification", "trend"):
        assert f'data-testid="chart-{chart}"' in html and f'aria-labelledby="{chart}-title"' in html
    inline = re.findall(r"<script(?![^>]*\bsrc=)", html)
    assert html.count("<svg") == 4 and inline == []  # charts need no script (only the shared app.js is loaded)
    for table in ("age", "education", "qualification", "trend", "post-type", "community"):
        assert f'data-testid="table-{table}"' in html
    stats = client.get(STATS, headers=bearer(tokens["supervisor"])).json()
    assert f'data-testid="workers">{stats["workers"]}<' in html
    assert "人才队伍统计" in html and "中专" in html and "年龄金字塔" in html and 'name="viewport"' in html

    english = client.get(f"/districts/{OWN}/talent/stats", params={"lang": "en"},
                         headers=bearer(tokens["supervisor"])).text
    assert "Social-work workforce" in english and "Secondary vocational" in english and "Age pyramid" in english
    assert "人才队伍统计" not in english


def test_the_trend_axis_says_when_it_does_not_start_at_zero(client, tokens):
    from plugins.talent.routes.stats import trend_chart

    months = [{"month": f"2026-{m:02d}", "workers": w} for m, w in ((1, 200), (2, 204), (3, 210))]
    cut = trend_chart(months, "zh-CN")
    assert cut["broken"] and cut["low"] > 0
    assert not trend_chart([{**m, "workers": w} for m, w in zip(months, (0, 3, 6))], "zh-CN")["broken"]
    page = client.get(f"/districts/{OWN}/talent/stats", headers=bearer(tokens["supervisor"])).text
    trend = page[page.index('data-testid="chart-trend"'):]
    trend = trend[:trend.index("</svg>")]
    low = int(re.findall(r'text-anchor="end">(\d+)</text>', trend)[-1])  # the axis' lowest label
    assert ('data-testid="axis-break"' in trend and "纵轴未从 0 开始" in trend) == (low > 0)


def test_pages_need_login_and_permission(client, tokens):
    anonymous = client.get(f"/districts/{OWN}/talent/stats", headers={"Accept": "text/html"}, follow_redirects=False)
    assert anonymous.status_code in (302, 303, 307) and anonymous.headers["location"].startswith("/login?next=")
    assert client.get(f"/districts/{OWN}/talent/stats", headers=bearer(tokens["resident"])).status_code == 403
    assert client.get(f"/districts/{OTHER}/talent", headers=bearer(tokens["district_admin"])).status_code == 403


def test_roster_page_is_masked_and_links_to_statistics_and_spreadsheets(client, tokens):
    html = client.get(f"/districts/{OWN}/talent", headers=bearer(tokens["district_admin"])).text
    assert 'data-testid="roster"' in html and 'href="/districts/430702/talent/stats"' in html
    assert f'href="/api/districts/{OWN}/talent/workers/template.xlsx"' in html
    assert f'href="/api/districts/{OWN}/talent/workers/export.xlsx"' in html
    first = run(SocialWorker.select(SocialWorker.person_id).where(SocialWorker.district_code == OWN).order_by(
        SocialWorker.id).first())
    person = run(Person.select().where(Person.id == first["person_id"]).first())
    assert person["name"] in html and person["id_number"] not in html and person["id_number"][:6] + "********" in html
    assert person["phone"] not in html
    supervisor = client.get(f"/districts/{OWN}/talent?page=2", headers=bearer(tokens["supervisor"])).text
    assert "export.xlsx" not in supervisor and "2 / " in supervisor  # supervisors read, they do not export


# --- open data ------------------------------------------------------------------------------


def test_suppression_rules_by_hand():
    assert suppress({"a": 10, "b": 2, "c": 0, "d": 5}) == {"a": 10, "b": None, "c": 0, "d": None}  # d: second cell
    assert suppress({"a": 10, "b": 2, "c": 1}) == {"a": 10, "b": None, "c": None}
    assert suppress({"a": 10, "b": 7}) == {"a": 10, "b": 7}
    assert [suppress_within(10, n) for n in (0, 1, 2, 3, 7, 8, 9, 10)] == [0, None, None, 3, 7, None, None, 10]
    assert suppress_within(None, 5) is None
    on = date(2026, 6, 15)
    workers = [row(community_code="C1") for _ in range(5)] + [row(community_code="C2", qualification="社会工作师")] + [
        row(community_code="C3") for _ in range(4)]
    rows = {r["community_code"]: r for r in community_rows(OWN, workers, {"C1": "一社区"}, on)}
    assert rows["C2"]["workers"] is None and rows["C2"]["certified"] is None and rows["C2"]["suppressed"]
    assert rows["C3"]["workers"] is None  # the next smallest, so C2 is not total minus the rest
    assert rows["C1"] == {"district_code": OWN, "community_code": "C1", "community_name": "一社区", "workers": 5,
                          "certified": 0, "aged_40_plus": 5, "vocational_or_below": 0, "social_work_major": 0,
                          "suppressed": False}


def test_datasets_publish_counts_only_and_hide_small_cells(client):
    structure_rows = client.get("/opendata/talent-structure.json").json()
    community = client.get("/opendata/talent-by-community.json").json()
    own = {r["category"]: r["workers"] for r in structure_rows
           if r["district_code"] == OWN and r["dimension"] == "education"}
    assert set(own) == {"初中及以下", "高中", "中专", "大专", "本科", "硕士研究生", "博士研究生"}
    assert {r["district_code"] for r in community} == {OWN, OTHER}
    for r in structure_rows + community:
        for key in ("workers", "certified", "aged_40_plus", "vocational_or_below", "social_work_major"):
            assert r.get(key) is None or r[key] == 0 or r[key] >= 3, r
    village = next(r for r in community if r["community_name"] == "太阳山村")  # the demo gives it 2 workers
    assert village["workers"] is None and village["suppressed"] is True

    people = run(Person.select(Person.name, Person.id_number, Person.phone).where(Person.id.is_in(
        SocialWorker.select(SocialWorker.person_id))))
    published = b"".join(client.get(f"/opendata/{name}.{fmt}").content
                         for name in ("talent-structure", "talent-by-community") for fmt in ("csv", "json"))
    text = published.decode("utf-8-sig", errors="replace")
    for name in ("talent-structure", "talent-by-community"):
        assert client.get(f"/opendata/{name}.xlsx").status_code == 200
    leaks = [p for p in people if p["id_number"] in text or (p["phone"] and p["phone"] in text) or p["name"] in text]
    assert leaks == []


# --- the demo tells the article's story -------------------------------------------------------


def _demo_only_stats(ctx, code: str) -> dict:
    """The district's statistics over the demo roster alone (other tests add workers to the shared database)."""
    from datetime import date as _date

    from plugins.talent.demo import ACTOR
    from plugins.talent.stats import roster_rows, structure, trend
    from plugins.talent.tables import StatusChange

    demo_ids = {r["worker"] for r in run(StatusChange.select(StatusChange.worker).where(
        (StatusChange.actor == ACTOR) & (StatusChange.district_code == code)))}
    workers, changes = run(roster_rows([code]))
    workers = [w for w in workers if w["id"] in demo_ids]
    changes = [c for c in changes if c["worker"] in demo_ids]
    result = structure(workers, _date.today(), ctx.districts[code].population)
    result["trend"] = trend(workers, changes, _date.today())
    return result


def test_demo_statistics_tell_the_story(ctx):
    for code in (OWN, OTHER):
        s = _demo_only_stats(ctx, code)
        assert 9 <= s["per_10k_residents"] <= 11, s["per_10k_residents"]  # about 0.1% of residents
        assert s["certified"] < 100  # 拥有职业资格准入证书的也不到100人
        assert s["share_vocational_or_below"] > 0.5  # 中专及以下学历人员占了一半以上
        assert s["share_40_plus"] > 0.6  # 40岁以上的占到60%以上
        assert s["by_post_type"]["社区专职工作者"] > 0.8 * s["workers"] and s["by_post_type"]["机构社工"] > 0
        assert s["social_work_major"] < 10 and s["registrations_due_90_days"] >= 1
        assert s["trend"][0]["workers"] < s["trend"][-1]["workers"]  # a slowly growing workforce


def test_demo_is_loaded_once_and_the_demo_worker_has_a_profile(ctx, client, tokens):
    before = run(SocialWorker.count().where(SocialWorker.district_code == OWN))
    run(load_workers(ctx.districts[OWN]))
    assert run(SocialWorker.count().where(SocialWorker.district_code == OWN)) == before
    me = client.get(f"/api/districts/{OWN}/talent/me", headers=bearer(tokens["social_worker"]))
    assert me.status_code == 200 and me.json()["district_code"] == OWN
