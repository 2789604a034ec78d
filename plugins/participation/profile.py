"""Participation's section of a community's profile (社区画像, hook `register_profile_sections`),
public: residents' needs posted there (open, accepted, answered), the latest activities there
(cancelled ones left out), how many residents took part there by age band (distinct residents
with an attended sign-up, banded by their age at their first attendance there; "未知" without a
registry person) and the rating average of what was rated there — shown only from the district's
`min_ratings` on, like every average of this module. Aggregates only: no resident is named."""

from __future__ import annotations

from datetime import date, datetime, timezone

from core.contrib import ProfileSection
from core.dates import BEIJING, beijing_time
from core.modules import module_settings
from core.tables import Person
from plugins.participation.stats import BANDS, UNKNOWN, age_on, band
from plugins.participation.tables import Activity, Need, Rating, Signup

MODULE = "participation"
RECENT = 5
NEED_STATES = (("open", "待受理"), ("accepted", "已受理"), ("answered", "已回应"))


def _beijing_day(moment: datetime) -> date:
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(BEIJING).date()


async def _needs(code: str, community: str) -> list[list]:
    rows = await Need.raw("SELECT state, COUNT(*) AS n FROM participation_need WHERE district_code = {} "
                          "AND community_code = {} GROUP BY state", code, community)
    counts = {r["state"]: int(r["n"]) for r in rows}
    return [[f"居民需求（{word}）", f"{counts.get(state, 0)} 条"] for state, word in NEED_STATES]


async def _by_band(code: str, community: str) -> list[list]:
    starts = Signup.activity.starts_at
    rows = await Signup.select(Signup.user_id, Signup.person_id, starts.as_alias("starts_at")).where(
        (Signup.district_code == code) & (Signup.state == "attended")
        & (Signup.activity.community_code == community))
    ids = sorted({r["person_id"] for r in rows if r["person_id"] is not None})
    born = {p["id"]: p["birth_date"] for p in await Person.select(Person.id, Person.birth_date).where(
        Person.id.is_in(ids))} if ids else {}
    first: dict[int, str] = {}
    for r in sorted(rows, key=lambda r: _beijing_day(r["starts_at"])):
        birth = born.get(r["person_id"])
        first.setdefault(r["user_id"], band(age_on(birth, _beijing_day(r["starts_at"])) if birth else None))
    facts = [["参与居民", f"{len(first)} 人（{len(rows)} 人次）"]]
    facts += [["参与居民（年龄未知）" if b == UNKNOWN else f"参与居民（{b} 岁）",
               f"{sum(1 for v in first.values() if v == b)} 人"] for b in BANDS]
    return facts


async def _rating(ctx, code: str, community: str) -> list:
    row = (await Rating.raw("SELECT COUNT(*) AS n, AVG(score) AS score FROM participation_rating "
                            "WHERE district_code = {} AND community_code = {}", code, community))[0]
    least = (await module_settings(ctx, code, MODULE))["min_ratings"]
    count = int(row["n"] or 0)
    if count and count >= least:
        return ["服务评价", f"{float(row['score']):.2f} / 5（{count} 条评价）"]
    return ["服务评价", f"评价不足 {least} 条"]


async def community_section(ctx, code: str, key: str, principal) -> dict | None:
    activities = await Activity.select(Activity.id, Activity.title, Activity.starts_at, Activity.place).where(
        (Activity.district_code == code) & (Activity.community_code == key) & (Activity.state != "cancelled")
    ).order_by(Activity.starts_at, ascending=False).limit(RECENT)
    facts = [*await _needs(code, key), *await _by_band(code, key), await _rating(ctx, code, key)]
    items = [{"title": a["title"], "url": f"/districts/{code}/participation/activities/{a['id']}",
              "meta": f"{beijing_time(a['starts_at'])} · {a['place']}"} for a in activities]
    return {"facts": facts, "items": items}


SECTIONS = [ProfileSection(MODULE, "community", "participation.community", "居民参与", "Resident participation",
                           community_section, order=30)]
