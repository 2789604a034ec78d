"""Two-factor login for admins (issue 11, 等保 level 3): TOTP (RFC 6238) and recovery codes.

Who: platform, city and district admins may enrol; `[security].admin_two_factor` says whether
it is "off", "optional" or "required" (an admin without it can then do nothing but enrol:
`core.auth` marks the session, `core.access` refuses everything else with 403
`two_factor_enrolment_required`).

Login: a right password for an enrolled account opens no session. It answers with a pending
state instead — a cookie signed with its own key, holding the user and an expiry five minutes
ahead (stateless, so every worker honours it) — and a 6-digit code (the current time step ±1)
or an unused recovery code completes the login. Wrong codes are throttled like passwords
(core.login_guard, same keys, same 401); a code's time step is remembered, so neither the same
code nor an older one is accepted twice. Recovery codes (10, shown once) are stored as SHA-256
and each works once. Enrolment, disabling, resets and recovery-code use are audited.

The TOTP secret is stored sealed (core.secretbox: AES-256-GCM under a key derived from
SANSHE_SECRET_KEY, bound to its user). `reseal` (run at start-up) reseals values stored in
plaintext before sealing existed or under a previous key. A secret no configured key opens
accepts no code, and says so in the log: its user logs in with a recovery code, or an operator
resets the two-factor settings.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pyotp

from core import audit, db, identity, login_guard, secretbox
from core.context import AppContext
from core.errors import ApiError, refused
from core.security import sha256, sign, unsign
from core.tables import RecoveryCode, RoleGrant, TwoFactor, User

# core.builtin's admin roles, named here rather than imported: core.builtin imports the routes,
# which import this module (tests/core/test_twofactor.py checks the names agree).
PLATFORM_ADMIN = "platform_admin"
ADMIN_ROLES = frozenset({PLATFORM_ADMIN, "city_admin", "district_admin"})
ISSUER = "Sanshe 三社联动"
RECOVERY_CODES = 10
PENDING_COOKIE = "sanshe_2fa"
PENDING_SECONDS = 300
BAD_CODE = "验证码错误或已过期，请重新输入"
STEP_WINDOW = 1  # accept the previous and the next 30-second step too (clock drift)
SEAL_PURPOSE = "totp"
log = logging.getLogger("sanshe.twofactor")


@dataclass(frozen=True)
class LoginStep:
    """What a right password leads to: a session (cookie, csrf), or a pending second step."""

    user: dict
    cookie: str | None = None
    csrf: str | None = None
    pending: str | None = None  # the pending-state cookie value when a code must follow
    next_step: str | None = None  # None | "two_factor" | "enrol_two_factor"


def policy(ctx: AppContext) -> str:
    return ctx.settings.admin_two_factor


def is_admin_role(roles: Any) -> bool:
    return bool(ADMIN_ROLES & set(roles))


async def is_admin(user_id: int) -> bool:
    rows = await RoleGrant.select(RoleGrant.role).where(RoleGrant.user == user_id)
    return is_admin_role(r["role"] for r in rows)


async def enrolled(user_id: int) -> bool:
    return bool(await TwoFactor.exists().where((TwoFactor.user == user_id) & TwoFactor.confirmed_at.is_not_null()))


async def enrolment_missing(ctx: AppContext, user_id: int, roles: Any) -> bool:
    """Must this signed-in user enrol before doing anything else?"""
    return policy(ctx) == "required" and is_admin_role(roles) and not await enrolled(user_id)


async def status(ctx: AppContext, user_id: int) -> dict:
    row = await TwoFactor.select().where(TwoFactor.user == user_id).first()
    left = await RecoveryCode.count().where((RecoveryCode.user == user_id) & RecoveryCode.used_at.is_null())
    admin = await is_admin(user_id)
    confirmed = bool(row and row["confirmed_at"])
    return {"policy": policy(ctx), "eligible": admin and policy(ctx) != "off", "enrolled": confirmed,
            "required": admin and policy(ctx) == "required", "enrolled_at": row["confirmed_at"] if row else None,
            "enrolment_started": bool(row and not confirmed), "recovery_codes_left": left if confirmed else 0}


# --- the stored secret -----------------------------------------------------------------


def _bound(user_id: int) -> str:
    return f"two_factor:user:{user_id}"


def _sealed(ctx: AppContext, user_id: int, secret: str) -> str:
    return secretbox.seal(secret, ctx.settings.secret_key, SEAL_PURPOSE, _bound(user_id))


def _secret(ctx: AppContext, row: dict) -> str | None:
    """The row's TOTP secret; None (logged) when no configured key opens it."""
    try:
        return secretbox.unseal(row["secret"], ctx.settings.secret_keys, SEAL_PURPOSE, _bound(row["user"]))[0]
    except secretbox.Unreadable as exc:
        log.error("two-factor secret of user %s is unreadable: %s", row["user"], exc)
        return None


