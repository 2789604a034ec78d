"""The talent database's open datasets: counts of active (在岗) social workers per
district by each structure dimension, and per community. Counts only — no row is
ever a person, and no column holds a name, ID number or phone.

Small-cell suppression: a count of 1 or 2 could point at a person, so it is
published empty (`workers` null, `suppressed` true). So that a hidden count
cannot be recovered as "total minus the others", when a partition (the categories
of one dimension, or the communities of one district) has exactly one hidden cell,
the next smallest non-zero cell is hidden too; inside a community row, a sub-count
is hidden when it or its complement (the community's workers minus it) is 1 or 2,
and every sub-count is hidden when the community's own count is. Zeros are shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from core.contrib import Dataset, DatasetColumn
from plugins.talent.glossary import VOCATIONAL_OR_BELOW
from plugins.talent.services import age_on
from plugins.talent.stats import ACTIVE, age_band, community_names, roster_rows, structure
from plugins.talent.tables import SocialWorker

MIN_CELL = 3
DIMENSIONS = {  # structure key → (dimension, its Chinese name)
    "by_qualification": ("qualification", "职业资格"),
    "by_education": ("education", "学历"),
    "by_age_band": ("age_band", "年龄段"),
    "by_post_type": ("post_type", "岗位类型"),
    "by_gender": ("gender", "性别"),
}
SUB_COUNTS = ("certified", "aged_40_plus", "vocational_or_below", "social_work_major")


def hidden(n: int | None) -> bool:
    return n is not None and 0 < n < MIN_CELL


def suppress(cells: dict[Any, int]) -> dict[Any, int | None]:
    """A partition's counts with 1s and 2s hidden (None), plus a second cell when only one was hidden."""
    gone = {key for key, n in cells.items() if hidden(n)}
    if len(gone) == 1:
        rest = sorted((n, str(key), key) for key, n in cells.items() if key not in gone and n > 0)
        if rest:
            gone.add(rest[0][2])
    return {key: None if key in gone else n for key, n in cells.items()}


def suppress_within(total: int | None, n: int) -> int | None:
    """A sub-count of a published total: hidden when it or its complement is 1 or 2, or the total is hidden."""
    if total is None or hidden(n) or hidden(total - n):
        return None
    return n


def _district_rows(code: str, workers: list[dict[str, Any]], on: date) -> list[dict[str, Any]]:
    figures = structure(workers, on, 0)
    total = None if hidden(figures["workers"]) else figures["workers"]
    rows = [{"district_code": code, "dimension": "total", "dimension_name": "合计", "category": "在岗社工",
             "workers": total}]
    for key, (dimension, name) in DIMENSIONS.items():
        cells = suppress(figures[key]) if total is not None else dict.fromkeys(figures[key])
        rows += [{"district_code": code, "dimension": dimension, "dimension_name": name, "category": category,
                  "workers": n} for category, n in cells.items()]
    binary = (("certified", "持证", "持有职业资格证书", figures["certified"]),
              ("social_work_major", "专业", "社会工作专业", figures["social_work_major"]))
    rows += [{"district_code": code, "dimension": dimension, "dimension_name": name, "category": category,
              "workers": suppress_within(total, n)} for dimension, name, category, n in binary]
    for row in rows:
        row["suppressed"] = row["workers"] is None
    return rows


async def _structure_rows(districts: list[str]) -> AsyncIterator[dict[str, Any]]:
    workers, _ = await roster_rows(districts)
    on = date.today()
    for code in districts:
        for row in _district_rows(code, [w for w in workers if w["district_code"] == code], on):
            yield row


def community_rows(code: str, workers: list[dict[str, Any]], names: dict[str, str], on: date) -> list[dict]:
    """One row per community with active workers in the district (no community: code '' and 未注明)."""
    groups: dict[str, Counter] = {}
    for w in workers:
        if w["status"] != ACTIVE:
            continue
        counts = groups.setdefault(w["community_code"] or "", Counter())
        counts["workers"] += 1
        counts["certified"] += w["qualification"] != "无"
        counts["aged_40_plus"] += age_band(age_on(w["birth_date"], on)) in ("40-49", "50+")
        counts["vocational_or_below"] += w["education"] in VOCATIONAL_OR_BELOW
        counts["social_work_major"] += bool(w["social_work_major"])
    shown = suppress({key: counts["workers"] for key, counts in groups.items()})
    rows = []
    for key in sorted(groups, key=lambda k: (k == "", k)):
        total = shown[key]
        row = {"district_code": code, "community_code": key, "community_name": names.get(key, "") if key else "未注明",
               "workers": total, **{name: suppress_within(total, groups[key][name]) for name in SUB_COUNTS}}
        row["suppressed"] = any(row[name] is None for name in ("workers", *SUB_COUNTS))
        rows.append(row)
    return rows


async def _community_rows(districts: list[str]) -> AsyncIterator[dict[str, Any]]:
    workers, _ = await roster_rows(districts)
    names = await community_names(districts)
    on = date.today()
    for code in districts:
        for row in community_rows(code, [w for w in workers if w["district_code"] == code], names, on):
            yield row


async def _count(rows) -> int:
    return sum([1 async for _ in rows])


async def _updated(districts: list[str]):
    row = await SocialWorker.select(SocialWorker.updated_at).where(
        SocialWorker.district_code.is_in(districts)).order_by(SocialWorker.updated_at, ascending=False).first()
    return row["updated_at"] if row else None


_SUPPRESSED = DatasetColumn("suppressed", "是否因小于3人隐藏", "boolean")

DATASETS = [
    Dataset(
        module="talent", name="talent-structure", title="社工人才队伍结构",
        description="各区县在岗社会工作者人数，按职业资格、学历、年龄段、岗位类型、性别统计，以及持证和社会工作专业人数。"
                    "只含人数；1至2人的单元格不公开（留空），以免识别到个人。",
        columns=(DatasetColumn("district_code", "区县代码"), DatasetColumn("dimension", "统计维度"),
                 DatasetColumn("dimension_name", "维度名称"), DatasetColumn("category", "类别"),
                 DatasetColumn("workers", "在岗人数", "integer"), _SUPPRESSED),
        rows=_structure_rows, count=lambda districts: _count(_structure_rows(districts)), updated=_updated,
        keywords=("社会工作", "人才队伍", "统计"),
    ),
    Dataset(
        module="talent", name="talent-by-community", title="各社区社工人数",
        description="各社区在岗社会工作者人数，及其中持证、40岁以上、中专及以下学历、社会工作专业人数。"
                    "不足3人的社区及可据此推算的单元格不公开（留空）。",
        columns=(DatasetColumn("district_code", "区县代码"), DatasetColumn("community_code", "社区代码"),
                 DatasetColumn("community_name", "社区名称"), DatasetColumn("workers", "在岗人数", "integer"),
                 DatasetColumn("certified", "持证人数", "integer"), DatasetColumn("aged_40_plus", "40岁以上人数", "integer"),
                 DatasetColumn("vocational_or_below", "中专及以下学历人数", "integer"),
                 DatasetColumn("social_work_major", "社会工作专业人数", "integer"), _SUPPRESSED),
        rows=_community_rows, count=lambda districts: _count(_community_rows(districts)), updated=_updated,
        keywords=("社会工作", "社区", "统计"),
    ),
]
