"""Street social-work stations (core.registry.stations): the API (public read, write with the
registry's community permission, 409 on a second open station, 422 naming the field, 404 across
districts, audited, never deleted), the street page (station shown, staff form), the demo's
stations, and the coverage indicator on a hand-built test district (430798)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from core.districts import DistrictConfig
from core.indicators import city_indicators, district_indicators
from core.tables import AuditEvent, Community, SocialWorkStation
from tests.conftest import OTHER, OWN, run

COVERAGE = "registry.station_coverage"
STREET = f"{OWN}901000"  # a street only these tests use, removed afterwards


def _url(street: str, district: str = OWN) -> str:
    return f"/api/districts/{district}/streets/{street}/station"


@pytest.fixture
def street(ctx):
    async def build():
        await Community.insert(Community(district_code=OWN, code=STREET, name="测试街道", kind="street"))

    async def remove():
        await SocialWorkStation.delete().where(SocialWorkStation.street_code == STREET)
        await Community.delete().where(Community.code == STREET)

    run(build())
    yield STREET
    run(remove())


def _audits(action: str) -> int:
    return run(AuditEvent.count().where((AuditEvent.entity == "social_work_station") & (AuditEvent.action == action)))


def test_write_needs_the_registry_community_permission(client, as_role, street):
    body = {"name": "测试社工站", "opened_on": "2024-01-01"}
    assert client.post(_url(street), json=body).status_code == 401
    assert client.post(_url(street), json=body, headers=as_role("resident")).status_code == 403
    assert client.post(_url(street), json=body, headers=as_role("social_worker")).status_code == 403
    assert run(SocialWorkStation.count().where(SocialWorkStation.street_code == street)) == 0
    answer = client.get(_url(street))  # public read
    assert answer.status_code == 200 and answer.json()["current"] is None and answer.json()["stations"] == []


def test_record_change_close_and_reopen(client, as_role, street):
    admin = as_role("district_admin")
    created_before = _audits("create")
    made = client.post(_url(street), json={"name": "测试社工站", "opened_on": "2024-01-01", "resident_workers": 2,
                                           "address": "人民路 1 号"}, headers=admin)
    assert made.status_code == 201, made.text
    station = made.json()
    assert (station["open"], station["status_label"], station["resident_workers"]) == (True, "运行中", 2)
    assert _audits("create") == created_before + 1
    second = client.post(_url(street), json={"name": "另一个站", "opened_on": "2024-02-01"}, headers=admin)
    assert second.status_code == 409 and "测试社工站" in second.json()["detail"]
    assert run(SocialWorkStation.count().where(SocialWorkStation.street_code == street)) == 1  # nothing half-written
    changed = client.patch(_url(street), json={"resident_workers": 3}, headers=admin)
    assert changed.status_code == 200 and changed.json()["resident_workers"] == 3
    bad = client.patch(_url(street), json={"closed_on": "2023-12-31"}, headers=admin)
    assert bad.status_code == 422 and "closed_on" in [e["field"] for e in bad.json()["errors"]]
    closes_before = _audits("close")
    today = date.today().isoformat()
    closed = client.patch(_url(street), json={"closed_on": today}, headers=admin)
    assert closed.status_code == 200 and (closed.json()["open"], closed.json()["status_label"]) == (False, "已撤站")
    assert _audits("close") == closes_before + 1
    read = client.get(_url(street)).json()
    assert read["current"] is None and [s["closed_on"] for s in read["stations"]] == [today]  # kept, not deleted
    assert client.patch(_url(street), json={"resident_workers": 1}, headers=admin).status_code == 404  # none open
    again = client.post(_url(street), json={"name": "新址社工站", "opened_on": today}, headers=admin)
    assert again.status_code == 201
    assert [s["name"] for s in client.get(_url(street)).json()["stations"]] == ["新址社工站", "测试社工站"]


def test_bad_input_names_the_field(client, as_role, street):
    admin = as_role("district_admin")

    def fields(answer):
        assert answer.status_code == 422, answer.text
        return [e["field"] for e in answer.json()["errors"]]

    assert "resident_workers" in fields(client.post(_url(street), json={
        "name": "站", "opened_on": "2024-01-01", "resident_workers": -1}, headers=admin))
    assert "closed_on" in fields(client.post(_url(street), json={
        "name": "站", "opened_on": "2024-01-01", "closed_on": "2023-01-01"}, headers=admin))
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert "opened_on" in fields(client.post(_url(street), json={"name": "站", "opened_on": tomorrow}, headers=admin))
    community = run(Community.select(Community.code).where(
        (Community.district_code == OWN) & (Community.kind == "community")).first())["code"]
    assert "street_code" in fields(client.post(_url(community), json={"name": "站", "opened_on": "2024-01-01"},
                                               headers=admin))
    assert "street_code" in fields(client.get(_url(community)))
    assert run(SocialWorkStation.count().where(SocialWorkStation.street_code.is_in([street, community]))) == 0


def test_other_districts_streets_are_404(client, as_role):
    theirs = run(Community.select(Community.code).where(
        (Community.district_code == OTHER) & (Community.kind == "street")).first())["code"]
    admin = as_role("district_admin")
    assert client.get(_url(theirs)).status_code == 404
    assert client.post(_url(theirs), json={"name": "站", "opened_on": "2024-01-01"}, headers=admin).status_code == 404
    assert client.patch(_url(theirs), json={"resident_workers": 9}, headers=admin).status_code == 404
    assert client.post(_url(theirs, OTHER), json={"name": "站", "opened_on": "2024-01-01"},
                       headers=admin).status_code == 403  # the other district's write is not theirs
    assert client.get(_url(f"{OWN}999000")).status_code == 404


def test_demo_stations_and_coverage(client):
    dan = client.get(_url(f"{OWN}001000")).json()  # 丹阳街道 moved: one open, one closed
    assert dan["current"]["name"] == "丹阳街道社会工作服务站" and dan["current"]["status_label"] == "运行中"
    assert [s["status_label"] for s in dan["stations"]] == ["运行中", "已撤站"]
    assert client.get(_url(f"{OWN}101000")).json()["current"] is None  # 河洑镇 has none
    for code, covered in ((OWN, 5), (OTHER, 2)):
        streets = run(Community.count().where((Community.district_code == code) & (Community.kind == "street")))
        rows = {r["name"]: r for r in client.get(f"/api/districts/{code}/indicators").json()["indicators"]}
        row = rows[COVERAGE]
        assert (row["numerator"], row["denominator"], row["target"]) == (covered, streets, 100)
        assert row["value"] == round(covered / streets * 100, 1) and row["unit"] == "%"
        assert "一乡镇(街道)一站点" in row["target_basis"]
        orgs = rows["registry.orgs_per_10k"]
        assert orgs["target"] == 10 and orgs["target_basis"] == "工作目标"


def test_street_page_shows_the_station_and_the_staff_form(client, as_role):
    page = client.get(f"/districts/{OWN}/streets/{OWN}001000")
    assert page.status_code == 200 and 'data-testid="station-current"' in page.text
    assert "丹阳街道社会工作服务站" in page.text and 'data-testid="station-history"' in page.text
    assert 'data-testid="station-form"' not in page.text and "station.js" not in page.text  # public: no form
    staff = client.get(f"/districts/{OWN}/streets/{OWN}001000", headers=as_role("district_admin"))
    assert 'data-testid="station-form"' in staff.text and 'data-method="PATCH"' in staff.text
    none = client.get(f"/districts/{OWN}/streets/{OWN}101000", headers=as_role("district_admin"))
    assert 'data-testid="station-none"' in none.text and 'data-method="POST"' in none.text
    assert f"/districts/{OWN}/streets/{OWN}001000" in client.get(f"/districts/{OWN}/communities?kind=street").text
    assert "Social-work station" in client.get(f"/districts/{OWN}/streets/{OWN}001000?lang=en").text
    theirs = run(Community.select(Community.code).where(
        (Community.district_code == OTHER) & (Community.kind == "street")).first())["code"]
    assert client.get(f"/districts/{OWN}/streets/{theirs}").status_code == 404


# --- the coverage indicator on hand-built data --------------------------------------------

CODE = "430798"
OLD = datetime(2020, 1, 1, tzinfo=timezone.utc)
STREETS = [(f"{CODE}001000", OLD), (f"{CODE}002000", OLD),
           (f"{CODE}003000", datetime(2026, 2, 28, 17, 0, tzinfo=timezone.utc)),  # 2026-03-01 in Beijing
           (f"{CODE}004000", OLD)]  # 004 never has a station
STATIONS = [  # (street, opened_on, closed_on)
    (f"{CODE}001000", date(2021, 1, 1), date(2024, 6, 30)),  # moved: closed the day before the next opened
    (f"{CODE}001000", date(2024, 7, 1), None),
    (f"{CODE}002000", date(2023, 3, 1), date(2025, 12, 31)),
    (f"{CODE}003000", date(2025, 1, 1), None),  # counts only once its street is in the registry
]


@pytest.fixture(scope="module")
def test_ctx(ctx):
    async def build():
        for code, created in STREETS:
            await Community.insert(Community(district_code=CODE, code=code, name=f"测试街道{code[6:9]}", kind="street",
                                             created_at=created))
        for street, opened, closed in STATIONS:
            await SocialWorkStation.insert(SocialWorkStation(district_code=CODE, street_code=street, name="测试站",
                                                             opened_on=opened, closed_on=closed, resident_workers=2))
        await Community.insert(Community(district_code=CODE, code=f"{CODE}001001", name="测试社区", kind="community",
                                         parent_code=f"{CODE}001000", created_at=OLD))  # not a street: never counts

    async def remove():
        await SocialWorkStation.delete().where(SocialWorkStation.district_code == CODE)
        await Community.delete().where((Community.district_code == CODE) & (Community.kind == "community"))
        await Community.delete().where(Community.district_code == CODE)

    run(build())
    yield replace(ctx, districts={**ctx.districts, CODE: DistrictConfig(CODE, "测试区", "430700", "常德市", 10_000, ())})
    run(remove())


def _coverage(context, at: date) -> tuple:
    row = next(r for r in run(district_indicators(context, CODE, at)) if r["name"] == COVERAGE)
    return row["numerator"], row["denominator"], row["value"]


def test_coverage_equals_the_hand_computed_figures(test_ctx):
    assert _coverage(test_ctx, date(2019, 12, 31)) == (0, 0, None)  # no street yet
    assert _coverage(test_ctx, date(2022, 12, 31)) == (1, 3, 33.3)  # 001
    assert _coverage(test_ctx, date(2024, 6, 30)) == (1, 3, 33.3)  # 002; 001 closed that day, next opens tomorrow
    assert _coverage(test_ctx, date(2024, 7, 1)) == (2, 3, 66.7)  # 001 (new site), 002
    assert _coverage(test_ctx, date(2025, 12, 30)) == (2, 3, 66.7)
    assert _coverage(test_ctx, date(2025, 12, 31)) == (1, 3, 33.3)  # 002 closed: it drops out
    assert _coverage(test_ctx, date(2026, 2, 28)) == (1, 3, 33.3)  # 003 not in the registry yet (Beijing date)
    assert _coverage(test_ctx, date(2026, 3, 1)) == (2, 4, 50.0)  # 001, 003 of 4


def test_coverage_city_total(test_ctx):
    at = date(2026, 6, 30)
    city = run(city_indicators(test_ctx, "430700", at))
    parts = [next(r for r in d["indicators"] if r["name"] == COVERAGE) for d in city["districts"]]
    total = next(r for r in city["total"] if r["name"] == COVERAGE)
    numerator, denominator = sum(p["numerator"] for p in parts), sum(p["denominator"] for p in parts)
    assert (total["numerator"], total["denominator"]) == (numerator, denominator)
    assert total["value"] == (round(numerator / denominator * 100, 1) if denominator else None)
    assert CODE in [d["code"] for d in city["districts"]] and parts[-1]["numerator"] == 2


def test_two_writers_at_once_open_one_station(ctx, street):
    """Two staff record the street's station at the same moment: one is recorded, the other is
    409 naming it (the street's row is locked inside the write; on PostgreSQL this is a real race)."""
    import asyncio

    from core.errors import ApiError
    from core.registry import stations

    async def both():
        return await asyncio.gather(*(stations.create(OWN, f"tester{n}", street, {
            "name": f"并发站{n}", "opened_on": date(2024, 1, 1)}) for n in (1, 2)), return_exceptions=True)

    answers = run(both())
    made = [a for a in answers if isinstance(a, dict)]
    refused = [a for a in answers if isinstance(a, ApiError)]
    assert len(made) == 1 and len(refused) == 1, answers
    assert refused[0].status_code == 409 and made[0]["name"] in refused[0].detail
    assert run(SocialWorkStation.count().where(SocialWorkStation.street_code == street)) == 1


def test_a_street_with_a_station_is_not_deleted(client, as_role, street):
    admin = as_role("district_admin")
    assert client.post(_url(street), json={"name": "测试社工站", "opened_on": "2024-01-01"}, headers=admin).status_code == 201
    refused = client.delete(f"/api/districts/{OWN}/communities/{street}", headers=admin)
    assert refused.status_code == 409 and "该街道的社工站记录 1 条" in refused.json()["detail"]
    assert run(Community.exists().where(Community.code == street))


# --- the district's stations at a glance (the coverage indicator's records) -----------------

def test_overview_lists_every_street_missing_first_and_matches_the_indicator(client):
    for code in (OWN, OTHER):
        found = client.get(f"/api/districts/{code}/stations").json()
        streets = run(Community.select(Community.code).where(
            (Community.district_code == code) & (Community.kind == "street")))
        assert sorted(e["street_code"] for e in found["entries"]) == sorted(s["code"] for s in streets)
        flags = [e["station"] is not None for e in found["entries"]]
        assert flags == sorted(flags)  # the streets without a station come first
        assert found["covered"] == sum(flags) and found["streets"] == len(streets)
        assert found["resident_workers"] == sum(e["station"]["resident_workers"] for e in found["entries"] if e["station"])
        row = {r["name"]: r for r in client.get(f"/api/districts/{code}/indicators").json()["indicators"]}[COVERAGE]
        assert (found["covered"], found["streets"], found["coverage"]) == (row["numerator"], row["denominator"], row["value"])
        assert row["records_url"] == f"/districts/{code}/stations"
    mine = client.get(f"/api/districts/{OWN}/stations").json()["entries"]
    assert {e["street_code"][:6] for e in mine} == {OWN}  # never another district's streets
    dan = next(e for e in mine if e["street_code"] == f"{OWN}001000")
    assert dan["station"]["name"] == "丹阳街道社会工作服务站"  # the open one, not the closed predecessor


def test_overview_follows_a_station_recorded_and_closed(client, as_role, street):
    admin = as_role("district_admin")
    before = client.get(f"/api/districts/{OWN}/stations").json()
    assert next(e for e in before["entries"] if e["street_code"] == street)["station"] is None
    assert client.post(_url(street), headers=admin, json={"name": "测试社工站", "opened_on": "2024-01-01",
                                                          "resident_workers": 4}).status_code == 201
    after = client.get(f"/api/districts/{OWN}/stations").json()
    assert (after["covered"], after["streets"]) == (before["covered"] + 1, before["streets"])
    assert after["resident_workers"] == before["resident_workers"] + 4
    assert client.patch(_url(street), headers=admin, json={"closed_on": date.today().isoformat()}).status_code == 200
    assert client.get(f"/api/districts/{OWN}/stations").json()["covered"] == before["covered"]


def test_overview_page_links_each_street_and_marks_the_missing(client):
    page = client.get(f"/districts/{OWN}/stations")
    assert page.status_code == 200
    found = client.get(f"/api/districts/{OWN}/stations").json()
    assert page.text.count('data-testid="station-row"') == found["streets"]
    assert page.text.count('data-testid="station-missing"') == found["streets"] - found["covered"]
    assert f'href="/districts/{OWN}/streets/{OWN}101000"' in page.text  # 河洑镇, without a station
    assert "Social-work stations" in client.get(f"/districts/{OWN}/stations?lang=en").text
    assert f'href="/districts/{OWN}/stations"' in client.get(f"/districts/{OWN}").text
    assert client.get("/districts/999999/stations").status_code == 404


def test_community_profile_links_its_street_page(client):
    community = run(Community.select(Community.code, Community.parent_code).where(
        (Community.district_code == OWN) & (Community.kind == "community")
        & (Community.parent_code == f"{OWN}001000")).first())
    profile = client.get(f"/api/districts/{OWN}/communities/{community['code']}/profile").json()
    core = next(s for s in profile["sections"] if s["name"] == "registry.community")
    assert core["data"]["items"][0]["url"] == f"/districts/{OWN}/streets/{OWN}001000"
