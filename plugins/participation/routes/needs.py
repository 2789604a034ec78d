"""Residents' needs (需求征集): the API (public list and need, a resident's post and "我也需要",
staff posting for a resident and triage) and the two pages (the list with the post form, the
need with its supporters, what answers it and the staff's triage form). The work is in
plugins.participation.needs.

Staff post for a resident through `POST …/needs/staff` (participation.manage): one permission
per route, so the resident's route stays participation.take_part."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, get, post
from litestar.params import Parameter, QueryParameter
from litestar.response import Template

from core.auth import Principal
from core.context import AppContext
from core.glossary import SERVICE_FIELDS
from core.paging import PageNo
from core.views import view
from core.web.pages import language_of, render
from plugins.participation import committee_views, needs
from plugins.participation.glossary import NEED_STATES

MODULE = "participation"
BASE = "/api/districts/{code:str}/participation/needs"
PAGE = "/districts/{code:str}/participation/needs"
PUBLIC = {"module": MODULE, "public": True}
TAKE_PART = {"module": MODULE, "permission": "participation.take_part"}
MANAGE = {"module": MODULE, "permission": "participation.manage"}
TAGS = ["participation"]
PAGE_SIZE = 20
State = Literal["open", "accepted", "merged", "answered", "declined"]
StateParam = Annotated[State | None, QueryParameter(name="state")]  # `state` is a name Litestar reserves
PerPage = Annotated[int, Parameter(ge=1, le=200)]


class NeedIn(msgspec.Struct, forbid_unknown_fields=True):
    community_code: Annotated[str, msgspec.Meta(max_length=12)]
    field: Annotated[str, msgspec.Meta(max_length=32)]
    title: Annotated[str, msgspec.Meta(max_length=200)]
    description: Annotated[str, msgspec.Meta(max_length=10000)] = ""


class TriageIn(msgspec.Struct, forbid_unknown_fields=True):
    state: Literal["accepted", "merged", "answered", "declined"]
    reason: Annotated[str, msgspec.Meta(max_length=5000)] = ""
    merged_into: Annotated[int, msgspec.Meta(ge=1, le=2**62)] | None = None
    expected_state: State | None = None  # the state the staff saw (409 `stale_state` when it moved)


class NeedView(msgspec.Struct):
    id: int
    ref: str
    community_code: str
    community_name: str
    field: str
    title: str
    description: str
    state: str
    state_label: str
    reason: str
    merged_into: int | None
    merged_into_url: str | None
    supporters: int
    created_at: dt.datetime
    triaged_at: dt.datetime | None
    url: str


class NeedPage(msgspec.Struct):
    total: int
    page: int
    per_page: int
    items: list[NeedView]


class NeedAnswer(msgspec.Struct):
    ref: str
    title: str
    url: str
    stage: str
    stage_label: str
    delivering_since: dt.datetime | None


class DecidedBy(msgspec.Struct):
    """The co-governance committee decision that created the need."""

    committee_name: str
    held_at: dt.datetime
    text: str
    url: str


class NeedDetail(NeedView):
    answers: list[NeedAnswer]
    decided_by: DecidedBy | None = None


class SupportView(msgspec.Struct):
    need_id: int
    supporters: int
    supported: bool


def _ctx(request: Request) -> AppContext:
    return request.app.state.ctx


@get(BASE, opt=PUBLIC, tags=TAGS, summary="Residents' needs of the district, most supported first")
async def list_needs(request: Request, code: str, need_state: StateParam = None, field: str | None = None,
                     community: str | None = None, page: PageNo = 1, per_page: PerPage = 20) -> NeedPage:
    """Filter by state, service field and community code; {total, page, per_page, items}. No poster."""
    return view(await needs.list_needs(code, need_state, field, community, page, per_page, language_of(request)),
                NeedPage)


@post(BASE, opt=TAKE_PART, tags=TAGS, summary="A resident posts a need")
async def post_need(code: str, data: NeedIn, principal: Principal) -> NeedView:
    """{community_code (a community of the district), field (a service field), title (≤120), description}."""
    return view(await needs.create(code, data, principal.username, principal.user_id, principal.person_id), NeedView)


@post(BASE + "/staff", opt=MANAGE, tags=TAGS, summary="Community staff post a need for residents")
async def post_need_staff(code: str, data: NeedIn, principal: Principal) -> NeedView:
    """As a resident's post; the poster is the staff member (no resident account)."""
    return view(await needs.create(code, data, principal.username, None, None), NeedView)


