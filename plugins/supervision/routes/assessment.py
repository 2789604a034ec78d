"""Agency assessment (社会组织评估): the API under /api/districts/{code}/supervision/ —
indicator systems (schemes), scoring, an organisation's assessments and grade history,
the district's grades — and the assessment page. The rules are in
plugins.supervision.assessment; access is declared in each handler's opt (a district
admin configures, a supervisor or assessor scores, both and the district's readers read)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post, put
from litestar.params import Parameter
from litestar.response import Template

from core.auth import Principal
from core.modules import module_settings
from core.web.pages import render
from core.paging import PageNo
from plugins.supervision import MODULE
from plugins.supervision import assessment as service

BASE = "/api/districts/{code:str}/supervision"
PAGE = "/districts/{code:str}/supervision/assessment"
READ = {"module": MODULE, "permission": "supervision.read"}
CONFIGURE = {"module": MODULE, "permission": "supervision.assessment.configure"}
SCORE = {"module": MODULE, "permission": "supervision.assessment.score"}
TAGS = ["supervision"]

GroupName = Annotated[str, msgspec.Meta(max_length=100)]
Name = Annotated[str, msgspec.Meta(max_length=200)]
PerPage = Annotated[int, Parameter(ge=1, le=500)]


class BandIn(msgspec.Struct, forbid_unknown_fields=True):
    grade: str
    """1A, 2A, 3A, 4A or 5A."""
    min: float
    """The lowest total that earns this grade."""


class IndicatorIn(msgspec.Struct, forbid_unknown_fields=True):
    group_name: GroupName
    name: Name
    weight: float
    """Points this indicator is worth; the weights add up to the scheme's scale."""
    min_score: float = 0.0
    max_score: float = 10.0


class SchemeIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    bands: Annotated[list[BandIn], msgspec.Meta(max_length=10)]
    indicators: Annotated[list[IndicatorIn], msgspec.Meta(max_length=200)]
    scale: int = service.DEFAULT_SCALE
    active: bool | None = None
    """True activates it (deactivating the others); omitted: active if the district has none."""


class SchemeUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Fields to change; `indicators` replaces them all. Only `name` once the scheme is in use."""

    name: Name | None = None
    scale: int | None = None
    bands: Annotated[list[BandIn], msgspec.Meta(max_length=10)] | None = None
    indicators: Annotated[list[IndicatorIn], msgspec.Meta(max_length=200)] | None = None


class AssessmentIn(msgspec.Struct, forbid_unknown_fields=True):
    organization_id: int
    scores: dict[str, float]
    """{indicator id: score} for every indicator of the scheme."""
    scheme_id: int | None = None
    """Omitted: the district's active scheme."""
    assessed_on: dt.date | None = None
    """Omitted: today."""
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


def _plain(struct: msgspec.Struct | list | None) -> Any:
    return msgspec.to_builtins(struct)


def _changes(data: SchemeUpdate) -> dict[str, Any]:
    return {field: _plain(getattr(data, field)) for field in data.__struct_fields__
            if getattr(data, field) is not None}


async def _settings(request: Request, code: str) -> dict[str, Any]:
    return await module_settings(request.app.state.ctx, code, MODULE)


async def _valid_years(request: Request, code: str) -> int:
    return (await _settings(request, code))["grade_valid_years"]


# -- schemes -------------------------------------------------------------------------------------


@get(BASE + "/schemes", opt=READ, tags=TAGS, summary="The district's assessment indicator systems, newest first")
async def list_schemes(code: str) -> list[dict[str, Any]]:
    return await service.list_schemes(code)


@post(BASE + "/schemes", opt=CONFIGURE, tags=TAGS,
      summary="Create an indicator system: grouped indicators whose weights add up to the scale, and grade bands")
async def create_scheme(code: str, data: SchemeIn, principal: Principal) -> dict[str, Any]:
    return await service.create_scheme(code, principal.username, name=data.name, scale=data.scale,
                                       bands=_plain(data.bands), indicators=_plain(data.indicators),
                                       active=data.active)


@get(BASE + "/schemes/{scheme_id:int}", opt=READ, tags=TAGS, summary="An indicator system with its indicators")
async def get_scheme(code: str, scheme_id: int) -> dict[str, Any]:
    return await service.get_scheme(code, scheme_id)


@put(BASE + "/schemes/{scheme_id:int}", opt=CONFIGURE, tags=TAGS,
     summary="Change an indicator system (409 for anything but its name once an assessment uses it)")
async def update_scheme(code: str, scheme_id: int, data: SchemeUpdate, principal: Principal) -> dict[str, Any]:
    return await service.update_scheme(code, principal.username, scheme_id, _changes(data))


@post(BASE + "/schemes/{scheme_id:int}/activate", opt=CONFIGURE, tags=TAGS, status_code=200,
      summary="Make this the district's active indicator system (the others are deactivated)")
async def activate_scheme(code: str, scheme_id: int, principal: Principal) -> dict[str, Any]:
    return await service.activate_scheme(code, principal.username, scheme_id)


# -- assessments ---------------------------------------------------------------------------------


@post(BASE + "/assessments", opt=SCORE, tags=TAGS,
      summary="Score a registered organisation (registered long enough, on no credit list); the grade is "
              "written back to the registry with its history")
async def create_assessment(request: Request, code: str, data: AssessmentIn, principal: Principal) -> dict[str, Any]:
    settings = await _settings(request, code)
    return await service.score_organization(
        code, principal.username, organization_id=data.organization_id, scores=data.scores,
        scheme_id=data.scheme_id, assessed_on=data.assessed_on, note=data.note,
        valid_years=settings["grade_valid_years"], min_registered_years=settings["min_registered_years"])


@get(BASE + "/organizations/{org_id:int}/assessments", opt=READ, tags=TAGS,
     summary="An organisation's assessments and grade history, newest first")
async def organization_assessments(code: str, org_id: int) -> dict[str, Any]:
    return await service.organization_assessments(code, org_id)


@get(BASE + "/grades", opt=READ, tags=TAGS,
     summary="The district's organisations with their grade, valid-until and latest assessment")
async def district_grades(code: str, page: PageNo = 1, per_page: PerPage = 100) -> dict[str, Any]:
    return await service.district_grades(code, page, per_page)


# -- page ----------------------------------------------------------------------------------------


@get(PAGE, opt=READ, include_in_schema=False)
async def assessment_page(request: Request, code: str, principal: Principal, page: PageNo = 1) -> Template:
    """The active scheme as a grouped table, the organisations with grade and valid-until,
    and (for scorers) a scoring form that posts JSON and shows the total and grade."""
    ctx = request.app.state.ctx
    can_configure = principal.can("supervision.assessment.configure", code)
    grades = await service.district_grades(code, page, 100)
    return render(request, "supervision/assessment.html", principal, district=ctx.districts[code],
                  scheme=await service.active_scheme(code), grades=grades,
                  pages=max(1, -(-grades["total"] // 100)), today=dt.date.today(),
                  schemes=await service.list_schemes(code) if can_configure else [],
                  valid_years=await _valid_years(request, code), can_configure=can_configure,
                  can_score=principal.can("supervision.assessment.score", code))


ROUTES = [list_schemes, create_scheme, get_scheme, update_scheme, activate_scheme, create_assessment,
          organization_assessments, district_grades, assessment_page]
