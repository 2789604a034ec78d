"""The resident's "我的" view: `GET …/participation/me` (participation.take_part) and its page,
phone first. The data comes from plugins.participation.me."""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar import Request, get
from litestar.response import Template

from core.auth import Principal
from core.dates import beijing_time
from core.web.pages import render
from plugins.participation.me import my_view
from plugins.participation.routes.points import EntryView

TAKE_PART = {"module": "participation", "permission": "participation.take_part"}


class MySignup(msgspec.Struct):
    id: int
    activity_id: int
    title: str
    place: str
    starts_at: dt.datetime
    state: str
    state_label: str
    upcoming: bool
    checked_in_at: dt.datetime | None


class MyRating(msgspec.Struct):
    id: int
    subject: str
    score: float
    comment: str
    hidden: bool
    note: str
    created_at: dt.datetime


class MyRedemption(msgspec.Struct):
    id: int
    reward_name: str
    cost: int
    state: str
    state_label: str
    created_at: dt.datetime


class MyNeed(msgspec.Struct):
    id: int
    title: str
    state: str
    state_label: str
    mine: bool
    supporters: int
    created_at: dt.datetime


class MyProposal(msgspec.Struct):
    id: int
    title: str
    state: str
    state_label: str
    due_on: dt.date
    answer: str
    adopted: bool | None


class MyView(msgspec.Struct):
    activities: list[MySignup]
    checkins: list[MySignup]
    ratings: list[MyRating]
    balance: int
    entries: list[EntryView]
    redemptions: list[MyRedemption]
    needs: list[MyNeed]
    proposals: list[MyProposal]


@get("/api/districts/{code:str}/participation/me", opt=TAKE_PART, tags=["participation"],
     summary="My activities, check-ins, ratings, points, redemptions, needs and proposals")
async def my_participation(code: str, principal: Principal) -> MyView:
    """Only the caller's own records in this district; activities upcoming first."""
    return msgspec.convert(await my_view(code, principal.user_id), MyView, strict=False)


@get("/districts/{code:str}/participation/me", opt=TAKE_PART, include_in_schema=False)
async def my_page(request: Request, code: str, principal: Principal) -> Template:
    data = await my_view(code, principal.user_id)
    for group in ("activities", "entries", "redemptions", "ratings"):
        for row in data[group]:
            row["when"] = beijing_time(row.get("starts_at") or row.get("created_at"))
    return render(request, "participation/me.html", principal, district=request.app.state.ctx.districts[code],
                  me=data)


ROUTES = [my_participation, my_page]
