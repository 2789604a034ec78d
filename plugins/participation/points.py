"""The points ledger: append-only entries, a balance kept by the same transaction, and spending
that never overdraws (a conditional UPDATE … WHERE balance >= cost: of racing spenders, the
database lets exactly those through that the balance covers). Call inside a write transaction."""

from __future__ import annotations

from plugins.participation.tables import PointBalance, PointEntry


class InsufficientPoints(Exception):
    """The balance does not cover the cost."""


async def _ensure_balance(district_code: str, user_id: int) -> None:
    if not await PointBalance.exists().where(
            (PointBalance.district_code == district_code) & (PointBalance.user_id == user_id)):
        await PointBalance.insert(PointBalance(district_code=district_code, user_id=user_id, balance=0))


async def balance(district_code: str, user_id: int) -> int:
    row = await PointBalance.select(PointBalance.balance).where(
        (PointBalance.district_code == district_code) & (PointBalance.user_id == user_id)).first()
    return row["balance"] if row else 0


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
    await _ensure_balance(district_code, user_id)
    await PointBalance.update({PointBalance.balance: PointBalance.balance + amount}).where(
        (PointBalance.district_code == district_code) & (PointBalance.user_id == user_id))
    row = await PointEntry.insert(PointEntry(district_code=district_code, user_id=user_id, amount=amount,
                                             reason=reason, ref=ref, note=note, created_by=actor))
    return row[0]["id"]


async def spend(district_code: str, user_id: int, cost: int, reason: str, ref: str, note: str, actor: str) -> int:
    """Debit `cost` (> 0) or raise InsufficientPoints; returns the entry id."""
    await _ensure_balance(district_code, user_id)
    done = await PointBalance.update({PointBalance.balance: PointBalance.balance - cost}).where(
        (PointBalance.district_code == district_code) & (PointBalance.user_id == user_id)
        & (PointBalance.balance >= cost)).returning(PointBalance.id)
    if not done:
        raise InsufficientPoints
    row = await PointEntry.insert(PointEntry(district_code=district_code, user_id=user_id, amount=-cost,
                                             reason=reason, ref=ref, note=note, created_by=actor))
    return row[0]["id"]
