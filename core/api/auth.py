"""Log in and out, who am I, and personal API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from litestar import Request, Response, delete, get, post
from litestar.datastructures import Cookie

from core import identity, login_guard
from core.auth import SESSION_COOKIE, Principal
from core.tables import ApiToken


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class LoginResult(msgspec.Struct):
    username: str
    display_name: str
    csrf_token: str


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


@post("/api/auth/login", opt={"public": True, "errors": (401, 429)}, tags=["auth"], status_code=200,
      summary="Log in; sets the session cookie",
      description="401 alike for a wrong password and an unknown or locked account; 429 with Retry-After "
                  "when the client address has failed too often (see core.login_guard).")
async def login(request: Request, data: LoginRequest) -> Response[LoginResult]:
    ctx = request.app.state.ctx
    address = login_guard.client_address(request, ctx.settings)
    user, cookie, csrf = await identity.login(ctx, data.username, data.password, address)
    await _fire_logged_in(ctx, user)
    result = LoginResult(username=user["username"], display_name=user["display_name"], csrf_token=csrf)
    return Response(result, status_code=200, cookies=[session_cookie(request, cookie, None)])


async def _fire_logged_in(ctx, user: dict) -> None:
    from core.plugins import call_async

    await call_async(ctx.pm.hook.user_logged_in, user_id=user["id"], username=user["username"])


@post("/api/auth/logout", opt={"authenticated": True}, tags=["auth"], summary="End the session", status_code=200)
async def logout(request: Request, principal: Principal) -> Response[Message]:
    if principal.session_id is not None:
        await identity.logout(principal.session_id, principal.username)
    return Response(Message(detail="已退出登录"), cookies=[session_cookie(request, "", 0)])


@get("/api/me", opt={"authenticated": True}, tags=["auth"], summary="The current user and their roles")
async def me(principal: Principal) -> Me:
    return msgspec.convert({**principal.public_view(), "csrf_token": principal.csrf_token or None}, Me)


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


ROUTES = [login, logout, me, list_tokens, create_token, revoke_token]
