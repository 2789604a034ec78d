"""Procurement's indicators on hand-built projects in test districts of their own (430789 with
population 10,000, 430788 with 5,000, 430787 with the module off; city 439700; built straight into
the tables and removed afterwards): 政府购买服务人均金额, 重点领域覆盖率, 履约节点按时完成率 and
项目绩效评价平均分 equal the figures worked out by hand; the date `at` moves the twelve-month window,
the stage changes, the milestones due and the evaluations completed (Beijing dates); a district with
the module off reads 未启用; the city total is Σnumerators / Σdenominators."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

import pytest

from core.districts import DistrictConfig
from core.indicators import city_indicators, district_indicators
from plugins.procurement.delivery_tables import Contract, DeliveryMilestone
from plugins.procurement.evaluation_tables import ProjectEvaluation
from plugins.procurement.tables import PurchaseProject, StageChange
from tests.conftest import run

CODE, SECOND, OFF, CITY = "430789", "430788", "430787", "439700"
CODES = [CODE, SECOND, OFF]
SPEND, FIELDS = "procurement.spend_per_resident", "procurement.priority_fields_covered"
ON_TIME, SCORE = "procurement.milestones_on_time", "procurement.mean_outcome_score"
UTC = timezone.utc


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# key: (district, field, [(to_stage, moment)], contract (value_fen, signed_on) or None)
PROJECTS = {
    "p1": (CODE, "社区养老", [("in_delivery", _utc(2026, 3, 1, 2))], (1_000_000, date(2026, 2, 1))),
    "p2": (CODE, "残障康复", [("in_delivery", _utc(2026, 6, 30, 16, 30))],  # 2026-07-01 00:30 Beijing
           (500_000, date(2025, 6, 30))),                                   # signed a year before 2026-06-30
    "p3": (CODE, "社区养老", [("in_delivery", _utc(2025, 1, 1, 2)), ("evaluated", _utc(2026, 1, 1, 2))],
           (2_000_000, date(2024, 12, 1))),                                 # the same field again; old contract
    "p4": (CODE, "社区治理", [("in_delivery", _utc(2026, 1, 1, 2))], (300_000, date(2026, 6, 30))),  # not priority
    "p5": (CODE, "婚姻家庭", [("contracted", _utc(2026, 1, 1, 2))], None),   # not yet in delivery
    "p6": (SECOND, "社区矫正", [("in_delivery", _utc(2026, 2, 1, 2))], (250_000, date(2026, 5, 1))),
    "p7": (OFF, "青少年心理", [("in_delivery", _utc(2026, 2, 1, 2))], (900_000, date(2026, 5, 1))),
}
MILESTONES = [  # (due_on, state, decided_at) on p1's contract
    (date(2026, 3, 31), "accepted", _utc(2026, 3, 31, 15)),         # 23:00 Beijing on the due day: on time
    (date(2026, 3, 31), "accepted", _utc(2026, 3, 31, 16, 30)),     # 00:30 Beijing the next day: late
    (date(2026, 5, 31), "reported", None),                          # not accepted
    (date(2026, 6, 30), "accepted", _utc(2026, 6, 20, 2)),          # early
    (date(2026, 7, 1), "accepted", _utc(2026, 6, 25, 2)),           # due only on 2026-07-01
    (date(2026, 4, 30), "sent_back", _utc(2026, 4, 1, 2)),          # sent back: not done
]
EVALUATIONS = [  # (project, state, total, completed_at)
    ("p3", "completed", 86.5, _utc(2026, 1, 10, 2)),
    ("p1", "completed", 70.5, _utc(2026, 6, 30, 16)),  # 2026-07-01 00:00 Beijing
    ("p2", "open", None, None),
]


async def _build() -> None:
    await _remove()
    ids, contracts = {}, {}
    for key, (district, field, moves, contract) in PROJECTS.items():
        ids[key] = (await PurchaseProject.insert(PurchaseProject(
            district_code=district, title=f"指标测试{key}", buyer="测试局", field=field, budget_fen=5_000_000,
            period_start=date(2025, 1, 1), period_end=date(2026, 12, 31), method="公开招标",
            stage=moves[-1][0], created_by="test")))[0]["id"]
        for to_stage, moment in moves:
            await StageChange.insert(StageChange(project=ids[key], from_stage="contracted", to_stage=to_stage,
                                                 actor="test", at=moment))
        if contract:
            contracts[key] = (await Contract.insert(Contract(
                project=ids[key], district_code=district, organization_id=1, number=f"HT-{key}",
                value_fen=contract[0], signed_on=contract[1], term_start=date(2025, 1, 1),
                term_end=date(2026, 12, 31), recorded_by="test")))[0]["id"]
    for i, (due, state, decided) in enumerate(MILESTONES):
        await DeliveryMilestone.insert(DeliveryMilestone(
            project=ids["p1"], contract=contracts["p1"], district_code=CODE, title=f"节点{i}", due_on=due,
            state=state, decided_at=decided, created_by="test"))
    for key, state, total, completed in EVALUATIONS:
        await ProjectEvaluation.insert(ProjectEvaluation(
            project=ids[key], district_code=CODE, organization_id=1, evaluator="test", opened_by="test",
            state=state, total=total, completed_at=completed))


async def _remove() -> None:
    projects = [r["id"] for r in await PurchaseProject.select(PurchaseProject.id).where(
        PurchaseProject.district_code.is_in(CODES))]
    await ProjectEvaluation.delete().where(ProjectEvaluation.district_code.is_in(CODES))
    await DeliveryMilestone.delete().where(DeliveryMilestone.district_code.is_in(CODES))
    await Contract.delete().where(Contract.district_code.is_in(CODES))
    if projects:
        await StageChange.delete().where(StageChange.project.is_in(projects))
    await PurchaseProject.delete().where(PurchaseProject.district_code.is_in(CODES))


@pytest.fixture(scope="module")
def test_ctx(ctx):
    run(_build())
    districts = {CODE: DistrictConfig(CODE, "测试己区", CITY, "测试三市", 10_000, ("procurement",)),
                 SECOND: DistrictConfig(SECOND, "测试庚区", CITY, "测试三市", 5_000, ("procurement",)),
                 OFF: DistrictConfig(OFF, "测试辛区", CITY, "测试三市", 5_000, ())}
    yield replace(ctx, districts={**ctx.districts, **districts})
    run(_remove())


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {row["name"]: row for row in rows}


def parts(row: dict) -> tuple:
    return row["numerator"], row["denominator"], row["value"]


def test_values_equal_the_hand_computed_figures(test_ctx):
    rows = by_name(run(district_indicators(test_ctx, CODE, date(2026, 6, 30))))
    # contracts signed in (2025-06-30, 2026-06-30]: p1 10,000 元 and p4 3,000 元; p2 a day too early
    assert parts(rows[SPEND]) == (13_000, 10_000, 1.3)
    # 社区养老 (p1, p3) only: p2 enters delivery 00:30 Beijing the next day, p4's field is not a priority,
    # p5 is only contracted
    assert parts(rows[FIELDS]) == (1, 5, 20.0)
    # due by 2026-06-30: five milestones; the first (23:00 Beijing) and the 06-30 one are on time
    assert parts(rows[ON_TIME]) == (2, 5, 40.0)
    assert parts(rows[SCORE]) == (86.5, 1, 86.5)  # p1's evaluation completes at 00:00 Beijing on 07-01
    assert rows[SPEND]["unit"] == "元/人" and rows[FIELDS]["unit"] == "%" and (rows[SCORE]["target"], rows[SCORE]["status_label"]) == (80, "达标")


def test_the_date_moves_every_figure(test_ctx):
    rows = by_name(run(district_indicators(test_ctx, CODE, date(2026, 7, 1))))
    assert parts(rows[SPEND]) == (13_000, 10_000, 1.3)  # p1 (2026-02-01) and p4 (2026-06-30) still in
    assert parts(rows[FIELDS]) == (2, 5, 40.0)          # 残障康复 comes in
    assert parts(rows[ON_TIME]) == (3, 6, 50.0)         # the milestone due 07-01 was accepted early
    assert parts(rows[SCORE]) == (157.0, 2, 78.5)
    before = by_name(run(district_indicators(test_ctx, CODE, date(2026, 6, 29))))
    assert parts(before[SPEND]) == (15_000, 10_000, 1.5)  # p2 (2025-06-30) in, p4 (2026-06-30) not yet
    early = by_name(run(district_indicators(test_ctx, CODE, date(2025, 6, 1))))
    assert parts(early[FIELDS]) == (1, 5, 20.0)  # p3 in delivery since 2025-01-01
    assert parts(early[ON_TIME])[1] == 0 and early[ON_TIME]["status_label"] == "暂无数据"
    assert early[SCORE]["value"] is None


def test_a_district_target_the_module_off_and_the_city_total(test_ctx):
    district = replace(test_ctx.districts[CODE], indicator_targets={ON_TIME: 90})
    overridden = replace(test_ctx, districts={**test_ctx.districts, CODE: district})
    on_time = by_name(run(district_indicators(overridden, CODE, date(2026, 6, 30))))[ON_TIME]
    assert (on_time["target"], on_time["gap"], on_time["met"], on_time["status_label"]) == (90, -50.0, False, "未达标")
    off = by_name(run(district_indicators(test_ctx, OFF, date(2026, 6, 30))))
    for name in (SPEND, FIELDS, ON_TIME, SCORE):
        assert (off[name]["enabled"], off[name]["value"], off[name]["status_label"]) == (False, None, "未启用")
    second = by_name(run(district_indicators(test_ctx, SECOND, date(2026, 6, 30))))
    assert parts(second[SPEND]) == (2_500, 5_000, 0.5) and parts(second[FIELDS]) == (1, 5, 20.0)
    total = by_name(run(city_indicators(test_ctx, CITY, date(2026, 6, 30)))["total"])
    assert parts(total[SPEND]) == (15_500, 15_000, 1.03)  # 430787 is off: its contract stays out
    assert parts(total[FIELDS]) == (2, 10, 20.0)
    assert parts(total[ON_TIME]) == (2, 5, 40.0)