async def reseal(ctx: AppContext) -> dict[str, int]:
    """Reseal under the current key every secret stored in plaintext or under a previous key:
    {"resealed": n, "unreadable": m}. Each row is rewritten only if it is still the value read,
    so workers starting together do not undo each other."""
    counts = {"resealed": 0, "unreadable": 0}
    for row in await TwoFactor.select(TwoFactor.id, TwoFactor.user, TwoFactor.secret):
        try:
            plain, index = secretbox.unseal(row["secret"], ctx.settings.secret_keys, SEAL_PURPOSE, _bound(row["user"]))
        except secretbox.Unreadable:
            counts["unreadable"] += 1
            continue
        if index == 0:
            continue
        async with db.write_transaction():
            done = await TwoFactor.update({TwoFactor.secret: _sealed(ctx, row["user"], plain)}).where(
                (TwoFactor.id == row["id"]) & (TwoFactor.secret == row["secret"])).returning(TwoFactor.id)
        counts["resealed"] += len(done)
    if counts["unreadable"]:
        log.error("%d two-factor secrets open with no configured key: list the earlier SANSHE_SECRET_KEY in "
                  "SANSHE_PREVIOUS_SECRET_KEYS, or reset those users' two-factor settings", counts["unreadable"])
    return counts


# --- codes -----------------------------------------------------------------------------


