"""Co-governance committees (共治委员会): the API (committees, members, meetings with minutes and
decisions, residents' proposals and their answers) and the two pages (the list; one committee
with members for staff, meetings, decisions linking what they created, proposals and a resident's
proposal form). The work is in plugins.participation.committee (writes) and committee_views (reads).

A proposal's `due_on` is the Beijing day it is submitted + 30 days."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, get, post
from litestar.response import Template

from core.auth import Principal
from core.context import AppContext
from core.glossary import SERVICE_FIELDS
from core.views import view, views
from core.web.pages import language_of, render
from plugins.participation import committee as work
from plugins.participation import committee_views as reads
from plugins.participation import needs
from plugins.participation.glossary import MEMBER_KINDS

MODULE = "participation"
BASE = "/api/districts/{code:str}/participation"
PAGE = "/districts/{code:str}/participation/committees"
PUBLIC = {"module": MODULE, "public": True}
TAKE_PART = {"module": MODULE, "permission": "participation.take_part"}
MANAGE = {"module": MODULE, "permission": "participation.manage"}
TAGS = ["participation"]
Id = Annotated[int, msgspec.Meta(ge=1, le=2**62)]
Moment = Annotated[dt.datetime, msgspec.Meta(tz=True)]


S12 = Annotated[str, msgspec.Meta(max_length=12)]
S32 = Annotated[str, msgspec.Meta(max_length=32)]
S100 = Annotated[str, msgspec.Meta(max_length=100)]
S200 = Annotated[str, msgspec.Meta(max_length=200)]
S400 = Annotated[str, msgspec.Meta(max_length=400)]
S10K = Annotated[str, msgspec.Meta(max_length=10000)]
S40K = Annotated[str, msgspec.Meta(max_length=40000)]


class CommitteeIn(msgspec.Struct, forbid_unknown_fields=True):
    area_code: S12
    name: S200


class MemberIn(msgspec.Struct, forbid_unknown_fields=True):
    name: S100
    kind: S32
    term_start: dt.date
    term_end: dt.date
    person_id: Id | None = None
    organization_id: Id | None = None


class MeetingIn(msgspec.Struct, forbid_unknown_fields=True):
    held_at: Moment
    place: S400
    agenda: S10K


class MinutesIn(msgspec.Struct, forbid_unknown_fields=True):
    minutes: S40K
    attendance: Annotated[list[Id], msgspec.Meta(max_length=500)] = []


class DecisionNeedIn(msgspec.Struct, forbid_unknown_fields=True):
    field: S32
    title: S200
    description: S10K = ""
    community_code: S12 | None = None  # default: the committee's community


class DecisionActivityIn(msgspec.Struct, forbid_unknown_fields=True):
    title: S200
    place: S400
    starts_at: Moment
    ends_at: Moment
    capacity: Annotated[int, msgspec.Meta(ge=-(2**31), le=2**31)]
    field: S32


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    text: S10K
    creates: Literal["none", "need", "activity"] = "none"
    proposal_id: Id | None = None
    need: DecisionNeedIn | None = None
    activity: DecisionActivityIn | None = None


class ProposalIn(msgspec.Struct, forbid_unknown_fields=True):
    title: S200
    body: S10K


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    adopted: bool
    answer: S10K


class CommitteeSummary(msgspec.Struct):
    id: int
    name: str
    area_code: str
    area_name: str
    members: dict[str, int]
    member_count: int
    meetings_held: int
    decisions: int
    proposals_answered: int
    proposals_open: int
    url: str


class MemberView(msgspec.Struct):
    id: int
    name: str
    kind: str
    term_start: dt.date
    term_end: dt.date


class MeetingView(msgspec.Struct):
    id: int
    held_at: dt.datetime
    place: str
    agenda: str
    minutes: str
    state: str
    attendance_count: int


class DecisionView(msgspec.Struct):
    id: int
    text: str
    proposal_id: int | None
    created_ref: str


class ProposalView(msgspec.Struct):
    id: int
    title: str
    body: str
    state: str
    due_on: dt.date
    answer: str
    adopted: bool | None


class PublicMember(msgspec.Struct):
    id: int
    name: str
    kind: str
    kind_label: str
    term_start: dt.date
    term_end: dt.date
    current: bool


class PublicDecision(DecisionView):
    created_url: str | None


class PublicMeeting(MeetingView):
    decisions: list[PublicDecision]


class PublicProposal(ProposalView):
    state_label: str
    overdue: bool


class CommitteeDetail(msgspec.Struct):
    id: int
    name: str
    area_code: str
    area_name: str
    member_counts: dict[str, int]
    members: list[PublicMember] | None  # staff only (participation.read), names masked
    meetings: list[PublicMeeting]
    proposals: list[PublicProposal]
    answer_days: int


def _ctx(request: Request) -> AppContext:
    return request.app.state.ctx


def _meeting(row: dict[str, Any]) -> MeetingView:
    return view({**row, "attendance_count": len(reads.ids(row["attendance"]))}, MeetingView)


@get(BASE + "/committees", opt=PUBLIC, tags=TAGS, summary="The district's co-governance committees with their counts")
async def list_committees(code: str) -> list[CommitteeSummary]:
    return views(await reads.list_committees(code), CommitteeSummary)


@post(BASE + "/committees", opt=MANAGE, tags=TAGS, summary="Set up a committee of a street or community")
async def create_committee(code: str, data: CommitteeIn, principal: Principal) -> CommitteeSummary:
    row = await work.create_committee(code, data, principal.username)
    [made] = [c for c in await reads.list_committees(code) if c["id"] == row["id"]]
    return view(made, CommitteeSummary)


@get(BASE + "/committees/{committee_id:int}", opt=PUBLIC, tags=TAGS,
     summary="A committee: counts, meetings, decisions, proposals; members only to staff")
async def get_committee(request: Request, code: str, committee_id: int, principal: Principal) -> CommitteeDetail:
    staff = principal.can("participation.read", code)
    english = language_of(request) == "en"
    return view(await reads.get_committee(code, committee_id, staff, english), CommitteeDetail)


@post(BASE + "/committees/{committee_id:int}/members", opt=MANAGE, tags=TAGS, summary="Add a member with a term")
async def add_member(code: str, committee_id: int, data: MemberIn, principal: Principal) -> MemberView:
    return view(await work.add_member(code, committee_id, data, principal.username), MemberView)


@post(BASE + "/committees/{committee_id:int}/meetings", opt=MANAGE, tags=TAGS, summary="Plan a meeting")
async def add_meeting(code: str, committee_id: int, data: MeetingIn, principal: Principal) -> MeetingView:
    return _meeting(await work.add_meeting(code, committee_id, data, principal.username))


@post(BASE + "/meetings/{meeting_id:int}/minutes", opt=MANAGE, tags=TAGS, status_code=200,
      summary="Record a meeting's minutes and attendance (the meeting is then held)")
async def record_minutes(code: str, meeting_id: int, data: MinutesIn, principal: Principal) -> MeetingView:
    return _meeting(await work.record_minutes(code, meeting_id, data, principal.username))


@post(BASE + "/meetings/{meeting_id:int}/decisions", opt=MANAGE, tags=TAGS,
      summary="Record a decision of a held meeting; it may create a need or an activity and answer a proposal")
async def add_decision(code: str, meeting_id: int, data: DecisionIn, principal: Principal) -> DecisionView:
    return view(await work.add_decision(code, meeting_id, data, principal.username), DecisionView)


@post(BASE + "/committees/{committee_id:int}/proposals", opt=TAKE_PART, tags=TAGS,
      summary="A resident's proposal (议事), to be answered within 30 days")
async def submit_proposal(code: str, committee_id: int, data: ProposalIn, principal: Principal) -> ProposalView:
    row = await work.submit_proposal(code, committee_id, data, principal.user_id, principal.username)
    return view(row, ProposalView)


@post(BASE + "/proposals/{proposal_id:int}/answer", opt=MANAGE, tags=TAGS, status_code=200,
      summary="Answer a proposal (adopted or not); 409 once answered")
async def answer_proposal(code: str, proposal_id: int, data: AnswerIn, principal: Principal) -> ProposalView:
    return view(await work.answer_proposal(code, proposal_id, data, principal.username), ProposalView)


# --- the pages -----------------------------------------------------------------------------


def _kinds(english: bool) -> dict[str, str]:
    return {k: (w[1] if english else w[0]) for k, w in MEMBER_KINDS.items()}


@get(PAGE, opt=PUBLIC, include_in_schema=False)
async def committees_page(request: Request, code: str, principal: Principal) -> Template:
    ctx = _ctx(request)
    english = language_of(request) == "en"
    return render(request, "participation/committees.html", principal, district=ctx.districts[code],
                  committees=await reads.list_committees(code), kinds=_kinds(english),
                  areas=await needs.communities(code, ("street", "community")),
                  can_manage=principal.can(MANAGE["permission"], code))


@get(PAGE + "/{committee_id:int}", opt=PUBLIC, include_in_schema=False)
async def committee_page(request: Request, code: str, committee_id: int, principal: Principal) -> Template:
    ctx = _ctx(request)
    english = language_of(request) == "en"
    found = await reads.get_committee(code, committee_id, principal.can("participation.read", code), english)
    return render(request, "participation/committee.html", principal, district=ctx.districts[code], c=found,
                  kinds=_kinds(english), fields={f: (en if english else f) for f, en in SERVICE_FIELDS.items()},
                  can_manage=principal.can(MANAGE["permission"], code),
                  can_propose=principal.can(TAKE_PART["permission"], code))


ROUTES = [list_committees, create_committee, get_committee, add_member, add_meeting, record_minutes, add_decision,
          submit_proposal, answer_proposal, committees_page, committee_page]
