"""Activities: announcing one (community staff, organisation staff — for their own organisation
only — and social workers), the public list (upcoming first, then past), one activity, and
cancelling it. Sign-ups, check-ins and no-shows are in activities_signups.

`Activity.signed_up` counts the places taken (rows signed up, attended or no-show) and
`Activity.waiting` the waiting rows; both are kept by the sign-up writes with conditional
updates, so an activity is never over its capacity however many residents race for it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from core import audit, db
from core.auth import Principal
from core.dates import BEIJING, utc_now
from core.errors import ApiError, invalid, not_found, refused
from core.glossary import SERVICE_FIELDS, TARGET_GROUPS
from core.tables import Community, Organization, Person
from plugins.participation.activities_schemas import ActivityIn
from plugins.participation.glossary import ACTIVITY_STATES
from plugins.participation.tables import Activity, Rating, Signup

ANNOUNCE = "participation.announce"
HIDDEN = ("checkin_code", "checkin_code_until", "announced_by", "created_at")
WHEN = ("upcoming", "past")


def aware(moment: datetime) -> datetime:
    """A stored or given moment as an aware UTC datetime (a naive one given by a person is Beijing time)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    return moment.astimezone(timezone.utc)


def phase(row: dict[str, Any], now: datetime | None = None) -> str:
    now = now or utc_now()
    if now < aware(row["starts_at"]):
        return "upcoming"
    return "ongoing" if now < aware(row["ends_at"]) else "past"


async def _community_names(code: str) -> dict[str, str]:
    rows = await Community.select(Community.code, Community.name).where(Community.district_code == code)
    return {r["code"]: r["name"] for r in rows}


def public(row: dict[str, Any], names: dict[str, str], english: bool = False) -> dict[str, Any]:
    """The public form of an activity row (no code, no staff name)."""
    out = {k: v for k, v in row.items() if k not in HIDDEN}
    out["starts_at"], out["ends_at"] = aware(row["starts_at"]), aware(row["ends_at"])
    out["community_name"] = names.get(row["community_code"] or "", "")
    out["state_label"] = ACTIVITY_STATES.get(row["state"], (row["state"], row["state"]))[1 if english else 0]
    out["phase"] = phase(row)
    out["places_left"] = max(0, row["capacity"] - row["signed_up"])
    return out


async def row_of(code: str, activity_id: int) -> dict[str, Any]:
    row = await Activity.select().where((Activity.id == activity_id) & (Activity.district_code == code)).first()
    if not row:
        raise not_found("活动")
    return row


def check_organization(principal: Principal, code: str, row: dict[str, Any]) -> None:
    """Organisation staff act only on their own organisation's activities."""
    limit = principal.organization_limit(ANNOUNCE, code)
    if limit is not None and row.get("organization_id") not in limit:
        raise refused("只能管理本机构发布的活动")


async def list_activities(code: str, page: int, per_page: int, community: str | None = None,
                          field: str | None = None, when: str | None = None) -> dict[str, Any]:
    """Upcoming (not yet ended, soonest first), then past (latest first); paged across both."""
    now = utc_now()
    where = Activity.district_code == code
    if community:
        where &= Activity.community_code == community
    if field:
        where &= Activity.field == field
    upcoming_where, past_where = where & (Activity.ends_at > now), where & (Activity.ends_at <= now)
    async with db.read_together():
        n_up = 0 if when == "past" else await Activity.count().where(upcoming_where)
        n_past = 0 if when == "upcoming" else await Activity.count().where(past_where)
        offset, rows = (page - 1) * per_page, []
        if offset < n_up:
            rows = await Activity.select().where(upcoming_where).order_by(Activity.starts_at).order_by(
                Activity.id).offset(offset).limit(per_page)
        if len(rows) < per_page and n_past:
            rows += await Activity.select().where(past_where).order_by(Activity.starts_at, ascending=False).order_by(
                Activity.id, ascending=False).offset(max(0, offset - n_up)).limit(per_page - len(rows))
        names = await _community_names(code)
    return {"total": n_up + n_past, "page": page, "per_page": per_page, "items": [public(r, names) for r in rows]}


