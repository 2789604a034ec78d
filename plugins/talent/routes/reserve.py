"""Graduate reserve pool: college agreements and candidates moving
入库 → 实习 → 录用 / 退出; placing a candidate creates their worker profile."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from litestar import get, patch, post

from core import audit, db
from core.auth import Principal
from core.errors import ApiError, invalid
from core.views import view
from plugins.talent import services
from plugins.talent import schemas as s
from plugins.talent.routes._common import BASE, MODULE
from plugins.talent.tables import Candidate, College

MANAGE = {**MODULE, "permission": "talent.reserve.manage"}
READ = {**MODULE, "permission": "talent.worker.read"}
# Allowed moves; 录用 happens only through placing (which creates the profile).
TRANSITIONS = {"入库": {"实习", "退出"}, "实习": {"退出"}, "录用": set(), "退出": set()}


class CollegeIn(msgspec.Struct, forbid_unknown_fields=True):
    school: Annotated[str, msgspec.Meta(min_length=2, max_length=100)]
    signed_on: dt.date
    yearly_quota: Annotated[int, msgspec.Meta(ge=0, le=10000)] = 0


class CandidateIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    school: Annotated[str, msgspec.Meta(min_length=2, max_length=100)]
    major: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    graduation_year: Annotated[int, msgspec.Meta(ge=2000, le=2100)]
    college_id: int | None = None
    intended_field: Annotated[str, msgspec.Meta(max_length=32)] = ""


class CandidateMove(msgspec.Struct, forbid_unknown_fields=True):
    status: str


class Placement(msgspec.Struct, forbid_unknown_fields=True):
    id_number: str
    education: str
    post_type: str
    phone: str = ""
    employer_org_id: int | None = None
    employer_community_code: str | None = None
    start_date: dt.date | None = None


@get(BASE + "/colleges", opt=READ, tags=["talent"], summary="College cooperation agreements")
async def list_colleges(code: str) -> list[dict]:
    return await College.select().where(College.district_code == code).order_by(College.id)


@post(BASE + "/colleges", opt=MANAGE, tags=["talent"], summary="Record a college agreement")
async def add_college(code: str, data: CollegeIn, principal: Principal) -> s.CollegeView:
    values = msgspec.structs.asdict(data)
    async with db.write_transaction():
        row = (await College.insert(College(district_code=code, **values)).returning(*College.all_columns()))[0]
        await audit.record(actor=principal.username, action="create", entity="college", entity_id=row["id"],
                           district_code=code, after=values)
    return view(row, s.CollegeView)


@get(BASE + "/candidates", opt=READ, tags=["talent"], summary="Reserve pool")
async def list_candidates(code: str, status: str | None = None) -> list[dict]:
    where = [Candidate.district_code == code] + ([Candidate.status == status] if status else [])
    return await Candidate.select().where(*where).order_by(Candidate.id)


@post(BASE + "/candidates", opt=MANAGE, tags=["talent"], summary="Add a graduate to the reserve pool")
async def add_candidate(code: str, data: CandidateIn, principal: Principal) -> s.CandidateView:
    values = msgspec.structs.asdict(data)
    college_id = values.pop("college_id")
    if college_id is not None and not await College.exists().where(
            (College.id == college_id) & (College.district_code == code)):
        raise invalid([("college_id", "合作院校不存在")])
    async with db.write_transaction():
        row = (await Candidate.insert(Candidate(district_code=code, college=college_id, **values))
               .returning(*Candidate.all_columns()))[0]
        await audit.record(actor=principal.username, action="create", entity="candidate", entity_id=row["id"],
                           district_code=code, after=values)
    return view(row, s.CandidateView)


async def _candidate(code: str, candidate_id: int) -> dict:
    row = await Candidate.select().where((Candidate.id == candidate_id) & (Candidate.district_code == code)).first()
    if row is None:
        raise ApiError(404, "储备人才不存在", "not_found")
    return row


@patch(BASE + "/candidates/{candidate_id:int}", opt={**MANAGE}, tags=["talent"], summary="Move a candidate on")
async def move_candidate(code: str, candidate_id: int, data: CandidateMove, principal: Principal) -> s.CandidateView:
    row = await _candidate(code, candidate_id)
    if data.status not in TRANSITIONS.get(row["status"], set()):
        allowed = "、".join(sorted(TRANSITIONS.get(row["status"], set()))) or "无"
        raise ApiError(409, f"不能从“{row['status']}”变为“{data.status}”（可变为：{allowed}；录用请使用“录用入职”）",
                       "illegal_transition")
    async with db.write_transaction():
        await Candidate.update({Candidate.status: data.status}).where(Candidate.id == candidate_id)
        await audit.record(actor=principal.username, action="move", entity="candidate", entity_id=candidate_id,
                           district_code=code, before={"status": row["status"]}, after={"status": data.status})
    return view(await _candidate(code, candidate_id), s.CandidateView)


@post(BASE + "/candidates/{candidate_id:int}/place",
      opt={**MODULE, "permission": "talent.worker.write"},
      tags=["talent"], summary="Hire a candidate: creates their worker profile")
async def place_candidate(code: str, candidate_id: int, data: Placement, principal: Principal) -> s.CandidateView:
    row = await _candidate(code, candidate_id)
    if row["status"] not in ("入库", "实习"):
        raise ApiError(409, f"“{row['status']}”状态的储备人才不能录用", "illegal_transition")
    person = {"name": row["name"], "id_number": data.id_number, "phone": data.phone}
    profile = {"education": data.education, "post_type": data.post_type, "major": row["major"],
               "social_work_major": "社会工作" in row["major"] or "社工" in row["major"],
               "employer_org_id": data.employer_org_id, "employer_community_code": data.employer_community_code,
               "start_date": data.start_date or dt.date.today(), "status": "在岗"}
    errors = services.check_person(person) + services.check_profile(profile) + await services.check_references(
        code, profile)
    services.profile_errors_or_raise(errors)
    async with db.write_transaction():
        worker_id, _ = await services.upsert_worker(code, principal.username, person, profile)
        worker = await services.get_worker(code, worker_id)
        await Candidate.update({Candidate.status: "录用", Candidate.worker_id: worker_id,
                                Candidate.person_id: worker["person_id"]}).where(Candidate.id == candidate_id)
        await audit.record(actor=principal.username, action="place", entity="candidate", entity_id=candidate_id,
                           district_code=code, before={"status": row["status"]},
                           after={"status": "录用", "worker_id": worker_id})
    return view(await _candidate(code, candidate_id), s.CandidateView)


ROUTES = [list_colleges, add_college, list_candidates, add_candidate, move_candidate, place_candidate]
