"""Log in (password, then a two-factor code where enrolled) and out, who am I, personal API
tokens, and the two-factor settings of one's own account (core.twofactor)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from litestar import Request, Response, delete, get, post
from litestar.datastructures import Cookie

from core import identity, login_guard, twofactor
from core.auth import SESSION_COOKIE, Principal
from core.errors import refused
from core.tables import ApiToken


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class LoginResult(msgspec.Struct):
    username: str
    display_name: str
    csrf_token: Annotated[str | None, msgspec.Meta(description="null while a two-factor code is still due")]
    next_step: Annotated[Literal["two_factor", "enrol_two_factor"] | None, msgspec.Meta(
        description="null: logged in. `two_factor`: no session yet, send a code to "
                    "/api/auth/login/code within 5 minutes. `enrol_two_factor`: logged in, but this admin "
                    "must enrol (/api/me/two-factor) before anything else")] = None


class CodeRequest(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=32,
                                      description="6 digits from the authenticator app, or a recovery code")]


class TwoFactorStatus(msgspec.Struct):
    policy: Literal["off", "optional", "required"]
    eligible: Annotated[bool, msgspec.Meta(description="this account may enrol (an admin, policy not off)")]
    enrolled: bool
    required: bool
    enrolled_at: dt.datetime | None
    enrolment_started: bool
    recovery_codes_left: int


class TwoFactorEnrolment(msgspec.Struct):
    secret: Annotated[str, msgspec.Meta(description="base32, for typing into the app by hand")]
    otpauth_uri: Annotated[str, msgspec.Meta(description="the same as a QR code's content")]


class RecoveryCodes(msgspec.Struct):
    recovery_codes: Annotated[list[str], msgspec.Meta(description="shown once; each works once")]


class TwoFactorDisable(msgspec.Struct, forbid_unknown_fields=True):
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]


class Message(msgspec.Struct):
    detail: str


class RoleView(msgspec.Struct):
    role: str
    scope: str
    city_code: str | None
    district_code: str | None
    organization_id: int | None


class Me(msgspec.Struct):
    id: int | None
    username: str
    display_name: str
    authenticated: bool
    via: str | None
    roles: list[RoleView]
    csrf_token: str | None
    two_factor_enrolment_required: Annotated[bool, msgspec.Meta(
        description="an admin who must enrol in two-factor login before anything else")] = False


class TokenCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    expires_in_days: Annotated[int, msgspec.Meta(ge=1, le=366, description="validity in days (default 90)")] = 90


class TokenCreated(msgspec.Struct):
    id: int
    name: str
    token: Annotated[str, msgspec.Meta(description="shown once; send as `Authorization: Bearer <token>`")]
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime


class TokenInfo(msgspec.Struct):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used: dt.datetime | None
    revoked: bool
    expires_at: Annotated[dt.datetime | None, msgspec.Meta(description="null: a token made before tokens expired")]


def session_cookie(request: Request, value: str, max_age: int | None) -> Cookie:
    return Cookie(key=SESSION_COOKIE, value=value, httponly=True, samesite="lax", path="/", max_age=max_age,
                  secure=request.url.scheme == "https")


def pending_cookie(request: Request, value: str, max_age: int) -> Cookie:
    return Cookie(key=twofactor.PENDING_COOKIE, value=value, httponly=True, samesite="strict", path="/",
                  max_age=max_age, secure=request.url.scheme == "https")


def login_response(request: Request, step: twofactor.LoginStep) -> Response[LoginResult]:
    """The answer to a login step: the session cookie, or the pending-state cookie."""
    user = step.user
    result = LoginResult(username=user["username"], display_name=user["display_name"], csrf_token=step.csrf,
                         next_step=step.next_step)  # type: ignore[arg-type]
    if step.pending:
        return Response(result, status_code=200, cookies=[pending_cookie(request, step.pending,
                                                                         twofactor.PENDING_SECONDS)])
    return Response(result, status_code=200, cookies=[session_cookie(request, step.cookie or "", None),
                                                      pending_cookie(request, "", 0)])


@post("/api/auth/login", opt={"public": True, "errors": (401, 429)}, tags=["auth"], status_code=200,
      summary="Log in; sets the session cookie (or, with two-factor login, a 5-minute pending state)",
      description="401 alike for a wrong password and an unknown or locked account; 429 with Retry-After "
                  "when the client address has failed too often (see core.login_guard). An account enrolled "
                  "in two-factor login gets `next_step: two_factor` and no session: POST the code to "
                  "/api/auth/login/code.")
async def login(request: Request, data: LoginRequest) -> Response[LoginResult]:
    ctx = request.app.state.ctx
    address = login_guard.client_address(request, ctx.settings)
    step = await twofactor.password_login(ctx, data.username, data.password, address)
    if not step.pending:
        await _fire_logged_in(ctx, step.user)
    return login_response(request, step)


@post("/api/auth/login/code", opt={"public": True, "errors": (401, 429)}, tags=["auth"], status_code=200,
      summary="Complete a two-factor login with a TOTP or recovery code; sets the session cookie",
      description="Needs the pending state the password step set (5 minutes). 401 `invalid_code` for a wrong, "
                  "reused or old code (throttled like passwords), 401 `two_factor_expired` without a pending state.")
async def login_code(request: Request, data: CodeRequest) -> Response[LoginResult]:
    ctx = request.app.state.ctx
    address = login_guard.client_address(request, ctx.settings)
    step = await twofactor.code_login(ctx, request.cookies.get(twofactor.PENDING_COOKIE), data.code, address)
    await _fire_logged_in(ctx, step.user)
    return login_response(request, step)


async def _fire_logged_in(ctx, user: dict) -> None:
    from core.plugins import call_async

    await call_async(ctx.pm.hook.user_logged_in, user_id=user["id"], username=user["username"])


@post("/api/auth/logout", opt={"authenticated": True, "two_factor_setup": True}, tags=["auth"], summary="End the session", status_code=200)
async def logout(request: Request, principal: Principal) -> Response[Message]:
    if principal.session_id is not None:
        await identity.logout(principal.session_id, principal.username)
    return Response(Message(detail="已退出登录"), cookies=[session_cookie(request, "", 0)])


@get("/api/me", opt={"authenticated": True, "two_factor_setup": True}, tags=["auth"],
     summary="The current user and their roles")
async def me(principal: Principal) -> Me:
    return msgspec.convert({**principal.public_view(), "csrf_token": principal.csrf_token or None,
                            "two_factor_enrolment_required": principal.two_factor_missing}, Me)


@get("/api/me/tokens", opt={"authenticated": True}, tags=["auth"], summary="My API tokens (never the secret)")
async def list_tokens(principal: Principal) -> list[TokenInfo]:
    rows = await ApiToken.select().where(ApiToken.user == principal.user_id).order_by(ApiToken.id)
    return [TokenInfo(**{f: r[f] for f in TokenInfo.__struct_fields__}) for r in rows]


@post("/api/me/tokens", opt={"authenticated": True}, tags=["auth"], summary="Create an API token")
async def create_token(data: TokenCreate, principal: Principal) -> TokenCreated:
    return TokenCreated(**await identity.create_api_token(principal.user_id, principal.username, data.name,
                                                          data.expires_in_days))


@delete("/api/me/tokens/{token_id:int}", opt={"authenticated": True}, tags=["auth"], summary="Revoke a token")
async def revoke_token(token_id: int, principal: Principal) -> None:
    await identity.revoke_api_token(principal.user_id, principal.username, token_id)


SETUP = {"authenticated": True, "two_factor_setup": True}


@get("/api/me/two-factor", opt=SETUP, tags=["auth"], summary="My two-factor login: policy, enrolled, codes left")
async def two_factor_status(request: Request, principal: Principal) -> TwoFactorStatus:
    return TwoFactorStatus(**await twofactor.status(request.app.state.ctx, principal.user_id))


@post("/api/me/two-factor/enrolment", opt=SETUP, tags=["auth"], status_code=200,
      summary="Start enrolling an authenticator app (a new secret; replaces one not yet confirmed)",
      description="403 `not_permitted` for accounts that are not admins or when the policy is off; "
                  "409 when already enrolled.")
async def start_enrolment(request: Request, principal: Principal) -> TwoFactorEnrolment:
    secret = await twofactor.start_enrolment(request.app.state.ctx, principal.user_id)
    return TwoFactorEnrolment(secret=secret, otpauth_uri=twofactor.provisioning_uri(secret, principal.username))


@post("/api/me/two-factor/enrolment/confirm", opt=SETUP, tags=["auth"], status_code=200,
      summary="Confirm the enrolment with a code from the app; answers the 10 recovery codes once")
async def confirm_enrolment(request: Request, data: CodeRequest, principal: Principal) -> RecoveryCodes:
    return RecoveryCodes(recovery_codes=await twofactor.confirm_enrolment(
        request.app.state.ctx, principal.user_id, principal.username, data.code))


@post("/api/me/two-factor/disable", opt={"authenticated": True, "errors": (429,)}, tags=["auth"],
      status_code=200, summary="Turn two-factor login off (the password and a current code)",
      description="422 `invalid_credentials` when either is wrong (counted as a failed login); "
                  "429 when the address is throttled.")
async def disable_two_factor(request: Request, data: TwoFactorDisable, principal: Principal) -> Message:
    ctx = request.app.state.ctx
    await twofactor.disable(ctx, principal.user_id, data.password, data.code,
                            login_guard.client_address(request, ctx.settings))
    return Message(detail="已停用两步验证")


@post("/api/users/{username:str}/two-factor/reset", opt={"authenticated": True}, tags=["auth"], status_code=200,
      summary="Platform admin: remove a user's two-factor login (lost phone); audited",
      description="403 `not_permitted` for anyone but a platform admin; 404 unknown user; 409 not enrolled.")
async def reset_two_factor(username: str, principal: Principal) -> Message:
    if not any(g.role == twofactor.PLATFORM_ADMIN for g in principal.grants):
        raise refused("只有平台管理员可以重置他人的两步验证")
    await twofactor.reset(username, actor=principal.username)
    return Message(detail=f"已重置 {username} 的两步验证，其下次登录后需重新启用")


ROUTES = [login, login_code, logout, me, list_tokens, create_token, revoke_token, two_factor_status,
          start_enrolment, confirm_enrolment, disable_two_factor, reset_two_factor]
