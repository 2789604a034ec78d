"""The supervision indicator on hand-built sampled records in test districts of their own (430769
and 430768 with the module on, 430767 with it off; city 439500; built straight into the tables and
removed afterwards): 抽查发现问题率 is the share judged 不合格 or 存疑 among the records given a
verdict by the date (the Beijing date of the verdict); records awaiting a verdict never count; a
district with the module off reads 未启用; the city total is Σnumerators / Σdenominators."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from core.districts import DistrictConfig
from core.indicators import city_indicators, district_indicators
from plugins.supervision.tables import Campaign, SampleItem
from tests.conftest import run

CODE, SECOND, OFF, CITY = "430769", "430768", "430767", "439500"
CODES = [CODE, SECOND, OFF]
RATE = "supervision.finding_rate"
UTC = timezone.utc
ITEMS = [  # (district, verdict, reviewed_at)
    (CODE, "合格", datetime(2026, 6, 1, 2, tzinfo=UTC)),
    (CODE, "不合格", datetime(2026, 6, 1, 2, tzinfo=UTC)),
    (CODE, "存疑", datetime(2026, 6, 30, 15, 30, tzinfo=UTC)),    # 23:30 Beijing on 06-30
    (CODE, "不合格", datetime(2026, 6, 30, 16, 30, tzinfo=UTC)),  # 00:30 Beijing on 07-01
    (CODE, "合格", datetime(2026, 6, 30, 16, tzinfo=UTC)),        # 00:00 Beijing on 07-01
    (CODE, None, None),                                          # awaiting a verdict
    (SECOND, "合格", datetime(2026, 6, 1, 2, tzinfo=UTC)),
    (SECOND, "不合格", datetime(2026, 6, 1, 2, tzinfo=UTC)),
    (OFF, "不合格", datetime(2026, 6, 1, 2, tzinfo=UTC)),
]


async def _build() -> None:
    await _remove()
    campaigns = {}
    for code in CODES:
        campaigns[code] = (await Campaign.insert(Campaign(
            district_code=code, title="指标测试", source="talent.service_logs", period_start=date(2026, 1, 1),
            period_end=date(2026, 5, 31), seed=1, state="sampled", created_by="test")))[0]["id"]
    for i, (district, verdict, reviewed) in enumerate(ITEMS):
        await SampleItem.insert(SampleItem(campaign=campaigns[district], district_code=district, record_id=str(i),
                                           state="pending" if verdict is None else "open", verdict=verdict,
                                           reviewed_by="" if verdict is None else "test", reviewed_at=reviewed))


async def _remove() -> None:
    await SampleItem.delete().where(SampleItem.district_code.is_in(CODES))
    await Campaign.delete().where(Campaign.district_code.is_in(CODES))


@pytest.fixture(scope="module")
def test_ctx(ctx):
    run(_build())
    districts = {CODE: DistrictConfig(CODE, "测试丑区", CITY, "测试五市", 10_000, ("supervision",)),
                 SECOND: DistrictConfig(SECOND, "测试寅区", CITY, "测试五市", 5_000, ("supervision",)),
                 OFF: DistrictConfig(OFF, "测试卯区", CITY, "测试五市", 5_000, ())}
    yield replace(ctx, districts={**ctx.districts, **districts})
    run(_remove())


def rate(ctx, code: str, at: date) -> dict:
    return {row["name"]: row for row in run(district_indicators(ctx, code, at))}[RATE]


def parts(row: dict) -> tuple:
    return row["numerator"], row["denominator"], row["value"]


def test_findings_among_the_records_reviewed_by_the_date(test_ctx):
    row = rate(test_ctx, CODE, date(2026, 6, 30))
    assert parts(row) == (2, 3, 66.7)  # 合格, 不合格, 存疑 (23:30 Beijing); the 07-01 verdicts not yet
    assert (row["unit"], row["direction"], row["target"]) == ("%", "at_most", 10)
    assert row["status_label"] == "未达标"  # 66.7 % is above the at-most 10 %
    assert parts(rate(test_ctx, CODE, date(2026, 7, 1))) == (3, 5, 60.0)  # the pending record never counts
    early = rate(test_ctx, CODE, date(2026, 5, 31))
    assert parts(early)[:2] == (0, 0) and early["status_label"] == "暂无数据"


def test_a_district_target_the_module_off_and_the_city_total(test_ctx):
    district = replace(test_ctx.districts[CODE], indicator_targets={RATE: 50})
    overridden = replace(test_ctx, districts={**test_ctx.districts, CODE: district})
    row = rate(overridden, CODE, date(2026, 6, 30))
    assert (row["target"], row["gap"], row["met"], row["status_label"]) == (50, 16.7, False, "未达标")
    off = rate(test_ctx, OFF, date(2026, 6, 30))
    assert (off["enabled"], off["value"], off["status_label"]) == (False, None, "未启用")
    assert parts(rate(test_ctx, SECOND, date(2026, 6, 30))) == (1, 2, 50.0)
    total = {row["name"]: row for row in run(city_indicators(test_ctx, CITY, date(2026, 6, 30)))["total"]}
    assert parts(total[RATE]) == (3, 5, 60.0)  # (2 + 1) / (3 + 2); 430767 is off
