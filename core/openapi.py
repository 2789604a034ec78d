"""The OpenAPI document tells the truth about the API.

- Every operation documents the error answers it really gives, each with the one error body
  (`ErrorBody`: `{detail, code, errors[]}`), derived from what the handler declares: its access
  (`opt`: public / authenticated / permission → 401, 403), a district or module in its path or
  path parameters (→ 404), query parameters (→ 400), a request body (→ 400 malformed JSON, 413,
  422), every write by a user (→ 409: writes are conditional — a state machine's move, a unique
  code, a record others still refer to — so any of them can meet a conflicting state), plus what
  only the handler knows, named in `opt["errors"]` (e.g. `(401, 429)` for the throttled login).
- Every operation may answer 503 `database_unavailable` (with Retry-After) while the database is
  down or restarting: the global guard reads the caller's session or token from it on every
  request, static files and the schema included (`core.handlers`, `core.db.unavailable`).
- A file download names its media types in `opt["downloads"]`; each is documented as a binary
  body (JSON as an array of records). A JSON answer that can also stream (`format=ndjson`) names
  the streamed media types in `opt["streams"]`; they are documented beside the JSON.
- Security schemes: the session cookie (+ the CSRF header on writes) and bearer API tokens.
- Swagger UI 5 is served from the `swagger-ui-py` package (no CDN: it works on an intranet),
  with its start script in a file, not inline.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar, Request, Router
from litestar.constants import RESERVED_KWARGS, SKIP_VALIDATION_NAMES
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.openapi.spec import Components, OpenAPIMediaType, OpenAPIResponse, Schema, SecurityScheme
from litestar.routes import HTTPRoute

SWAGGER_ASSETS = "/static/swagger-ui"


class FieldError(msgspec.Struct):
    field: str
    message: str


class ErrorBody(msgspec.Struct):
    """Every error answer of the API: a Chinese `detail` for people, a stable machine `code`,
    and field-level `errors` (empty when the error is not about a field)."""

    detail: str
    code: str
    errors: list[FieldError]


WHY = {
    400: "请求参数格式错误（Bad request: a parameter or the JSON body cannot be read）",
    401: "未登录（Not authenticated）",
    403: "没有权限，或缺少 CSRF 令牌（Forbidden, or the session's CSRF header is missing）",
    404: "区县、模块（未启用）或记录不存在（District, module (not enabled) or record not found）",
    409: "当前状态不允许此操作，或与已有记录冲突（Conflict with the record's state or another record）",
    413: "请求内容过大（Body too large）",
    422: "提交的数据有误，errors 列出每个字段（Invalid data; `errors` names each field）",
    429: "尝试过于频繁，请稍后再试（Too many attempts）",
    503: "暂时无法提供，请稍后再试：数据库暂时不可用（code database_unavailable，见 Retry-After），或数据集暂时无法读取"
         "（Temporarily unavailable: the database is down or restarting — retry after Retry-After seconds — "
         "or a dataset cannot be read now）",
}

SECURITY_SCHEMES = {
    "bearerToken": SecurityScheme(type="http", scheme="bearer", description="API token `sst_…` (sanshe token create)"),
    "sessionCookie": SecurityScheme(type="apiKey", name="sanshe_session", security_scheme_in="cookie",
                                    description="Session cookie set by POST /api/auth/login"),
    "csrfHeader": SecurityScheme(type="apiKey", name="X-CSRF-Token", security_scheme_in="header",
                                 description="Required with the session cookie on writes (from the login answer)"),
}
READ_SECURITY = [{"bearerToken": []}, {"sessionCookie": []}]
WRITE_SECURITY = [{"bearerToken": []}, {"sessionCookie": [], "csrfHeader": []}]
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def documented_errors(handler: HTTPRouteHandler, path_parameters: set[str]) -> set[int]:
    """The error statuses a handler can answer, from what it declares."""
    opt = handler.opt
    statuses: set[int] = set(opt.get("errors", ())) | {503}  # the database may be down (module docstring)
    if not opt.get("public"):
        statuses |= {401, 403}
        if set(handler.http_methods) & WRITES:
            statuses.add(409)
    if path_parameters or opt.get("module"):
        statuses |= {400, 404}
    fields = handler.parsed_fn_signature.parameters
    injected = RESERVED_KWARGS | SKIP_VALIDATION_NAMES | set(handler.resolve_dependencies())
    if any(name not in path_parameters and name not in injected for name in fields):
        statuses.add(400)  # a query parameter that cannot be read
    if "data" in fields:
        statuses |= {400, 413, 422}
    return statuses


def document(app: Litestar) -> None:
    """Add the error answers and the security requirements to every operation (before the
    document is first built: it is built lazily, on the first request for it)."""
    error_spec = {status: ResponseSpec(data_container=ErrorBody, description=WHY[status], generate_examples=False)
                  for status in WHY}
    # The schema router's own fallback (`/schema/{path}`, Litestar's 404 page) is not an API.
    app.plugins.get("OpenAPIPlugin").included_routes.pop("/schema/{path:str}", None)
    downloads: dict[tuple[str, ...], tuple[str, ...]] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.include_in_schema:
                continue
            statuses = documented_errors(handler, set(route.path_parameters))
            handler.responses = {**{s: error_spec[s] for s in sorted(statuses)}, **(handler.responses or {})}
            if not handler.opt.get("public"):
                handler.security = WRITE_SECURITY if set(handler.http_methods) & WRITES else READ_SECURITY
            for key in ("downloads", "streams"):
                if handler.opt.get(key):
                    downloads[(key, route.path_format, *handler.http_methods)] = handler.opt[key]
    if downloads:
        _document_downloads(app, downloads)


def _document_downloads(app: Litestar, downloads: dict[tuple[str, ...], tuple[str, ...]]) -> None:
    """Replace a download's success content by its media types, or add a stream's beside the JSON
    (the document is built here, once, and kept: Litestar caches it)."""
    paths = app.openapi_schema.paths or {}
    for (key, path, *methods), media_types in downloads.items():
        for method in methods:
            operation = getattr(paths[path], method.lower())
            answer = operation.responses["200"]
            assert isinstance(answer, OpenAPIResponse)
            kept = (answer.content or {}) if key == "streams" else {}
            answer.content = {**kept, **{kind: OpenAPIMediaType(schema=_file_schema(kind)) for kind in media_types}}


def _file_schema(media_type: str) -> Schema:
    if media_type.startswith("application/json"):
        return Schema(type="array", items=Schema(type="object"), description="the records, one object each")
    if media_type == "application/x-ndjson":
        return Schema(type="string", description="one JSON document per line")
    return Schema(type="string", format="binary")


class OfflineSwagger(OpenAPIRenderPlugin):
    """Swagger UI from the installed swagger-ui-py package; no inline script, no CDN."""

    def __init__(self) -> None:
        super().__init__(path="/swagger")

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        base = SWAGGER_ASSETS
        return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Sanshe API · Swagger UI</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="{base}/favicon-32x32.png">
<link rel="stylesheet" href="{base}/swagger-ui.css"></head>
<body><div id="swagger-ui" data-url="/schema/openapi.json"></div>
<script src="{base}/swagger-ui-bundle.js"></script>
<script src="{base}/swagger-ui-standalone-preset.js"></script>
<script src="/static/swagger-start.js"></script>
</body></html>""".encode()


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Sanshe API",
        version="0.1.0",
        description="三社联动信息系统 API. Every error answers `ErrorBody`: `{detail, code, errors:[{field, message}]}`.",
        render_plugins=[OfflineSwagger()],
        openapi_router=Router(path="/schema", route_handlers=[], opt={"public": True}),
        components=Components(security_schemes=SECURITY_SCHEMES),
    )


def swagger_assets_dir() -> str:
    """The static folder of the `swagger-ui-py` package (Swagger UI 5, which reads OpenAPI 3.1),
    found without importing the package."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("swagger_ui")
    assert spec is not None and spec.submodule_search_locations, "swagger-ui-py is not installed"
    return str(Path(spec.submodule_search_locations[0]) / "static")
