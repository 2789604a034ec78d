"""The web shell: server-rendered pages (zh-CN by default, English on request).

Pages: the city overview, log in (password, then a two-factor code where enrolled) / log out,
the account security page (two-factor enrolment, recovery codes, disabling), a district home
listing its enabled modules (with module switches for its admin), and the language switch.
"""

from __future__ import annotations

import secrets
from datetime import timedelta, timezone
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlparse

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from core import identity, login_guard, twofactor
from core.api.auth import pending_cookie, session_cookie
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
    return principal.home_path


SERVICE_SEARCH = "/services"


async def _service_search_offered(ctx: AppContext) -> bool:
    """Does some district enable a module whose navigation offers the public service search?
    (Core names no plugin: the search page is whatever module links `/services`.)"""
    modules = {n.module for n in ctx.contributions.nav_items if n.path.split("?")[0] == SERVICE_SEARCH}
    for code in ctx.districts:
        if modules & set(await enabled_modules(ctx, code)):
            return True
    return False


@get("/", opt={"public": True}, include_in_schema=False)
async def overview(request: Request, principal: Principal) -> Template:
    """The public service portal: search for a service first, the service fields as entry tiles,
    then the cities and their districts."""
    from core.glossary import SERVICE_FIELDS

    ctx: AppContext = request.app.state.ctx
    cities: dict[str, dict] = {}
    for code, d in ctx.districts.items():
        city = cities.setdefault(d.city_code, {"name": d.city_name, "code": d.city_code, "districts": []})
        city["districts"].append(await district_view(ctx, code))
    for city in cities.values():
        city["population"] = sum(d.population for d in city["districts"])
    search = await _service_search_offered(ctx)
    return render(request, "overview.html", principal, cities=list(cities.values()), search=search,
                  fields=SERVICE_FIELDS if search else {})


LOGIN_CSRF_COOKIE = "sanshe_login_csrf"
BEIJING = timezone(timedelta(hours=8), "北京时间")


def _login_form(request: Request, principal: Principal, *, status_code: int = 200, error: str | None = None,
                next_path: str | None = None, fresh: bool = False, username: str = "") -> Template:
    """The login page with a double-submit token: the same random value in a cookie and a
    hidden field. Before login there is no session to hold a CSRF token, and a cross-site
    form can send the field but can neither read nor set our cookie."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) if not fresh else None
    token = token if token and len(token) == 43 else new_token()
    page = render(request, "login.html", principal, status_code=status_code, error=error,
                  next=_safe_next(next_path) or "", csrf=token, username=username[:64])
    page.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login",
                    secure=request.url.scheme == "https")
    return page


@get("/login", opt={"public": True}, include_in_schema=False)
async def login_page(request: Request, principal: Principal, next: str | None = None) -> Template:
    return _login_form(request, principal, next_path=next)


def _login_csrf_ok(request: Request, data: dict[str, str]) -> bool:
    cookie_token, form_token = request.cookies.get(LOGIN_CSRF_COOKIE, ""), data.get("_csrf", "")
    return bool(cookie_token) and secrets.compare_digest(cookie_token.encode(), form_token.encode())


def _with_headers(page: Template, exc: ApiError) -> Template:
    for name, value in (exc.headers or {}).items():
        page.headers[name] = value
    return page


async def _logged_in(request: Request, step: twofactor.LoginStep, next_path: str | None) -> Redirect:
    """Where a completed login goes: enrolment first when the policy requires it, else `next` or home."""
    from core.auth import principal_for_user

    ctx: AppContext = request.app.state.ctx
    if step.next_step == "enrol_two_factor":
        target = "/account/security"
    else:
        target = _safe_next(next_path) or home_path(await principal_for_user(ctx, step.user))
    return Redirect(path=target, status_code=303, cookies=[session_cookie(request, step.cookie or "", None),
                                                           pending_cookie(request, "", 0)])


@post("/login", opt={"public": True}, include_in_schema=False)
async def login_submit(
    request: Request,
    principal: Principal,
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response:
    ctx: AppContext = request.app.state.ctx
    if not _login_csrf_ok(request, data):
        return _login_form(request, principal, status_code=403, error="页面已过期，请重新登录",  # type: ignore[return-value]
                           next_path=data.get("next"), fresh=True)
    address = login_guard.client_address(request, ctx.settings)
    try:
        step = await twofactor.password_login(ctx, data.get("username", ""), data.get("password", ""), address)
    except ApiError as exc:
        return _with_headers(_login_form(request, principal, status_code=exc.status_code,  # type: ignore[return-value]
                                         error=exc.detail, next_path=data.get("next"),
                                         username=data.get("username", "")), exc)
    if step.pending:
        target = "/login/code" + (f"?next={quote(n)}" if (n := _safe_next(data.get("next"))) else "")
        return Redirect(path=target, status_code=303,
                        cookies=[pending_cookie(request, step.pending, twofactor.PENDING_SECONDS)])
    return await _logged_in(request, step, data.get("next"))


def _code_form(request: Request, principal: Principal, *, recovery: bool, next_path: str | None,
               status_code: int = 200, error: str | None = None) -> Template:
    """The login's second step: a TOTP code, or (`recovery`) a recovery code."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    page = render(request, "login_code.html", principal, status_code=status_code, error=error, recovery=recovery,
                  next=_safe_next(next_path) or "", csrf=token if len(token) == 43 else new_token())
    if len(token) != 43:
        page.set_cookie(LOGIN_CSRF_COOKIE, page.context["csrf"], httponly=True, samesite="strict", path="/login",
                        secure=request.url.scheme == "https")
    return page


