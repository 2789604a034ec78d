"""Reads of the co-governance committees (共治委员会): the district's list with public counts
(members by kind, meetings held, decisions, proposals answered) and one committee's page data
(members — masked names, staff only —, meetings with decisions and what they created, proposals
without the proposer, overdue ones marked)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from core import db
from core.codes import mask_name
from core.dates import BEIJING, utc_now
from plugins.participation import needs
from plugins.participation.committee import committee_row
from plugins.participation.glossary import MEMBER_KINDS, PROPOSAL_STATES
from plugins.participation.tables import Committee, CommitteeMember, Decision, Meeting, Proposal


def ids(value: Any) -> list[int]:
    """A JSON column as stored (SQLite hands back its text)."""
    return json.loads(value) if isinstance(value, str) else list(value or [])


def today() -> Any:
    return utc_now().astimezone(BEIJING).date()


def _kind_label(kind: str, english: bool) -> str:
    words = MEMBER_KINDS.get(kind, (kind, kind))
    return words[1] if english else words[0]


def _created_url(code: str, ref: str) -> str | None:
    kind, _, ident = ref.partition(":")
    if kind == "need":
        return f"/districts/{code}/participation/needs/{ident}"
    if kind == "activity":
        return f"/districts/{code}/participation/activities/{ident}"
    return None


async def decided_by(code: str, ref: str) -> dict[str, Any] | None:
    """The committee decision that created `ref` ("need:12", "activity:3"), if one did: the
    committee, the meeting's time, the decision's words and the link to that meeting."""
    decision = await Decision.select(Decision.meeting, Decision.text).where(
        (Decision.district_code == code) & (Decision.created_ref == ref)).first()
    if not decision:
        return None
    meeting = await Meeting.select(Meeting.id, Meeting.committee, Meeting.held_at).where(
        Meeting.id == decision["meeting"]).first()
    committee = await Committee.select(Committee.id, Committee.name).where(Committee.id == meeting["committee"]).first()
    return {"committee_name": committee["name"], "held_at": meeting["held_at"], "text": decision["text"],
            "url": f"/districts/{code}/participation/committees/{committee['id']}#meeting-{meeting['id']}"}


async def list_committees(code: str) -> list[dict[str, Any]]:
    async with db.read_together():
        rows = await Committee.select(Committee.id, Committee.area_code, Committee.name, Committee.created_at).where(
            Committee.district_code == code).order_by(Committee.id)
        members = await CommitteeMember.select(CommitteeMember.committee, CommitteeMember.kind).where(
            CommitteeMember.district_code == code)
        meetings = await Meeting.select(Meeting.id, Meeting.committee, Meeting.state).where(
            Meeting.district_code == code)
        decisions = await Decision.select(Decision.meeting).where(Decision.district_code == code)
        proposals = await Proposal.select(Proposal.committee, Proposal.state).where(Proposal.district_code == code)
        areas = await needs.communities(code, ("street", "community"))
    all_meetings = {m["id"]: m["committee"] for m in meetings}
    out = []
    for row in rows:
        cid = row["id"]
        kinds = Counter(m["kind"] for m in members if m["committee"] == cid)
        out.append({**row, "area_name": areas.get(row["area_code"], row["area_code"]),
                    "members": {k: kinds.get(k, 0) for k in MEMBER_KINDS},
                    "member_count": sum(kinds.values()),
                    "meetings_held": sum(1 for m in meetings if m["committee"] == cid and m["state"] == "held"),
                    "decisions": sum(1 for d in decisions if all_meetings.get(d["meeting"]) == cid),
                    "proposals_answered": sum(1 for p in proposals if p["committee"] == cid and p["state"] == "answered"),
                    "proposals_open": sum(1 for p in proposals if p["committee"] == cid and p["state"] == "submitted"),
                    "url": f"/districts/{code}/participation/committees/{cid}"})
    return out


def _proposal(row: dict[str, Any], day: Any, english: bool) -> dict[str, Any]:
    words = PROPOSAL_STATES.get(row["state"], (row["state"], row["state"]))
    return {"id": row["id"], "title": row["title"], "body": row["body"], "state": row["state"],
            "state_label": words[1] if english else words[0], "due_on": row["due_on"], "answer": row["answer"],
            "adopted": row["adopted"], "answered_at": row["answered_at"], "created_at": row["created_at"],
            "overdue": row["state"] == "submitted" and row["due_on"] < day}


async def get_committee(code: str, committee_id: int, staff: bool, english: bool = False) -> dict[str, Any]:
    """Public facts; `members` (masked names, kinds, terms) only for staff, None otherwise."""
    async with db.read_together():
        row = await committee_row(code, committee_id)
        members = await CommitteeMember.select().where(CommitteeMember.committee == committee_id).order_by(
            CommitteeMember.id)
        meetings = await Meeting.select().where(Meeting.committee == committee_id).order_by(Meeting.held_at,
                                                                                             ascending=False)
        decisions = await Decision.select().where(Decision.meeting.is_in([m["id"] for m in meetings] or [0])).order_by(
            Decision.id)
        proposals = await Proposal.select().where(Proposal.committee == committee_id).order_by(Proposal.id,
                                                                                               ascending=False)
        areas = await needs.communities(code, ("street", "community"))
    kinds = Counter(m["kind"] for m in members)
    day = today()
    return {
        "id": row["id"], "name": row["name"], "area_code": row["area_code"],
        "area_name": areas.get(row["area_code"], row["area_code"]),
        "member_counts": {k: kinds.get(k, 0) for k in MEMBER_KINDS},
        "members": [{"id": m["id"], "name": mask_name(m["name"]) or "", "kind": m["kind"],
                     "kind_label": _kind_label(m["kind"], english), "term_start": m["term_start"],
                     "term_end": m["term_end"], "current": m["term_start"] <= day <= m["term_end"]}
                    for m in members] if staff else None,
        "meetings": [{"id": m["id"], "held_at": m["held_at"], "place": m["place"], "agenda": m["agenda"],
                      "minutes": m["minutes"], "state": m["state"], "attendance_count": len(ids(m["attendance"])),
                      "decisions": [{"id": d["id"], "text": d["text"], "proposal_id": d["proposal_id"],
                                     "created_ref": d["created_ref"], "created_url": _created_url(code, d["created_ref"])}
                                    for d in decisions if d["meeting"] == m["id"]]}
                     for m in meetings],
        "proposals": [_proposal(p, day, english) for p in proposals],
        "answer_days": 30,
    }


async def open_proposals(code: str) -> tuple[int, int]:
    """(proposals awaiting an answer, of which overdue) in the district."""
    waiting = await Proposal.select(Proposal.due_on).where(
        (Proposal.district_code == code) & (Proposal.state == "submitted"))
    day = today()
    return len(waiting), sum(1 for p in waiting if p["due_on"] < day)
