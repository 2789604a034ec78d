"""Indicators (core.indicators, core.registry.indicators, /api/.../indicators): on a hand-built
registry of a test district (430799, its own codes, built straight into the tables so nothing else
counts), each value equals the figure worked out by hand; the date `at` leaves out later records
(Beijing dates); a district file's target changes gap and met; a module that is off reads 未启用;
the city total is Σnumerators / Σdenominators of its districts."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from core.context import build_context
from core.districts import DistrictConfig, load_districts, validate_targets
from core.indicators import city_indicators, district_indicators
from core.settings import SettingsError, load_settings
from core.tables import Community, Organization
from tests.conftest import OTHER, OWN, run

CODE = "430799"
URBAN, RURAL, PER_10K = "registry.urban_community_orgs", "registry.rural_community_orgs", "registry.orgs_per_10k"
OLD = datetime(2020, 1, 1, tzinfo=timezone.utc)
COMMUNITIES = [  # (code, kind, created_at)
    ("430799001000", "street", OLD),
    ("430799001001", "community", OLD),
    ("430799001002", "community", OLD),
    ("430799001003", "community", datetime(2026, 2, 28, 17, 0, tzinfo=timezone.utc)),  # 2026-03-01 in Beijing
    ("430799001201", "community", OLD),
    ("430799001202", "community", OLD),
]
ORGANIZATIONS = [  # (name, legal_type, status, community, registered_on, created_at)
    ("甲", "community_filed", "filed", "430799001001", date(2021, 5, 1), OLD),
    ("乙", "community_filed", "registered", "430799001001", None,
     datetime(2025, 12, 31, 16, 30, tzinfo=timezone.utc)),  # no registration day: founded 2026-01-01 (Beijing)
    ("丙", "community_filed", "filed", "430799001002", date(2026, 6, 1), OLD),
    ("丁", "community_filed", "deregistered", "430799001002", date(2021, 1, 1), OLD),  # never counts
    ("戊", "community_filed", "filed", "430799001201", date(2022, 1, 1), OLD),
    ("己", "community_filed", "filed", "430799001003", date(2026, 3, 5), OLD),
    ("庚", "social_group", "registered", "430799001001", date(2019, 1, 1), OLD),  # not a community organisation
    ("辛", "community_filed", "filed", None, date(2020, 6, 1), OLD),  # in no community
]


@pytest.fixture(scope="module")
def test_ctx(ctx):
    """The app context plus district 430799 (population 20,000, no modules) with the data above,
    removed afterwards (the district is in no file: other tests must not meet its records)."""

    async def build():
        if not await Community.exists().where(Community.district_code == CODE):
            for code, kind, created in COMMUNITIES:
                await Community.insert(Community(district_code=CODE, code=code, name=f"测试{code[-3:]}", kind=kind,
                                                 parent_code=None if kind == "street" else "430799001000",
                                                 created_at=created))
            for name, legal_type, status, community, registered, created in ORGANIZATIONS:
                await Organization.insert(Organization(
                    district_code=CODE, name=f"测试组织{name}", legal_type=legal_type, status=status,
                    community_code=community, registered_on=registered, created_at=created))

    async def remove():
        await Organization.delete().where(Organization.district_code == CODE)
        await Community.delete().where((Community.district_code == CODE) & (Community.kind == "community"))
        await Community.delete().where(Community.district_code == CODE)

    run(build())
    district = DistrictConfig(CODE, "测试区", "430700", "常德市", 20_000, ())
    yield replace(ctx, districts={**ctx.districts, CODE: district})
    run(remove())


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {row["name"]: row for row in rows}


def test_values_equal_the_hand_computed_figures(test_ctx):
    end_2025 = by_name(run(district_indicators(test_ctx, CODE, date(2025, 12, 31))))
    # urban communities 001, 002; organisations 甲 (乙 is founded the next day in Beijing)
    assert (end_2025[URBAN]["numerator"], end_2025[URBAN]["denominator"], end_2025[URBAN]["value"]) == (1, 2, 0.5)
    # rural communities 201, 202; organisation 戊
    assert (end_2025[RURAL]["numerator"], end_2025[RURAL]["denominator"], end_2025[RURAL]["value"]) == (1, 2, 0.5)
    # 甲 戊 庚 辛 per 2 (10,000s)
    assert (end_2025[PER_10K]["numerator"], end_2025[PER_10K]["denominator"], end_2025[PER_10K]["value"]) == (4, 2, 2.0)
    mid_2026 = by_name(run(district_indicators(test_ctx, CODE, date(2026, 6, 30))))
    # urban communities 001, 002, 003; organisations 甲 乙 丙 己
    assert (mid_2026[URBAN]["numerator"], mid_2026[URBAN]["denominator"], mid_2026[URBAN]["value"]) == (4, 3, 1.33)
    assert mid_2026[RURAL]["value"] == 0.5
    assert (mid_2026[PER_10K]["numerator"], mid_2026[PER_10K]["value"]) == (7, 3.5)


def test_the_date_leaves_out_later_records_by_beijing_date(test_ctx):
    before = by_name(run(district_indicators(test_ctx, CODE, date(2026, 2, 28))))
    after = by_name(run(district_indicators(test_ctx, CODE, date(2026, 3, 1))))
    assert before[URBAN]["denominator"] == 2 and after[URBAN]["denominator"] == 3  # 003 created 01:00 Beijing
    assert before[URBAN]["numerator"] == after[URBAN]["numerator"] == 2  # 甲 乙; 己 only from 2026-03-05
    empty = by_name(run(district_indicators(test_ctx, CODE, date(2010, 1, 1))))
    assert empty[URBAN]["value"] is None and empty[URBAN]["status_label"] == "暂无数据"
    assert empty[PER_10K]["value"] == 0.0


def test_targets_gaps_and_a_district_override(test_ctx):
    rows = by_name(run(district_indicators(test_ctx, CODE, date(2025, 12, 31))))
    urban = rows[URBAN]
    assert (urban["target"], urban["gap"], urban["met"], urban["status_label"]) == (10, -9.5, False, "未达标")
    assert urban["target_basis"] == "民发〔2017〕191号" and urban["direction"] == "at_least"
    assert rows[RURAL]["target"] == 5
    assert (rows[PER_10K]["target"], rows[PER_10K]["gap"], rows[PER_10K]["met"]) == (10, -8.0, False)  # working target
    district = replace(test_ctx.districts[CODE], indicator_targets={URBAN: 0.4})
    overridden = replace(test_ctx, districts={**test_ctx.districts, CODE: district})
    rows = by_name(run(district_indicators(overridden, CODE, date(2025, 12, 31))))
    assert (rows[URBAN]["target"], rows[URBAN]["gap"], rows[URBAN]["met"], rows[URBAN]["status_label"]) == \
        (0.4, 0.1, True, "达标")
    assert rows[RURAL]["target"] == 5  # the others keep the default


def test_a_module_that_is_off_reads_not_enabled(test_ctx):
    rows = by_name(run(district_indicators(test_ctx, CODE, date(2026, 6, 30))))
    example = rows["example.notes_per_10k"]
    assert (example["enabled"], example["value"], example["numerator"], example["status_label"]) == \
        (False, None, None, "未启用")
    assert rows[URBAN]["enabled"]  # core's own are always on


def test_the_city_total_is_the_sum_of_numerators_over_the_sum_of_denominators(test_ctx):
    at = date(2026, 6, 30)
    city = run(city_indicators(test_ctx, "430700", at))
    assert [d["code"] for d in city["districts"]] == [OWN, OTHER, CODE]
    total = by_name(city["total"])
    for name in (URBAN, RURAL, PER_10K):
        parts = [by_name(d["indicators"])[name] for d in city["districts"]]
        numerator, denominator = sum(p["numerator"] for p in parts), sum(p["denominator"] for p in parts)
        assert (total[name]["numerator"], total[name]["denominator"]) == (numerator, denominator)
        assert total[name]["value"] == (round(numerator / denominator, 2) if denominator else None)
    # per 10,000 residents: the population-weighted mean of the districts' values
    populations = [d.population for d in test_ctx.districts.values() if d.city_code == "430700"]
    values = [by_name(d["indicators"])[PER_10K]["numerator"] / p * 10_000
              for d, p in zip(city["districts"], populations)]
    assert total[PER_10K]["value"] == round(sum(v * p for v, p in zip(values, populations)) / sum(populations), 2)
    # the example module is off everywhere here: the total reads 未启用 too
    assert total["example.notes_per_10k"]["status_label"] == "未启用"
    only_test = run(city_indicators(test_ctx, "430700", at, readable_codes=[CODE]))
    assert by_name(only_test["total"])[URBAN]["numerator"] == 4


def test_the_district_api(client):
    today = client.get(f"/api/districts/{OWN}/indicators")
    assert today.status_code == 200, today.text
    body = today.json()
    assert body["code"] == OWN and body["at"] == date.today().isoformat()
    rows = by_name(body["indicators"])
    assert rows[URBAN]["denominator"] > 0 and rows[PER_10K]["denominator"] == 60.0  # 600,000 residents
    early = by_name(client.get(f"/api/districts/{OWN}/indicators", params={"at": "1990-01-01"}).json()["indicators"])
    assert early[URBAN]["denominator"] == 0 and early[URBAN]["value"] is None  # the demo communities came later
    assert early[PER_10K]["numerator"] < rows[PER_10K]["numerator"]
    bad = client.get(f"/api/districts/{OWN}/indicators", params={"at": "2026-13-01"})
    assert bad.status_code in (400, 422) and "at" in [e["field"] for e in bad.json()["errors"]]
    assert client.get("/api/districts/999999/indicators").status_code == 404


def test_the_city_api(client):
    answer = client.get("/api/cities/430700/indicators", params={"at": "2026-06-30"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["city_code"], body["city_name"], body["at"]) == ("430700", "常德市", "2026-06-30")
    assert [d["code"] for d in body["districts"]] == [OWN, OTHER]
    total = by_name(body["total"])[PER_10K]
    assert total["denominator"] == 135.0  # 600,000 + 750,000 residents
    assert total["numerator"] == sum(by_name(d["indicators"])[PER_10K]["numerator"] for d in body["districts"])
    unknown = client.get("/api/cities/990100/indicators")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_city"


def test_targets_in_the_district_file(tmp_path, ctx):
    folder = tmp_path / "districts"
    shutil.copytree(Path(ctx.settings.districts_dir), folder)
    path = folder / f"{OTHER}.toml"
    path.write_text(path.read_text(encoding="utf-8") + f'\n[indicator_targets]\n"{URBAN}" = 8\n', encoding="utf-8")
    district = load_districts(folder)[OTHER]
    assert district.indicator_targets == {URBAN: 8.0}
    validate_targets(district, ctx.contributions.indicators)  # a known name passes
    path.write_text(path.read_text(encoding="utf-8").replace(f'"{URBAN}" = 8', f'"{URBAN}" = "八"'), encoding="utf-8")
    with pytest.raises(SettingsError, match=f"{OTHER}.toml.*{URBAN}"):
        load_districts(folder)
    path.write_text(path.read_text(encoding="utf-8").replace(f'"{URBAN}" = "八"', '"registry.nonsense" = 1'),
                    encoding="utf-8")
    with pytest.raises(SettingsError, match=rf"{OTHER}\.toml: \[indicator_targets\] registry\.nonsense"):
        build_context(replace(load_settings(), config_dir=tmp_path))
