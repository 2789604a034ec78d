"""Incubation intake: the API (bases, applications, screening with eligibility, panel
scores, the decision) and the pages (the incubation home with bases and the pipeline,
the application form with the applicant's own applications)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, get, patch, post
from litestar.params import QueryParameter
from litestar.response import Template

from core.auth import Principal
from core.context import AppContext
from core.modules import module_settings
from core.glossary import INCUBATEE_TYPES, SERVICE_FIELDS
from core.tables import Community, Organization
from core.views import view, views
from plugins.incubation import MODULE, intake, states
from plugins.incubation import schemas as s
from plugins.incubation.glossary import SERVICES

BASE = "/api/districts/{code:str}/incubation"
PAGE = "/districts/{code:str}/incubation"
READ = {"module": MODULE, "permission": "incubation.read"}
MANAGE = {"module": MODULE, "permission": "incubation.manage"}
REVIEW = {"module": MODULE, "permission": "incubation.review"}
APPLY = {"module": MODULE, "permission": "incubation.apply"}
ANY_USER = {"module": MODULE, "authenticated": True}  # the service checks incubation.apply or .manage
TAGS = ["incubation"]
SERVICES_EN = {"space": "Space (desks, meeting rooms)", "training": "Training", "mentoring": "Mentoring",
               "registration": "Registration help", "seed_funding": "Seed funding"}


Stage = Literal[tuple(states.STAGES)]  # type: ignore[valid-type]  # a bad stage is a bad parameter: 400


def _ctx(request: Request) -> AppContext:
    return request.app.state.ctx


class ScreenIn(msgspec.Struct, forbid_unknown_fields=True):
    passed: bool
    reason: str = ""  # required when not passed


class ScoreIn(msgspec.Struct, forbid_unknown_fields=True):
    score: float  # 0–100
    comment: str = ""


class DecideIn(msgspec.Struct, forbid_unknown_fields=True):
    accept: bool
    reason: str = ""  # required when not accepted


def _manager(principal: Principal, code: str) -> bool:
    return principal.can("incubation.manage", code)


# -- API: bases -----------------------------------------------------------------------------------


@get(BASE + "/bases", opt=READ, tags=TAGS, summary="Incubation bases of the district with capacity and occupancy")
async def list_bases(code: str) -> list[s.IncubationBase]:
    return views(await intake.list_bases(code), s.IncubationBase)


@post(BASE + "/bases", opt=MANAGE, tags=TAGS, summary="Add an incubation base")
async def create_base(code: str, data: intake.BaseIn, principal: Principal) -> s.IncubationBase:
    return view(await intake.create_base(code, principal.username, data), s.IncubationBase)


@patch(BASE + "/bases/{base_id:int}", opt=MANAGE, tags=TAGS,
       summary="Change a base (capacity never below the number incubating there)")
async def update_base(code: str, base_id: int, data: intake.BasePatch, principal: Principal
                      ) -> s.IncubationBase:
    return view(await intake.update_base(code, base_id, principal.username, data), s.IncubationBase)


# -- API: applications ----------------------------------------------------------------------------


@post(BASE + "/applications", opt=ANY_USER, tags=TAGS,
      summary="Apply to a base (residents: a founding team; organisation staff: their organisation; "
              "managers: on someone's behalf)")
async def apply(request: Request, code: str, data: intake.ApplicationIn, principal: Principal
                ) -> s.IncubateeApplied:
    return view(await intake.apply(_ctx(request), code, principal, data), s.IncubateeApplied)


@get(BASE + "/applications", opt=READ, tags=TAGS, summary="The district's incubatees, newest first")
async def list_applications(
    code: str, principal: Principal,
    stage: Annotated[Stage | None, QueryParameter(name="stage")] = None,
    base_id: Annotated[int | None, QueryParameter(name="base")] = None,
) -> list[s.IncubateeListed]:
    return views(await intake.list_incubatees(code, principal, stage, base_id), s.IncubateeListed)


@get(BASE + "/applications/mine", opt=APPLY, tags=TAGS,
     summary="Applications you made, and those of organisations you are staff of")
async def my_applications(code: str, principal: Principal) -> list[s.IncubateeListed]:
    return views(await intake.mine(code, principal), s.IncubateeListed)


@post(BASE + "/incubatees/{incubatee_id:int}/screen", opt=MANAGE, tags=TAGS, status_code=200,
      summary="初审: pass (applied → screened, every entry condition met) or reject with a reason")
async def screen(request: Request, code: str, incubatee_id: int, data: ScreenIn, principal: Principal
                 ) -> s.IncubateeView:
    return view(await intake.screen(_ctx(request), code, incubatee_id, principal.username, data.passed,
                                    data.reason), s.IncubateeView)


@get(BASE + "/incubatees/{incubatee_id:int}/eligibility", opt=READ, tags=TAGS,
     summary="The entry conditions checked now, with reasons (and those stored at screening)")
async def eligibility(request: Request, code: str, incubatee_id: int) -> s.IncubationEligibility:
    return view(await intake.check_eligibility(_ctx(request), code, incubatee_id), s.IncubationEligibility)


@post(BASE + "/incubatees/{incubatee_id:int}/scores", opt=REVIEW, tags=TAGS, status_code=200,
      summary="评审: your score (0–100) of a screened application; scoring again replaces it")
async def add_score(code: str, incubatee_id: int, data: ScoreIn, principal: Principal
                    ) -> s.IncubationScoreGiven:
    return view(await intake.score(code, incubatee_id, principal.username, data.score, data.comment),
                s.IncubationScoreGiven)


@get(BASE + "/incubatees/{incubatee_id:int}/scores", opt=READ, tags=TAGS,
     summary="The review panel's scores, their mean and the district's thresholds")
async def list_scores(request: Request, code: str, incubatee_id: int) -> s.IncubationScores:
    return view(await intake.list_scores(_ctx(request), code, incubatee_id), s.IncubationScores)


@post(BASE + "/incubatees/{incubatee_id:int}/decide", opt=MANAGE, tags=TAGS, status_code=200,
      summary="Accept (enough scores, mean at the threshold) or reject with a reason")
async def decide(request: Request, code: str, incubatee_id: int, data: DecideIn, principal: Principal
                 ) -> s.IncubateeView:
    return view(await intake.decide(_ctx(request), code, incubatee_id, principal.username, data.accept,
                                    data.reason), s.IncubateeView)


# -- pages ----------------------------------------------------------------------------------------


def _field_suggestions() -> list[str]:
    return list(SERVICE_FIELDS)  # the shared vocabulary (core), not another plugin's list


async def _communities(code: str) -> list[dict[str, Any]]:
    rows = await Community.select(Community.code, Community.name, Community.kind, Community.parent_code).where(
        Community.district_code == code).order_by(Community.code)
    streets = {r["code"]: r["name"] for r in rows if r["kind"] == "street"}
    return [{"code": r["code"], "name": f"{streets.get(r['parent_code'] or '', '')} {r['name']}".strip()}
            for r in rows if r["kind"] != "street"]


def _page(request: Request, name: str, principal: Principal, code: str, **context: Any) -> Template:
    from core.web.pages import language_of, render

    return render(request, name, principal, district=_ctx(request).districts[code], labels=states.LABELS,
                  labels_en=states.LABELS_EN, services=SERVICES if language_of(request) == "zh-CN" else SERVICES_EN,
                  **context)


@get(PAGE, opt=READ, include_in_schema=False)
async def home_page(request: Request, code: str, principal: Principal) -> Template:
    rows = await intake.list_incubatees(code, principal)
    pipeline = {stage: [r for r in rows if r["stage"] == stage] for stage in states.STAGES}
    return _page(request, "incubation/home.html", principal, code, bases=await intake.list_bases(code),
                 pipeline=pipeline, settings=await module_settings(_ctx(request), code, MODULE),
                 communities=await _communities(code), can_manage=_manager(principal, code),
                 can_review=principal.can("incubation.review", code),
                 can_apply=intake.may_apply(principal, code))


@get(PAGE + "/apply", opt=ANY_USER, include_in_schema=False)
async def apply_page(request: Request, code: str, principal: Principal) -> Template:
    if not intake.may_apply(principal, code):
        raise intake.refuse_non_applicant()
    if _manager(principal, code):
        organizations = await Organization.select(Organization.id, Organization.name).where(
            Organization.district_code == code).order_by(Organization.id)
    else:
        own = sorted(intake.own_organizations(principal, code))
        organizations = await Organization.select(Organization.id, Organization.name).where(
            (Organization.district_code == code) & Organization.id.is_in(own or [0])).order_by(Organization.id)
    return _page(request, "incubation/apply.html", principal, code,
                 bases=await intake.list_bases(code, active_only=True), mine=await intake.mine(code, principal), organizations=organizations,
                 communities=await _communities(code), field_suggestions=_field_suggestions(),
                 incubatee_types=INCUBATEE_TYPES,
                 settings=await module_settings(_ctx(request), code, MODULE), can_manage=_manager(principal, code))


ROUTES = [list_bases, create_base, update_base, apply, list_applications, my_applications, screen, eligibility,
          add_score, list_scores, decide, home_page, apply_page]
