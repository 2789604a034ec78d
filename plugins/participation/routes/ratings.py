"""The ratings API: a resident rates an activity they attended or a recorded use of a service
(staff record the use); the public ratings of an
activity and the roll-up with its small-sample guard; the staff list (hidden comments and the
reasons) and moderation. The work is in plugins.participation.ratings."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get, post
from litestar.params import Parameter

from core.auth import Principal
from core.paging import PageNo
from core.views import view
from core.web.pages import language_of
from plugins.participation import ratings, service_uses
from plugins.participation import ratings_schemas as s

MODULE = "participation"
BASE = "/api/districts/{code:str}/participation"
TAGS = ["participation"]
PUBLIC = {"module": MODULE, "public": True}
READ = {"module": MODULE, "permission": "participation.read"}
MANAGE = {"module": MODULE, "permission": "participation.manage"}
TAKE_PART = {"module": MODULE, "permission": "participation.take_part"}
ANNOUNCE = {"module": MODULE, "permission": "participation.announce"}
PerPage = Annotated[int, Parameter(ge=1, le=100)]
Ref = Annotated[str | None, Parameter(max_length=120)]
Id = Annotated[int | None, Parameter(ge=1, le=2**31 - 1)]


@post(BASE + "/activities/{activity_id:int}/ratings", opt=TAKE_PART, tags=TAGS, status_code=201,
      summary="Rate an attended activity 1–5 on four dimensions with an optional comment; 403 `not_attended`, "
              "409 `already_rated`; a careful rating earns points once")
async def rate_activity(request: Request, code: str, activity_id: int, data: s.RatingIn, principal: Principal
                        ) -> s.ParticipationRatingCreated:
    return view(await ratings.rate_activity(request.app.state.ctx, code, activity_id, data, principal),
                s.ParticipationRatingCreated)


@get(BASE + "/activities/{activity_id:int}/ratings", opt=PUBLIC, tags=TAGS,
     summary="An activity's ratings, newest first: no names, hidden comments withheld")
async def activity_ratings(code: str, activity_id: int, page: PageNo = 1, per_page: PerPage = 20
                           ) -> s.ParticipationRatingList:
    return view(await ratings.listing(code, page, per_page, subject=f"activity:{activity_id}"),
                s.ParticipationRatingList)


@get(BASE + "/ratings", opt=READ, tags=TAGS,
     summary="All ratings for staff, newest first, hidden comments with the reasons; filter by service, "
             "organisation or worker")
async def staff_ratings(code: str, service_ref: Ref = None, organization_id: Id = None, worker_person_id: Id = None,
                        page: PageNo = 1, per_page: PerPage = 20) -> s.ParticipationRatingStaffList:
    return view(await ratings.listing(code, page, per_page, staff=True, service_ref=service_ref,
                                      organization_id=organization_id, worker_person_id=worker_person_id),
                s.ParticipationRatingStaffList)


@get(BASE + "/ratings/summary", opt=PUBLIC, tags=TAGS,
     summary="The roll-up for a service, organisation or worker (all given filters apply): count, average and "
             "dimensions only from `min_ratings` ratings on (else null and the label 评价不足 N 条)")
async def rating_summary(request: Request, code: str, service_ref: Ref = None, organization_id: Id = None,
                         worker_person_id: Id = None) -> s.ParticipationRatingSummary:
    return view(await ratings.summary(request.app.state.ctx, code, service_ref, organization_id, worker_person_id,
                                      english=language_of(request) == "en"), s.ParticipationRatingSummary)


@post(BASE + "/ratings/{rating_id:int}/hide", opt=MANAGE, tags=TAGS, status_code=200,
      summary="Hide a rating's comment with a reason; the rating and its score stay and keep counting")
async def hide_rating(code: str, rating_id: int, data: s.HideIn, principal: Principal) -> s.ParticipationRatingStaff:
    return view(await ratings.hide(code, rating_id, data.reason, principal), s.ParticipationRatingStaff)


@post(BASE + "/service-uses", opt=ANNOUNCE, tags=TAGS, status_code=201,
      summary="Record that a resident (by username) used a service on a day, so they may rate that use")
async def record_service_use(code: str, data: service_uses.ServiceUseIn, principal: Principal
                             ) -> service_uses.ParticipationServiceUse:
    return view(await service_uses.record(code, data, principal), service_uses.ParticipationServiceUse)


@get(BASE + "/service-uses/mine", opt=TAKE_PART, tags=TAGS,
     summary="The resident's own recorded service uses, newest first, each with whether it is rated")
async def my_service_uses(code: str, principal: Principal) -> service_uses.ParticipationServiceUses:
    return view(await service_uses.mine(code, principal), service_uses.ParticipationServiceUses)


@post(BASE + "/service-uses/{use_id:int}/ratings", opt=TAKE_PART, tags=TAGS, status_code=201,
      summary="Rate one's own recorded use of a service (1–5 on four dimensions); 409 `already_rated`")
async def rate_service_use(request: Request, code: str, use_id: int, data: s.RatingIn, principal: Principal
                           ) -> s.ParticipationRatingCreated:
    return view(await service_uses.rate_use(request.app.state.ctx, code, use_id, data, principal),
                s.ParticipationRatingCreated)


ROUTES = [record_service_use, my_service_uses, rate_service_use, rate_activity, activity_ratings, staff_ratings, rating_summary, hide_rating]
