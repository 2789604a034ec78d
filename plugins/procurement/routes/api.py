"""The procurement staff API: the district's projects (list with filters, create), one
project (read, change while in planning) and its stage moves. Readers hold
procurement.read (district admin, supervisor, city and platform admin); writers hold
procurement.manage. The logic is in plugins.procurement.projects."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Request, get, patch, post
from litestar.params import Parameter, QueryParameter

from core.auth import Principal
from core.context import AppContext
from core.paging import PageNo
from core.views import view
from plugins.procurement import MODULE, needs, projects, states
from plugins.procurement import schemas as s

BASE = "/api/districts/{code:str}/procurement/projects"
ONE = BASE + "/{project_id:int}"
READ = {"module": MODULE, "permission": "procurement.read"}
MANAGE = {"module": MODULE, "permission": "procurement.manage"}
TAGS = ["procurement"]
Stage = Literal[tuple(states.STAGES)]  # type: ignore[valid-type]  # a bad stage is a bad parameter: 400
PerPage = Annotated[int, Parameter(ge=1, le=200)]


def _ctx(request: Request) -> AppContext:
    return request.app.state.ctx


class MoveIn(msgspec.Struct, forbid_unknown_fields=True):
    to: Annotated[str, msgspec.Meta(max_length=16, description="the stage to move to")]
    reason: Annotated[str, msgspec.Meta(max_length=5000)] = ""
    """Required for cancelled and unsuccessful."""
    bid_deadline: datetime | None = None
    """Moving to tender: the bid deadline (a time without a zone is Beijing time)."""


@get(BASE, opt=READ, tags=TAGS, summary="The district's purchase projects, newest first (filters: stage, field, q)")
async def list_projects(code: str, stage: Annotated[Stage | None, QueryParameter(name="stage")] = None,
                        field: Annotated[str | None, QueryParameter(name="field", max_length=50)] = None,
                        q: Annotated[str | None, QueryParameter(name="q", max_length=100)] = None,
                        page: PageNo = 1, per_page: PerPage = 50) -> s.ProcurementProjectPage:
    return view(await projects.listing(code, stage, field, q, page, per_page), s.ProcurementProjectPage)


@post(BASE, opt=MANAGE, tags=TAGS,
      summary="Create a project in planning (field in the guidance catalogue, a service not on the negative list, "
              "a reason for 单一来源 and for a long term)")
async def create_project(request: Request, code: str, data: projects.ProjectIn, principal: Principal
                         ) -> s.ProcurementProjectDetail:
    return view(await projects.create(_ctx(request), code, principal.username, data), s.ProcurementProjectDetail)


@get(ONE, opt=READ, tags=TAGS, summary="One project with its stage history")
async def get_project(code: str, project_id: int) -> s.ProcurementProjectDetail:
    return view(await projects.detail(code, project_id), s.ProcurementProjectDetail)


@patch(ONE, opt=MANAGE, tags=TAGS, summary="Change a project while it is in planning (409 later)")
async def update_project(request: Request, code: str, project_id: int, data: projects.ProjectPatch,
                         principal: Principal) -> s.ProcurementProjectDetail:
    return view(await projects.update(_ctx(request), code, project_id, principal.username, data),
                s.ProcurementProjectDetail)


@post(ONE + "/moves", opt=MANAGE, tags=TAGS, status_code=200,
      summary="Move a project to another stage along the allowed transitions (cancelled and unsuccessful need a "
              "reason); 409 when the move is not allowed or another move won")
async def move_project(request: Request, code: str, project_id: int, data: MoveIn, principal: Principal
                       ) -> s.ProcurementProjectDetail:
    return view(await projects.move(code, project_id, data.to, data.reason, principal.username, data.bid_deadline,
                                    ctx=_ctx(request)),
                s.ProcurementProjectDetail)


@get("/api/districts/{code:str}/procurement/needs", opt=MANAGE, tags=TAGS,
     summary="Residents' needs a new project may name as needs it answers (offered by the module collecting them "
             "through the offer_needs hook; `available` false where none is enabled), most supported first")
async def list_needs(request: Request, code: str,
                     field: Annotated[str | None, QueryParameter(max_length=50)] = None,
                     community: Annotated[str | None, QueryParameter(max_length=12)] = None) -> s.ProcurementNeeds:
    found = await needs.offered(_ctx(request), code, None, field or None, community or None)
    return view({"available": found is not None, "items": found or []}, s.ProcurementNeeds)


ROUTES = [list_projects, create_project, get_project, update_project, move_project, list_needs]
