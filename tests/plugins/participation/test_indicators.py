"""Participation's indicators on hand-built data in test districts of their own (430798 with
population 2,000 and 430797 with 1,000, city 439900, built straight into the tables and removed
afterwards): 居民参与率, 40 岁以下参与者占比 and 居民服务评价平均分 equal the figures worked out by
hand; the twelve-month window and the rating date follow Beijing dates; 居民需求 90 天内回应率
counts the needs of the 365 days ending 90 days before the date, on both sides of its day and
Beijing-midnight edges, without merged needs; the default targets are working targets with their
basis; a district with the module off reads 未启用; the city total is Σnumerators / Σdenominators."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from core.codes import make_id_number
from core.districts import DistrictConfig
from core.indicators import city_indicators, district_indicators
from core.tables import Person
from plugins.participation.indicators import need_window, window_start
from plugins.participation.tables import Activity, Need, Rating, Signup
from tests.conftest import run

CODE, SECOND, OFF, CITY = "430798", "430797", "430796", "439900"
RATE, YOUNG, MEAN = "participation.residents_per_1000", "participation.share_under_40", "participation.mean_rating"
NEEDS = "participation.needs_answered_90d"
CODES = (CODE, SECOND, OFF)
UTC = timezone.utc


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


async def _build() -> None:
    await _remove()

    async def person(born: date) -> int:
        row = Person(district_code=CODE, name="测试", id_number=make_id_number(CODE, born, random.randint(100, 999)),
                     gender="女", birth_date=born)
        return (await Person.insert(row))[0]["id"]

    async def activity(district: str, when: datetime) -> int:
        row = Activity(district_code=district, field="为老服务", title="指标测试", place="活动室", starts_at=when,
                       ends_at=when + timedelta(hours=1), capacity=50, announced_by="test")
        return (await Activity.insert(row))[0]["id"]

    async def attend(district: str, act: int, user: int, person_id: int | None, state: str = "attended") -> None:
        await Signup.insert(Signup(activity=act, district_code=district, user_id=user, person_id=person_id,
                                   state=state))

    a = await activity(CODE, _utc(2025, 6, 30, 16, 30))   # 2025-07-01 00:30 Beijing
    b = await activity(CODE, _utc(2025, 6, 30, 15, 0))    # 2025-06-30 23:00 Beijing
    c = await activity(CODE, _utc(2026, 3, 1, 2, 0))      # 2026-03-01
    d = await activity(CODE, _utc(2026, 6, 30, 16, 30))   # 2026-07-01 00:30 Beijing
    await attend(CODE, a, 9_900_001, await person(date(1990, 7, 1)))   # 35 on 2025-07-01
    await attend(CODE, c, 9_900_002, await person(date(1986, 3, 1)))   # 40 on 2026-03-01 (birthday)
    await attend(CODE, c, 9_900_003, None)                             # age unknown
    await attend(CODE, b, 9_900_004, await person(date(2000, 1, 1)))   # a day too early
    await attend(CODE, c, 9_900_005, await person(date(1950, 1, 1)), state="no_show")
    six = await person(date(1987, 1, 1))
    await attend(CODE, a, 9_900_006, six)                              # 38 on 2025-07-01
    await attend(CODE, d, 9_900_006, six)                              # 39 on 2026-07-01
    await attend(SECOND, await activity(SECOND, _utc(2026, 5, 1, 2, 0)), 9_900_007, None)
    for user, (district, score, created, hidden) in enumerate((
            (CODE, 4.0, _utc(2026, 1, 1, 2, 0), False),
            (CODE, 3.5, _utc(2026, 6, 30, 15, 59), True),   # 23:59 Beijing; hidden text, score counts
            (CODE, 1.0, _utc(2026, 6, 30, 16, 0), False),   # 2026-07-01 00:00 Beijing
            (SECOND, 5.0, _utc(2026, 1, 1, 2, 0), False)), start=9_900_001):
        await Rating.insert(Rating(district_code=district, subject="activity:0", user_id=user, professional=4,
                                   timeliness=4, attitude=4, effect=4, score=score, hidden=hidden,
                                   created_at=created))
    await _needs()


async def _needs() -> None:
    """Needs around the window of 2026-06-30: posted 2025-04-02 … 2026-04-01 (Beijing dates)."""
    def need(district: str, created: datetime, state: str = "open", triaged: datetime | None = None) -> Need:
        return Need(district_code=district, community_code=district + "001001", field="社区养老",
                    title="指标测试", posted_by="test", state=state, created_at=created, triaged_at=triaged)

    await Need.insert(
        # 2026-04-01 00:30 Beijing, the window's last day; answered 2026-06-30 23:59 Beijing: day 90
        need(CODE, _utc(2026, 3, 31, 16, 30), "answered", _utc(2026, 6, 30, 15, 59)),
        # 2026-03-31 23:30 Beijing; answered 2026-06-30 00:00 Beijing: day 91, too late
        need(CODE, _utc(2026, 3, 31, 15, 30), "answered", _utc(2026, 6, 29, 16, 0)),
        # 2026-04-02 00:00 Beijing: not yet had its 90 days
        need(CODE, _utc(2026, 4, 1, 16, 0), "answered", _utc(2026, 4, 2, 2, 0)),
        # 2025-04-02 00:00 Beijing, the window's first day; answered within a month
        need(CODE, _utc(2025, 4, 1, 16, 0), "answered", _utc(2025, 5, 1, 2, 0)),
        # 2025-04-01 23:59 Beijing: a day too old for 2026-06-30 (in the window of 2026-06-29)
        need(CODE, _utc(2025, 4, 1, 15, 59), "open"),
        need(CODE, _utc(2026, 1, 1, 2, 0), "merged", _utc(2026, 1, 2, 2, 0)),   # lives on in its target
        need(CODE, _utc(2026, 1, 1, 2, 0), "open"),
        need(CODE, _utc(2026, 1, 1, 2, 0), "declined", _utc(2026, 1, 5, 2, 0)),
        need(CODE, _utc(2026, 2, 1, 2, 0), "accepted", _utc(2026, 2, 2, 2, 0)),
        need(SECOND, _utc(2026, 1, 1, 2, 0), "answered", _utc(2026, 2, 1, 2, 0)),
        need(OFF, _utc(2026, 1, 1, 2, 0), "answered", _utc(2026, 2, 1, 2, 0)))


async def _remove() -> None:
    await Need.delete().where(Need.district_code.is_in(list(CODES)))
    await Rating.delete().where(Rating.district_code.is_in(list(CODES)))
    await Signup.delete().where(Signup.district_code.is_in(list(CODES)))
    await Activity.delete().where(Activity.district_code.is_in(list(CODES)))
    await Person.delete().where(Person.district_code == CODE)


@pytest.fixture(scope="module")
def test_ctx(ctx):
    run(_build())
    districts = {CODE: DistrictConfig(CODE, "测试甲区", CITY, "测试市", 2_000, ("participation",)),
                 SECOND: DistrictConfig(SECOND, "测试乙区", CITY, "测试市", 1_000, ("participation",)),
                 OFF: DistrictConfig(OFF, "测试丙区", CITY, "测试市", 5_000, ())}
    yield replace(ctx, districts={**ctx.districts, **districts})
    run(_remove())


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {row["name"]: row for row in rows}


def parts(row: dict) -> tuple:
    return row["numerator"], row["denominator"], row["value"]


def test_the_window_is_the_twelve_months_up_to_the_date():
    assert window_start(date(2026, 6, 30)) == date(2025, 6, 30)
    assert window_start(date(2028, 2, 29)) == date(2027, 2, 28)


def test_values_equal_the_hand_computed_figures(test_ctx):
    rows = by_name(run(district_indicators(test_ctx, CODE, date(2026, 6, 30))))
    # users 1 and 6 (activity a, 2025-07-01), 2 and 3 (c); 4's activity is on 2025-06-30, 5 did not come
    assert parts(rows[RATE]) == (4, 2, 2.0)
    # known ages 35 (1), 40 (2), 38 (6): two of three under 40
    assert parts(rows[YOUNG]) == (2, 3, 66.7)
    assert rows[YOUNG]["unit"] == "%" and rows[RATE]["target"] == 50
    assert parts(rows[MEAN]) == (7.5, 2, 3.75)


def test_the_date_moves_the_window_and_the_ratings(test_ctx):
    rows = by_name(run(district_indicators(test_ctx, CODE, date(2026, 7, 1))))
    # activity a (2025-07-01) drops out, d (2026-07-01) comes in: users 2, 3 and 6 (now 39)
    assert parts(rows[RATE]) == (3, 2, 1.5)
    assert parts(rows[YOUNG]) == (1, 2, 50.0)
    assert parts(rows[MEAN]) == (8.5, 3, 2.83)  # the 00:00 Beijing rating of 2026-07-01 comes in
    empty = by_name(run(district_indicators(test_ctx, CODE, date(2020, 1, 1))))
    assert parts(empty[RATE]) == (0, 2, 0.0)
    assert empty[YOUNG]["value"] is None and empty[YOUNG]["status_label"] == "暂无数据"
    assert empty[MEAN]["value"] is None


def test_a_district_target_and_a_district_with_the_module_off(test_ctx):
    district = replace(test_ctx.districts[CODE], indicator_targets={RATE: 3})
    overridden = replace(test_ctx, districts={**test_ctx.districts, CODE: district})
    rate = by_name(run(district_indicators(overridden, CODE, date(2026, 6, 30))))[RATE]
    assert (rate["target"], rate["gap"], rate["met"], rate["status_label"]) == (3, -1.0, False, "未达标")
    off = by_name(run(district_indicators(test_ctx, OFF, date(2026, 6, 30))))
    for name in (RATE, YOUNG, MEAN):
        assert (off[name]["enabled"], off[name]["value"], off[name]["status_label"]) == (False, None, "未启用")


def test_the_city_total_sums_numerators_and_denominators(test_ctx):
    city = run(city_indicators(test_ctx, CITY, date(2026, 6, 30)))
    assert [d["code"] for d in city["districts"]] == [CODE, SECOND, OFF]
    total = by_name(city["total"])
    assert parts(total[RATE]) == (5, 3, 1.67)  # (4 + 1) / (2,000 + 1,000) × 1,000; 430796 is off
    assert parts(total[YOUNG]) == (2, 3, 66.7)  # 430797's participant has no known age
    assert parts(total[MEAN]) == (12.5, 3, 4.17)


def test_needs_window_is_the_365_days_ending_90_days_before():
    assert need_window(date(2026, 6, 30)) == (date(2025, 4, 2), date(2026, 4, 1))


def test_needs_answered_within_90_days(test_ctx):
    row = by_name(run(district_indicators(test_ctx, CODE, date(2026, 6, 30))))[NEEDS]
    # posted in the window, merged left out: 04-01 (day 90), 03-31 (day 91), 2025-04-02, open, declined,
    # accepted; answered in time: the 2026-04-01 one (23:59 of day 90) and the 2025-04-02 one
    assert parts(row) == (2, 6, 33.3)
    assert (row["unit"], row["target"], row["direction"], row["status_label"]) == ("%", 80, "at_least", "未达标")
    assert row["target_basis"] == "工作目标"
    assert "90 天" in row["definition"] and "合并" in row["definition"]
    earlier = by_name(run(district_indicators(test_ctx, CODE, date(2026, 6, 29))))[NEEDS]
    # the window moves a day back: 2026-04-01 drops out, 2025-04-01 23:59 (open) comes in
    assert parts(earlier) == (1, 6, 16.7)
    off = by_name(run(district_indicators(test_ctx, OFF, date(2026, 6, 30))))[NEEDS]
    assert (off["enabled"], off["value"], off["status_label"]) == (False, None, "未启用")
    city = by_name(run(city_indicators(test_ctx, CITY, date(2026, 6, 30)))["total"])
    assert parts(city[NEEDS]) == (3, 7, 42.9)  # 430796 is off: its answered need does not count


def test_default_targets_are_working_targets(test_ctx):
    rows = by_name(run(district_indicators(test_ctx, CODE, date(2026, 6, 30))))
    assert (rows[RATE]["target"], rows[YOUNG]["target"], rows[MEAN]["target"]) == (50, 30, 4.0)
    assert (rows[RATE]["met"], rows[YOUNG]["met"], rows[MEAN]["met"]) == (False, True, False)  # 2.0, 66.7, 3.75
    for name in (RATE, YOUNG, MEAN, NEEDS):
        basis = rows[name]["target_basis"]
        assert basis.startswith("工作目标")  # the pages explain once that a district may change it