async def detail(code: str, activity_id: int, principal: Principal | None = None) -> dict[str, Any]:
    """One activity; for a resident, their own sign-up (state, waiting position, rated or not)."""
    async with db.read_together():
        row = await row_of(code, activity_id)
        out = public(row, await _community_names(code))
        if principal is not None and principal.user_id is not None:
            mine = await Signup.select(Signup.id, Signup.state).where(
                (Signup.activity == activity_id) & (Signup.user_id == principal.user_id)).first()
            if mine and mine["state"] != "cancelled":
                out["my_state"], out["my_signup_id"] = mine["state"], mine["id"]
                if mine["state"] == "waiting":
                    out["my_position"] = await Signup.count().where(
                        (Signup.activity == activity_id) & (Signup.state == "waiting") & (Signup.id <= mine["id"]))
                out["my_rated"] = await Rating.exists().where(
                    (Rating.subject == f"activity:{activity_id}") & (Rating.user_id == principal.user_id))
    return out


async def _check(code: str, data: ActivityIn, principal: Principal) -> tuple[list[tuple[str, str]], int | None]:
    errors: list[tuple[str, str]] = []
    if not data.title.strip():
        errors.append(("title", "必填，不能为空"))
    if not data.place.strip():
        errors.append(("place", "必填，不能为空"))
    if data.field not in SERVICE_FIELDS:
        errors.append(("field", "应为服务领域之一：" + "、".join(SERVICE_FIELDS)))
    if data.target_group not in TARGET_GROUPS:
        errors.append(("target_group", "应为服务对象之一：" + "、".join(TARGET_GROUPS)))
    if aware(data.ends_at) <= aware(data.starts_at):
        errors.append(("ends_at", "结束时间应晚于开始时间"))
    elif aware(data.ends_at) <= utc_now():
        errors.append(("ends_at", "结束时间应晚于现在"))
    if data.community_code and not await Community.exists().where(
            (Community.code == data.community_code) & (Community.district_code == code)):
        errors.append(("community_code", "本区县没有这个社区或街道"))
    org = data.organization_id
    limit = principal.organization_limit(ANNOUNCE, code)
    if limit is not None:
        if org is None and len(limit) == 1:
            org = next(iter(limit))
        if org not in limit:
            errors.append(("organization_id", "只能以本机构的名义发布活动"))
    if org is not None and not await Organization.exists().where(
            (Organization.id == org) & (Organization.district_code == code)):
        errors.append(("organization_id", "本区县没有这个机构"))
    if data.worker_person_id is not None and not await Person.exists().where(
            (Person.id == data.worker_person_id) & (Person.district_code == code)):
        errors.append(("worker_person_id", "本区县没有这个人员"))
    return errors, org


async def create(code: str, data: ActivityIn, principal: Principal) -> dict[str, Any]:
    errors, org = await _check(code, data, principal)
    if errors:
        raise invalid(errors)
    values = {
        "district_code": code, "community_code": data.community_code or None, "field": data.field,
        "title": data.title.strip(), "description": data.description.strip(), "place": data.place.strip(),
        "starts_at": aware(data.starts_at), "ends_at": aware(data.ends_at), "capacity": data.capacity,
        "target_group": data.target_group, "service_ref": (data.service_ref or "").strip() or None,
        "service_title": data.service_title.strip(), "organization_id": org,
        "worker_person_id": data.worker_person_id, "volunteer_hours": float(data.volunteer_hours),
        "announced_by": principal.username,
    }
    async with db.write_transaction():
        new_id = (await Activity.insert(Activity(**values)).returning(Activity.id))[0]["id"]
        await audit.record(actor=principal.username, action="create", entity="activity", entity_id=new_id,
                           district_code=code, after=values)
    return await detail(code, new_id)


async def cancel(code: str, activity_id: int, reason: str, principal: Principal) -> dict[str, Any]:
    """Cancel a published activity that has not ended (its sign-ups stay as they are, for the record)."""
    if not reason.strip():
        raise invalid([("reason", "必填，不能为空")])
    async with db.write_transaction():
        row = await row_of(code, activity_id)
        check_organization(principal, code, row)
        if row["state"] != "published" or phase(row) == "past":
            raise ApiError(409, "活动已取消或已结束", "activity_closed")
        await Activity.update({Activity.state: "cancelled", Activity.reason: reason.strip()}).where(
            Activity.id == activity_id)
        await audit.record(actor=principal.username, action="cancel", entity="activity", entity_id=activity_id,
                           district_code=code, before={"state": row["state"]},
                           after={"state": "cancelled", "reason": reason.strip()})
    return await detail(code, activity_id)
