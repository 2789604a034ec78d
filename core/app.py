"""The Litestar application factory: everything routes through plugins' hooks,
core's own routes included (core.builtin is an essential plugin)."""

from __future__ import annotations

import logging
from pathlib import Path

from litestar import Litestar, Request
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from core import db, openapi, twofactor
from core.access import authorize
from core.auth import Principal, resolve_principal
from core.context import AppContext, build_context
from core.dates import beijing_time
from core.handlers import http_exception_handler, internal_error_handler
from core.plugins import call_async
from core.settings import Settings
from core.web.security import security_headers
from core.web.tones import tone
from core.search import get_backend
from search_index.base import SearchError
from core.indexer import OutboxWorker, ensure_indexes

WEB_DIR = Path(__file__).parent / "web"


async def provide_principal(request: Request) -> Principal:
    return await resolve_principal(request.app.state.ctx, request)


def create_app(settings: Settings | None = None, ctx: AppContext | None = None) -> Litestar:
    """Build the app from settings (or a prepared context)."""
    if ctx is None:
        assert settings is not None, "create_app needs settings or a context"
        ctx = build_context(settings)

    backend = get_backend(ctx.settings)
    worker = OutboxWorker(ctx.contributions, backend)

    async def on_startup(app: Litestar) -> None:
        await db.start_pool()
        try:
            await twofactor.reseal(ctx)  # plaintext or previous-key secrets, under the current key
        except Exception:  # noqa: BLE001 - the app still serves; the log names the cause
            logging.getLogger("sanshe.twofactor").exception("resealing two-factor secrets failed")
        try:
            await ensure_indexes(ctx.contributions, backend)
        except SearchError as exc:  # the app still serves; /healthz reports the search backend
            logging.getLogger("sanshe.search").error("search indexes not ready: %s", exc)
        worker.start()
        worker.kick()
        await call_async(ctx.pm.hook.startup, app=app)

    async def on_shutdown(app: Litestar) -> None:
        await call_async(ctx.pm.hook.shutdown, app=app)
        await worker.stop()
        await db.close_pool()

    template_dirs = [WEB_DIR / "templates", *ctx.contributions.template_dirs]
    app = Litestar(
        route_handlers=[
            *ctx.contributions.routes,
            create_static_files_router(path="/static", directories=[WEB_DIR / "static"], opt={"public": True}),
            create_static_files_router(path=openapi.SWAGGER_ASSETS, directories=[openapi.swagger_assets_dir()],
                                       opt={"public": True}, include_in_schema=False),
            *(create_static_files_router(path=f"/static/{name}", directories=[folder], opt={"public": True},
                                         include_in_schema=False, name=f"static-{name}")
              for name, folder in ctx.contributions.static_dirs),
        ],
        guards=[authorize],
        dependencies={"principal": Provide(provide_principal)},
        exception_handlers={HTTPException: http_exception_handler, Exception: internal_error_handler},
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        before_send=[security_headers(ctx.settings.trust_proxy)],
        template_config=TemplateConfig(directory=template_dirs, engine=JinjaTemplateEngine,
                                       engine_callback=_template_filters),
        openapi_config=openapi.openapi_config(),
        request_max_body_size=ctx.settings.max_body_bytes,
        state=State({"ctx": ctx, "search": backend, "indexer": worker}),
    )
    openapi.document(app)
    return app


def _template_filters(engine: JinjaTemplateEngine) -> None:
    """Filters every page may use: `beijing` shows a stored time as people read it, `tone` colours
    a state's tag by its meaning (core/web/tones.py)."""
    engine.engine.filters["beijing"] = beijing_time
    engine.engine.filters["tone"] = tone


def create_app_from_env() -> Litestar:
    """App factory for worker processes (`uvicorn --factory core.app:create_app_from_env`)."""
    from core.settings import load_settings

    return create_app(load_settings())