def _digits(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step (±STEP_WINDOW around now) whose TOTP code this is, else None."""
    code = _digits(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(datetime.fromtimestamp(now if now is not None else time.time(), timezone.utc))
    for step in range(current - STEP_WINDOW, current + STEP_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _new_recovery_codes() -> list[str]:
    return [f"{c[:5]}-{c[5:]}" for c in (secrets.token_hex(5) for _ in range(RECOVERY_CODES))]


async def use_code(ctx: AppContext, user: dict, code: str, now: datetime) -> str | None:
    """Consume a TOTP code (its step must be newer than the last one accepted) or an unused
    recovery code: "totp", "recovery", or None when neither matches."""
    row = await TwoFactor.select().where(
        (TwoFactor.user == user["id"]) & TwoFactor.confirmed_at.is_not_null()).first()
    if not row:
        return None
    secret = _secret(ctx, row)
    step = None if secret is None else matching_step(secret, code, now.timestamp())
    if step is not None:
        async with db.write_transaction():  # one atomic update: two requests cannot both use a step
            accepted = await TwoFactor.update({TwoFactor.last_step: step}).where(
                (TwoFactor.id == row["id"]) & (TwoFactor.last_step.is_null() | (TwoFactor.last_step < step))
            ).returning(TwoFactor.id)
        return "totp" if accepted else None
    digits = _digits(code)
    if len(digits) != 10:
        return None
    async with db.write_transaction():
        used = await RecoveryCode.update({RecoveryCode.used_at: now}).where(
            (RecoveryCode.user == user["id"]) & (RecoveryCode.code_hash == sha256(digits))
            & RecoveryCode.used_at.is_null()
        ).returning(RecoveryCode.id)
        if used:
            left = await RecoveryCode.count().where((RecoveryCode.user == user["id"]) & RecoveryCode.used_at.is_null())
            await audit.record(actor=user["username"], action="two_factor_recovery_used", entity="user",
                               entity_id=user["id"], district_code=None, after={"recovery_codes_left": left})
    return "recovery" if used else None


# --- login -----------------------------------------------------------------------------


def _pending_key(ctx: AppContext) -> str:
    return ctx.settings.secret_key + ":two-factor-pending"  # never valid as a session cookie, nor the reverse


def pending_value(ctx: AppContext, user_id: int, now: float | None = None) -> str:
    expires = int((now if now is not None else time.time()) + PENDING_SECONDS)
    return sign(f"{user_id}.{expires}.{secrets.token_urlsafe(8)}", _pending_key(ctx))


def pending_user_id(ctx: AppContext, value: str | None, now: float | None = None) -> int | None:
    """The user a pending-state cookie names, if its signature holds and it has not expired."""
    payload = unsign(value or "", _pending_key(ctx))
    parts = payload.split(".") if payload else []
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    if int(parts[1]) < (now if now is not None else time.time()):
        return None
    return int(parts[0])


async def password_login(ctx: AppContext, username: str, password: str, address: str) -> LoginStep:
    """The password step: a session, or (enrolled account) a pending state for the code step."""
    now = datetime.now(timezone.utc)
    user, attempt = await identity.check_password(ctx, username, password, address, now)
    if policy(ctx) != "off" and await enrolled(user["id"]):
        return LoginStep(user, pending=pending_value(ctx, user["id"]), next_step="two_factor")
    cookie, csrf = await identity.open_session(ctx, user, attempt, now)
    must_enrol = policy(ctx) == "required" and await is_admin(user["id"])
    return LoginStep(user, cookie, csrf, next_step="enrol_two_factor" if must_enrol else None)


async def code_login(ctx: AppContext, pending: str | None, code: str, address: str) -> LoginStep:
    """The code step: a TOTP or recovery code completes a pending login; 401 alike for a wrong
    code and a missing or expired pending state, 429 when the address is throttled."""
    now = datetime.now(timezone.utc)
    user_id = pending_user_id(ctx, pending)
    user = await User.select().where((User.id == user_id) & (User.active == True)).first() if user_id else None  # noqa: E712
    if not user:
        raise ApiError(401, "登录已过期，请重新输入用户名和密码", "two_factor_expired")
    attempt = await login_guard.check(ctx.settings, user["username"], address, now)
    used = None if attempt.locked else await use_code(ctx, user, code, now)
    if not used:
        await identity.record_failure(ctx, user, attempt, now, action="two_factor_failed")
        raise ApiError(401, BAD_CODE, "invalid_code")
    cookie, csrf = await identity.open_session(ctx, user, attempt, now, second_factor=used)
    return LoginStep(user, cookie, csrf)


# --- enrolment, disabling, reset -------------------------------------------------------


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no script, no external file: CSP-safe)."""
    import segno

    return segno.make(uri, error="m").svg_inline(scale=5, border=2, omitsize=True)


async def start_enrolment(ctx: AppContext, user_id: int) -> str:
    """A fresh secret waiting for its first code (replaces an unconfirmed one); 409 if enrolled."""
    if policy(ctx) == "off":
        raise refused("本系统未启用两步验证")
    if not await is_admin(user_id):
        raise refused("只有平台、市级和区县管理员可以启用两步验证")
    secret = pyotp.random_base32()
    async with db.write_transaction():
        row = await TwoFactor.select().where(TwoFactor.user == user_id).first()
        if row and row["confirmed_at"]:
            raise ApiError(409, "已启用两步验证；如需更换设备，请先停用再重新启用", "already_enrolled")
        if row:
            await TwoFactor.update({TwoFactor.secret: _sealed(ctx, user_id, secret), TwoFactor.last_step: None}
                                   ).where(TwoFactor.id == row["id"])
        else:
            await TwoFactor.insert(TwoFactor(user=user_id, secret=_sealed(ctx, user_id, secret)))
    return secret


async def pending_secret(ctx: AppContext, user_id: int) -> str | None:
    row = await TwoFactor.select(TwoFactor.user, TwoFactor.secret).where(
        (TwoFactor.user == user_id) & TwoFactor.confirmed_at.is_null()).first()
    return _secret(ctx, row) if row else None


async def confirm_enrolment(ctx: AppContext, user_id: int, username: str, code: str) -> list[str]:
    """The first code proves the app holds the secret: enrol, and return the recovery codes (once)."""
    row = await TwoFactor.select().where(TwoFactor.user == user_id).first()
    if not row or row["confirmed_at"]:
        raise ApiError(409, "没有待确认的两步验证设置，请重新开始", "no_enrolment")
    secret = _secret(ctx, row)
    step = None if secret is None else matching_step(secret, code)
    if step is None:
        raise ApiError(422, BAD_CODE, "invalid", [("code", "验证码不正确，请核对手机时间后重试")])
    codes = _new_recovery_codes()
    async with db.write_transaction():
        updated = await TwoFactor.update({TwoFactor.confirmed_at: datetime.now(timezone.utc), TwoFactor.last_step: step}
                                         ).where((TwoFactor.id == row["id"]) & TwoFactor.confirmed_at.is_null()
                                                 ).returning(TwoFactor.id)
        if not updated:
            raise ApiError(409, "没有待确认的两步验证设置，请重新开始", "no_enrolment")
        await RecoveryCode.delete().where(RecoveryCode.user == user_id)
        await RecoveryCode.insert(*(RecoveryCode(user=user_id, code_hash=sha256(_digits(c))) for c in codes))
        await audit.record(actor=username, action="two_factor_enrolled", entity="user", entity_id=user_id,
                           district_code=None, after={"recovery_codes": len(codes)})
    return codes


async def _remove(user_id: int) -> bool:
    removed = await TwoFactor.delete().where(TwoFactor.user == user_id).returning(TwoFactor.id)
    await RecoveryCode.delete().where(RecoveryCode.user == user_id)
    return bool(removed)


async def disable(ctx: AppContext, user_id: int, password: str, code: str, address: str) -> None:
    """The user turns two-factor off: the password and a current code (or a recovery code) are
    both needed, and wrong ones count as failed logins (same throttle)."""
    now = datetime.now(timezone.utc)
    user = await User.select().where(User.id == user_id).first()
    if not user or not await enrolled(user_id):
        raise ApiError(409, "尚未启用两步验证", "not_enrolled")
    attempt = await login_guard.check(ctx.settings, user["username"], address, now)
    right = not attempt.locked and await login_guard.verify_password(user["password_hash"], password)
    if not (right and await use_code(ctx, user, code, now)):
        await identity.record_failure(ctx, user, attempt, now, action="two_factor_disable_failed")
        raise ApiError(422, "密码或验证码错误", "invalid_credentials")
    async with db.write_transaction():
        await _remove(user_id)
        await audit.record(actor=user["username"], action="two_factor_disabled", entity="user", entity_id=user_id,
                           district_code=None)


async def reset(username: str, actor: str) -> None:
    """An operator removes a user's two-factor settings (lost phone); the user enrols again."""
    user = await User.select(User.id).where(User.username == username).first()
    if not user:
        raise ApiError(404, f"用户 {username} 不存在", "not_found")
    async with db.write_transaction():
        if not await _remove(user["id"]):
            raise ApiError(409, f"用户 {username} 尚未启用两步验证", "not_enrolled")
        await audit.record(actor=actor, action="two_factor_reset", entity="user", entity_id=user["id"],
                           district_code=None, after={"username": username})
