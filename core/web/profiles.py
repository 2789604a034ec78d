"""Profile pages (社区画像 / 组织画像 / 社工档案): the sections of core.profiles rendered generically
— each section's facts as label/value lines and its items as a list (a link where the item has a
url), phone first. Access as the API (core.api.profiles): community and organisation pages are
public, a person's page is for staff with registry.person.read and the person themself."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from core.auth import Principal
from core.context import AppContext
from core.errors import ApiError
from core.profiles import may_read_person, profile
from core.web.i18n import language_of
from core.web.pages import render

HEADINGS = {"community": ("社区画像", "Community profile"), "organization": ("组织画像", "Organisation profile"),
            "person": ("社工档案", "Worker profile")}


async def _page(request: Request, principal: Principal, code: str, kind: str, key: str) -> Template:
    ctx: AppContext = request.app.state.ctx
    result = await profile(ctx, code, kind, key, principal)
    zh, en = HEADINGS[kind]
    heading = zh if language_of(request) == "zh-CN" else en
    return render(request, "profile.html", principal, district=ctx.districts[code], result=result, heading=heading)


@get("/districts/{code:str}/communities/{community_code:str}/profile", opt={"public": True}, include_in_schema=False)
async def community_profile_page(request: Request, code: str, community_code: str, principal: Principal) -> Template:
    """社区画像: everything the enabled modules show about one community."""
    return await _page(request, principal, code, "community", community_code)


@get("/districts/{code:str}/organizations/{org_id:int}/profile", opt={"public": True}, include_in_schema=False)
async def organization_profile_page(request: Request, code: str, org_id: int, principal: Principal) -> Template:
    """组织画像: everything the enabled modules show about one organisation."""
    return await _page(request, principal, code, "organization", str(org_id))


@get("/districts/{code:str}/persons/{person_id:int}/profile", opt={"authenticated": True}, include_in_schema=False)
async def person_profile_page(request: Request, code: str, person_id: int, principal: Principal) -> Template:
    """社工档案: staff and the person themself."""
    if not may_read_person(principal, code, person_id):
        raise ApiError(404, f"人员 {person_id} 不存在", "not_found")  # not theirs: as if absent
    return await _page(request, principal, code, "person", str(person_id))


ROUTES = [community_profile_page, organization_profile_page, person_profile_page]
