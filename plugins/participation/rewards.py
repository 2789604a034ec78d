"""Rewards and redemptions. A redemption is ONE write transaction: the stock falls by a
conditional UPDATE (stock > 0 and the reward active) or the answer is 409 out_of_stock; then
the points are spent with points.spend's conditional UPDATE, and when they do not cover the
cost the raised 409 insufficient_points rolls the whole transaction back, the stock too. So
racing requests never overdraw the stock or a balance, on SQLite (IMMEDIATE transactions queue
writers) and on PostgreSQL (a conditional UPDATE re-checks its WHERE on the newest row)."""

from __future__ import annotations

from typing import Any

from core import audit, db
from core.codes import mask_name
from core.dates import utc_now
from core.errors import ApiError, not_found
from core.tables import RoleGrant, User
from plugins.participation import points
from plugins.participation.glossary import POINT_REASONS, REDEMPTION_STATES
from plugins.participation.tables import PointEntry, Redemption, Reward

ACTIONS = {"collected": "collect", "cancelled": "cancel"}
PUBLIC = (Reward.id, Reward.name, Reward.description, Reward.cost, Reward.stock, Reward.active)


async def list_rewards(district_code: str, active_only: bool = False) -> list[dict[str, Any]]:
    where = Reward.district_code == district_code
    if active_only:
        where &= Reward.active == True  # noqa: E712
    return await Reward.select(*PUBLIC).where(where).order_by(Reward.cost).order_by(Reward.id)


async def _reward(district_code: str, reward_id: int) -> dict[str, Any]:
    row = await Reward.select(*PUBLIC).where((Reward.id == reward_id) & (Reward.district_code == district_code)).first()
    if row is None:
        raise not_found("奖品")
    return row


async def create_reward(district_code: str, data: dict[str, Any], actor: str) -> dict[str, Any]:
    async with db.write_transaction():
        row = await Reward.insert(Reward(district_code=district_code, created_by=actor, **data))
        reward_id = row[0]["id"]
        await audit.record(actor=actor, action="create", entity="reward", entity_id=reward_id,
                           district_code=district_code, after=data)
        return await _reward(district_code, reward_id)


async def update_reward(district_code: str, reward_id: int, changes: dict[str, Any], actor: str) -> dict[str, Any]:
    async with db.write_transaction():
        before = await _reward(district_code, reward_id)
        if changes:
            await Reward.update(changes).where((Reward.id == reward_id) & (Reward.district_code == district_code))
            await audit.record(actor=actor, action="update", entity="reward", entity_id=reward_id,
                               district_code=district_code, before={k: before[k] for k in changes}, after=changes)
        return await _reward(district_code, reward_id)


async def redeem(district_code: str, reward_id: int, user_id: int, actor: str) -> dict[str, Any]:
    """201's body {id, reward, cost, balance, state}; 409 out_of_stock / insufficient_points with
    nothing written; 404 for a reward of another district."""
    async with db.write_transaction():
        await _reward(district_code, reward_id)
        taken = await Reward.update({Reward.stock: Reward.stock - 1}).where(
            (Reward.id == reward_id) & (Reward.district_code == district_code) & (Reward.stock > 0)
            & (Reward.active == True)).returning(Reward.name, Reward.cost)  # noqa: E712
        if not taken:
            raise ApiError(409, "该奖品已兑完或已下架", "out_of_stock")
        name, cost = taken[0]["name"], taken[0]["cost"]
        row = await Redemption.insert(Redemption(reward=reward_id, district_code=district_code, user_id=user_id,
                                                 cost=cost, state="issued"))
        redemption_id = row[0]["id"]
        try:
            await points.spend(district_code, user_id, cost, "redeem", f"redemption:{redemption_id}", name, actor)
        except points.InsufficientPoints:
            raise points.insufficient() from None
        await audit.record(actor=actor, action="redeem", entity="redemption", entity_id=redemption_id,
                           district_code=district_code, after={"reward": reward_id, "cost": cost, "state": "issued"})
        return {"id": redemption_id, "reward": name, "reward_id": reward_id, "cost": cost,
                "balance": await points.balance(district_code, user_id), "state": "issued"}


async def list_redemptions(district_code: str, state: str | None = None, user_id: int | None = None,
                           limit: int = 500, redemption_id: int | None = None) -> list[dict[str, Any]]:
    """Newest first, with the reward's name; for staff lists the resident's name is masked."""
    where = Redemption.district_code == district_code
    if state:
        where &= Redemption.state == state
    if user_id is not None:
        where &= Redemption.user_id == user_id
    if redemption_id is not None:
        where &= Redemption.id == redemption_id
    rows = await Redemption.select(Redemption.all_columns(), Redemption.reward.name.as_alias("reward_name")).where(
        where).order_by(Redemption.id, ascending=False).limit(limit)
    users = {u["id"]: u for u in await User.select(User.id, User.display_name, User.username).where(
        User.id.is_in(sorted({r["user_id"] for r in rows}) or [0]))}
    for r in rows:
        user = users.get(r["user_id"]) or {}
        r["resident"] = mask_name(user.get("display_name") or user.get("username") or "") or ""
        r["state_label"] = REDEMPTION_STATES.get(r["state"], (r["state"],))[0]
    return rows


