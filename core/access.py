"""The one guard every route passes: district exists, module enabled, CSRF, access.

Each route handler declares its access in `opt` (a meta-test fails if one does not):
- `public=True` — anyone, including anonymous visitors;
- `authenticated=True` — any logged-in user (what they see is scoped by services);
- `permission="x.y"` — the principal holds it in the path's district (`{code}`),
  or anywhere when the path names no district;
- `module="name"` — additionally, the module is enabled for the path's district.
An admin who must enrol in two-factor login first (core.twofactor) reaches only the
routes marked `two_factor_setup=True` (403 `two_factor_enrolment_required` elsewhere).
"""

from __future__ import annotations

import re

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from core.auth import CSRF_HEADER, Principal, resolve_principal
from core.context import AppContext
from core.errors import ApiError
from core.modules import enabled_modules

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def context_of(connection: ASGIConnection) -> AppContext:
    return connection.app.state.ctx


def declared_access(handler: BaseRouteHandler) -> tuple[str, str | None]:
    """('public'|'authenticated'|'permission'|'undeclared', permission name)."""
    opt = handler.opt
    if opt.get("public"):
        return "public", None
    if opt.get("permission"):
        return "permission", opt["permission"]
    if opt.get("authenticated"):
        return "authenticated", None
    return "undeclared", None


async def _check_csrf(connection: ASGIConnection, principal: Principal) -> None:
    if principal.via != "session" or connection.scope.get("method", "GET") in SAFE_METHODS:
        return
    sent = connection.headers.get(CSRF_HEADER, "")
    if not sent and connection.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = await connection.form() if hasattr(connection, "form") else {}
        sent = form.get("_csrf", "")
    if not sent or sent != principal.csrf_token:
        raise ApiError(403, "缺少或错误的 CSRF 令牌，请刷新页面后重试", "csrf_failed")


def _ids_in_range(path_params: dict) -> None:
    """An id beyond 64 bits names no record (and the database cannot hold it): 400, not a crash."""
    errors = [(name, "数值超出范围") for name, value in path_params.items()
              if isinstance(value, int) and not -(2**63) <= value < 2**63]
    if errors:
        raise ApiError(400, "路径中的编号超出范围", "invalid", errors)


def _query_is_text(connection: ASGIConnection) -> None:
    """A query that is not UTF-8 (`q=%ff%fe%fd`) decodes to replacement characters; searching for
    those would match nothing and read as "no filter" — refuse it instead."""
    errors = [(name, "包含无效的字符编码（应为 UTF-8）") for name, value in connection.query_params.multi_items()
              if "\ufffd" in value or "\ufffd" in name]
    if errors:
        raise ApiError(400, "查询参数不是有效的 UTF-8 文本", "invalid", errors)


_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")  # an escaped NUL, not an escaped backslash before "u0000"


async def _no_nul_characters(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """PostgreSQL cannot store a NUL character in text (SQLite can, and exports would carry it):
    refuse it in a path, a query or a JSON body on both engines, before anything is read or written."""
    errors = [(name, "包含不允许的字符 NUL") for name, value in
              [*connection.path_params.items(), *connection.query_params.multi_items()]
              if "\x00" in name or (isinstance(value, str) and "\x00" in value)]
    takes_json = connection.headers.get("content-type", "").startswith("application/json") and \
        "data" in getattr(getattr(handler, "parsed_fn_signature", None), "parameters", {})
    if not errors and takes_json and _JSON_NUL.search(await connection.body()):  # type: ignore[attr-defined]
        errors = [("body", "包含不允许的字符 NUL")]
    if errors:
        raise ApiError(400, "请求中含有不允许的字符 NUL", "invalid", errors)


async def authorize(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Global guard; raises 401/403/404 in the one error shape."""
    if connection.scope.get("method") == "OPTIONS":
        return  # Litestar's automatic OPTIONS answers carry no data
    ctx = context_of(connection)
    _ids_in_range(connection.path_params)
    _query_is_text(connection)
    await _no_nul_characters(connection, handler)
    principal = await resolve_principal(ctx, connection)
    code = connection.path_params.get("code")
    if code is not None and code not in ctx.districts:
        raise ApiError(404, f"区县代码 {code} 不存在", "unknown_district")
    module = handler.opt.get("module")
    if module and code is not None and module not in await enabled_modules(ctx, code):
        name = ctx.districts[code].name
        label = ctx.contributions.modules[module].label if module in ctx.contributions.modules else module
        raise ApiError(404, f"{name}（{code}）未启用“{label}”模块（{module}）", "module_not_enabled")
    kind, permission = declared_access(handler)
    if kind == "public":
        return  # public writes (logging in) act for nobody's session, so they need no CSRF token
    if not principal.is_authenticated:
        raise ApiError(401, "请先登录", "not_authenticated")
    await _check_csrf(connection, principal)
    if principal.two_factor_missing and not handler.opt.get("two_factor_setup"):
        raise ApiError(403, "管理员账号须先启用两步验证，才能进行其他操作", "two_factor_enrolment_required")
    if kind == "authenticated":
        return
    if kind == "undeclared" or not principal.can(permission, code):  # type: ignore[arg-type]
        raise ApiError(403, "没有权限执行此操作", "forbidden")
