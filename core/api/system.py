"""Health check."""

from __future__ import annotations

import os

import msgspec
from litestar import Request, Response, get
from litestar.openapi import ResponseSpec

from core import db
from core.search import search_status


class Health(msgspec.Struct):
    status: str
    database: dict
    search: dict
    plugins: list[str]
    worker_pid: int
    """The answering process: with `sanshe serve --workers N` it tells the workers apart."""


@get("/healthz", opt={"public": True}, tags=["system"], summary="Database and search backend status",
     responses={503: ResponseSpec(Health, description="数据库或搜索暂不可用（状态见各项）")})
async def healthz(request: Request) -> Response[Health]:
    ctx = request.app.state.ctx
    database = {"engine": "postgresql" if db.is_postgres() else "sqlite", "status": await db.ping()}
    search = search_status(ctx.settings)
    ok = database["status"] == "ok" and search["status"] == "ok"
    health = Health(status="ok" if ok else "degraded", database=database, search=search,
                    plugins=sorted(name for name, _ in ctx.pm.list_name_plugin()), worker_pid=os.getpid())
    return Response(health, status_code=200 if ok else 503)


ROUTES = [healthz]