@get("/login/code", opt={"public": True}, include_in_schema=False)
async def login_code_page(request: Request, principal: Principal, next: str | None = None,
                          recovery: bool = False) -> Response:
    if twofactor.pending_user_id(request.app.state.ctx, request.cookies.get(twofactor.PENDING_COOKIE)) is None:
        return _login_form(request, principal, status_code=200, error="登录已过期，请重新输入用户名和密码",  # type: ignore[return-value]
                           next_path=next)
    return _code_form(request, principal, recovery=recovery, next_path=next)  # type: ignore[return-value]


@post("/login/code", opt={"public": True}, include_in_schema=False)
async def login_code_submit(
    request: Request,
    principal: Principal,
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response:
    ctx: AppContext = request.app.state.ctx
    recovery = data.get("recovery") == "1"
    if not _login_csrf_ok(request, data):
        return _login_form(request, principal, status_code=403, error="页面已过期，请重新登录",  # type: ignore[return-value]
                           next_path=data.get("next"), fresh=True)
    address = login_guard.client_address(request, ctx.settings)
    try:
        step = await twofactor.code_login(ctx, request.cookies.get(twofactor.PENDING_COOKIE), data.get("code", ""),
                                          address)
    except ApiError as exc:
        if exc.code == "two_factor_expired":
            page = _login_form(request, principal, status_code=401, error=exc.detail, next_path=data.get("next"))
        else:
            page = _code_form(request, principal, recovery=recovery, next_path=data.get("next"),
                              status_code=exc.status_code, error=exc.detail)
        return _with_headers(page, exc)  # type: ignore[return-value]
    return await _logged_in(request, step, data.get("next"))


@post("/logout", opt={"authenticated": True, "two_factor_setup": True}, include_in_schema=False)
async def logout_submit(request: Request, principal: Principal) -> Redirect:
    if principal.session_id is not None:
        await identity.logout(principal.session_id, principal.username)
    return Redirect(path="/", status_code=303, cookies=[session_cookie(request, "", 0)])


SETUP = {"authenticated": True, "two_factor_setup": True}
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


async def _security_page(request: Request, principal: Principal, *, status_code: int = 200, error: str | None = None,
                         notice: str | None = None, codes: list[str] | None = None) -> Template:
    """The account security page: two-factor state, enrolment (QR and key), recovery codes once, disabling."""
    ctx: AppContext = request.app.state.ctx
    state = await twofactor.status(ctx, principal.user_id)  # type: ignore[arg-type]
    enrolment = None
    if not codes and state["enrolment_started"] and state["eligible"]:
        secret = await twofactor.pending_secret(ctx, principal.user_id)  # type: ignore[arg-type]
        if secret:
            uri = twofactor.provisioning_uri(secret, principal.username)
            enrolment = {"secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
                         "qr": twofactor.qr_svg(uri)}
    if state["enrolled_at"]:
        when = state["enrolled_at"]
        state["enrolled_at"] = (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).astimezone(BEIJING)
    return render(request, "account_security.html", principal, status_code=status_code, state=state,
                  enrolment=enrolment, codes=codes, error=error, notice=notice,
                  must_enrol=principal.two_factor_missing)


@get("/account/security", opt=SETUP, include_in_schema=False)
async def account_security(request: Request, principal: Principal) -> Template:
    return await _security_page(request, principal)


@post("/account/security/enrol", opt=SETUP, include_in_schema=False)
async def account_enrol(request: Request, principal: Principal, data: Form) -> Response:
    try:
        await twofactor.start_enrolment(request.app.state.ctx, principal.user_id)  # type: ignore[arg-type]
    except ApiError as exc:
        return await _security_page(request, principal, status_code=exc.status_code, error=exc.detail)  # type: ignore[return-value]
    return Redirect(path="/account/security", status_code=303)


@post("/account/security/confirm", opt=SETUP, include_in_schema=False)
async def account_confirm(request: Request, principal: Principal, data: Form) -> Template:
    try:
        codes = await twofactor.confirm_enrolment(request.app.state.ctx, principal.user_id,  # type: ignore[arg-type]
                                                  principal.username, data.get("code", ""))
    except ApiError as exc:
        message = exc.errors[0]["message"] if exc.errors else exc.detail
        return await _security_page(request, principal, status_code=exc.status_code, error=message)
    return await _security_page(request, principal, codes=codes)


@post("/account/security/disable", opt={"authenticated": True}, include_in_schema=False)
async def account_disable(request: Request, principal: Principal, data: Form) -> Template:
    ctx: AppContext = request.app.state.ctx
    try:
        await twofactor.disable(ctx, principal.user_id, data.get("password", ""), data.get("code", ""),  # type: ignore[arg-type]
                                login_guard.client_address(request, ctx.settings))
    except ApiError as exc:
        return _with_headers(await _security_page(request, principal, status_code=exc.status_code, error=exc.detail),
                             exc)
    return await _security_page(request, principal, notice="tf_disabled_notice")


@get("/lang/{language:str}", opt={"public": True}, include_in_schema=False)
async def switch_language(request: Request, language: str) -> Redirect:
    if language not in LANGUAGES:
        raise ApiError(404, "不支持的语言", "unknown_language")
    back = _safe_next(request.headers.get("referer", "").partition(request.url.netloc)[2]) or "/"
    response = Redirect(path=back, status_code=303)
    response.set_cookie(COOKIE, language, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response


FAVICON = (Path(__file__).parent / "static" / "favicon.svg").read_bytes()  # read once, served from memory


@get("/favicon.ico", opt={"public": True}, include_in_schema=False)
async def favicon() -> Response[bytes]:
    """Browsers and crawlers ask for /favicon.ico whatever the page links; modern ones take SVG."""
    return Response(FAVICON, media_type="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})


@get("/districts/{code:str}", opt={"public": True}, include_in_schema=False)
async def district_home(request: Request, code: str, principal: Principal) -> Template:
    ctx: AppContext = request.app.state.ctx
    enabled = await enabled_modules(ctx, code)
    nav = [n for n in ctx.contributions.nav_items if "{city}" not in n.path
           and n.module in enabled and (n.permission is None or principal.can(n.permission, code))]
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


ROUTES = [favicon, overview, login_page, login_submit, login_code_page, login_code_submit, logout_submit, account_security,
          account_enrol, account_confirm, account_disable, switch_language, district_home]
