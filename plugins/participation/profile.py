"""Participation's section of a community's profile (社区画像, hook `register_profile_sections`),
public: residents' needs posted there (open, accepted, answered), the latest activities there
(cancelled ones left out), how many residents took part there by age band (distinct residents
with an attended sign-up, banded by their age at their first attendance there; "未知" without a
registry person) and the rating average of what was rated there — shown only from the district's
`min_ratings` on, like every average of this module. Aggregates only: no resident is named.

Participation's section of an organisation's profile (组织画像), public: the ratings of what the
organisation delivered (Rating.organization_id) — count, average and the average by dimension
(专业性/及时性/态度/效果), from `min_ratings` on — and its latest activities (Activity.organization_id,
cancelled ones left out), linking to the activity pages. Comments are never shown.

Participation's section of a person's profile, "self" (the person themself and staff with
registry.person.read): when ratings or activities name the person as the social worker who
delivered (`worker_person_id`), their rating roll-up (min_ratings rule); when a user account is
linked to the person holds the resident role in the district or took part there, their participation: activities attended, points balance,
needs posted. None when the person has neither."""

from __future__ import annotations


from core.contrib import ProfileSection
from core.dates import beijing_date, beijing_time
from core.modules import module_settings
from core.builtin import RESIDENT
from core.tables import Person, RoleGrant, User
from plugins.participation import ratings
from plugins.participation.glossary import RATING_DIMENSIONS
from plugins.participation.stats import BANDS, UNKNOWN, age_on, band
from plugins.participation.tables import Activity, Need, PointBalance, Rating, Signup

MODULE = "participation"
RECENT = 5
NEED_STATES = (("open", "待受理"), ("accepted", "已受理"), ("answered", "已回应"))


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
    for r in sorted(rows, key=lambda r: beijing_date(r["starts_at"])):
        birth = born.get(r["person_id"])
        first.setdefault(r["user_id"], band(age_on(birth, beijing_date(r["starts_at"])) if birth else None))
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
    needs, rating = await _needs(code, key), await _rating(ctx, code, key)
    facts = [*needs, *await _by_band(code, key), rating]
    items = [{"title": a["title"], "url": f"/districts/{code}/participation/activities/{a['id']}",
              "meta": f"{beijing_time(a['starts_at'])} · {a['place']}"} for a in activities]
    held = await Activity.count().where((Activity.district_code == code) & (Activity.community_code == key)
                                        & (Activity.state != "cancelled"))
    posted = sum(int(value.split()[0]) for _, value in needs)
    loop = [["need", f"{posted} 条"], ["activity", f"{held} 场"], ["rating", rating[1].split("（")[0]]]
    return {"facts": facts, "items": items, "loop": loop}


def _activity_url(code: str, activity_id: int) -> str:
    return f"/districts/{code}/participation/activities/{activity_id}"


def _roll_up(summary: dict) -> list[list]:
    """The count and average, and each dimension's average once there are enough ratings."""
    facts = [["服务评价", summary["label"]]]
    if summary["enough"]:
        facts += [[f"服务评价（{RATING_DIMENSIONS[d][0]}）", f"{value:.2f} / 5"]
                  for d, value in summary["dimensions"].items() if value is not None]
    return facts


async def organization_section(ctx, code: str, key: str, principal) -> dict | None:
    org_id = int(key)
    summary = await ratings.summary(ctx, code, organization_id=org_id)
    activities = await Activity.select(Activity.id, Activity.title, Activity.starts_at, Activity.place).where(
        (Activity.district_code == code) & (Activity.organization_id == org_id) & (Activity.state != "cancelled")
    ).order_by(Activity.starts_at, ascending=False).limit(RECENT)
    items = [{"title": a["title"], "url": _activity_url(code, a["id"]),
              "meta": f"{beijing_time(a['starts_at'])} · {a['place']}"} for a in activities]
    return {"facts": _roll_up(summary), "items": items}


async def _as_worker(ctx, code: str, person_id: int) -> list[list]:
    delivered = await Activity.count().where((Activity.district_code == code)
                                             & (Activity.worker_person_id == person_id))
    rated = await Rating.exists().where((Rating.district_code == code) & (Rating.worker_person_id == person_id))
    if not delivered and not rated:
        return []
    summary = await ratings.summary(ctx, code, worker_person_id=person_id)
    return [["带领的活动", f"{delivered} 场"], *_roll_up(summary)]


async def _as_resident(code: str, person_id: int) -> tuple[list[list], list[dict]]:
    users = [u["id"] for u in await User.select(User.id).where(User.person_id == person_id)]
    if not users:
        return [], []
    starts = Signup.activity.starts_at
    attended = await Signup.select(Signup.activity.id.as_alias("activity_id"), Signup.activity.title.as_alias("title"),
                                   starts.as_alias("starts_at"), Signup.activity.place.as_alias("place")).where(
        (Signup.district_code == code) & Signup.user_id.is_in(users) & (Signup.state == "attended")
    ).order_by(starts, ascending=False)
    balances = await PointBalance.select(PointBalance.balance).where(
        (PointBalance.district_code == code) & PointBalance.user_id.is_in(users))
    posted = await Need.count().where((Need.district_code == code) & Need.poster_user_id.is_in(users))
    balance = sum(b["balance"] for b in balances)
    resident = await RoleGrant.exists().where(RoleGrant.user.is_in(users) & (RoleGrant.role == RESIDENT)
                                              & (RoleGrant.district_code == code))
    if not (resident or attended or balances or posted):
        return [], []  # a linked account that is not a resident here and never took part (e.g. staff)
    facts = [["参加活动", f"{len(attended)} 次"], ["积分余额", f"{balance} 分"], ["提出需求", f"{posted} 条"]]
    items = [{"title": a["title"], "url": _activity_url(code, a["activity_id"]),
              "meta": f"已签到 · {beijing_time(a['starts_at'])} · {a['place']}"} for a in attended[:RECENT * 2]]
    return facts, items


async def person_section(ctx, code: str, key: str, principal) -> dict | None:
    person_id = int(key)
    worker = await _as_worker(ctx, code, person_id)
    facts, items = await _as_resident(code, person_id)
    if not worker and not facts:
        return None
    return {"facts": [*worker, *facts], "items": items}


SECTIONS = [ProfileSection(MODULE, "community", "participation.community", "居民参与", "Resident participation",
                           community_section, order=30),
            ProfileSection(MODULE, "organization", "participation.organization", "居民评价与活动",
                           "Residents' ratings and activities", organization_section, order=30),
            ProfileSection(MODULE, "person", "participation.person", "居民参与与评价",
                           "Participation and ratings", person_section, access="self", order=30)]
