"""Incubation routes, residency half: one incubatee's detail, move-in, milestones (submit,
sign off, send back), training attendance, progress reviews, extension, graduation, exit,
the dashboard numbers; and the pages (one incubatee with the actions the viewer may take,
the dashboard). The logic is in plugins.incubation.residency, .graduation and .stats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from litestar import Request, get, post
from litestar.response import Template

from core.auth import Principal
from core.context import AppContext
from core.glossary import INCUBATEE_TYPES, RESIDENCY_KINDS
from core.views import view, views
from plugins.incubation import MODULE, common, glossary, graduation, residency, states
from plugins.incubation import schemas as s
from plugins.incubation.stats import district_stats

BASE = "/api/districts/{code:str}/incubation"
PAGE = "/districts/{code:str}/incubation"
INCUBATEE = BASE + "/incubatees/{incubatee_id:int}"
MILESTONE = BASE + "/milestones/{milestone_id:int}"
READ = {"module": MODULE, "permission": "incubation.read"}
MANAGE = {"module": MODULE, "permission": "incubation.manage"}
MENTOR = {"module": MODULE, "permission": "incubation.mentor"}
ANY_USER = {"module": MODULE, "authenticated": True}
TAGS = ["incubation"]


def _ctx(request: Request) -> AppContext:
    return request.app.state.ctx


@dataclass
class MoveIn:
    mentor: str
    """Username of a user holding incubation.mentor in the district."""
    residency: str = ""
    """入驻方式: on_site (实体入驻, takes a place of the base's capacity) | virtual (虚拟入驻, no space)."""
    space: str = ""
    moved_in_on: date | None = None
    """Default today; the planned end is this plus the district's period_months."""


@dataclass
class ReasonIn:
    reason: str


@dataclass
class GraduateIn:
    graduated_on: date | None = None


@dataclass
class ExitIn:
    reason: str
    exited_on: date | None = None


@dataclass
class EvidenceIn:
    evidence: str


@dataclass
class NoteIn:
    note: str = ""


@dataclass
class TrainingIn:
    day: date
    title: str
    hours: float
    attendees: int = 1


@dataclass
class ReviewIn:
    kind: str
    """定期 | 中期 | 期满"""
    day: date
    rating: str
    """良好 | 一般 | 较差"""
    summary: str


# -- API ----------------------------------------------------------------------------------------


@get(INCUBATEE, opt=ANY_USER, tags=TAGS,
     summary="One incubatee with its scores, milestones, trainings and reviews (readers and the applicant)")
async def get_incubatee(request: Request, code: str, incubatee_id: int, principal: Principal
                        ) -> s.IncubateeDetail:
    return view(await residency.detail(_ctx(request), code, incubatee_id, principal), s.IncubateeDetail)


def _moved(row: dict) -> s.IncubateeView:
    """A stage move's answer: the incubatee as staff see it (managers make these moves)."""
    return view(common.view(row, reveal_phone=True), s.IncubateeView)


@post(INCUBATEE + "/move-in", opt=MANAGE, tags=TAGS, status_code=200,
      summary="Move in (accepted → incubating) with a mentor, on site with a space (refused when the base is "
              "full) or virtual")
async def move_in(request: Request, code: str, incubatee_id: int, data: MoveIn, principal: Principal
                  ) -> s.IncubateeView:
    return _moved(await residency.move_in(_ctx(request), code, incubatee_id, principal.username, data.mentor,
                                          data.space, data.moved_in_on, data.residency))


@post(INCUBATEE + "/extend", opt=MANAGE, tags=TAGS, status_code=200,
      summary="Extend the period (延期) by extension_months, at most max_extensions times")
async def extend(request: Request, code: str, incubatee_id: int, data: ReasonIn, principal: Principal
                 ) -> s.IncubateeView:
    return _moved(await residency.extend(_ctx(request), code, incubatee_id, principal.username, data.reason))


@post(INCUBATEE + "/graduate", opt=MANAGE, tags=TAGS, status_code=200,
      summary="Graduate (出壳) when every required milestone is signed off, a 期满 review is recorded and the "
              "organisation is on no credit list; writes the registry")
async def graduate(request: Request, code: str, incubatee_id: int, data: GraduateIn, principal: Principal
                   ) -> s.IncubateeView:
    return _moved(await graduation.graduate(_ctx(request), code, incubatee_id, principal.username,
                                            data.graduated_on))


@post(INCUBATEE + "/exit", opt=MANAGE, tags=TAGS, status_code=200,
      summary="Exit without graduation (退驻) with a reason")
async def exit_incubation(code: str, incubatee_id: int, data: ExitIn, principal: Principal) -> s.IncubateeView:
    return _moved(await residency.exit(code, incubatee_id, principal.username, data.reason, data.exited_on))


@post(MILESTONE + "/submit", opt=ANY_USER, tags=TAGS, status_code=200,
      summary="Submit a milestone with evidence (the applicant or a manager)")
async def submit_milestone(code: str, milestone_id: int, data: EvidenceIn, principal: Principal
                           ) -> s.IncubationMilestone:
    return view(await residency.submit(code, milestone_id, principal, data.evidence), s.IncubationMilestone)


@post(MILESTONE + "/sign-off", opt=MENTOR, tags=TAGS, status_code=200,
      summary="Sign a submitted milestone off (the assigned mentor or a manager)")
async def sign_off_milestone(code: str, milestone_id: int, data: NoteIn, principal: Principal
                             ) -> s.IncubationMilestone:
    return view(await residency.sign_off(code, milestone_id, principal, data.note), s.IncubationMilestone)


@post(MILESTONE + "/send-back", opt=MENTOR, tags=TAGS, status_code=200,
      summary="Send a submitted milestone back with a note (the assigned mentor or a manager)")
async def send_back_milestone(code: str, milestone_id: int, data: NoteIn, principal: Principal
                              ) -> s.IncubationMilestone:
    return view(await residency.send_back(code, milestone_id, principal, data.note), s.IncubationMilestone)


@post(INCUBATEE + "/trainings", opt=MENTOR, tags=TAGS, summary="Record training attendance")
async def add_training(code: str, incubatee_id: int, data: TrainingIn, principal: Principal
                       ) -> s.IncubationTraining:
    return view(await residency.add_training(code, incubatee_id, principal, data.day, data.title, data.hours,
                                             data.attendees), s.IncubationTraining)


@get(INCUBATEE + "/trainings", opt=READ, tags=TAGS, summary="Training attended by an incubatee")
async def list_trainings(code: str, incubatee_id: int) -> list[s.IncubationTraining]:
    await residency.get_row(code, incubatee_id)
    return views(await residency.trainings_of(incubatee_id), s.IncubationTraining)


@post(INCUBATEE + "/reviews", opt=MENTOR, tags=TAGS, summary="Record a progress review (定期, 中期 or 期满)")
async def add_review(code: str, incubatee_id: int, data: ReviewIn, principal: Principal
                     ) -> s.IncubationReview:
    return view(await residency.add_review(code, incubatee_id, principal, data.kind, data.day, data.rating,
                                           data.summary), s.IncubationReview)


@get(INCUBATEE + "/reviews", opt=READ, tags=TAGS, summary="Progress reviews of an incubatee")
async def list_reviews(code: str, incubatee_id: int) -> list[s.IncubationReview]:
    await residency.get_row(code, incubatee_id)
    return views(await residency.reviews_of(incubatee_id), s.IncubationReview)


@get(BASE + "/stats", opt=READ, tags=TAGS,
     summary="Dashboard: incubatees per stage, time to graduation, milestone completion, occupancy")
async def dashboard(code: str) -> s.IncubationStats:
    return view(await district_stats(code), s.IncubationStats)


# -- pages --------------------------------------------------------------------------------------


@get(PAGE + "/incubatees/{incubatee_id:int}", opt=ANY_USER, include_in_schema=False)
async def incubatee_page(request: Request, code: str, incubatee_id: int, principal: Principal) -> Template:
    from core.web.pages import render

    ctx = _ctx(request)
    item = await residency.detail(ctx, code, incubatee_id, principal)
    can_manage = principal.can("incubation.manage", code)
    return render(request, "incubation/incubatee.html", principal, district=ctx.districts[code], item=item,
                  settings=await residency.settings_of(ctx, code), today=date.today(),
                  labels=states.LABELS, labels_en=states.LABELS_EN, milestone_kinds=glossary.MILESTONES,
                  review_kinds=glossary.REVIEW_KINDS, ratings=glossary.RATINGS, residency_kinds=RESIDENCY_KINDS,
                  incubatee_types=INCUBATEE_TYPES,
                  mentors=await residency.mentors(ctx, code) if can_manage and item["stage"] == "accepted" else [],
                  can_read=principal.can("incubation.read", code), can_manage=can_manage,
                  can_review=principal.can("incubation.review", code),
                  can_mentor=residency.may_mentor(principal, code, item),
                  can_submit=can_manage or residency.is_applicant(principal, item))


@get(PAGE + "/stats", opt=READ, include_in_schema=False)
async def stats_page(request: Request, code: str, principal: Principal) -> Template:
    from core.web.pages import render

    ctx = _ctx(request)
    return render(request, "incubation/stats.html", principal, district=ctx.districts[code],
                  stats=await district_stats(code))


ROUTES = [get_incubatee, move_in, extend, graduate, exit_incubation, submit_milestone, sign_off_milestone,
          send_back_milestone, add_training, list_trainings, add_review, list_reviews, dashboard, incubatee_page,
          stats_page]
