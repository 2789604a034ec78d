"""Participation's open datasets (aggregates only, no person; small cells suppressed):

- `participation-activities`: by district, community, field and quarter ("2026Q3", the
  activity's Beijing date): activities, places, sign-ups, attendances and participants.
- `participation-ratings`: by district, community, field and quarter: ratings, the average score
  and the four dimension averages.

Suppression: any count under 3 is published empty (null), and so are the averages of a cell of
fewer than 3 ratings. No column names, identifies or contacts a person."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

from core.contrib import Dataset, DatasetColumn
from core.dates import BEIJING
from plugins.participation.tables import Activity, Rating, Signup

MODULE = "participation"
SMALL = 3
DIMENSIONS = ("professional", "timeliness", "attitude", "effect")


def quarter(moment: datetime) -> str:
    day = (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(BEIJING)
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def suppress(count: int) -> int | None:
    return count if count >= SMALL else None


async def _activity_cells(districts: list[str]) -> list[dict[str, Any]]:
    cells: dict[tuple, dict[str, Any]] = defaultdict(lambda: {"activities": 0, "places": 0, "signups": 0,
                                                              "attendances": 0, "users": set()})
    rows = await Activity.select(Activity.id, Activity.district_code, Activity.community_code, Activity.field,
                                 Activity.starts_at, Activity.capacity).where(
        Activity.district_code.is_in(districts) & (Activity.state == "published"))
    key_of = {}
    for r in rows:
        key = (r["district_code"], r["community_code"] or "", r["field"], quarter(r["starts_at"]))
        key_of[r["id"]] = key
        cells[key]["activities"] += 1
        cells[key]["places"] += r["capacity"]
    for s in await Signup.select(Signup.activity, Signup.user_id, Signup.state).where(
            Signup.district_code.is_in(districts) & (Signup.state != "cancelled")):
        key = key_of.get(s["activity"])
        if key is None:
            continue
        cells[key]["signups"] += 1
        if s["state"] == "attended":
            cells[key]["attendances"] += 1
            cells[key]["users"].add(s["user_id"])
    return [{"district_code": d, "community_code": c, "field": f, "quarter": q,
             "activities": suppress(v["activities"]), "places": suppress(v["places"]),
             "signups": suppress(v["signups"]), "attendances": suppress(v["attendances"]),
             "participants": suppress(len(v["users"]))} for (d, c, f, q), v in sorted(cells.items())]


async def _rating_cells(districts: list[str]) -> list[dict[str, Any]]:
    cells: dict[tuple, list[dict]] = defaultdict(list)
    for r in await Rating.select(Rating.district_code, Rating.community_code, Rating.field, Rating.created_at,
                                 Rating.score, *[getattr(Rating, d) for d in DIMENSIONS]).where(
            Rating.district_code.is_in(districts)):
        cells[(r["district_code"], r["community_code"] or "", r["field"], quarter(r["created_at"]))].append(r)
    out = []
    for (d, c, f, q), rows in sorted(cells.items()):
        shown = len(rows) >= SMALL
        mean = (lambda k: round(sum(r[k] for r in rows) / len(rows), 2) if shown else None)
        out.append({"district_code": d, "community_code": c, "field": f, "quarter": q,
                    "ratings": suppress(len(rows)), "average_score": mean("score"),
                    **{f"average_{k}": mean(k) for k in DIMENSIONS}})
    return out


def _rows(cells):
    async def rows(districts: list[str]):
        for row in await cells(districts):
            yield row

    return rows


def _count(cells):
    async def count(districts: list[str]) -> int:
        return len(await cells(districts))

    return count


KEYS = (DatasetColumn("district_code", "区县代码"), DatasetColumn("community_code", "社区代码"),
        DatasetColumn("field", "服务领域"), DatasetColumn("quarter", "季度"))
async def _newest(column, districts: list[str]) -> datetime | None:
    table = column._meta.table
    row = await table.select(column.as_alias("at")).where(
        table.district_code.is_in(districts) & column.is_not_null()).order_by(column, ascending=False).first()
    return row["at"] if row else None


async def _activities_updated(districts: list[str]) -> datetime | None:
    """The newest announcement, sign-up, cancellation or check-in: any of them changes a cell."""
    moments = [await _newest(c, districts) for c in (Activity.created_at, Signup.created_at, Signup.cancelled_at,
                                                     Signup.checked_in_at)]
    return max((m for m in moments if m is not None), default=None)


async def _ratings_updated(districts: list[str]) -> datetime | None:
    return await _newest(Rating.created_at, districts)


DATASETS = [
    Dataset(
        module=MODULE, name="participation-activities", title="居民参与活动统计（按社区、领域和季度）",
        description="社区活动的场次、名额、报名人次、签到人次和参与人数，按区县、社区、服务领域和季度（北京时间）统计；"
                    "不含任何个人信息，少于 3 的数字不公布（留空）。",
        columns=(*KEYS, DatasetColumn("activities", "活动场次", "integer"), DatasetColumn("places", "名额", "integer"),
                 DatasetColumn("signups", "报名人次", "integer"), DatasetColumn("attendances", "签到人次", "integer"),
                 DatasetColumn("participants", "参与人数", "integer")),
        rows=_rows(_activity_cells), count=_count(_activity_cells), updated=_activities_updated, keywords=("居民参与", "社区活动", "三社联动"),
    ),
    Dataset(
        module=MODULE, name="participation-ratings", title="居民服务评价统计（按社区、领域和季度）",
        description="居民对活动和服务的评价条数、平均分及专业性、及时性、态度、效果四项平均分，按区县、社区、服务领域和"
                    "季度统计；不含任何个人信息和评价文字，少于 3 条评价的格子不公布（留空）。",
        columns=(*KEYS, DatasetColumn("ratings", "评价条数", "integer"),
                 DatasetColumn("average_score", "平均分", "number"),
                 DatasetColumn("average_professional", "专业性平均分", "number"),
                 DatasetColumn("average_timeliness", "及时性平均分", "number"),
                 DatasetColumn("average_attitude", "态度平均分", "number"),
                 DatasetColumn("average_effect", "效果平均分", "number")),
        rows=_rows(_rating_cells), count=_count(_rating_cells), updated=_ratings_updated, keywords=("居民参与", "服务评价"),
    ),
]
