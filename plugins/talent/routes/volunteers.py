"""社工+志愿者: volunteer teams led by a social worker, their members from the
registry, and activities with volunteer hours per member (checked by
volunteering.py). A social worker manages only the teams they lead; district
admins manage all."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Annotated

import msgspec
from litestar import get, post

from core import audit, db
from core.auth import Principal
from core.errors import ApiError, invalid
from core.tables import Community, Person
from core.views import view
from plugins.talent import volunteering
from plugins.talent import schemas as s
from plugins.talent.routes._common import BASE, MODULE
from plugins.talent.tables import SocialWorker, VolunteerActivity, VolunteerHours, VolunteerMember, VolunteerTeam

MANAGE = {**MODULE, "permission": "talent.volunteer.manage"}
READ = {**MODULE, "permission": "talent.worker.read"}


class TeamIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=100)]
    leader_worker_id: int
    community_code: str | None = None


class MemberIn(msgspec.Struct, forbid_unknown_fields=True):
    person_id: int
    joined_on: dt.date | None = None


class MemberHours(msgspec.Struct, forbid_unknown_fields=True):
    person_id: int
    hours: Annotated[float, msgspec.Meta(gt=0, le=24)]


class Activity(msgspec.Struct):
    id: int
    team: int
    day: dt.date
    title: str
    community_code: str | None
    hours: list[MemberHours]


class ActivityIn(msgspec.Struct, forbid_unknown_fields=True):
    day: dt.date
    title: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
    hours: Annotated[list[MemberHours], msgspec.Meta(max_length=500)]
    community_code: str | None = None


async def _may_lead(code: str, principal: Principal, leader_worker_id: int) -> None:
    """Admins manage any team; a social worker only teams they lead."""
    if principal.can("talent.worker.write", code):
        return
    leader = await SocialWorker.select(SocialWorker.person_id).where(SocialWorker.id == leader_worker_id).first()
    if leader is None or leader["person_id"] != principal.person_id:
        raise ApiError(403, "只能管理本人带领的志愿者队伍", "forbidden")


async def _team(code: str, team_id: int) -> dict:
    row = await VolunteerTeam.select().where((VolunteerTeam.id == team_id) & (VolunteerTeam.district_code == code)).first()
    if row is None:
        raise ApiError(404, "志愿者队伍不存在", "not_found")
    return row


@get(BASE + "/teams", opt=READ, tags=["talent"], summary="Volunteer teams")
async def list_teams(code: str) -> list[dict]:
    return await VolunteerTeam.select().where(VolunteerTeam.district_code == code).order_by(VolunteerTeam.id)


@post(BASE + "/teams", opt=MANAGE, tags=["talent"], summary="Start a volunteer team led by a social worker")
async def add_team(code: str, data: TeamIn, principal: Principal) -> s.VolunteerTeamView:
    if not await SocialWorker.exists().where(
            (SocialWorker.id == data.leader_worker_id) & (SocialWorker.district_code == code)):
        raise invalid([("leader_worker_id", "带队社工不在本区县人才库中")])
    if data.community_code and not await Community.exists().where(
            (Community.code == data.community_code) & (Community.district_code == code)):
        raise invalid([("community_code", "社区不在本区县的登记中")])
    await _may_lead(code, principal, data.leader_worker_id)
    async with db.write_transaction():
        row = (await VolunteerTeam.insert(VolunteerTeam(district_code=code, name=data.name,
                                                        leader=data.leader_worker_id,
                                                        community_code=data.community_code))
               .returning(*VolunteerTeam.all_columns()))[0]
        await audit.record(actor=principal.username, action="create", entity="volunteer_team", entity_id=row["id"],
                           district_code=code, after=msgspec.structs.asdict(data))
    return view(row, s.VolunteerTeamView)


@post(BASE + "/teams/{team_id:int}/members", opt={**MANAGE}, tags=["talent"], summary="Add a registry person")
async def add_member(code: str, team_id: int, data: MemberIn, principal: Principal) -> s.VolunteerMemberView:
    team = await _team(code, team_id)
    await _may_lead(code, principal, team["leader"])
    if not await Person.exists().where((Person.id == data.person_id) & (Person.district_code == code)):
        raise invalid([("person_id", "人员不在本区县的登记中")])
    if await VolunteerMember.exists().where((VolunteerMember.team == team_id)
                                            & (VolunteerMember.person_id == data.person_id)):
        raise ApiError(409, "该志愿者已在队伍中", "duplicate")
    async with db.write_transaction():
        row = (await VolunteerMember.insert(VolunteerMember(team=team_id, person_id=data.person_id,
                                                            joined_on=data.joined_on or dt.date.today()))
               .returning(*VolunteerMember.all_columns()))[0]
        await audit.record(actor=principal.username, action="add_member", entity="volunteer_team",
                           entity_id=team_id, district_code=code, after={"person_id": data.person_id})
    return view(row, s.VolunteerMemberView)


@post(BASE + "/teams/{team_id:int}/activities", opt=MANAGE, tags=["talent"],
      summary="Record an activity with each member's volunteer hours (at most 24 h a person a day)")
async def add_activity(code: str, team_id: int, data: ActivityIn, principal: Principal) -> Activity:
    team = await _team(code, team_id)
    await _may_lead(code, principal, team["leader"])
    async with db.write_transaction():
        await volunteering.check_activity(code, team_id, data.day, data.community_code,
                                          [(h.person_id, h.hours) for h in data.hours])
        activity = (await VolunteerActivity.insert(VolunteerActivity(
            team=team_id, day=data.day, title=data.title, community_code=data.community_code or team["community_code"]))
            .returning(*VolunteerActivity.all_columns()))[0]
        if data.hours:
            await VolunteerHours.insert(*[VolunteerHours(activity=activity["id"], person_id=h.person_id, hours=h.hours)
                                          for h in data.hours])
        await audit.record(actor=principal.username, action="add_activity", entity="volunteer_team", entity_id=team_id,
                           district_code=code, after={"title": data.title, "hours": sum(h.hours for h in data.hours)})
    return Activity(id=activity["id"], team=activity["team"], day=activity["day"], title=activity["title"],
                    community_code=activity["community_code"], hours=data.hours)


@get(BASE + "/teams/{team_id:int}", opt=READ, tags=["talent"], summary="A team with members and hours")
async def team_detail(code: str, team_id: int) -> s.TeamDetail:
    team = await _team(code, team_id)
    members = await VolunteerMember.select().where(VolunteerMember.team == team_id).order_by(VolunteerMember.id)
    activities = await VolunteerActivity.select().where(VolunteerActivity.team == team_id).order_by(
        VolunteerActivity.day)
    hours = await VolunteerHours.select().where(
        VolunteerHours.activity.is_in([a["id"] for a in activities] or [0]))
    per_person: dict[int, float] = defaultdict(float)
    for h in hours:
        per_person[h["person_id"]] += h["hours"]
    names = {p["id"]: p["name"] for p in await Person.select(Person.id, Person.name).where(
        Person.id.is_in([m["person_id"] for m in members] or [0]))}
    return view({**team, "members": [{**m, "name": names.get(m["person_id"], ""), "hours": per_person[m["person_id"]]}
                                for m in members],
            "activities": activities, "total_hours": sum(per_person.values())}, s.TeamDetail)


ROUTES = [list_teams, add_team, add_member, add_activity, team_detail]
