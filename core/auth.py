"""Who is asking (the Principal) and what they may do where.

A request is authenticated by a signed session cookie (web) or a bearer API
token (machines). Roles are data contributed by plugins; a grant gives a role
within a scope (city, district, organisation). `Principal.can(permission,
district)` is the one question every guard and service asks.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from litestar.connection import ASGIConnection

from core.context import AppContext
from core.security import TOKEN_PREFIX, sha256, unsign
from core.tables import ApiToken, RoleGrant, User, UserSession

SESSION_COOKIE = "sanshe_session"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class Grant:
    role: str
    scope: str
    city_code: str | None = None
    district_code: str | None = None
    organization_id: int | None = None


@dataclass
class Principal:
    user_id: int | None
    username: str
    display_name: str = ""
    grants: tuple[Grant, ...] = ()
    permissions_by_role: dict[str, frozenset[str]] = field(default_factory=dict)
    city_of: dict[str, str] = field(default_factory=dict)
    via: str = "anonymous"  # anonymous | session | token
    session_id: int | None = None
    csrf_token: str = ""
    person_id: int | None = None
    # An admin who must enrol in two-factor login first (core.twofactor): no grants until then,
    # and core.access refuses every route not marked `two_factor_setup`.
    two_factor_missing: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def home_path(self) -> str:
        """Where this user works: their district's workbench (工作台), a city admin's side-by-side
        city view, or the public home (`/`) for the platform admin and anyone without a grant."""
        district = next((g.district_code for g in self.grants if g.district_code), None)
        if district:
            return f"/districts/{district}/workbench"
        city = next((g.city_code for g in self.grants if g.scope == "city" and g.city_code), None)
        return f"/cities/{city}" if city else "/"

    def covers(self, grant: Grant, district_code: str | None) -> bool:
        """Does this grant's scope reach the district (None: anywhere)?"""
        if grant.scope == "platform" or district_code is None:
            return True
        if grant.scope == "city":
            return self.city_of.get(district_code) == grant.city_code
        return grant.district_code == district_code

    def can(self, permission: str, district_code: str | None = None) -> bool:
        return any(
            permission in self.permissions_by_role.get(g.role, ()) and self.covers(g, district_code)
            for g in self.grants
        )

    def districts_where(self, permission: str) -> set[str] | None:
        """District codes where the permission holds; None means every district."""
        codes: set[str] = set()
        for g in self.grants:
            if permission not in self.permissions_by_role.get(g.role, ()):
                continue
            if g.scope == "platform":
                return None
            if g.scope == "city":
                codes |= {d for d, c in self.city_of.items() if c == g.city_code}
            elif g.district_code:
                codes.add(g.district_code)
        return codes

    def organization_limit(self, permission: str, district_code: str) -> set[int] | None:
        """None when the permission holds district-wide; else the organisations it is limited to."""
        limited: set[int] = set()
        for g in self.grants:
            if permission not in self.permissions_by_role.get(g.role, ()) or not self.covers(g, district_code):
                continue
            if g.scope != "organization":
                return None
            if g.organization_id is not None:
                limited.add(g.organization_id)
        return limited

    def organizations(self) -> set[int]:
        return {g.organization_id for g in self.grants if g.organization_id is not None}

    def public_view(self) -> dict:
        return {
            "id": self.user_id,
            "username": self.username,
            "display_name": self.display_name,
            "authenticated": self.is_authenticated,
            "via": self.via,
            "roles": [
                {
                    "role": g.role,
                    "scope": g.scope,
                    "city_code": g.city_code,
                    "district_code": g.district_code,
                    "organization_id": g.organization_id,
                }
                for g in self.grants
            ],
        }


def anonymous(ctx: AppContext) -> Principal:
    return Principal(None, "anonymous", permissions_by_role=ctx.contributions.role_permissions)


async def principal_for_user(ctx: AppContext, user: dict, **extra) -> Principal:
    rows = await RoleGrant.select().where(RoleGrant.user == user["id"])
    roles = ctx.contributions.roles
    grants = tuple(
        Grant(
            role=r["role"],
            scope=roles[r["role"]].scope,
            city_code=r["city_code"] or (ctx.city_of(r["district_code"]) if r["district_code"] else None),
            district_code=r["district_code"],
            organization_id=r["organization_id"],
        )
        for r in rows
        if r["role"] in roles  # a grant of a role no installed plugin defines gives nothing
    )
    return Principal(
        user_id=user["id"],
        username=user["username"],
        display_name=user["display_name"],
        grants=grants,
        permissions_by_role=ctx.contributions.role_permissions,
        city_of={code: d.city_code for code, d in ctx.districts.items()},
        person_id=user["person_id"],
        **extra,
    )


async def _from_token(ctx: AppContext, token: str) -> Principal | None:
    row = await ApiToken.select(ApiToken.id, ApiToken.user, ApiToken.last_used, ApiToken.expires_at).where(
        (ApiToken.token_hash == sha256(token)) & (ApiToken.revoked == False)  # noqa: E712
    ).first()
    if not row or (row["expires_at"] is not None and row["expires_at"] <= datetime.now(timezone.utc)):
        return None  # an expired token is no token: the request is anonymous (401 where login is needed)
    user = await User.select().where((User.id == row["user"]) & (User.active == True)).first()  # noqa: E712
    if not user:
        return None
    now = datetime.now(timezone.utc)
    if row["last_used"] is None or now - row["last_used"] > timedelta(minutes=1):
        await ApiToken.update({ApiToken.last_used: now}).where(ApiToken.id == row["id"])
    return await principal_for_user(ctx, user, via="token")


async def _from_cookie(ctx: AppContext, cookie: str) -> Principal | None:
    token = unsign(cookie, ctx.settings.secret_key)
    if not token:
        return None
    session = await UserSession.select().where(UserSession.token_hash == sha256(token)).first()
    if not session:
        return None
    now = datetime.now(timezone.utc)
    if now - session["last_seen"] > timedelta(minutes=ctx.settings.session_idle_minutes):
        await UserSession.delete().where(UserSession.id == session["id"])
        return None
    user = await User.select().where((User.id == session["user"]) & (User.active == True)).first()  # noqa: E712
    if not user:
        return None
    if now - session["last_seen"] > timedelta(minutes=1):
        await UserSession.update({UserSession.last_seen: now}).where(UserSession.id == session["id"])
    principal = await principal_for_user(
        ctx, user, via="session", session_id=session["id"], csrf_token=session["csrf_token"]
    )
    from core import twofactor  # late: twofactor builds on identity, which builds on this module's tables

    if await twofactor.enrolment_missing(ctx, user["id"], (g.role for g in principal.grants)):
        return replace(principal, grants=(), two_factor_missing=True)
    return principal


async def resolve_principal(ctx: AppContext, connection: ASGIConnection) -> Principal:
    """Bearer token first, then the session cookie, else anonymous; cached on the connection."""
    cached = connection.scope.get("sanshe_principal")
    if cached is not None:
        return cached
    principal = None
    authorization = connection.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        token = authorization[7:].strip()
        if token.startswith(TOKEN_PREFIX):
            principal = await _from_token(ctx, token)
    elif SESSION_COOKIE in connection.cookies:
        principal = await _from_cookie(ctx, connection.cookies[SESSION_COOKIE])
    principal = principal or anonymous(ctx)
    connection.scope["sanshe_principal"] = principal  # type: ignore[typeddict-unknown-key]
    return principal
