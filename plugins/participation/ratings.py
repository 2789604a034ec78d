"""Ratings of attended activities: 1–5 on four dimensions with an optional comment, one per
resident and subject (409 for a second); a careful rating (a long enough comment, not an outlier
against the subject's other visible ratings) earns the district's points once. Moderation hides
a comment with a reason and keeps the row and its score. Roll-ups by service, organisation or
worker carry a small-sample guard; `averages_for_refs` answers the `rating_averages` hook and
RULES flags services whose average falls below the district's threshold.

Roll-ups are one aggregate over indexed columns (district_code plus service_ref, organization_id
or worker_person_id), so 100,000 ratings answer in milliseconds."""

from __future__ import annotations

from typing import Any

from core import audit, db
from core.auth import Principal
from core.contrib import SupervisionRule
from core.dates import utc_now
from core.errors import ApiError, invalid, not_found
from core.modules import module_settings
from plugins.participation import points
from plugins.participation.activities import row_of
from plugins.participation.ratings_schemas import RatingIn
from plugins.participation.tables import Rating, Signup

MODULE = "participation"
DIMENSIONS = ("professional", "timeliness", "attitude", "effect")
PUBLIC = ("id", "subject", "service_ref", *DIMENSIONS, "score", "comment", "hidden", "created_at")


def public(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row[k] for k in PUBLIC}
    if row["hidden"]:
        out["comment"] = ""
    return out


async def _others_mean(district_code: str, subject: str) -> float | None:
    rows = await Rating.raw("SELECT AVG(score) AS mean, COUNT(*) AS n FROM participation_rating "
                            "WHERE district_code = {} AND subject = {} AND hidden = {}", district_code, subject, False)
    return float(rows[0]["mean"]) if rows and rows[0]["n"] else None


def is_careful(comment: str, score: float, others: float | None, rules: dict[str, Any]) -> bool:
    """Long enough, and (when others rated the subject) within `outlier_gap` of their mean."""
    if len(comment.strip()) < rules["careful_comment_min_chars"]:
        return False
    return others is None or abs(score - others) <= rules["outlier_gap"]


async def rate_activity(ctx, code: str, activity_id: int, data: RatingIn, principal: Principal) -> dict[str, Any]:
    """The resident rates an activity they attended (checked in)."""
    async with db.write_transaction():
        act = await row_of(code, activity_id)
        if not await Signup.exists().where((Signup.activity == activity_id) & (Signup.user_id == principal.user_id)
                                           & (Signup.state == "attended")):
            raise ApiError(403, "签到参加过这个活动的居民才能评价", "not_attended")
        return await rate(ctx, code, f"activity:{activity_id}", act, data, principal)


async def rate(ctx, code: str, subject: str, source: dict[str, Any], data: RatingIn, principal: Principal
               ) -> dict[str, Any]:
    """Record the rating of `subject` (inside the caller's write transaction), copying what it rolls up
    to from `source` (the activity or the service use); credit a careful rating's points once."""
    rules = await module_settings(ctx, code, MODULE)
    comment = data.comment.strip()
    async with db.write_transaction():
        if await Rating.exists().where((Rating.subject == subject) & (Rating.user_id == principal.user_id)):
            raise ApiError(409, "已经评价过了，每人每次活动或服务只能评价一次", "already_rated")
        scores = {d: getattr(data, d) for d in DIMENSIONS}
        score = round(sum(scores.values()) / 4, 2)
        careful = is_careful(comment, score, await _others_mean(code, subject), rules)
        values = {"district_code": code, "subject": subject, "user_id": principal.user_id,
                  "community_code": source.get("community_code"), "field": source.get("field") or "",
                  "service_ref": source["service_ref"], "organization_id": source["organization_id"],
                  "worker_person_id": source["worker_person_id"], **scores, "score": score, "comment": comment,
                  "careful": careful}
        new_id = (await Rating.insert(Rating(**values)).returning(Rating.id))[0]["id"]
        await audit.record(actor=principal.username, action="create", entity="rating", entity_id=new_id,
                           district_code=code, after={k: v for k, v in values.items() if k != "user_id"})
        credited = 0
        if careful:
            amount = rules["points_careful_rating"]
            entry = await points.award(code, principal.user_id, amount, "careful_rating", f"rating:{new_id}",
                                       source.get("title") or source.get("service_title") or subject,
                                       principal.username)
            if entry:
                credited = amount
                await audit.record(actor=principal.username, action="award", entity="point_entry", entity_id=entry,
                                   district_code=code, after={"amount": amount, "reason": "careful_rating",
                                                              "ref": f"rating:{new_id}"})
        row = await Rating.select().where(Rating.id == new_id).first()
    return {**public(row), "careful": careful, "points": credited}


async def hide(code: str, rating_id: int, reason: str, principal: Principal) -> dict[str, Any]:
    """Withhold a rating's comment (the row and its score stay, and keep counting)."""
    if not reason.strip():
        raise invalid([("reason", "必填，不能为空")])
    async with db.write_transaction():
        row = await Rating.select().where((Rating.id == rating_id) & (Rating.district_code == code)).first()
        if not row:
            raise not_found("评价")
        if row["hidden"]:
            raise ApiError(409, "这条评价的文字已经隐藏", "already_hidden")
        changes = {"hidden": True, "hidden_reason": reason.strip(), "hidden_by": principal.username,
                   "hidden_at": utc_now()}
        await Rating.update(changes).where(Rating.id == rating_id)
        await audit.record(actor=principal.username, action="hide", entity="rating", entity_id=rating_id,
                           district_code=code, before={"hidden": False}, after=changes)
        return await Rating.select().where(Rating.id == rating_id).first()


