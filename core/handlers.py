"""Exception handlers: the API answers the one error body of `core.errors`;
a browser asking for a page gets a login redirect (401) or an HTML error page
in its language (403/404/503). A database that cannot be used right now
(`core.db.unavailable`) answers 503 `database_unavailable` with Retry-After and
logs one warning line, not a traceback per request."""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from core import db
from core.auth import anonymous, resolve_principal
from core.errors import ApiError, database_unavailable, error_body, page_detail
from core.web.i18n import language_of, translator

log = logging.getLogger("sanshe.db")


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/opendata/", "/schema")) and "text/html" in request.headers.get(
        "accept", ""
    )


class _ErrorPage(Response[Any]):
    """An HTML error page in the visitor's language whose header still shows who is signed in.

    Exception handlers are synchronous, and a path no route matches never ran the guard that
    resolves the principal; so the principal is resolved (or taken from the request, where the
    guard already did) when the page is sent, which is asynchronous."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None, specific: bool) -> None:
        super().__init__(content=b"", status_code=status, headers=headers)
        self.detail, self.specific = detail, specific

    def to_asgi_response(self, app: Any, request: Request, **kwargs: Any) -> Any:  # type: ignore[override]
        async def send_page(scope: Any, receive: Any, send: Any) -> None:
            ctx = request.app.state.ctx
            principal = request.scope.get("sanshe_principal")
            if principal is None:
                try:
                    principal = await resolve_principal(ctx, request)
                except Exception:  # noqa: BLE001 - the database may be why this page shows: show it signed out
                    principal = anonymous(ctx)
            language = language_of(request)
            page = Template("error.html", status_code=self.status_code, headers=dict(self.headers), context={
                "t": translator(language), "lang": language, "user": principal, "status": self.status_code,
                "detail": self.detail, "specific": self.specific, "path": request.url.path})
            await page.to_asgi_response(app, request, **kwargs)(scope, receive, send)

        return send_page


def _error_page(request: Request, exc: HTTPException) -> Response[Any]:
    """The page for a 400/403/404/422/503; `specific` when the error says more than its status (an ApiError's detail)."""
    return _ErrorPage(exc.status_code, page_detail(exc), exc.headers, isinstance(exc, ApiError))


def http_exception_handler(request: Request, exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status == 401 and _wants_html(request):
        return Redirect(path=f"/login?next={request.url.path}")
    if status == 403 and getattr(exc, "code", "") == "two_factor_enrolment_required" and _wants_html(request):
        return Redirect(path="/account/security")  # an admin who must enrol first (core.twofactor)
    if status in (400, 403, 404, 422, 503) and _wants_html(request):  # a page's bad address reads as a page too
        return _error_page(request, exc)
    return Response(content=error_body(exc), status_code=status, media_type=MediaType.JSON, headers=exc.headers)


def _out_of_range(exc: BaseException) -> bool:
    """SQLite's OverflowError or PostgreSQL's (asyncpg) out-of-range data error, however wrapped."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OverflowError) or (type(seen).__module__.startswith("asyncpg") and (
                "out of range" in str(seen) or type(seen).__name__ == "NumericValueOutOfRangeError")):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def internal_error_handler(request: Request, exc: Exception) -> Response[Any]:
    if db.unavailable(exc):  # an outage, not a bug: one line per request, and the client may retry
        log.warning("database unavailable: %s %s: %s: %s", request.method, request.url.path,
                    type(exc).__name__, str(exc).splitlines()[0][:200] if str(exc) else "")
        return http_exception_handler(request, database_unavailable(db.RETRY_AFTER))
    if isinstance(exc, RecursionError):  # e.g. 100,000 nested "[" in a JSON body: the input's fault, not ours
        body = {"detail": "请求格式错误：嵌套层次过深", "code": "invalid_json",
                "errors": [{"field": "body", "message": "JSON 嵌套层次过深"}]}
        return Response(content=body, status_code=400, media_type=MediaType.JSON)
    if _out_of_range(exc):  # a number the database cannot hold; the transaction rolled back, nothing was written
        body = {"detail": "数值超出范围", "code": "out_of_range", "errors": []}
        return Response(content=body, status_code=400, media_type=MediaType.JSON)
    request.logger.exception("unhandled error", exc_info=exc)
    body = {"detail": "服务器内部错误", "code": "internal_error", "errors": []}
    return Response(content=body, status_code=HTTP_500_INTERNAL_SERVER_ERROR, media_type=MediaType.JSON)
