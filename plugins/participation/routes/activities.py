"""The activities API: the public list and activity, announcing and cancelling (announcers),
signing up and cancelling (residents), the staff sign-up list, check-in from the list or with
the venue's one-time code, and no-shows. The work is in plugins.participation.activities and
activities_signups; the pages are in routes/activities_pages."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Request, get, post
from litestar.params import Parameter

from core.auth import Principal
from core.paging import PageNo
from core.views import view
from plugins.participation import activities, activities_signups
from plugins.participation import activities_schemas as s
from plugins.participation.routes.activities_pages import PAGES

MODULE = "participation"
BASE = "/api/districts/{code:str}/participation/activities"
ONE = BASE + "/{activity_id:int}"
TAGS = ["participation"]
PUBLIC = {"module": MODULE, "public": True}
ANNOUNCE = {"module": MODULE, "permission": "participation.announce"}
TAKE_PART = {"module": MODULE, "permission": "participation.take_part"}
STAFF = {"module": MODULE, "authenticated": True}  # readers, or announcers (their own organisation's)
PerPage = Annotated[int, Parameter(ge=1, le=100)]
Short = Annotated[str | None, Parameter(max_length=32)]


def _ctx(request: Request):
    return request.app.state.ctx


@get(BASE, opt=PUBLIC, tags=TAGS, summary="Activities: upcoming first (soonest first), then past; places left and "
                                          "the waiting count, never a name")
async def list_activities(code: str, community: Annotated[str | None, Parameter(max_length=12)] = None,
                          field: Short = None, when: Literal["upcoming", "past"] | None = None, page: PageNo = 1,
                          per_page: PerPage = 20) -> s.ParticipationActivityPage:
    return view(await activities.list_activities(code, page, per_page, community, field, when),
                s.ParticipationActivityPage)


@post(BASE, opt=ANNOUNCE, tags=TAGS, status_code=201,
      summary="Announce an activity (organisation staff: for their own organisation only); a time without a zone "
              "is Beijing time; 422 names each field")
async def create_activity(code: str, data: s.ActivityIn, principal: Principal) -> s.ParticipationActivity:
    return view(await activities.create(code, data, principal), s.ParticipationActivity)


@get(ONE, opt=PUBLIC, tags=TAGS, summary="One activity; for a signed-in resident also their own sign-up")
async def get_activity(code: str, activity_id: int, principal: Principal) -> s.ParticipationActivity:
    return view(await activities.detail(code, activity_id, principal), s.ParticipationActivity)


@post(ONE + "/cancel", opt=ANNOUNCE, tags=TAGS, status_code=200,
      summary="Cancel an activity that has not ended, with a reason")
async def cancel_activity(code: str, activity_id: int, data: s.ReasonIn, principal: Principal
                          ) -> s.ParticipationActivity:
    return view(await activities.cancel(code, activity_id, data.reason, principal), s.ParticipationActivity)


@post(ONE + "/signups", opt=TAKE_PART, tags=TAGS, status_code=201,
      summary="Sign up (a place, or the waiting list when full); 409 `already_signed_up`, 409 `activity_closed` "
              "(cancelled or started)")
async def sign_up(code: str, activity_id: int, principal: Principal) -> s.ParticipationSignupResult:
    return view(await activities_signups.sign_up(code, activity_id, principal), s.ParticipationSignupResult)


@post(ONE + "/signups/cancel", opt=TAKE_PART, tags=TAGS, status_code=200,
      summary="Cancel one's own sign-up before the start; the first on the waiting list moves up")
async def cancel_signup(code: str, activity_id: int, principal: Principal) -> s.ParticipationSignupResult:
    return view(await activities_signups.cancel_own(code, activity_id, principal), s.ParticipationSignupResult)


@get(ONE + "/signups", opt=STAFF, tags=TAGS,
     summary="Sign-ups for staff (participation.read, or announcers of the activity): masked names, states, "
             "check-in times")
async def list_signups(code: str, activity_id: int, principal: Principal) -> s.ParticipationSignupList:
    return view(await activities_signups.signups(code, activity_id, principal), s.ParticipationSignupList)


@post(ONE + "/checkins", opt=ANNOUNCE, tags=TAGS, status_code=200,
      summary="Check a signed-up resident in (1 h before the start to the end of the Beijing day); credits the "
              "points for attending and volunteering")
async def check_in(request: Request, code: str, activity_id: int, data: s.CheckinIn, principal: Principal
                   ) -> s.ParticipationSignupResult:
    return view(await activities_signups.check_in(_ctx(request), code, activity_id, data.signup_id, principal),
                s.ParticipationSignupResult)


@post(ONE + "/checkin-code", opt=ANNOUNCE, tags=TAGS, status_code=200,
      summary="A new 6-digit check-in code to show at the venue, valid until the activity ends (replaces the last)")
async def checkin_code(code: str, activity_id: int, principal: Principal) -> s.ParticipationCheckinCode:
    return view(await activities_signups.new_code(code, activity_id, principal), s.ParticipationCheckinCode)


@post(ONE + "/checkins/code", opt={**TAKE_PART, "errors": (429,)}, tags=TAGS, status_code=200,
      summary="Check oneself in with the venue's code; 422 on a wrong code, 429 after five wrong codes")
async def check_in_with_code(request: Request, code: str, activity_id: int, data: s.CodeIn, principal: Principal
                             ) -> s.ParticipationSignupResult:
    return view(await activities_signups.check_in_with_code(_ctx(request), code, activity_id, data.code, principal),
                s.ParticipationSignupResult)


@post(ONE + "/no-shows", opt=ANNOUNCE, tags=TAGS, status_code=200,
      summary="After the end: sign-ups not checked in become no-shows")
async def record_no_shows(code: str, activity_id: int, principal: Principal) -> s.ParticipationNoShows:
    return view(await activities_signups.no_shows(code, activity_id, principal), s.ParticipationNoShows)


ROUTES = [list_activities, create_activity, get_activity, cancel_activity, sign_up, cancel_signup, list_signups,
          check_in, checkin_code, check_in_with_code, record_no_shows, *PAGES]
