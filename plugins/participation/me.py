"""The resident's own view ("我的"): sign-ups (upcoming first) and check-ins, ratings (a hidden
comment says so), points balance and ledger, redemptions, needs posted or supported, and
proposals — every read filtered by the district and the caller's user id, read together."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from core import db
from core.dates import utc_now
from plugins.participation import points, rewards
from plugins.participation.glossary import NEED_STATES, POINT_REASONS, PROPOSAL_STATES, SIGNUP_STATES
from plugins.participation.tables import Need, NeedSupport, Proposal, Rating, Signup


def _label(table: dict, value: str) -> str:
    return table.get(value, (value,))[0]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


async def my_view(district_code: str, user_id: int) -> dict[str, Any]:
    mine = Signup.district_code == district_code
    async with db.read_together():
        signups = await Signup.select(
            Signup.id, Signup.state, Signup.checked_in_at, Signup.activity.id.as_alias("activity_id"),
            Signup.activity.title.as_alias("title"), Signup.activity.place.as_alias("place"),
            Signup.activity.starts_at.as_alias("starts_at")).where(mine & (Signup.user_id == user_id))
        ratings = await Rating.select(Rating.id, Rating.subject, Rating.score, Rating.comment, Rating.hidden,
                                      Rating.created_at).where(
            (Rating.district_code == district_code) & (Rating.user_id == user_id)).order_by(Rating.id, ascending=False)
        supported = [r["need"] for r in await NeedSupport.select(NeedSupport.need).where(
            (NeedSupport.district_code == district_code) & (NeedSupport.user_id == user_id))]
        need_where = (Need.district_code == district_code) & (Need.poster_user_id == user_id)
        if supported:
            need_where = (Need.district_code == district_code) & (
                (Need.poster_user_id == user_id) | Need.id.is_in(supported))
        needs = await Need.select(Need.id, Need.title, Need.state, Need.poster_user_id, Need.supporters,
                                  Need.created_at).where(need_where).order_by(Need.id, ascending=False)
        proposals = await Proposal.select(Proposal.id, Proposal.title, Proposal.state, Proposal.due_on,
                                          Proposal.answer, Proposal.adopted).where(
            (Proposal.district_code == district_code) & (Proposal.user_id == user_id)).order_by(
            Proposal.id, ascending=False)
        balance = await points.balance(district_code, user_id)
        ledger = await points.ledger(user_id, [district_code])
        redemptions = await rewards.list_redemptions(district_code, user_id=user_id)
    now = utc_now()
    for s in signups:
        s["state_label"] = _label(SIGNUP_STATES, s["state"])
        s["upcoming"] = _aware(s["starts_at"]) >= now
    upcoming = sorted((s for s in signups if s["upcoming"]), key=lambda s: s["starts_at"])
    past = sorted((s for s in signups if not s["upcoming"]), key=lambda s: s["starts_at"], reverse=True)
    for r in ratings:
        if r["hidden"]:
            r["comment"] = ""
        r["note"] = "评价文字已被管理员隐藏（评分仍计入）" if r["hidden"] else ""
    for n in needs:
        n["state_label"] = _label(NEED_STATES, n["state"])
        n["mine"] = n["poster_user_id"] == user_id
    for p in proposals:
        p["state_label"] = _label(PROPOSAL_STATES, p["state"])
    for e in ledger:
        e["reason_label"] = _label(POINT_REASONS, e["reason"])
    return {"activities": [*upcoming, *past],
            "checkins": [s for s in signups if s["state"] == "attended"],
            "ratings": ratings, "balance": balance, "entries": ledger,
            "redemptions": [{k: r[k] for k in ("id", "reward_name", "cost", "state", "state_label", "created_at")}
                            for r in redemptions],
            "needs": needs, "proposals": proposals}
