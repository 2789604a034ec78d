"""The activity pages, phone first: the list (a resident signs up or cancels there), one activity
(resident: sign up, my state, the check-in code, rating after attending; staff: the sign-up list
with check-in buttons, the venue code, cancel, no-shows) and the announce form. Scripts are
static files (CSP): static/activities.js and static/activity.js."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Request, get
from litestar.params import Parameter
from litestar.response import Template

from core.auth import Principal
from core.errors import ApiError
from core.glossary import SERVICE_FIELDS, TARGET_GROUPS
from core.paging import PageNo
from core.tables import Community, Organization
from plugins.participation import activities, activities_signups, committee_views, ratings
from plugins.participation.glossary import RATING_DIMENSIONS, SIGNUP_STATES
from plugins.participation.tables import Signup

MODULE = "participation"
PAGE = "/districts/{code:str}/participation/activities"
PUBLIC = {"module": MODULE, "public": True}
ANNOUNCE = {"module": MODULE, "permission": "participation.announce"}
PER_PAGE = 20


def _render(request: Request, name: str, principal: Principal, code: str, **context: Any) -> Template:
    from core.web.pages import render

    return render(request, name, principal, district=request.app.state.ctx.districts[code],
                  signup_labels=SIGNUP_STATES, dimensions=RATING_DIMENSIONS, field_names_en=SERVICE_FIELDS,
                  target_groups=TARGET_GROUPS, is_resident=principal.can("participation.take_part", code),
                  can_announce=principal.can("participation.announce", code), **context)


@get(PAGE, opt=PUBLIC, include_in_schema=False)
async def activities_page(request: Request, code: str, principal: Principal,
                          field: Annotated[str | None, Parameter(max_length=32)] = None,
                          community: Annotated[str | None, Parameter(max_length=12)] = None,
                          when: Literal["upcoming", "past"] | None = None, page: PageNo = 1) -> Template:
    found = await activities.list_activities(code, page, PER_PAGE, community or None, field or None, when)
    mine: dict[int, str] = {}
    if principal.user_id is not None and found["items"]:
        rows = await Signup.select(Signup.activity, Signup.state).where(
            (Signup.user_id == principal.user_id) & Signup.activity.is_in([a["id"] for a in found["items"]]))
        mine = {r["activity"]: r["state"] for r in rows if r["state"] != "cancelled"}
    communities = await Community.select(Community.code, Community.name).where(
        (Community.district_code == code) & (Community.kind == "community")).order_by(Community.code)
    return _render(request, "participation/activities.html", principal, code, found=found, mine=mine,
                   field=field or "", community=community or "", when=when or "", communities=communities,
                   pages=max(1, -(-found["total"] // PER_PAGE)))


@get(PAGE + "/new", opt=ANNOUNCE, include_in_schema=False)
async def announce_page(request: Request, code: str, principal: Principal) -> Template:
    communities = await Community.select(Community.code, Community.name).where(
        (Community.district_code == code) & (Community.kind == "community")).order_by(Community.code)
    limit = principal.organization_limit("participation.announce", code)
    orgs = Organization.select(Organization.id, Organization.name).where(Organization.district_code == code)
    if limit is not None:
        orgs = orgs.where(Organization.id.is_in(list(limit) or [0]))
    return _render(request, "participation/activity_new.html", principal, code, communities=communities,
                   organizations=await orgs.order_by(Organization.name).limit(500), org_limited=limit is not None)


@get(PAGE + "/{activity_id:int}", opt=PUBLIC, include_in_schema=False)
async def activity_page(request: Request, code: str, activity_id: int, principal: Principal) -> Template:
    ctx = request.app.state.ctx
    item = await activities.detail(code, activity_id, principal)
    staff = None
    if principal.can("participation.read", code) or principal.can("participation.announce", code):
        try:
            staff = await activities_signups.signups(code, activity_id, principal)
        except ApiError:  # organisation staff of another organisation: no staff section
            staff = None
    summary = await ratings.summary(ctx, code, service_ref=item["service_ref"]) if item["service_ref"] else None
    found = await ratings.listing(code, 1, 20, subject=f"activity:{activity_id}")
    return _render(request, "participation/activity.html", principal, code, item=item, staff=staff,
                   summary=summary, ratings=found, decided_by=await committee_views.decided_by(code, f"activity:{activity_id}"),
                   can_manage=principal.can("participation.manage", code))


PAGES = [activities_page, announce_page, activity_page]