def _filters(code: str, subject: str | None = None, service_ref: str | None = None,
             organization_id: int | None = None, worker_person_id: int | None = None):
    where = Rating.district_code == code
    if subject:
        where &= Rating.subject == subject
    if service_ref:
        where &= Rating.service_ref == service_ref
    if organization_id is not None:
        where &= Rating.organization_id == organization_id
    if worker_person_id is not None:
        where &= Rating.worker_person_id == worker_person_id
    return where


async def listing(code: str, page: int, per_page: int, staff: bool = False, **filters) -> dict[str, Any]:
    """Newest first. The public list withholds hidden comments; the staff list keeps them."""
    where = _filters(code, **filters)
    async with db.read_together():
        total = await Rating.count().where(where)
        rows = await Rating.select().where(where).order_by(Rating.id, ascending=False).offset(
            (page - 1) * per_page).limit(per_page)
    return {"total": total, "page": page, "per_page": per_page, "items": rows if staff else [public(r) for r in rows]}


async def summary(ctx, code: str, service_ref: str | None = None, organization_id: int | None = None,
                  worker_person_id: int | None = None, english: bool = False) -> dict[str, Any]:
    """{count, average, dimensions, enough, label}: no average below the district's `min_ratings`."""
    sql = ["SELECT COUNT(*) AS n, AVG(score) AS score, " + ", ".join(f"AVG({d}) AS {d}" for d in DIMENSIONS)
           + " FROM participation_rating WHERE district_code = {}"]
    args: list[Any] = [code]
    for column, value in (("service_ref", service_ref), ("organization_id", organization_id),
                          ("worker_person_id", worker_person_id)):
        if value is not None and value != "":
            sql.append(f"AND {column} = {{}}")
            args.append(value)
    row = (await Rating.raw(" ".join(sql), *args))[0]
    least = (await module_settings(ctx, code, MODULE))["min_ratings"]
    count, enough = int(row["n"] or 0), int(row["n"] or 0) >= least
    value = (lambda v: round(float(v), 2) if enough and v is not None else None)
    if enough:
        label = f"{value(row['score']):.2f} / 5（{count} 条评价）" if not english else f"{value(row['score']):.2f} / 5 ({count} ratings)"
    else:
        label = f"评价不足 {least} 条" if not english else f"Fewer than {least} ratings"
    return {"count": count, "min_ratings": least, "enough": enough, "average": value(row["score"]),
            "dimensions": {d: value(row[d]) for d in DIMENSIONS}, "label": label}


async def _by_ref(district_code: str, refs: list[str] | None = None) -> list[dict[str, Any]]:
    sql = ("SELECT service_ref, COUNT(*) AS n, AVG(score) AS average, MAX(organization_id) AS organization_id FROM participation_rating "
           "WHERE district_code = {} AND service_ref IS NOT NULL")
    args: list[Any] = [district_code]
    if refs is not None:
        sql += " AND service_ref IN (" + ", ".join("{}" for _ in refs) + ")"
        args += refs
    return await Rating.raw(sql + " GROUP BY service_ref ORDER BY service_ref", *args)


async def averages_for_refs(ctx, district_code: str, refs: list[str]) -> dict:
    """The `rating_averages` hook: {ref: {"average", "count"}} for the refs rated here (no guard:
    callers weight each average by its count)."""
    refs = [r for r in dict.fromkeys(refs or []) if isinstance(r, str) and r]
    if not refs:
        return {}
    rows = await _by_ref(district_code, refs)
    return {r["service_ref"]: {"average": round(float(r["average"]), 2), "count": int(r["n"])} for r in rows}


async def low_ratings(district_code: str, today, settings: dict):
    """A flag per service with at least `min_ratings` ratings and an average below the threshold."""
    titles = {r["service_ref"]: r["service_title"] for r in await _service_titles(district_code)}
    for row in await _by_ref(district_code):
        count, average = int(row["n"]), float(row["average"])
        if count >= settings["min_ratings"] and average < settings["low_rating_threshold"]:
            ref = row["service_ref"]
            yield {"key": f"participation.low_rating:{ref}", "record_type": "participation_service",
                   "record_id": ref[:64], "subject": None, "organization_id": row["organization_id"], "severity": "medium",
                   "message": f"服务“{titles.get(ref) or ref}”的居民评价平均分 {average:.2f}（{count} 条），"
                              f"低于本区县阈值 {settings['low_rating_threshold']:g}"}


async def _service_titles(district_code: str) -> list[dict[str, Any]]:
    from plugins.participation.tables import Activity

    return await Activity.select(Activity.service_ref, Activity.service_title).where(
        (Activity.district_code == district_code) & Activity.service_ref.is_not_null())


RULES = [SupervisionRule(MODULE, "participation.low_rating", "服务评价平均分低于阈值", "medium", low_ratings)]
