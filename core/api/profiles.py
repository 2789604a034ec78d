"""The profile API (社区画像 / 组织画像 / 社工档案): a community's, an organisation's or a person's
sections from every module enabled in the district (core.profiles). Community and organisation
profiles are public (each section still applies its own access rule); a person's profile is for
staff holding registry.person.read in the district and for the person themself."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get

from core.auth import Principal
from core.context import AppContext
from core.errors import ApiError
from core.profiles import may_read_person, profile


class ProfileSectionOut(msgspec.Struct):
    module: str
    name: str
    label: str
    label_en: str
    data: dict[str, Any]
    """{"facts": [[label, value], ...], "items": [{"title", "url"?, "meta"?}, ...]}"""


class LoopStep(msgspec.Struct):
    step: str
    """need | project | organization | worker | activity | rating (in that order)"""
    label: str
    label_en: str
    value: str
    section: str
    """the section the figure comes from"""


class Profile(msgspec.Struct):
    kind: str
    """community | organization | person"""
    key: str
    title: str
    sections: list[ProfileSectionOut]
    modules_off: list[str]
    """Labels of modules not enabled in the district that would add a section."""
    modules_off_en: list[str]
    loop: list[LoopStep] = []
    """A community's 三社联动 loop at a glance: residents' needs → purchase projects → the
    organisations delivering them → social workers → activities → residents' ratings."""


def _out(result: dict) -> Profile:
    return Profile(result["kind"], result["key"], result["title"],
                   [ProfileSectionOut(**s) for s in result["sections"]], result["modules_off"],
                   result["modules_off_en"], [LoopStep(**step) for step in result["loop"]])


@get("/api/districts/{code:str}/communities/{community_code:str}/profile", opt={"public": True},
     tags=["profiles"], summary="A community's profile (社区画像) across the enabled modules")
async def community_profile(request: Request, code: str, community_code: str, principal: Principal) -> Profile:
    """Sections the viewer may see; 404 for a community not in the district."""
    ctx: AppContext = request.app.state.ctx
    return _out(await profile(ctx, code, "community", community_code, principal))


@get("/api/districts/{code:str}/organizations/{org_id:int}/profile", opt={"public": True},
     tags=["profiles"], summary="An organisation's profile (组织画像) across the enabled modules")
async def organization_profile(request: Request, code: str, org_id: int, principal: Principal) -> Profile:
    """Sections the viewer may see; 404 for an organisation not in the district."""
    ctx: AppContext = request.app.state.ctx
    return _out(await profile(ctx, code, "organization", str(org_id), principal))


@get("/api/districts/{code:str}/persons/{person_id:int}/profile", opt={"authenticated": True},
     tags=["profiles"], summary="A person's profile (社工档案): staff and the person themself")
async def person_profile(request: Request, code: str, person_id: int, principal: Principal) -> Profile:
    """For staff holding registry.person.read in the district and for the person themself; 404 for
    anyone else (as if absent: a profile's existence is not shown) and for a person not in the district."""
    ctx: AppContext = request.app.state.ctx
    if not may_read_person(principal, code, person_id):
        raise ApiError(404, f"人员 {person_id} 不存在", "not_found")  # not theirs: as if absent
    return _out(await profile(ctx, code, "person", str(person_id), principal))


ROUTES = [community_profile, organization_profile, person_profile]
