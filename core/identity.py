"""Identity services: log in (throttled, see core.login_guard), sessions, API tokens, users.

A failed login answers 401 with the same body whether the password was wrong, the account
does not exist or is inactive, or it is locked for the client's address; the password is
checked in every case (against a dummy hash for unknown names) so the time is alike too.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from core import audit, db, login_guard
from core.context import AppContext
from core.errors import ApiError
from core.login_guard import Attempt
from core.security import TOKEN_PREFIX, hash_password, new_token, sha256, sign
from core.tables import ApiToken, RoleGrant, User, UserSession

# Verifying against a real hash for unknown users keeps response time from telling
# which usernames exist; its costs follow the users' (cheap only in test suites).
_DUMMY_HASHES = {fast: hash_password("not-a-real-password", fast) for fast in (False, True)}
BAD_LOGIN = "用户名或密码错误，或因多次失败暂时锁定，请稍后再试"


async def login(ctx: AppContext, username: str, password: str, address: str) -> tuple[dict, str, str]:
    """Check the password; return (user, signed cookie value, csrf token) or raise 401 (wrong,
    unknown or locked, alike) or 429 (the address is throttled, or too many checks queued)."""
    now = datetime.now(timezone.utc)
    user, attempt = await check_password(ctx, username, password, address, now)
    cookie, csrf = await open_session(ctx, user, attempt, now)
    return user, cookie, csrf


async def check_password(ctx: AppContext, username: str, password: str, address: str,
                         now: datetime) -> tuple[dict, Attempt]:
    """The password step alone (no session yet): the active user and the throttle's view of the
    attempt, or 401/429 as `login` answers. A second factor may follow (core.twofactor)."""
    attempt = await login_guard.check(ctx.settings, username, address, now)
    user = await User.select().where(User.username == username).first()
    stored = user["password_hash"] if user else _DUMMY_HASHES[ctx.settings.argon2_fast]
    valid = await login_guard.verify_password(stored, password)
    if not (valid and user and user["active"]) or attempt.locked:
        await record_failure(ctx, user, attempt, now)
        raise ApiError(401, BAD_LOGIN, "invalid_credentials")
    return user, attempt


async def open_session(ctx: AppContext, user: dict, attempt: Attempt, now: datetime,
                       second_factor: str | None = None) -> tuple[str, str]:
    """Start a web session once every factor is checked: (signed cookie value, csrf token)."""
    token, csrf = new_token(), new_token()
    after = {"address": attempt.address, **({"second_factor": second_factor} if second_factor else {})}
    async with db.write_transaction():
        await User.update({User.last_login: now}).where(User.id == user["id"])
        await login_guard.record_success(attempt, now)
        await UserSession.insert(UserSession(token_hash=sha256(token), user=user["id"], csrf_token=csrf))
        await audit.record(actor=user["username"], action="login", entity="user", entity_id=user["id"],
                           district_code=None, after=after)
    return sign(token, ctx.settings.secret_key), csrf


async def record_failure(ctx: AppContext, user: dict | None, attempt: Attempt, now: datetime,
                         action: str = "login_failed") -> None:
    """Count the failure; audit it when the account exists (unknown names have no entity)."""
    async with db.write_transaction():
        locked_now = await login_guard.record_failure(ctx.settings, attempt, now)
        if user:
            await audit.record(
                actor=user["username"],
                action="login_locked" if locked_now else action,
                entity="user",
                entity_id=user["id"],
                district_code=None,
                after={"address": attempt.address, "known_address": attempt.known_address,
                       "locked": attempt.locked or locked_now},
            )


async def logout(session_id: int, username: str) -> None:
    async with db.write_transaction():
        await UserSession.delete().where(UserSession.id == session_id)
        await audit.record(actor=username, action="logout", entity="session", entity_id=session_id, district_code=None)


TOKEN_DAYS = 90  # default lifetime of an API token
TOKEN_MAX_DAYS = 366


async def create_api_token(user_id: int, username: str, name: str, days: int = TOKEN_DAYS) -> dict:
    """Create a bearer token valid for `days` (1–366); the plain value is returned once and never stored."""
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ApiError(422, "提交的数据有误", "invalid", [("expires_in_days", f"有效期应为 1–{TOKEN_MAX_DAYS} 天")])
    token = new_token(TOKEN_PREFIX)
    expires_at = datetime.now(timezone.utc) + timedelta(days=days)
    async with db.write_transaction():
        row = (
            await ApiToken.insert(
                ApiToken(user=user_id, name=name, token_hash=sha256(token), prefix=token[:8], expires_at=expires_at)
            ).returning(ApiToken.id, ApiToken.created_at)
        )[0]
        await audit.record(
            actor=username, action="create", entity="api_token", entity_id=row["id"], district_code=None,
            after={"name": name, "prefix": token[:8], "expires_at": expires_at.isoformat()},
        )
    return {"id": row["id"], "name": name, "token": token, "prefix": token[:8], "created_at": row["created_at"],
            "expires_at": expires_at}


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
    password_hash = await login_guard.hash_password(password, fast_hash)
    async with db.write_transaction():
        user_id = (
            await User.insert(
                User(username=username, display_name=display_name, person_id=person_id,
                     password_hash=password_hash)
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
