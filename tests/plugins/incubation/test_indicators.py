"""The incubation indicator on hand-built incubatees in test districts of their own (430779 and
430778 with the module on, 430777 with it off; city 439600; built straight into the tables and
removed afterwards): 年度出壳（毕业）组织数 counts the graduations in the twelve months up to the
date; other stages never count; a district with the module off reads 未启用; the city total is the
districts' sum (a count: `city_total="sum"`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from core.districts import DistrictConfig
from core.indicators import city_indicators, district_indicators
from plugins.incubation.tables import Base, Incubatee
from tests.conftest import run

CODE, SECOND, OFF, CITY = "430779", "430778", "430777", "439600"
CODES = [CODE, SECOND, OFF]
GRADUATES = "incubation.graduates_per_year"
INCUBATEES = [  # (district, stage, graduated_on)
    (CODE, "graduated", date(2025, 6, 30)),   # a year before 2026-06-30: out of that window
    (CODE, "graduated", date(2025, 7, 1)),
    (CODE, "graduated", date(2026, 3, 1)),
    (CODE, "graduated", date(2026, 6, 30)),
    (CODE, "exited", None),
    (CODE, "incubating", None),
    (SECOND, "graduated", date(2026, 1, 1)),
    (OFF, "graduated", date(2026, 1, 1)),
]


async def _build() -> None:
    await _remove()
    bases = {}
    for code in CODES:
        bases[code] = (await Base.insert(Base(district_code=code, name="指标测试基地", capacity=10)))[0]["id"]
    for i, (district, stage, graduated) in enumerate(INCUBATEES):
        await Incubatee.insert(Incubatee(district_code=district, base=bases[district], name=f"指标测试{i}",
                                         applicant="test", stage=stage, graduated_on=graduated,
                                         exited_on=date(2026, 1, 1) if stage == "exited" else None))


async def _remove() -> None:
    await Incubatee.delete().where(Incubatee.district_code.is_in(CODES))
    await Base.delete().where(Base.district_code.is_in(CODES))


@pytest.fixture(scope="module")
def test_ctx(ctx):
    run(_build())
    districts = {CODE: DistrictConfig(CODE, "测试壬区", CITY, "测试四市", 10_000, ("incubation",)),
                 SECOND: DistrictConfig(SECOND, "测试癸区", CITY, "测试四市", 5_000, ("incubation",)),
                 OFF: DistrictConfig(OFF, "测试子区", CITY, "测试四市", 5_000, ())}
    yield replace(ctx, districts={**ctx.districts, **districts})
    run(_remove())


def graduates(ctx, code: str, at: date) -> dict:
    return {row["name"]: row for row in run(district_indicators(ctx, code, at))}[GRADUATES]


def parts(row: dict) -> tuple:
    return row["numerator"], row["denominator"], row["value"]


def test_graduations_in_the_twelve_months_up_to_the_date(test_ctx):
    row = graduates(test_ctx, CODE, date(2026, 6, 30))
    assert parts(row) == (3, 1, 3.0)  # 2025-07-01, 2026-03-01, 2026-06-30
    assert (row["unit"], row["target"], row["status_label"]) == ("个", 3, "达标")
    assert parts(graduates(test_ctx, CODE, date(2026, 7, 1))) == (2, 1, 2.0)  # 2025-07-01 drops out
    assert parts(graduates(test_ctx, CODE, date(2026, 6, 29))) == (3, 1, 3.0)  # 2025-06-30 in, 2026-06-30 not
    assert parts(graduates(test_ctx, CODE, date(2025, 6, 30))) == (1, 1, 1.0)
    assert parts(graduates(test_ctx, CODE, date(2020, 1, 1))) == (0, 1, 0.0)


def test_a_district_target_the_module_off_and_the_city_total(test_ctx):
    district = replace(test_ctx.districts[CODE], indicator_targets={GRADUATES: 5})
    overridden = replace(test_ctx, districts={**test_ctx.districts, CODE: district})
    row = graduates(overridden, CODE, date(2026, 6, 30))
    assert (row["target"], row["gap"], row["met"], row["status_label"]) == (5, -2.0, False, "未达标")
    off = graduates(test_ctx, OFF, date(2026, 6, 30))
    assert (off["enabled"], off["value"], off["status_label"]) == (False, None, "未启用")
    total = {row["name"]: row for row in run(city_indicators(test_ctx, CITY, date(2026, 6, 30)))["total"]}
    assert parts(total[GRADUATES]) == (4, 1, 4.0)  # a count: 3 + 1 summed over two districts; 430777 is off
