"""The points ledger: append-only entries, a balance kept by the same transaction, and spending
that never overdraws (a conditional UPDATE … WHERE balance >= cost: of racing spenders, the
database lets exactly those through that the balance covers). Entries are never updated or
deleted: a mistake is undone by a reversal, a new entry of the opposite amount naming the entry
it reverses; staff may also adjust a balance with a note. Call inside a write transaction."""

from __future__ import annotations

from typing import Any

from core import db
from core.errors import ApiError, not_found
from plugins.participation.tables import PointBalance, PointEntry


class InsufficientPoints(Exception):
    """The balance does not cover the cost."""


def insufficient() -> ApiError:
    return ApiError(409, "积分不足", "insufficient_points")


def _mine(district_code: str, user_id: int):
    return (PointBalance.district_code == district_code) & (PointBalance.user_id == user_id)


async def _ensure_balance(district_code: str, user_id: int) -> None:
    if not await PointBalance.exists().where(_mine(district_code, user_id)):
        await PointBalance.insert(PointBalance(district_code=district_code, user_id=user_id, balance=0))


async def balance(district_code: str, user_id: int) -> int:
    row = await PointBalance.select(PointBalance.balance).where(_mine(district_code, user_id)).first()
    return row["balance"] if row else 0


async def _entry(district_code: str, user_id: int, amount: int, reason: str, ref: str, note: str, actor: str,
                 reverses: int | None = None) -> int:
    row = await PointEntry.insert(PointEntry(district_code=district_code, user_id=user_id, amount=amount,
                                             reason=reason, ref=ref, note=note, created_by=actor, reverses=reverses))
    return row[0]["id"]


async def _credit(district_code: str, user_id: int, amount: int, reason: str, ref: str, note: str, actor: str,
                  reverses: int | None = None) -> int:
    await _ensure_balance(district_code, user_id)
    await PointBalance.update({PointBalance.balance: PointBalance.balance + amount}).where(
        _mine(district_code, user_id))
    return await _entry(district_code, user_id, amount, reason, ref, note, actor, reverses)


async def award(district_code: str, user_id: int, amount: int, reason: str, ref: str, note: str,
                actor: str) -> int | None:
    """Credit `amount` for `reason` on `ref` once: returns the entry id, or None when this user
    was already credited for that reason and ref, or the amount is 0."""
    if amount <= 0:
        return None
    if ref and await PointEntry.exists().where(
            (PointEntry.district_code == district_code) & (PointEntry.user_id == user_id)
            & (PointEntry.reason == reason) & (PointEntry.ref == ref)):
        return None
    return await _credit(district_code, user_id, amount, reason, ref, note, actor)


async def spend(district_code: str, user_id: int, cost: int, reason: str, ref: str, note: str, actor: str,
                reverses: int | None = None) -> int:
    """Debit `cost` (> 0) or raise InsufficientPoints; returns the entry id."""
    await _ensure_balance(district_code, user_id)
    done = await PointBalance.update({PointBalance.balance: PointBalance.balance - cost}).where(
        _mine(district_code, user_id) & (PointBalance.balance >= cost)).returning(PointBalance.id)
    if not done:
        raise InsufficientPoints
    return await _entry(district_code, user_id, -cost, reason, ref, note, actor, reverses)


async def adjust(district_code: str, user_id: int, amount: int, note: str, actor: str) -> int:
    """Staff's correction (reason "adjust"): a credit, or a debit with spend's guard (InsufficientPoints)."""
    if amount > 0:
        return await _credit(district_code, user_id, amount, "adjust", "", note, actor)
    return await spend(district_code, user_id, -amount, "adjust", "", note, actor)


async def reverse(district_code: str, entry_id: int, note: str, actor: str) -> dict[str, Any]:
    """Append the reversal of entry `entry_id` (404 elsewhere; 409 when it is a reversal itself or
    already reversed; 409 insufficient_points when reversing a credit the balance no longer
    covers). On PostgreSQL the entry row is locked, so two racing reversals cannot both pass."""
    entry = await db.locked(PointEntry.select().where(
        (PointEntry.id == entry_id) & (PointEntry.district_code == district_code))).first()
    if entry is None:
        raise not_found("积分记录")
    if entry["reason"] == "reversal" or entry["reverses"] is not None:
        raise ApiError(409, "冲正记录本身不能再冲正", "is_reversal")
    if await PointEntry.exists().where((PointEntry.reverses == entry_id) & (PointEntry.district_code == district_code)):
        raise ApiError(409, "这条积分记录已经冲正过", "already_reversed")
    amount, user_id, ref = -entry["amount"], entry["user_id"], f"entry:{entry_id}"
    if amount > 0:
        new_id = await _credit(district_code, user_id, amount, "reversal", ref, note, actor, reverses=entry_id)
    else:
        new_id = await spend(district_code, user_id, -amount, "reversal", ref, note, actor, reverses=entry_id)
    return {"id": new_id, "user_id": user_id, "amount": amount, "reverses": entry_id}


async def ledger(user_id: int, districts: list[str] | None, limit: int = 200) -> list[dict[str, Any]]:
    """The user's entries, newest first (in `districts`, or everywhere when None)."""
    where = PointEntry.user_id == user_id
    if districts is not None:
        where &= PointEntry.district_code.is_in(districts or ["-"])
    return await PointEntry.select().where(where).order_by(PointEntry.id, ascending=False).limit(limit)


async def total(user_id: int, districts: list[str] | None) -> int:
    where = PointBalance.user_id == user_id
    if districts is not None:
        where &= PointBalance.district_code.is_in(districts or ["-"])
    return sum(r["balance"] for r in await PointBalance.select(PointBalance.balance).where(where))