async def _issued(district_code: str, redemption_id: int) -> dict[str, Any]:
    row = await db.locked(Redemption.select().where(
        (Redemption.id == redemption_id) & (Redemption.district_code == district_code))).first()
    if row is None:
        raise not_found("兑换记录")
    if row["state"] != "issued":
        raise ApiError(409, f"这条兑换已{REDEMPTION_STATES[row['state']][0]}，不能再处理", "not_issued")
    return row


async def _close(district_code: str, redemption_id: int, state: str, actor: str) -> None:
    done = await Redemption.update({Redemption.state: state, Redemption.handled_by: actor,
                                    Redemption.handled_at: utc_now()}).where(
        (Redemption.id == redemption_id) & (Redemption.state == "issued")).returning(Redemption.id)
    if not done:
        raise ApiError(409, "这条兑换已被处理", "not_issued")
    await audit.record(actor=actor, action=ACTIONS[state], entity="redemption", entity_id=redemption_id,
                       district_code=district_code, before={"state": "issued"}, after={"state": state})


async def collect(district_code: str, redemption_id: int, actor: str) -> dict[str, Any]:
    async with db.write_transaction():
        await _issued(district_code, redemption_id)
        await _close(district_code, redemption_id, "collected", actor)
    return (await _one(district_code, redemption_id))


async def cancel(district_code: str, redemption_id: int, actor: str) -> dict[str, Any]:
    """Refund: a reversal entry naming the redeem entry, and the stock back by one."""
    async with db.write_transaction():
        row = await _issued(district_code, redemption_id)
        await _close(district_code, redemption_id, "cancelled", actor)
        entry = await PointEntry.select(PointEntry.id).where(
            (PointEntry.district_code == district_code) & (PointEntry.user_id == row["user_id"])
            & (PointEntry.reason == "redeem") & (PointEntry.ref == f"redemption:{redemption_id}")).first()
        if entry is not None:
            await points.reverse(district_code, entry["id"], "取消兑换，退回积分", actor)
        await Reward.update({Reward.stock: Reward.stock + 1}).where(Reward.id == row["reward"])
    return await _one(district_code, redemption_id)


async def _one(district_code: str, redemption_id: int) -> dict[str, Any]:
    return (await list_redemptions(district_code, redemption_id=redemption_id))[0]


async def _resident(district_code: str, username: str) -> int:
    """The user id of a resident of this district (404 for anyone else)."""
    row = await RoleGrant.select(RoleGrant.user.id.as_alias("user_id")).where(
        (RoleGrant.user.username == username) & (RoleGrant.district_code == district_code)
        & (RoleGrant.role == "resident")).first()
    if row is None:
        raise not_found("本区县的居民账号")
    return row["user_id"]


async def adjust_points(district_code: str, username: str, amount: int, note: str, actor: str) -> dict[str, Any]:
    """Staff's adjustment; a negative amount never overdraws (409 insufficient_points)."""
    async with db.write_transaction():
        user_id = await _resident(district_code, username)
        try:
            entry_id = await points.adjust(district_code, user_id, amount, note, actor)
        except points.InsufficientPoints:
            raise points.insufficient() from None
        await audit.record(actor=actor, action="adjust", entity="point_entry", entity_id=entry_id,
                           district_code=district_code, after={"amount": amount, "note": note})
        return await entry_view(district_code, entry_id)


async def reverse_entry(district_code: str, entry_id: int, note: str, actor: str) -> dict[str, Any]:
    async with db.write_transaction():
        try:
            done = await points.reverse(district_code, entry_id, note, actor)
        except points.InsufficientPoints:
            raise points.insufficient() from None
        await audit.record(actor=actor, action="reverse", entity="point_entry", entity_id=done["id"],
                           district_code=district_code, after={"reverses": entry_id, "amount": done["amount"],
                                                               "note": note})
        return await entry_view(district_code, done["id"])


async def entry_view(district_code: str, entry_id: int) -> dict[str, Any]:
    row = await PointEntry.select().where((PointEntry.id == entry_id)
                                         & (PointEntry.district_code == district_code)).first()
    return {**row, "reason_label": POINT_REASONS.get(row["reason"], (row["reason"],))[0],
            "balance": await points.balance(district_code, row["user_id"])}
