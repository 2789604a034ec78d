"""Exception handlers: the API answers the one error body of `core.errors`;
a browser asking for a page gets a login redirect (401) or an HTML error page
in its language (403/404)."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from core.auth import anonymous
from core.errors import error_body, page_detail
from core.web.i18n import language_of, translator


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/opendata/", "/schema")) and "text/html" in request.headers.get(
        "accept", ""
    )


def _error_page(request: Request, status: int, detail: str) -> Response[Any]:
    principal = request.scope.get("sanshe_principal") or anonymous(request.app.state.ctx)
    language = language_of(request)
    return Template("error.html", status_code=status, context={
        "t": translator(language), "lang": language, "user": principal, "status": status, "detail": detail})


def http_exception_handler(request: Request, exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status == 401 and _wants_html(request):
        return Redirect(path=f"/login?next={request.url.path}")
    if status in (403, 404) and _wants_html(request):
        return _error_page(request, status, page_detail(exc))
    return Response(content=error_body(exc), status_code=status, media_type=MediaType.JSON, headers=exc.headers)


def internal_error_handler(request: Request, exc: Exception) -> Response[Any]:
    request.logger.exception("unhandled error", exc_info=exc)
    body = {"detail": "服务器内部错误", "code": "internal_error", "errors": []}
    return Response(content=body, status_code=HTTP_500_INTERNAL_SERVER_ERROR, media_type=MediaType.JSON)
