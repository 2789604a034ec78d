"""Operator actions on accounts (`sanshe user set-password | deactivate | activate`).

Each change is one transaction with its audit event. A new password or a deactivation ends
the user's web sessions at once; a deactivated user's API tokens stop working too (the token
check requires an active user) and work again if the account is reactivated before they expire.
"""

from __future__ import annotations

from core import audit, db, login_guard
from core.tables import User, UserSession

MIN_PASSWORD = 8


class AccountError(Exception):
    """A refused operator action, with the message to print."""


async def _user(username: str) -> dict:
    user = await User.select(User.id, User.active).where(User.username == username).first()
    if not user:
        raise AccountError(f"user {username!r} does not exist")
    return user


async def set_password(username: str, password: str, actor: str = "cli") -> int:
    """Replace the password; return how many sessions were ended."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password must be at least {MIN_PASSWORD} characters")
    user = await _user(username)
    password_hash = await login_guard.hash_password(password, db.settings().argon2_fast)
    async with db.write_transaction():
        await User.update({User.password_hash: password_hash}).where(User.id == user["id"])
        ended = await UserSession.delete().where(UserSession.user == user["id"]).returning(UserSession.id)
        await audit.record(actor=actor, action="set_password", entity="user", entity_id=user["id"],
                           district_code=None, after={"username": username, "sessions_ended": len(ended)})
    return len(ended)


async def set_active(username: str, active: bool, actor: str = "cli") -> int:
    """(De)activate the account; return how many sessions were ended."""
    user = await _user(username)
    async with db.write_transaction():
        await User.update({User.active: active}).where(User.id == user["id"])
        ended = [] if active else await UserSession.delete().where(
            UserSession.user == user["id"]).returning(UserSession.id)
        await audit.record(actor=actor, action="activate" if active else "deactivate", entity="user",
                           entity_id=user["id"], district_code=None,
                           before={"active": user["active"]}, after={"active": active, "sessions_ended": len(ended)})
    return len(ended)
