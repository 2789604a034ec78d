"""Shared bits of the talent routes."""

from __future__ import annotations

from typing import Annotated

from litestar import Request
from litestar.params import Parameter

from core.modules import module_settings
from core.paging import PageNo  # noqa: F401 - the talent routes import it from here

BASE = "/api/districts/{code:str}/talent"
MODULE = {"module": "talent"}
PerPage = Annotated[int, Parameter(ge=1, le=200)]


async def settings_for(request: Request, code: str) -> dict:
    return await module_settings(request.app.state.ctx, code, "talent")
