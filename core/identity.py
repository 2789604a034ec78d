"""Identity services: log in (with lockout), sessions, API tokens, users."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from core import audit, db
from core.context import AppContext
from core.errors import ApiError
from core.security import TOKEN_PREFIX, hash_password, new_token, sha256, sign, verify_password
from core.tables import ApiToken, RoleGrant, User, UserSession

# Verifying against a real hash for unknown users keeps response time from telling
# which usernames exist.
_DUMMY_HASH = hash_password("not-a-real-password")


async def login(ctx: AppContext, username: str, password: str) -> tuple[dict, str, str]:
    """Check the password; return (user, signed cookie value, csrf token) or raise 401/429."""
    user = await User.select().where(User.username == username).first()
    now = datetime.now(timezone.utc)
    if user and user["locked_until"] and user["locked_until"] > now:
        minutes = math.ceil((user["locked_until"] - now).total_seconds() / 60)
        raise ApiError(
            429,
            f"登录失败次数过多，账户已锁定，请 {minutes} 分钟后再试",
            "account_locked",
            headers={"Retry-After": str(minutes * 60)},
        )
    if not verify_password(user["password_hash"] if user else _DUMMY_HASH, password) or not user or not user["active"]:
        if user:
            await _record_failure(ctx, user, now)
        raise ApiError(401, "用户名或密码错误", "invalid_credentials")
    token, csrf = new_token(), new_token()
    async with db.write_transaction():
        await User.update({User.failed_logins: 0, User.locked_until: None, User.last_login: now}).where(
            User.id == user["id"]
        )
        await UserSession.insert(UserSession(token_hash=sha256(token), user=user["id"], csrf_token=csrf))
        await audit.record(actor=username, action="login", entity="user", entity_id=user["id"], district_code=None)
    return user, sign(token, ctx.settings.secret_key), csrf


async def _record_failure(ctx: AppContext, user: dict, now: datetime) -> None:
    failures = user["failed_logins"] + 1
    locked = failures >= ctx.settings.login_max_failures
    values = {User.failed_logins: 0 if locked else failures}
    if locked:
        values[User.locked_until] = now + timedelta(minutes=ctx.settings.login_lock_minutes)
    async with db.write_transaction():
        await User.update(values).where(User.id == user["id"])
        await audit.record(
            actor=user["username"],
            action="login_locked" if locked else "login_failed",
            entity="user",
            entity_id=user["id"],
            district_code=None,
            after={"failed_logins": failures},
        )
    if locked:
        raise ApiError(
            429,
            f"连续 {failures} 次登录失败，账户已锁定 {ctx.settings.login_lock_minutes} 分钟",
            "account_locked",
            headers={"Retry-After": str(ctx.settings.login_lock_minutes * 60)},
        )


async def logout(session_id: int, username: str) -> None:
    async with db.write_transaction():
        await UserSession.delete().where(UserSession.id == session_id)
        await audit.record(actor=username, action="logout", entity="session", entity_id=session_id, district_code=None)


async def create_api_token(user_id: int, username: str, name: str) -> dict:
    """Create a bearer token; the plain value is returned once and never stored."""
    token = new_token(TOKEN_PREFIX)
    async with db.write_transaction():
        row = (
            await ApiToken.insert(
                ApiToken(user=user_id, name=name, token_hash=sha256(token), prefix=token[:8])
            ).returning(ApiToken.id, ApiToken.created_at)
        )[0]
        await audit.record(
            actor=username, action="create", entity="api_token", entity_id=row["id"], district_code=None,
            after={"name": name, "prefix": token[:8]},
        )
    return {"id": row["id"], "name": name, "token": token, "prefix": token[:8], "created_at": row["created_at"]}


async def revoke_api_token(user_id: int, username: str, token_id: int) -> None:
    async with db.write_transaction():
        updated = await ApiToken.update({ApiToken.revoked: True}).where(
            (ApiToken.id == token_id) & (ApiToken.user == user_id) & (ApiToken.revoked == False)  # noqa: E712
        ).returning(ApiToken.id)
        if not updated:
            raise ApiError(404, "令牌不存在", "not_found")
        await audit.record(actor=username, action="revoke", entity="api_token", entity_id=token_id, district_code=None)


async def ensure_user(
    username: str,
    password: str,
    grants: list[dict],
    *,
    display_name: str = "",
    fast_hash: bool = False,
    actor: str = "system",
    person_id: int | None = None,
) -> int:
    """Create the user with these grants if absent (idempotent); return its id."""
    existing = await User.select(User.id).where(User.username == username).first()
    if existing:
        return existing["id"]
    async with db.write_transaction():
        user_id = (
            await User.insert(
                User(username=username, display_name=display_name, person_id=person_id,
                     password_hash=hash_password(password, fast_hash))
            ).returning(User.id)
        )[0]["id"]
        for grant in grants:
            await RoleGrant.insert(RoleGrant(user=user_id, **grant))
        district = next((g.get("district_code") for g in grants if g.get("district_code")), None)
        await audit.record(
            actor=actor, action="create", entity="user", entity_id=user_id, district_code=district,
            after={"username": username, "grants": grants, "person_id": person_id},
        )
    return user_id
