"""The access matrix, generated from the live route table: every route × every
role (and anonymous) × own district / other district. A route a plugin adds
later is covered without editing this file; a route that declares no access
fails the meta-test."""

from __future__ import annotations

import re

import pytest

from core.access import declared_access
from tests.conftest import OTHER, OWN, ROLE_USERS, bearer

PARAM = re.compile(r"\{(\w+):(\w+)\}")
DENIAL_CODES = {"not_authenticated", "forbidden"}


def is_denial(response) -> bool:
    """A guard's answer (401/403 with its code), not e.g. a wrong password's 401."""
    if response.status_code not in (401, 403):
        return False
    try:
        return response.json().get("code") in DENIAL_CODES
    except ValueError:
        return False


def handlers(app):
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods):
                yield route.path, method, handler


def fill(path: str, district: str) -> str:
    def value(match):
        name, kind = match.groups()
        if name == "code":
            return district
        return "999999" if kind == "int" else "x"

    return PARAM.sub(value, path)


def expected_allowed(ctx, role: str | None, kind: str, permission: str | None, district: str | None, method: str) -> bool:
    """Derived from the role data, independently of Principal.can."""
    if method == "OPTIONS" or kind == "public":
        return True
    if role is None:
        return False
    if kind == "authenticated":
        return True
    if kind == "undeclared" or permission not in ctx.contributions.role_permissions[role]:
        return False
    scope = ctx.contributions.roles[role].scope
    # Every test user's grant is in OWN, and both demo districts are in city 430700.
    return district is None or scope in ("platform", "city") or district == OWN


def test_every_route_declares_its_access(app):
    undeclared = [(path, method) for path, method, h in handlers(app)
                  if method != "OPTIONS" and declared_access(h)[0] == "undeclared"]
    assert undeclared == []


def test_every_permission_a_route_checks_is_declared(app, ctx):
    checked = {h.opt["permission"] for _, _, h in handlers(app) if h.opt.get("permission")}
    assert checked - ctx.contributions.permissions.keys() == set()


@pytest.fixture(scope="module")
def module_enabled_everywhere(app, tokens):
    """Modules a route needs are enabled in both districts, so the matrix tests access, not enablement."""
    from litestar.testing import TestClient

    from core.modules import enabled_modules
    from tests.conftest import run

    ctx = app.state.ctx
    before = {code: run(enabled_modules(ctx, code)) for code in (OWN, OTHER)}
    admin = bearer(tokens["platform_admin"])
    with TestClient(app=app) as c:
        for name in ctx.contributions.modules:
            for code in (OWN, OTHER):
                r = c.put(f"/api/districts/{code}/modules/{name}", json={"enabled": True}, headers=admin)
                assert r.status_code == 200, r.text
    yield
    with TestClient(app=app) as c:
        for code, names in before.items():
            for name in ctx.contributions.modules:
                if name not in names:
                    c.put(f"/api/districts/{code}/modules/{name}", json={"enabled": False}, headers=admin)


def test_access_matrix(app, ctx, client, tokens, module_enabled_everywhere):
    failures, checked = [], 0
    for path, method, handler in handlers(app):
        kind, permission = declared_access(handler)
        districts = [OWN, OTHER] if "{code:" in path else [None]
        for district in districts:
            url = fill(path, district or OWN)
            for role in [None, *ROLE_USERS]:
                headers = bearer(tokens[role]) if role else {}
                body = {} if method in {"POST", "PUT", "PATCH"} else None
                response = client.request(method, url, headers=headers, json=body)
                allowed = expected_allowed(ctx, role, kind, permission, district, method)
                denied = is_denial(response)
                checked += 1
                if allowed == denied or response.status_code >= 500:
                    failures.append(f"{method} {url} as {role or 'anonymous'}: {response.status_code} "
                                    f"(expected {'allow' if allowed else 'deny'})")
    assert failures == []
    assert checked > 200  # the matrix really ran over the route table