@get(BASE + "/{need_id:int}", opt=PUBLIC, tags=TAGS,
     summary="One need: supporters, state, what it was merged into and the projects answering it")
async def get_need(request: Request, code: str, need_id: int) -> NeedDetail:
    """`decided_by`: the committee meeting whose decision created the need, if one did."""
    need = await needs.get_need(_ctx(request), code, need_id, language_of(request))
    return view({**need, "decided_by": await committee_views.decided_by(code, f"need:{need_id}")}, NeedDetail)


@post(BASE + "/{need_id:int}/supports", opt=TAKE_PART, tags=TAGS, summary="我也需要: a resident supports a need")
async def support_need(code: str, need_id: int, principal: Principal) -> SupportView:
    """Once per resident: a second time answers 409 `already_supported`."""
    return view(await needs.support(code, need_id, principal.user_id, principal.username), SupportView)


@post(BASE + "/{need_id:int}/triage", opt=MANAGE, tags=TAGS, status_code=200,
      summary="Staff triage a need: accepted, merged (into another), answered or declined (with a reason)")
async def triage_need(code: str, need_id: int, data: TriageIn, principal: Principal) -> NeedView:
    """declined needs a reason; merged needs merged_into (another open or accepted need of the
    district; its supporters are added to it). 409 `stale_state` when the need moved meanwhile."""
    return view(await needs.triage(code, need_id, data, principal.username), NeedView)


# --- the pages -----------------------------------------------------------------------------


def _labels(english: bool) -> dict[str, str]:
    return {s: (w[1] if english else w[0]) for s, w in NEED_STATES.items()}


def _fields(english: bool) -> dict[str, str]:
    return {f: (en if english else f) for f, en in SERVICE_FIELDS.items()}


def _choice(value: str | None, allowed) -> str | None:
    return value if value in allowed else None


@get(PAGE, opt=PUBLIC, include_in_schema=False)
async def needs_page(request: Request, code: str, principal: Principal,
                     need_state: Annotated[str | None, QueryParameter(name="state")] = None,
                     field: str | None = None, community: str | None = None, page: PageNo = 1) -> Template:
    """The list with filters; a resident's post form first (phone first); staff post for residents."""
    ctx = _ctx(request)
    english = language_of(request) == "en"
    communities = await needs.communities(code)
    filters = {"state": _choice(need_state, NEED_STATES), "field": _choice(field, SERVICE_FIELDS),
               "community": _choice(community, communities)}
    found = await needs.list_needs(code, filters["state"], filters["field"], filters["community"], page, PAGE_SIZE,
                                   language_of(request))
    return render(request, "participation/needs.html", principal, district=ctx.districts[code], found=found,
                  filters=filters, communities=communities, fields=_fields(english), state_labels=_labels(english),
                  pages=max(1, -(-found["total"] // PAGE_SIZE)),
                  can_post=principal.can(TAKE_PART["permission"], code),
                  can_manage=principal.can(MANAGE["permission"], code))


@get(PAGE + "/{need_id:int}", opt=PUBLIC, include_in_schema=False)
async def need_page(request: Request, code: str, need_id: int, principal: Principal) -> Template:
    """The need; "我也需要" for residents; the triage form for staff."""
    ctx = _ctx(request)
    english = language_of(request) == "en"
    can_manage = principal.can(MANAGE["permission"], code)
    need: dict[str, Any] = await needs.get_need(ctx, code, need_id, language_of(request), staff=can_manage)
    others = []
    if can_manage:
        listed = await needs.list_needs(code, None, None, None, 1, 200)
        others = [n for n in listed["items"] if n["id"] != need_id and n["state"] in needs.SUPPORTABLE]
    return render(request, "participation/need.html", principal, district=ctx.districts[code], need=need,
                  fields=_fields(english), state_labels=_labels(english), others=others,
                  moves=needs.MOVES.get(need["state"], ()), can_manage=can_manage,
                  decided_by=await committee_views.decided_by(code, f"need:{need_id}"),
                  can_support=principal.can(TAKE_PART["permission"], code) and need["state"] in needs.SUPPORTABLE)


ROUTES = [list_needs, post_need, post_need_staff, get_need, support_need, triage_need, needs_page, need_page]
