"""The 三社联动 co-governance committee (共治委员会) of a community or street: members with terms
(residents, community staff, organisation and social-worker representatives), meetings with
agenda, minutes and attendance, decisions — which may create a need or an activity in the same
transaction and answer a resident's proposal — and residents' proposals (议事), answered by a due
date: the day submitted (Beijing) + 30 days.

Public answers carry counts, meetings, decisions and proposals (never the proposer); member
names go to staff only (participation.read), masked. Reads are in committee_views.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import audit, db
from core.dates import BEIJING, utc_now
from core.errors import ApiError, invalid, not_found
from core.glossary import SERVICE_FIELDS
from core.tables import Organization, Person
from plugins.participation import needs
from plugins.participation.glossary import MEMBER_KINDS
from plugins.participation.tables import Activity, Committee, CommitteeMember, Decision, Meeting, Need, Proposal

ANSWER_DAYS = 30


def due_on(today: dt.date | None = None) -> dt.date:
    """A proposal's answer is due 30 days after the (Beijing) day it was submitted."""
    return (today or utc_now().astimezone(BEIJING).date()) + dt.timedelta(days=ANSWER_DAYS)


def _text(errors: list, field: str, value: str, limit: int, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        errors.append((field, "必填，不能为空"))
    elif len(value) > limit:
        errors.append((field, f"不能超过 {limit} 字"))
    return value


async def committee_row(code: str, committee_id: int) -> dict[str, Any]:
    row = await Committee.select().where((Committee.district_code == code) & (Committee.id == committee_id)).first()
    if not row:
        raise not_found("共治委员会")
    return row


async def meeting_row(code: str, meeting_id: int) -> dict[str, Any]:
    row = await Meeting.select().where((Meeting.district_code == code) & (Meeting.id == meeting_id)).first()
    if not row:
        raise not_found("会议")
    return row


async def create_committee(code: str, data: Any, actor: str) -> dict[str, Any]:
    areas = await needs.communities(code, ("street", "community"))
    errors: list[tuple[str, str]] = []
    if data.area_code not in areas:
        errors.append(("area_code", "请选择本区县的一个街道或社区"))
    name = _text(errors, "name", data.name, 100)
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        row = (await Committee.insert(Committee(district_code=code, area_code=data.area_code, name=name,
                                                created_by=actor)).returning(*Committee.all_columns()))[0]
        await audit.record(actor=actor, action="create", entity="committee", entity_id=row["id"], district_code=code,
                           after={"area_code": data.area_code, "name": name})
    return row


async def add_member(code: str, committee_id: int, data: Any, actor: str) -> dict[str, Any]:
    await committee_row(code, committee_id)
    errors: list[tuple[str, str]] = []
    name = _text(errors, "name", data.name, 50)
    if data.kind not in MEMBER_KINDS:
        errors.append(("kind", "请选择成员类别"))
    if data.term_end <= data.term_start:
        errors.append(("term_end", "任期结束日须晚于开始日"))
    if data.person_id is not None and not await Person.exists().where(
            (Person.district_code == code) & (Person.id == data.person_id)):
        errors.append(("person_id", "本区县没有这个人员"))
    if data.organization_id is not None and not await Organization.exists().where(
            (Organization.district_code == code) & (Organization.id == data.organization_id)):
        errors.append(("organization_id", "本区县没有这个社会组织"))
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        row = (await CommitteeMember.insert(CommitteeMember(
            committee=committee_id, district_code=code, name=name, kind=data.kind, person_id=data.person_id,
            organization_id=data.organization_id, term_start=data.term_start, term_end=data.term_end))
            .returning(*CommitteeMember.all_columns()))[0]
        await audit.record(actor=actor, action="add_member", entity="committee_member", entity_id=row["id"],
                           district_code=code, after={"committee": committee_id, "kind": data.kind,
                                                      "term_begins": data.term_start, "term_ends": data.term_end})
    return row


async def add_meeting(code: str, committee_id: int, data: Any, actor: str) -> dict[str, Any]:
    await committee_row(code, committee_id)
    errors: list[tuple[str, str]] = []
    place = _text(errors, "place", data.place, 200)
    agenda = _text(errors, "agenda", data.agenda, 5000)
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        row = (await Meeting.insert(Meeting(committee=committee_id, district_code=code, held_at=data.held_at,
                                            place=place, agenda=agenda, attendance=[], created_by=actor))
               .returning(*Meeting.all_columns()))[0]
        await audit.record(actor=actor, action="create", entity="meeting", entity_id=row["id"], district_code=code,
                           after={"committee": committee_id, "held_at": data.held_at, "agenda": agenda})
    return row


async def record_minutes(code: str, meeting_id: int, data: Any, actor: str) -> dict[str, Any]:
    """Minutes and attendance (ids of this committee's members) → held; 409 once held."""
    meeting = await meeting_row(code, meeting_id)
    errors: list[tuple[str, str]] = []
    minutes = _text(errors, "minutes", data.minutes, 20000)
    attendance = list(dict.fromkeys(data.attendance))
    members = {r["id"] for r in await CommitteeMember.select(CommitteeMember.id).where(
        CommitteeMember.committee == meeting["committee"])}
    if strangers := [m for m in attendance if m not in members]:
        errors.append(("attendance", f"不是本委员会的成员：{'、'.join(map(str, strangers[:10]))}"))
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        done = await Meeting.update({Meeting.minutes: minutes, Meeting.attendance: attendance,
                                     Meeting.state: "held"}).where(
            (Meeting.id == meeting_id) & (Meeting.state == "planned")).returning(Meeting.id)
        if not done:
            raise ApiError(409, "这次会议已记录纪要", "already_held")
        await audit.record(actor=actor, action="minutes", entity="meeting", entity_id=meeting_id, district_code=code,
                           before={"state": "planned"}, after={"state": "held", "attendance": len(attendance)})
    return await meeting_row(code, meeting_id)


def _need_fields(data: Any, areas: dict[str, str], default_area: str | None, errors: list) -> dict[str, Any] | None:
    if data is None:
        errors.append(("need", "决定创建需求时须填写需求"))
        return None
    community = data.community_code or default_area
    if community not in areas:
        errors.append(("need.community_code", "请选择本区县的一个社区"))
    if data.field not in SERVICE_FIELDS:
        errors.append(("need.field", "请选择服务领域"))
    title = _text(errors, "need.title", data.title, 120)
    description = _text(errors, "need.description", data.description, 5000, required=False)
    return {"community_code": community, "field": data.field, "title": title, "description": description}


def _activity_fields(data: Any, default_area: str | None, errors: list) -> dict[str, Any] | None:
    if data is None:
        errors.append(("activity", "决定创建活动时须填写活动"))
        return None
    title = _text(errors, "activity.title", data.title, 120)
    place = _text(errors, "activity.place", data.place, 200)
    if data.field not in SERVICE_FIELDS:
        errors.append(("activity.field", "请选择服务领域"))
    if data.ends_at <= data.starts_at:
        errors.append(("activity.ends_at", "结束时间须晚于开始时间"))
    if not 1 <= data.capacity <= 10000:
        errors.append(("activity.capacity", "名额须在 1 到 10000 之间"))
    return {"title": title, "place": place, "field": data.field, "starts_at": data.starts_at, "ends_at": data.ends_at,
            "capacity": data.capacity, "community_code": default_area}


async def _proposal_for(code: str, committee_id: int, proposal_id: int | None, errors: list) -> dict | None:
    if proposal_id is None:
        return None
    row = await Proposal.select().where((Proposal.district_code == code) & (Proposal.id == proposal_id)
                                        & (Proposal.committee == committee_id)).first()
    if not row:
        errors.append(("proposal_id", "本委员会没有这条议事"))
    return row


async def add_decision(code: str, meeting_id: int, data: Any, actor: str) -> dict[str, Any]:
    """A decision of a held meeting; it may create a need or an activity and answer a proposal
    (adopted, with the decision as the answer) — all in one transaction."""
    meeting = await meeting_row(code, meeting_id)
    committee = await committee_row(code, meeting["committee"])
    communities = await needs.communities(code)
    default_area = committee["area_code"] if committee["area_code"] in communities else None
    errors: list[tuple[str, str]] = []
    text = _text(errors, "text", data.text, 5000)
    made = None
    if data.creates == "need":
        made = _need_fields(data.need, communities, default_area, errors)
    elif data.creates == "activity":
        made = _activity_fields(data.activity, default_area, errors)
    proposal = await _proposal_for(code, committee["id"], data.proposal_id, errors)
    if errors:
        raise invalid(errors)
    if meeting["state"] != "held":
        raise ApiError(409, "会议尚未召开（未记录纪要），不能记录决定", "meeting_not_held")
    if proposal and proposal["state"] != "submitted":
        raise ApiError(409, "这条议事已经答复", "already_answered")
    async with db.write_transaction():
        created_ref = ""
        if data.creates == "need" and made:
            row = (await Need.insert(Need(district_code=code, state="accepted", reason="共治委员会会议决定",
                                          posted_by=actor, **made)).returning(Need.id))[0]
            created_ref = f"need:{row['id']}"
        elif data.creates == "activity" and made:
            row = (await Activity.insert(Activity(district_code=code, announced_by=actor, **made))
                   .returning(Activity.id))[0]
            created_ref = f"activity:{row['id']}"
        decision = (await Decision.insert(Decision(meeting=meeting_id, district_code=code, text=text,
                                                   proposal_id=data.proposal_id, created_ref=created_ref))
                    .returning(*Decision.all_columns()))[0]
        if proposal:
            await _answer(code, proposal["id"], True, text, actor, meeting_id)
        await audit.record(actor=actor, action="decide", entity="decision", entity_id=decision["id"],
                           district_code=code, after={"meeting": meeting_id, "created_ref": created_ref,
                                                      "proposal_id": data.proposal_id})
    return decision


async def submit_proposal(code: str, committee_id: int, data: Any, user_id: int, actor: str) -> dict[str, Any]:
    await committee_row(code, committee_id)
    errors: list[tuple[str, str]] = []
    title = _text(errors, "title", data.title, 120)
    body = _text(errors, "body", data.body, 5000)
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        row = (await Proposal.insert(Proposal(committee=committee_id, district_code=code, user_id=user_id,
                                              title=title, body=body, due_on=due_on()))
               .returning(*Proposal.all_columns()))[0]
        await audit.record(actor=actor, action="create", entity="proposal", entity_id=row["id"], district_code=code,
                           after={"committee": committee_id, "title": title, "answer_due": row["due_on"]})
    return row


async def _answer(code: str, proposal_id: int, adopted: bool, answer: str, actor: str,
                  meeting_id: int | None = None) -> None:
    done = await Proposal.update({Proposal.state: "answered", Proposal.adopted: adopted, Proposal.answer: answer,
                                  Proposal.answered_by: actor, Proposal.answered_at: utc_now(),
                                  Proposal.meeting_id: meeting_id}).where(
        (Proposal.id == proposal_id) & (Proposal.district_code == code) & (Proposal.state == "submitted")
    ).returning(Proposal.id)
    if not done:
        raise ApiError(409, "这条议事已经答复", "already_answered")
    await audit.record(actor=actor, action="answer", entity="proposal", entity_id=proposal_id, district_code=code,
                       before={"state": "submitted"}, after={"state": "answered", "adopted": adopted})


async def answer_proposal(code: str, proposal_id: int, data: Any, actor: str) -> dict[str, Any]:
    if not await Proposal.exists().where((Proposal.district_code == code) & (Proposal.id == proposal_id)):
        raise not_found("议事")
    errors: list[tuple[str, str]] = []
    answer = _text(errors, "answer", data.answer, 5000)
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        await _answer(code, proposal_id, data.adopted, answer, actor)
    return await Proposal.select().where(Proposal.id == proposal_id).first()
