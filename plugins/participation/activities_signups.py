"""Sign-ups, the waiting list, check-ins and no-shows.

A sign-up is one write transaction: the activity row is locked (FOR UPDATE on PostgreSQL; the
IMMEDIATE transaction serialises writers on SQLite), then a conditional
`UPDATE … SET signed_up = signed_up + 1 WHERE signed_up < capacity RETURNING id` takes a place,
or the resident joins the waiting list. When a signed-up resident cancels, the first waiting
sign-up (lowest id) moves up in the same transaction. A check-in (staff from the list, or the
resident with the one-time code shown at the venue) credits the district's points for attending
and volunteering in the same transaction."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta
from typing import Any

from core import audit, db
from core.auth import Principal
from core.codes import mask_name
from core.dates import BEIJING, utc_now
from core.errors import ApiError, invalid, not_found, refused
from core.modules import module_settings
from core.tables import AuditEvent, Person, User
from plugins.participation import points
from plugins.participation.activities import aware, check_organization, phase
from plugins.participation.glossary import SIGNUP_STATES
from plugins.participation.tables import Activity, Signup

MODULE = "participation"
HOLDING = ("signed_up", "waiting", "attended", "no_show")  # a sign-up that still counts
MAX_WRONG_CODES = 5


async def _locked_activity(code: str, activity_id: int) -> dict[str, Any]:
    row = await db.locked(Activity.select().where(
        (Activity.id == activity_id) & (Activity.district_code == code))).first()
    if not row:
        raise not_found("活动")
    return row


def _closed() -> ApiError:
    return ApiError(409, "活动已取消或已开始，不能再报名或取消报名", "activity_closed")


async def _position(activity_id: int, signup_id: int) -> int:
    return await Signup.count().where(
        (Signup.activity == activity_id) & (Signup.state == "waiting") & (Signup.id <= signup_id))


async def sign_up(code: str, activity_id: int, principal: Principal) -> dict[str, Any]:
    """Take a place, or join the waiting list: {id, activity_id, state, position}."""
    user_id = principal.user_id
    async with db.write_transaction():
        act = await _locked_activity(code, activity_id)
        if act["state"] != "published" or phase(act) != "upcoming":
            raise _closed()
        old = await Signup.select(Signup.id, Signup.state).where(
            (Signup.activity == activity_id) & (Signup.user_id == user_id)).first()
        if old and old["state"] in HOLDING:
            raise ApiError(409, "已经报名了这个活动", "already_signed_up")
        if old:  # signed up before and cancelled: a new row, at the end of any waiting list
            await Signup.delete().where(Signup.id == old["id"])
        taken = await Activity.update({Activity.signed_up: Activity.signed_up + 1}).where(
            (Activity.id == activity_id) & (Activity.signed_up < Activity.capacity)).returning(Activity.id)
        state = "signed_up" if taken else "waiting"
        if not taken:
            await Activity.update({Activity.waiting: Activity.waiting + 1}).where(Activity.id == activity_id)
        new_id = (await Signup.insert(Signup(activity=activity_id, district_code=code, user_id=user_id,
                                             person_id=principal.person_id, state=state)).returning(Signup.id))[0]["id"]
        position = await _position(activity_id, new_id) if state == "waiting" else None
        await audit.record(actor=principal.username, action="create", entity="signup", entity_id=new_id,
                           district_code=code, after={"activity": activity_id, "state": state, "position": position})
    return {"id": new_id, "activity_id": activity_id, "state": state, "position": position}


async def cancel_own(code: str, activity_id: int, principal: Principal) -> dict[str, Any]:
    """The resident cancels their own sign-up; if it held a place, the first waiting one moves up."""
    async with db.write_transaction():
        act = await _locked_activity(code, activity_id)
        mine = await Signup.select(Signup.id, Signup.state).where(
            (Signup.activity == activity_id) & (Signup.user_id == principal.user_id)
            & Signup.state.is_in(["signed_up", "waiting"])).first()
        if not mine:
            raise ApiError(409, "没有可以取消的报名", "not_signed_up")
        if act["state"] != "published" or phase(act) != "upcoming":
            raise _closed()
        await Signup.update({Signup.state: "cancelled", Signup.cancelled_at: utc_now()}).where(Signup.id == mine["id"])
        await audit.record(actor=principal.username, action="cancel", entity="signup", entity_id=mine["id"],
                           district_code=code, before={"state": mine["state"]}, after={"state": "cancelled"})
        if mine["state"] == "waiting":
            await Activity.update({Activity.waiting: Activity.waiting - 1}).where(Activity.id == activity_id)
        else:
            first = await Signup.select(Signup.id).where(
                (Signup.activity == activity_id) & (Signup.state == "waiting")).order_by(Signup.id).first()
            if first:
                await Signup.update({Signup.state: "signed_up"}).where(Signup.id == first["id"])
                await Activity.update({Activity.waiting: Activity.waiting - 1}).where(Activity.id == activity_id)
                await audit.record(actor=principal.username, action="move_up", entity="signup", entity_id=first["id"],
                                   district_code=code, before={"state": "waiting"}, after={"state": "signed_up"})
            else:
                await Activity.update({Activity.signed_up: Activity.signed_up - 1}).where(Activity.id == activity_id)
    return {"id": mine["id"], "activity_id": activity_id, "state": "cancelled", "position": None}


async def signups(code: str, activity_id: int, principal: Principal) -> dict[str, Any]:
    """Staff list: masked names, states, check-in times (sign-ups before cancellations)."""
    async with db.read_together():
        act = await Activity.select().where((Activity.id == activity_id) & (Activity.district_code == code)).first()
        if not act:
            raise not_found("活动")
        if not principal.can("participation.read", code):
            if not principal.can("participation.announce", code):
                raise refused("没有权限查看报名名单")
            check_organization(principal, code, act)
        rows = await Signup.select().where(Signup.activity == activity_id).order_by(Signup.id)
        people = {p["id"]: p["name"] for p in await Person.select(Person.id, Person.name).where(
            Person.id.is_in([r["person_id"] for r in rows if r["person_id"]] or [0]))}
        users = {u["id"]: u["display_name"] or u["username"] for u in await User.select(
            User.id, User.display_name, User.username).where(User.id.is_in([r["user_id"] for r in rows] or [0]))}
    order = {"signed_up": 0, "attended": 0, "no_show": 0, "waiting": 1, "cancelled": 2}
    items = [{"id": r["id"], "name": mask_name(people.get(r["person_id"]) or users.get(r["user_id"]) or "居民"),
              "state": r["state"], "state_label": SIGNUP_STATES.get(r["state"], (r["state"],))[0],
              "created_at": r["created_at"], "checked_in_at": r["checked_in_at"],
              "checked_in_via": r["checked_in_via"]} for r in sorted(rows, key=lambda r: (order.get(r["state"], 3), r["id"]))]
    return {"activity_id": activity_id, "signed_up": act["signed_up"], "waiting": act["waiting"], "items": items}


def _window_open(act: dict[str, Any], now: datetime) -> bool:
    """From one hour before the start to the end of the Beijing day the activity ends on."""
    last_day = aware(act["ends_at"]).astimezone(BEIJING).date()
    closes = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=BEIJING)
    return aware(act["starts_at"]) - timedelta(hours=1) <= now < closes


async def _attend(code: str, act: dict[str, Any], signup: dict[str, Any], via: str, actor: str, ctx) -> int:
    """Mark attended and credit the points (inside the caller's transaction); returns the points."""
    await Signup.update({Signup.state: "attended", Signup.checked_in_at: utc_now(), Signup.checked_in_by: actor,
                         Signup.checked_in_via: via}).where(Signup.id == signup["id"])
    await audit.record(actor=actor, action="checkin", entity="signup", entity_id=signup["id"], district_code=code,
                       before={"state": signup["state"]}, after={"state": "attended", "via": via})
    rules = await module_settings(ctx, code, MODULE)
    ref, credited = f"activity:{act['id']}", 0
    for amount, reason in ((rules["points_attend"], "attend"),
                           (round(act["volunteer_hours"] * rules["points_volunteer_hour"]), "volunteer")):
        entry = await points.award(code, signup["user_id"], amount, reason, ref, act["title"], actor)
        if entry:
            credited += amount
            await audit.record(actor=actor, action="award", entity="point_entry", entity_id=entry, district_code=code,
                               after={"user_id": signup["user_id"], "amount": amount, "reason": reason, "ref": ref})
    return credited


def _checkin_allowed(act: dict[str, Any], signup: dict[str, Any]) -> None:
    if signup["state"] == "attended":
        raise ApiError(409, "已经签到过了", "already_checked_in")
    if signup["state"] != "signed_up":
        raise ApiError(409, "只有已报名（非候补、未取消）的居民可以签到", "not_signed_up")
    if act["state"] != "published" or not _window_open(act, utc_now()):
        raise ApiError(409, "不在签到时间内（开始前 1 小时至活动当天结束）", "checkin_closed")


async def check_in(ctx, code: str, activity_id: int, signup_id: int, principal: Principal) -> dict[str, Any]:
    """Staff check a resident in from the list."""
    async with db.write_transaction():
        act = await _locked_activity(code, activity_id)
        check_organization(principal, code, act)
        signup = await Signup.select().where((Signup.id == signup_id) & (Signup.activity == activity_id)).first()
        if not signup:
            raise not_found("报名记录")
        _checkin_allowed(act, signup)
        credited = await _attend(code, act, signup, "list", principal.username, ctx)
    return {"id": signup_id, "activity_id": activity_id, "state": "attended", "position": None, "points": credited}


async def new_code(code: str, activity_id: int, principal: Principal) -> dict[str, Any]:
    """A fresh 6-digit code for the venue, valid until the activity ends (replaces the last one)."""
    async with db.write_transaction():
        act = await _locked_activity(code, activity_id)
        check_organization(principal, code, act)
        if act["state"] != "published" or phase(act) == "past":
            raise ApiError(409, "活动已取消或已结束", "activity_closed")
        value, until = f"{secrets.randbelow(10**6):06d}", aware(act["ends_at"])
        await Activity.update({Activity.checkin_code: value, Activity.checkin_code_until: until}).where(
            Activity.id == activity_id)
        await audit.record(actor=principal.username, action="checkin_code", entity="activity", entity_id=activity_id,
                           district_code=code, after={"valid_until": until})  # the code itself stays off the log
    return {"code": value, "valid_until": until}


async def _wrong_codes(code: str, activity_id: int, signup_id: int) -> int:
    """Wrong codes this sign-up entered since the activity's current code was shown: a new code
    gives every resident the full number of tries again."""
    shown = await AuditEvent.select(AuditEvent.seq).where(
        (AuditEvent.district_code == code) & (AuditEvent.entity == "activity")
        & (AuditEvent.entity_id == str(activity_id)) & (AuditEvent.action == "checkin_code")
    ).order_by(AuditEvent.seq, ascending=False).first()
    return await AuditEvent.count().where((AuditEvent.district_code == code) & (AuditEvent.entity == "signup")
                                          & (AuditEvent.entity_id == str(signup_id))
                                          & (AuditEvent.action == "checkin_code_wrong")
                                          & (AuditEvent.seq > (shown["seq"] if shown else 0)))


async def check_in_with_code(ctx, code: str, activity_id: int, entered: str, principal: Principal) -> dict[str, Any]:
    """The resident checks themself in with the venue's code; after five wrong codes since the
    current code was shown, refused until staff show a new one (or check them in)."""
    wrong = False
    async with db.write_transaction():
        act = await _locked_activity(code, activity_id)
        signup = await Signup.select().where(
            (Signup.activity == activity_id) & (Signup.user_id == principal.user_id)).first()
        if not signup:
            raise ApiError(409, "没有报名这个活动", "not_signed_up")
        if await _wrong_codes(code, activity_id, signup["id"]) >= MAX_WRONG_CODES:
            raise ApiError(429, "签到码输错次数过多，请现场工作人员签到", "too_many_attempts")
        _checkin_allowed(act, signup)
        until = act["checkin_code_until"]
        if not act["checkin_code"] or until is None or utc_now() >= aware(until) or \
                not secrets.compare_digest(entered.strip(), act["checkin_code"]):
            wrong = True
            await audit.record(actor=principal.username, action="checkin_code_wrong", entity="signup",
                               entity_id=signup["id"], district_code=code)
        else:
            credited = await _attend(code, act, signup, "code", principal.username, ctx)
    if wrong:  # the wrong attempt is recorded (it counts towards the limit); nothing else is written
        raise invalid([("code", "签到码不正确或已失效")], "签到码不正确")
    return {"id": signup["id"], "activity_id": activity_id, "state": "attended", "position": None, "points": credited}


async def no_shows(code: str, activity_id: int, principal: Principal) -> dict[str, Any]:
    """After the end: every sign-up still only signed up becomes a no-show."""
    async with db.write_transaction():
        act = await _locked_activity(code, activity_id)
        check_organization(principal, code, act)
        if phase(act) != "past":
            raise ApiError(409, "活动结束后才能登记未到场", "not_ended")
        rows = await Signup.update({Signup.state: "no_show"}).where(
            (Signup.activity == activity_id) & (Signup.state == "signed_up")).returning(Signup.id)
        for row in rows:
            await audit.record(actor=principal.username, action="no_show", entity="signup", entity_id=row["id"],
                               district_code=code, before={"state": "signed_up"}, after={"state": "no_show"})
    return {"activity_id": activity_id, "no_shows": len(rows)}
