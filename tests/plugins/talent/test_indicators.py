"""The talent database's indicators on a hand-built roster in a test district of its own (430795,
population 5,000; 430794 beside it with the module off; built straight into the tables and
removed afterwards): workers per 10,000, 持证率, 40 岁以上占比 and 中专及以下学历占比 equal the
figures worked out by hand; who is in post follows the status history and the Beijing date a
profile was entered; ages are taken on the date."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from core.codes import make_id_number
from core.districts import DistrictConfig
from core.indicators import city_indicators, district_indicators
from core.tables import Person
from plugins.talent.tables import SocialWorker, StatusChange
from tests.conftest import run

CODE, OFF, CITY = "430795", "430794", "439800"
PER_10K, CERTIFIED = "talent.workers_per_10k", "talent.share_certified"
OLDER, VOCATIONAL = "talent.share_40_plus", "talent.share_vocational_or_below"
OLD = datetime(2018, 1, 1, tzinfo=timezone.utc)
WORKERS = [  # (key, district, status now, start_date, qualification, education, born, created_at)
    ("w1", CODE, "在岗", date(2020, 1, 1), "社会工作师", "本科", date(1980, 7, 1), OLD),
    ("w2", CODE, "在岗", date(2024, 1, 1), "无", "中专", date(1986, 7, 1), OLD),  # turns 40 on 2026-07-01
    ("w3", CODE, "离岗", date(2019, 1, 1), "助理社会工作师", "高中", date(1996, 1, 1), OLD),  # left 2026-07-01
    ("w4", CODE, "在岗", None, "无", "大专", date(2000, 1, 1),
     datetime(2026, 6, 30, 16, 30, tzinfo=timezone.utc)),  # entered 2026-07-01 00:30 Beijing, no history
    ("w5", CODE, "储备", date(2020, 1, 1), "社会工作师", "中专", date(1970, 1, 1), OLD),  # reserve: never counts
    ("w6", OFF, "在岗", date(2020, 1, 1), "社会工作师", "中专", date(1970, 1, 1), OLD),  # another district
]


async def _build() -> None:
    await _remove()
    ids = {}
    for key, district, status, start, qualification, education, born, created in WORKERS:
        person = Person(district_code=district, name="测试", gender="男", birth_date=born,
                        id_number=make_id_number(district, born, random.randint(100, 999)))
        person_id = (await Person.insert(person))[0]["id"]
        ids[key] = (await SocialWorker.insert(SocialWorker(
            district_code=district, person_id=person_id, post_type="机构社工", status=status, start_date=start,
            qualification=qualification, education=education, created_at=created)))[0]["id"]
    for from_status, to_status, day in ((None, "在岗", date(2019, 1, 1)), ("在岗", "离岗", date(2026, 7, 1))):
        await StatusChange.insert(StatusChange(worker=ids["w3"], district_code=CODE, from_status=from_status,
                                               to_status=to_status, changed_on=day))


async def _remove() -> None:
    codes = [CODE, OFF]
    await StatusChange.delete().where(StatusChange.district_code.is_in(codes))
    await SocialWorker.delete().where(SocialWorker.district_code.is_in(codes))
    await Person.delete().where(Person.district_code.is_in(codes))


@pytest.fixture(scope="module")
def test_ctx(ctx):
    run(_build())
    districts = {CODE: DistrictConfig(CODE, "测试丁区", CITY, "测试二市", 5_000, ("talent",)),
                 OFF: DistrictConfig(OFF, "测试戊区", CITY, "测试二市", 5_000, ())}
    yield replace(ctx, districts={**ctx.districts, **districts})
    run(_remove())


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {row["name"]: row for row in rows}


def parts(row: dict) -> tuple:
    return row["numerator"], row["denominator"], row["value"]


def test_values_equal_the_hand_computed_figures(test_ctx):
    rows = by_name(run(district_indicators(test_ctx, CODE, date(2026, 6, 30))))
    # in post: w1, w2, w3 (leaves the next day); w4 is entered the next day; w5 is reserve; w6 elsewhere
    assert parts(rows[PER_10K]) == (3, 0.5, 6.0)
    assert parts(rows[CERTIFIED]) == (2, 3, 66.7)   # w1 社会工作师, w3 助理社会工作师
    assert parts(rows[OLDER]) == (1, 3, 33.3)       # w1 is 45, w2 still 39, w3 30
    assert parts(rows[VOCATIONAL]) == (2, 3, 66.7)  # w2 中专, w3 高中
    assert (rows[PER_10K]["target"], rows[PER_10K]["status_label"]) == (15, "未达标") and rows[CERTIFIED]["unit"] == "%"
    assert (rows[OLDER]["target"], rows[OLDER]["status_label"]) == (50, "达标")  # at most 50 %


def test_the_date_follows_the_status_history_entry_and_birthdays(test_ctx):
    rows = by_name(run(district_indicators(test_ctx, CODE, date(2026, 7, 1))))
    # w3 has left, w4 is entered (Beijing date); w2 turns 40
    assert parts(rows[PER_10K]) == (3, 0.5, 6.0)
    assert parts(rows[CERTIFIED]) == (1, 3, 33.3)
    assert parts(rows[OLDER]) == (2, 3, 66.7)
    assert parts(rows[VOCATIONAL]) == (1, 3, 33.3)
    early = by_name(run(district_indicators(test_ctx, CODE, date(2019, 6, 30))))
    assert parts(early[PER_10K]) == (1, 0.5, 2.0)  # only w3, in post from 2019-01-01
    none = by_name(run(district_indicators(test_ctx, CODE, date(2018, 6, 30))))
    assert parts(none[PER_10K]) == (0, 0.5, 0.0) and none[CERTIFIED]["status_label"] == "暂无数据"


def test_targets_module_off_and_the_city_total(test_ctx):
    district = replace(test_ctx.districts[CODE], indicator_targets={PER_10K: 10})
    overridden = replace(test_ctx, districts={**test_ctx.districts, CODE: district})
    per_10k = by_name(run(district_indicators(overridden, CODE, date(2026, 6, 30))))[PER_10K]
    assert (per_10k["target"], per_10k["gap"], per_10k["met"], per_10k["status_label"]) == (10, -4.0, False, "未达标")
    older = by_name(run(district_indicators(test_ctx, CODE, date(2026, 6, 30))))[OLDER]
    assert older["direction"] == "at_most"
    off = by_name(run(district_indicators(test_ctx, OFF, date(2026, 6, 30))))
    for name in (PER_10K, CERTIFIED, OLDER, VOCATIONAL):
        assert (off[name]["enabled"], off[name]["value"], off[name]["status_label"]) == (False, None, "未启用")
    total = by_name(run(city_indicators(test_ctx, CITY, date(2026, 6, 30)))["total"])
    assert parts(total[PER_10K]) == (3, 0.5, 6.0)  # 430794 is off: its worker stays out
