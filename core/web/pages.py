"""The web shell: server-rendered pages (zh-CN by default, English on request).

Pages: the city overview, log in / log out, a district home listing its
enabled modules (with module switches for its admin), and the language switch.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import urlparse

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from core import identity, login_guard
from core.api.auth import session_cookie
from core.api.districts import district_view
from core.auth import Principal
from core.context import AppContext
from core.errors import ApiError
from core.modules import enabled_modules
from core.security import new_token
from core.web.i18n import COOKIE, LANGUAGES, language_of, translator


def render(request: Request, name: str, principal: Principal, status_code: int = 200, **context: Any) -> Template:
    language = language_of(request)
    return Template(
        template_name=name,
        status_code=status_code,
        context={"t": translator(language), "lang": language, "user": principal, "path": request.url.path,
                 **context},
    )


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths, so the login form cannot redirect elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    return target if not urlparse(target).netloc else None


def home_path(principal: Principal) -> str:
    district = next((g.district_code for g in principal.grants if g.district_code), None)
    return f"/districts/{district}" if district else "/"


@get("/", opt={"public": True}, include_in_schema=False)
async def overview(request: Request, principal: Principal) -> Template:
    ctx: AppContext = request.app.state.ctx
    cities: dict[str, dict] = {}
    for code, d in ctx.districts.items():
        city = cities.setdefault(d.city_code, {"name": d.city_name, "code": d.city_code, "districts": []})
        city["districts"].append(await district_view(ctx, code))
    for city in cities.values():
        city["population"] = sum(d.population for d in city["districts"])
    return render(request, "overview.html", principal, cities=list(cities.values()))


LOGIN_CSRF_COOKIE = "sanshe_login_csrf"


def _login_form(request: Request, principal: Principal, *, status_code: int = 200, error: str | None = None,
                next_path: str | None = None, fresh: bool = False) -> Template:
    """The login page with a double-submit token: the same random value in a cookie and a
    hidden field. Before login there is no session to hold a CSRF token, and a cross-site
    form can send the field but can neither read nor set our cookie."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) if not fresh else None
    token = token if token and len(token) == 43 else new_token()
    page = render(request, "login.html", principal, status_code=status_code, error=error,
                  next=_safe_next(next_path) or "", csrf=token)
    page.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login",
                    secure=request.url.scheme == "https")
    return page


@get("/login", opt={"public": True}, include_in_schema=False)
async def login_page(request: Request, principal: Principal, next: str | None = None) -> Template:
    return _login_form(request, principal, next_path=next)


@post("/login", opt={"public": True}, include_in_schema=False)
async def login_submit(
    request: Request,
    principal: Principal,
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response:
    ctx: AppContext = request.app.state.ctx
    cookie_token, form_token = request.cookies.get(LOGIN_CSRF_COOKIE, ""), data.get("_csrf", "")
    if not cookie_token or not secrets.compare_digest(cookie_token.encode(), form_token.encode()):
        return _login_form(request, principal, status_code=403, error="页面已过期，请重新登录",  # type: ignore[return-value]
                           next_path=data.get("next"), fresh=True)
    address = login_guard.client_address(request, ctx.settings)
    try:
        user, cookie, _ = await identity.login(ctx, data.get("username", ""), data.get("password", ""), address)
    except ApiError as exc:
        page = _login_form(request, principal, status_code=exc.status_code, error=exc.detail,
                           next_path=data.get("next"))
        for name, value in (exc.headers or {}).items():
            page.headers[name] = value
        return page  # type: ignore[return-value]
    from core.auth import principal_for_user

    target = _safe_next(data.get("next")) or home_path(await principal_for_user(ctx, user))
    return Redirect(path=target, status_code=303, cookies=[session_cookie(request, cookie, None)])


@post("/logout", opt={"authenticated": True}, include_in_schema=False)
async def logout_submit(request: Request, principal: Principal) -> Redirect:
    if principal.session_id is not None:
        await identity.logout(principal.session_id, principal.username)
    return Redirect(path="/", status_code=303, cookies=[session_cookie(request, "", 0)])


@get("/lang/{language:str}", opt={"public": True}, include_in_schema=False)
async def switch_language(request: Request, language: str) -> Redirect:
    if language not in LANGUAGES:
        raise ApiError(404, "不支持的语言", "unknown_language")
    back = _safe_next(request.headers.get("referer", "").partition(request.url.netloc)[2]) or "/"
    response = Redirect(path=back, status_code=303)
    response.set_cookie(COOKIE, language, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response


@get("/districts/{code:str}", opt={"public": True}, include_in_schema=False)
async def district_home(request: Request, code: str, principal: Principal) -> Template:
    ctx: AppContext = request.app.state.ctx
    enabled = await enabled_modules(ctx, code)
    nav = [n for n in ctx.contributions.nav_items
           if n.module in enabled and (n.permission is None or principal.can(n.permission, code))]
    widgets = []
    for widget in ctx.contributions.widgets:
        if widget.module in enabled:
            value = widget.value(code)
            widgets.append((widget, await value if hasattr(value, "__await__") else value))
    return render(
        request, "district.html", principal,
        district=ctx.districts[code], enabled=enabled, modules=ctx.contributions.modules,
        nav=nav, widgets=widgets, can_manage=principal.can("district.modules.manage", code),
    )


ROUTES = [overview, login_page, login_submit, logout_submit, switch_language, district_home]
