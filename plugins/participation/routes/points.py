"""Points and rewards: the caller's points (`/api/me/points`), the district's rewards (public
list; staff add and change them), redemptions (residents redeem; staff list, collect and cancel
with a refund), staff adjustments and reversals of ledger entries, and the two pages (rewards
for everyone, redemptions for staff). The work is in plugins.participation.rewards / points."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from litestar import Request, get, patch, post
from litestar.params import QueryParameter
from litestar.response import Template

from core.auth import Principal
from core.dates import beijing_time
from core.errors import invalid
from core.web.pages import render
from plugins.participation import points, rewards
from plugins.participation.glossary import POINT_REASONS, REDEMPTION_STATES

BASE = "/api/districts/{code:str}/participation"
PUBLIC = {"module": "participation", "public": True}
MANAGE = {"module": "participation", "permission": "participation.manage"}
TAKE_PART = {"module": "participation", "permission": "participation.take_part"}
TAGS = ["participation"]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Note = Annotated[str, msgspec.Meta(max_length=500)]
Cost = Annotated[int, msgspec.Meta(ge=1, le=100000)]
Stock = Annotated[int, msgspec.Meta(ge=0, le=100000)]


class RewardIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    cost: Cost
    stock: Stock
    description: Annotated[str, msgspec.Meta(max_length=1000)] = ""


class RewardChange(msgspec.Struct, forbid_unknown_fields=True):
    stock: Stock | None = None
    active: bool | None = None
    cost: Cost | None = None


class RewardView(msgspec.Struct):
    id: int
    name: str
    description: str
    cost: int
    stock: int
    active: bool


class RedeemView(msgspec.Struct):
    id: int
    reward: str
    reward_id: int
    cost: int
    balance: int
    state: str


class RedemptionView(msgspec.Struct):
    id: int
    reward: int
    reward_name: str
    resident: str
    cost: int
    state: str
    state_label: str
    created_at: dt.datetime
    handled_by: str
    handled_at: dt.datetime | None


class EntryView(msgspec.Struct):
    id: int
    amount: int
    reason: str
    reason_label: str
    ref: str
    note: str
    created_at: dt.datetime
    reverses: int | None
    district_code: str


class AdjustedEntry(EntryView):
    user_id: int = 0
    balance: int = 0


class MyPoints(msgspec.Struct):
    balance: int
    entries: list[EntryView]


class AdjustIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    amount: Annotated[int, msgspec.Meta(ge=-1000, le=1000)]
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class ReverseIn(msgspec.Struct, forbid_unknown_fields=True):
    note: Note = ""


def _entries(rows: list[dict]) -> list[EntryView]:
    return [msgspec.convert({**r, "reason_label": POINT_REASONS.get(r["reason"], (r["reason"],))[0]}, EntryView,
                            strict=False) for r in rows]


async def my_points_of(principal: Principal, district: str | None) -> MyPoints:
    where = principal.districts_where("participation.take_part")
    districts = sorted(where) if where is not None else None
    if district is not None:
        districts = [district] if districts is None or district in districts else []
    if principal.user_id is None or districts == []:
        return MyPoints(balance=0, entries=[])
    return MyPoints(balance=await points.total(principal.user_id, districts),
                    entries=_entries(await points.ledger(principal.user_id, districts)))


@get("/api/me/points", opt={"authenticated": True}, tags=TAGS, summary="My points: balance and ledger")
async def my_points(principal: Principal, district: Annotated[str | None, QueryParameter(
        pattern=r"^\d{6}$")] = None) -> MyPoints:
    """The balance is the sum of the caller's balances over the districts where they take part
    (hold participation.take_part; `?district=` narrows to one); entries newest first. Anyone
    without points (staff included) gets {balance: 0, entries: []}."""
    return await my_points_of(principal, district)


@get(BASE + "/rewards", opt=PUBLIC, tags=TAGS, summary="The district's rewards (public)")
async def list_rewards(code: str) -> list[RewardView]:
    return [msgspec.convert(r, RewardView) for r in await rewards.list_rewards(code)]


@post(BASE + "/rewards", opt=MANAGE, tags=TAGS, summary="Add a reward (cost ≥ 1, stock ≥ 0)")
async def create_reward(code: str, data: RewardIn, principal: Principal) -> RewardView:
    row = await rewards.create_reward(code, msgspec.structs.asdict(data), principal.username)
    return msgspec.convert(row, RewardView)


@patch(BASE + "/rewards/{reward_id:int}", opt=MANAGE, tags=TAGS, summary="Change a reward's stock, cost or active")
async def change_reward(code: str, reward_id: int, data: RewardChange, principal: Principal) -> RewardView:
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
    return msgspec.convert(await rewards.update_reward(code, reward_id, changes, principal.username), RewardView)


@post(BASE + "/rewards/{reward_id:int}/redemptions", opt=TAKE_PART, tags=TAGS, status_code=201,
      summary="Redeem a reward (409 insufficient_points / out_of_stock, nothing written)")
async def redeem(code: str, reward_id: int, principal: Principal) -> RedeemView:
    """One transaction: the stock falls by a conditional update, then the points are spent by
    another; either refusal rolls both back."""
    return RedeemView(**await rewards.redeem(code, reward_id, principal.user_id, principal.username))


RedemptionState = Literal["issued", "collected", "cancelled"]


@get(BASE + "/redemptions", opt=MANAGE, tags=TAGS, summary="Redemptions, newest first (resident names masked)")
async def list_redemptions(code: str, redemption_state: Annotated[RedemptionState | None, QueryParameter(
        name="state")] = None) -> list[RedemptionView]:
    return [msgspec.convert(r, RedemptionView, strict=False)
            for r in await rewards.list_redemptions(code, redemption_state)]


@post(BASE + "/redemptions/{redemption_id:int}/collect", opt=MANAGE, tags=TAGS, status_code=200,
      summary="The resident collected the reward (409 when not issued)")
async def collect(code: str, redemption_id: int, principal: Principal) -> RedemptionView:
    return msgspec.convert(await rewards.collect(code, redemption_id, principal.username), RedemptionView,
                           strict=False)


@post(BASE + "/redemptions/{redemption_id:int}/cancel", opt=MANAGE, tags=TAGS, status_code=200,
      summary="Cancel an issued redemption: points refunded by a reversal, stock back by one")
async def cancel(code: str, redemption_id: int, principal: Principal) -> RedemptionView:
    return msgspec.convert(await rewards.cancel(code, redemption_id, principal.username), RedemptionView,
                           strict=False)


@post(BASE + "/points/adjustments", opt=MANAGE, tags=TAGS, status_code=201,
      summary="Adjust a resident's points with a note (0 < |amount| ≤ 1000; 409 insufficient_points)")
async def adjust(code: str, data: AdjustIn, principal: Principal) -> AdjustedEntry:
    if data.amount == 0 or not data.note.strip():
        raise invalid([("amount", "不能为 0")] if data.amount == 0 else [("note", "必填，不能为空")])
    row = await rewards.adjust_points(code, data.username, data.amount, data.note.strip(), principal.username)
    return msgspec.convert(row, AdjustedEntry, strict=False)


@post(BASE + "/points/entries/{entry_id:int}/reverse", opt=MANAGE, tags=TAGS, status_code=201,
      summary="Reverse a ledger entry (409 when already reversed or itself a reversal)")
async def reverse(code: str, entry_id: int, data: ReverseIn, principal: Principal) -> AdjustedEntry:
    row = await rewards.reverse_entry(code, entry_id, data.note.strip(), principal.username)
    return msgspec.convert(row, AdjustedEntry, strict=False)


# --- pages ---------------------------------------------------------------------------------


def _ctx(request: Request):
    return request.app.state.ctx


@get("/districts/{code:str}/participation/rewards", opt=PUBLIC, include_in_schema=False)
async def rewards_page(request: Request, code: str, principal: Principal) -> Template:
    """Everyone sees the rewards; a resident also the balance and a redeem button; staff add
    rewards and change the stock."""
    resident = principal.can(TAKE_PART["permission"], code)
    balance = await points.balance(code, principal.user_id) if resident and principal.user_id else 0
    return render(request, "participation/rewards.html", principal, district=_ctx(request).districts[code],
                  rewards=await rewards.list_rewards(code), resident=resident, balance=balance,
                  can_manage=principal.can(MANAGE["permission"], code))


@get("/districts/{code:str}/participation/redemptions", opt=MANAGE, include_in_schema=False)
async def redemptions_page(request: Request, code: str, principal: Principal) -> Template:
    rows = await rewards.list_redemptions(code)
    for r in rows:
        r["created_on"] = beijing_time(r["created_at"])
    return render(request, "participation/redemptions.html", principal, district=_ctx(request).districts[code],
                  redemptions=rows, states=REDEMPTION_STATES)


ROUTES = [my_points, list_rewards, create_reward, change_reward, redeem, list_redemptions, collect, cancel, adjust,
          reverse, rewards_page, redemptions_page]
