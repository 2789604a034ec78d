"""Participation's indicators for the two-level governance dashboard (hook `register_indicators`):

- 居民参与率 (人/千人): distinct residents (users) with an attended sign-up to an activity whose
  Beijing date falls in the twelve months up to the date `at` (after the same day a year before,
  up to and including `at`), per 1,000 of the district's resident population (its district file).
- 40 岁以下参与者占比 (%): of those participants whose age is known (the sign-up names a registry
  person with a birth date), the share under 40 — each participant's age at their first
  attendance in the window, as on the 参与统计 page (plugins.participation.stats).
- 居民服务评价平均分 (分): the mean score (1–5, the mean of the four dimensions) of the ratings
  made on or before `at` (Beijing date of `created_at`); hiding a rating withholds its comment,
  not its score, so hidden ones count too (as in the averages procurement reads).
- 居民需求 90 天内回应率 (%): of the needs posted (Beijing date of `created_at`) in the 365 days
  ending 90 days before `at` — so each has had its full 90 days — leaving out merged ones (they
  live on in the need they were merged into), the share answered no later than 90 days after the
  day posted and on or before `at` (Beijing dates): staff marked it 已回应 (`triaged_at`), or a
  purchase project naming it started delivery (`delivering_since` from the `need_answers` hook —
  the loop closing without anyone re-marking the need).

No policy sets targets for these: the defaults are working targets (工作目标) a district file may
change (`[indicator_targets]`).
Dates are worked out in Python so SQLite and PostgreSQL agree.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from core import db
from core.contrib import Indicator
from core.dates import BEIJING, beijing_date
from core.plugins import call_async
from core.tables import Person
from plugins.participation.needs import REF
from plugins.participation.stats import age_on
from plugins.participation.tables import Need, Rating, Signup

MODULE = "participation"
YOUNG_BELOW = 40
ANSWER_DAYS, NEED_WINDOW_DAYS = 90, 365
ANSWER_BATCH = 200


def window_start(at: date) -> date:
    """The day a year before `at` (28 February for 29 February): the window is (start, at]."""
    try:
        return at.replace(year=at.year - 1)
    except ValueError:
        return at.replace(year=at.year - 1, day=28)


async def participants(district_code: str, at: date) -> dict[int, int | None]:
    """{user id: age at their first attendance in the twelve months up to `at`, None if unknown}."""
    start = window_start(at)
    since = datetime(start.year, start.month, start.day, tzinfo=BEIJING)
    until = datetime(at.year, at.month, at.day, tzinfo=BEIJING) + timedelta(days=1)
    starts = Signup.activity.starts_at
    async with db.read_together():
        rows = await Signup.select(Signup.user_id, Signup.person_id, starts.as_alias("starts_at")).where(
            (Signup.district_code == district_code) & (Signup.state == "attended") & (starts >= since)
            & (starts < until))
        ids = sorted({r["person_id"] for r in rows if r["person_id"] is not None})
        born = {p["id"]: p["birth_date"] for p in await Person.select(Person.id, Person.birth_date).where(
            Person.id.is_in(ids))} if ids else {}
    first: dict[int, tuple[date, int | None]] = {}
    for r in rows:
        day = beijing_date(r["starts_at"])
        if not start < day <= at:
            continue
        birth = born.get(r["person_id"])
        age = age_on(birth, day) if birth else None
        if r["user_id"] not in first or day < first[r["user_id"]][0]:
            first[r["user_id"]] = (day, age)
    return {user: age for user, (_, age) in first.items()}


async def _rate_per_1000(ctx, district_code: str, at: date) -> dict[str, Any]:
    return {"numerator": len(await participants(district_code, at)),
            "denominator": ctx.districts[district_code].population / 1000}


async def _share_under_40(ctx, district_code: str, at: date) -> dict[str, Any]:
    known = [age for age in (await participants(district_code, at)).values() if age is not None]
    return {"numerator": sum(1 for age in known if age < YOUNG_BELOW), "denominator": len(known)}


async def _mean_rating(ctx, district_code: str, at: date) -> dict[str, Any]:
    until = datetime(at.year, at.month, at.day, tzinfo=BEIJING) + timedelta(days=2)
    rows = await Rating.select(Rating.score, Rating.created_at).where(
        (Rating.district_code == district_code) & (Rating.created_at < until))
    scores = [float(r["score"]) for r in rows if beijing_date(r["created_at"]) <= at]
    return {"numerator": sum(scores), "denominator": len(scores)}


def need_window(at: date) -> tuple[date, date]:
    """The first and last Beijing day of the needs `needs_answered_90d` counts at `at`."""
    last = at - timedelta(days=ANSWER_DAYS)
    return last - timedelta(days=NEED_WINDOW_DAYS - 1), last


async def _needs_answered(ctx, district_code: str, at: date) -> dict[str, Any]:
    first, last = need_window(at)
    since = datetime(first.year, first.month, first.day, tzinfo=BEIJING) - timedelta(days=1)
    until = datetime(last.year, last.month, last.day, tzinfo=BEIJING) + timedelta(days=2)
    rows = await Need.select(Need.id, Need.state, Need.created_at, Need.triaged_at).where(
        (Need.district_code == district_code) & (Need.state != "merged") & (Need.created_at >= since)
        & (Need.created_at < until))
    rows = [r for r in rows if first <= beijing_date(r["created_at"]) <= last]
    delivering = await _delivering_since(ctx, district_code, [r["id"] for r in rows])
    answered = 0
    for r in rows:
        deadline = min(beijing_date(r["created_at"]) + timedelta(days=ANSWER_DAYS), at)
        moments = [r["triaged_at"] if r["state"] == "answered" else None, delivering.get(r["id"])]
        answered += any(m is not None and beijing_date(m) <= deadline for m in moments)
    return {"numerator": answered, "denominator": len(rows)}


async def _delivering_since(ctx, district_code: str, need_ids: list[int]) -> dict[int, date]:
    """{need id: the earliest Beijing day a record answering it (a purchase project) started
    delivery}, through the `need_answers` hook (procurement answers it; nothing where it is off).
    Asked in batches: a module may look each ref up with its own clause."""
    out: dict[int, date] = {}
    for start in range(0, len(need_ids), ANSWER_BATCH):
        refs = [f"{REF}{i}" for i in need_ids[start:start + ANSWER_BATCH]]
        for answer in await call_async(ctx.pm.hook.need_answers, ctx=ctx, district_code=district_code, refs=refs):
            for ref, records in (answer or {}).items():
                days = [beijing_date(r["delivering_since"]) for r in records if r.get("delivering_since")]
                if days and ref.startswith(REF):
                    need = int(ref[len(REF):])
                    out[need] = min(days + ([out[need]] if need in out else []))
    return out


_SOURCE = "居民参与：活动报名与签到；基础登记库：人员出生日期"

INDICATORS = [
    Indicator(
        module=MODULE, name="participation.residents_per_1000", label="居民参与率",
        label_en="Residents taking part per 1,000",
        definition="截至当日的 12 个月内（按北京时间的活动日期）至少签到参加过一次活动的居民人数（去重），"
                   "除以区县常住人口（千人）",
        unit="人/千人", source=_SOURCE + "；区县配置：常住人口", compute=_rate_per_1000, target=50,
        target_basis="工作目标：每千名常住居民中一年内至少 50 人参加过社区活动",
        records="/districts/{code}/participation/stats"),
    Indicator(
        module=MODULE, name="participation.share_under_40", label="40 岁以下参与者占比",
        label_en="Participants under 40",
        definition="截至当日的 12 个月内签到参加过活动、年龄可知（报名关联登记人员）的居民中，"
                   "首次参加时未满 40 岁者所占比例",
        unit="%", source=_SOURCE, compute=_share_under_40, scale=100, digits=1, target=30,
        target_basis="工作目标：社工中 40 岁以上占比超过六成、参与居民以老年人为主，"
                     "以 40 岁以下参与者占三成为目标",
        records="/districts/{code}/participation/stats"),
    Indicator(
        module=MODULE, name="participation.mean_rating", label="居民服务评价平均分",
        label_en="Residents' mean rating of services",
        definition="截至当日居民对活动和服务所作评价的平均分（1–5 分，专业性、及时性、态度、效果四项的平均）",
        unit="分", source="居民参与：服务评价", compute=_mean_rating, target=4.0,
        target_basis="工作目标：居民评价平均不低于 4.0 分（满分 5 分）",
        records="/districts/{code}/participation/activities"),
    Indicator(
        module=MODULE, name="participation.needs_answered_90d", label="居民需求 90 天内回应率",
        label_en="Residents' needs answered within 90 days",
        definition="截至当日前 90 天为止的 365 天内（按北京时间的提出日期）居民提出的需求（不含已合并到其他需求的），"
                   "其中在提出后第 90 天内（且不晚于当日，按北京时间）得到回应者所占比例：工作人员标记为“已回应”，"
                   "或关联该需求的政府购买服务项目进入服务实施；"
                   "每条需求都已满 90 天回应期",
        unit="%", source="居民参与：居民需求（提出与受理回应记录）；政府购买服务：关联需求的项目进入实施的时间", compute=_needs_answered, scale=100, digits=1,
        target=80, target_basis="工作目标",
        records="/districts/{code}/participation/needs"),
]
