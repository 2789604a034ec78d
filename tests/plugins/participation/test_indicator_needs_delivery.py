"""居民需求 90 天内回应率 closes the loop without anyone re-marking a need: a need also counts as
answered in time when a purchase project naming it started delivery within its 90 days (and on or
before the date), as procurement answers through the `need_answers` hook. Hand-built in a test
district of its own (430795, participation and procurement on), removed afterwards."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from core.districts import DistrictConfig
from core.indicators import district_indicators
from plugins.participation.tables import Need
from plugins.procurement.tables import PurchaseProject, StageChange
from tests.conftest import run

CODE, CITY = "430795", "439900"
NEEDS = "participation.needs_answered_90d"


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


async def _need(created: datetime) -> int:
    row = Need(district_code=CODE, community_code=CODE + "001001", field="社区养老", title="回应测试",
               posted_by="test", state="accepted", created_at=created, triaged_at=created)
    return (await Need.insert(row))[0]["id"]


async def _project(title: str, need_id: int, delivering: datetime) -> None:
    project = (await PurchaseProject.insert(PurchaseProject(
        district_code=CODE, title=title, buyer="测试局", field="社区养老", budget_fen=1_000_000,
        period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), method="公开招标", stage="in_delivery",
        needs=json.dumps([f"participation:need:{need_id}"]), created_by="test")))[0]["id"]
    await StageChange.insert(StageChange(project=project, from_stage="contracted", to_stage="in_delivery",
                                         actor="test", at=delivering))


async def _build() -> None:
    await _remove()
    await _project("按时", await _need(_utc(2025, 12, 31, 16, 30)), _utc(2026, 3, 1, 2))      # posted 01-01, day 59
    await _project("太晚", await _need(_utc(2025, 12, 31, 17, 0)), _utc(2026, 4, 15, 2))      # posted 01-01, day 104
    await _project("临界", await _need(_utc(2026, 3, 19, 16, 0)), _utc(2026, 6, 17, 15, 59))  # 03-20 → 06-17 23:59, day 89
    await _need(_utc(2026, 3, 1, 2))                                                          # no project


async def _remove() -> None:
    projects = [p["id"] for p in await PurchaseProject.select(PurchaseProject.id).where(
        PurchaseProject.district_code == CODE)]
    if projects:
        await StageChange.delete().where(StageChange.project.is_in(projects))
    await PurchaseProject.delete().where(PurchaseProject.district_code == CODE)
    await Need.delete().where(Need.district_code == CODE)


@pytest.fixture(scope="module")
def test_ctx(ctx):
    run(_build())
    district = DistrictConfig(CODE, "测试丁区", CITY, "测试市", 1_000, ("participation", "procurement"))
    yield replace(ctx, districts={**ctx.districts, CODE: district})
    run(_remove())


def _needs(ctx, at: date) -> tuple:
    row = next(r for r in run(district_indicators(ctx, CODE, at)) if r["name"] == NEEDS)
    return row["numerator"], row["denominator"]


def test_a_project_starting_delivery_within_90_days_answers_the_need(test_ctx):
    assert _needs(test_ctx, date(2026, 6, 30)) == (2, 4)   # 按时 and 临界; 太晚 is day 104; one has no project
    assert _needs(test_ctx, date(2026, 4, 1)) == (1, 2)    # the two of 01-01 only; 按时 started by then


def test_without_procurement_only_staff_answers_count(test_ctx):
    alone = replace(test_ctx.districts[CODE], modules=("participation",))
    ctx = replace(test_ctx, districts={**test_ctx.districts, CODE: alone})
    assert _needs(ctx, date(2026, 6, 30)) == (0, 4)
