"""Worker profiles: list (masked), detail, create or update by ID number, status changes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Request, get, patch, post

from core import db
from core.auth import Principal
from plugins.talent import registration, services
from plugins.talent.schemas import WorkerDetail, WorkerPage, shaped
from plugins.talent.routes._common import BASE, MODULE, PageNo, PerPage, settings_for
from plugins.talent.tables import SocialWorker, StatusChange

Text50 = Annotated[str, msgspec.Meta(max_length=50)]
Reason = Annotated[str, msgspec.Meta(max_length=200, description=(
    "why a registration later than the rules allow is accepted (逾期登记原因); audited"))]


class WorkerCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    id_number: str
    post_type: str
    education: str
    phone: str = ""
    employer_org_id: int | None = None
    employer_community_code: str | None = None
    position_title: Text50 = ""
    start_date: dt.date | None = None
    status: str = "在岗"
    major: Text50 = ""
    social_work_major: bool = False
    qualification: str = "无"
    certificate_no: Annotated[str, msgspec.Meta(max_length=40)] = ""
    certificate_year: int | None = None
    first_registered_on: dt.date | None = None
    registered_on: dt.date | None = None
    registration_override_reason: Reason = ""
    salary_grade: Annotated[str, msgspec.Meta(max_length=20)] = ""


class WorkerUpdate(msgspec.Struct, forbid_unknown_fields=True):
    post_type: str | None = None
    education: str | None = None
    employer_org_id: int | None = None
    employer_community_code: str | None = None
    position_title: Text50 | None = None
    start_date: dt.date | None = None
    status: str | None = None
    major: Text50 | None = None
    social_work_major: bool | None = None
    qualification: str | None = None
    certificate_no: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    certificate_year: int | None = None
    first_registered_on: dt.date | None = None
    registered_on: dt.date | None = None
    registration_override_reason: Reason = ""
    salary_grade: Annotated[str, msgspec.Meta(max_length=20)] | None = None


PERSON_FIELDS = ("name", "id_number", "phone")
WRITE = {**MODULE, "permission": "talent.worker.write"}


async def _view(request: Request, code: str, rows: list[dict]) -> list[dict[str, Any]]:
    subsidies = services.subsidies_from(await settings_for(request, code))
    return await services.worker_view(rows, subsidies)


@get(BASE + "/workers", opt={**MODULE, "permission": "talent.worker.read"}, tags=["talent"],
     summary="Worker roster (ID numbers and phones masked)")
async def list_workers(request: Request, code: str, status: str | None = None, qualification: str | None = None,
                       education: str | None = None, post_type: str | None = None, employer_org_id: int | None = None,
                       page: PageNo = 1, per_page: PerPage = 50) -> WorkerPage:
    where = [SocialWorker.district_code == code]
    for column, value in ((SocialWorker.status, status), (SocialWorker.qualification, qualification),
                          (SocialWorker.education, education), (SocialWorker.post_type, post_type),
                          (SocialWorker.employer_org_id, employer_org_id)):
        if value is not None:
            where.append(column == value)
    total = await SocialWorker.count().where(*where)
    rows = await SocialWorker.select().where(*where).order_by(SocialWorker.id).limit(per_page).offset(
        (page - 1) * per_page)
    return shaped({"total": total, "page": page, "per_page": per_page, "items": await _view(request, code, rows)},
                  WorkerPage)


@get(BASE + "/workers/{worker_id:int}", opt={**MODULE, "permission": "talent.worker.read"}, tags=["talent"])
async def get_worker(request: Request, code: str, worker_id: int) -> WorkerDetail:
    row = await services.get_worker(code, worker_id)
    history = await StatusChange.select().where(StatusChange.worker == worker_id).order_by(StatusChange.id)
    hours = await services.education_summary(row, await settings_for(request, code))
    return shaped({**(await _view(request, code, [row]))[0], "status_history": history,
                   "continuing_education": hours}, WorkerDetail)


@post(BASE + "/workers", opt=WRITE, tags=["talent"],
      summary="Create a worker (or update the one with this ID number)")
async def create_worker(request: Request, code: str, data: WorkerCreate, principal: Principal) -> WorkerDetail:
    values = msgspec.structs.asdict(data)
    person = {k: values.pop(k) for k in PERSON_FIELDS}
    reason = values.pop("registration_override_reason")
    errors = services.check_person(person) + services.check_profile(values) + await services.check_references(code, values)
    services.profile_errors_or_raise(errors)
    async with db.write_transaction():
        stored = await services.stored_worker(person["id_number"])
        if stored is not None and stored["district_code"] != code:
            stored = None  # another district's worker: upsert_worker refuses it (409)
        lifted = services.check_registration(stored, values, reason)
        worker_id, _ = await services.upsert_worker(code, principal.username, person, values)
        await services.audit_override(code, principal.username, worker_id, lifted, reason,
                                      {k: values[k] for k in registration.FIELDS})
    return await get_worker.fn(request, code, worker_id)


@patch(BASE + "/workers/{worker_id:int}", opt=WRITE, tags=["talent"])
async def update_worker(request: Request, code: str, worker_id: int, data: WorkerUpdate,
                        principal: Principal) -> WorkerDetail:
    changes = {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not None}
    reason = changes.pop("registration_override_reason", "")
    row = await services.get_worker(code, worker_id)
    errors = services.check_profile({**row, **changes}) + await services.check_references(code, changes)
    services.profile_errors_or_raise(errors)
    from core.tables import Person

    person = await Person.select().where(Person.id == row["person_id"]).first()
    async with db.write_transaction():
        row = await services.get_worker(code, worker_id)
        facts = {**{k: v for k, v in row.items() if k not in registration.FIELDS}, **changes}
        lifted = services.check_registration(row, facts, reason)
        await services.upsert_worker(code, principal.username,
                                     {"name": person["name"], "id_number": person["id_number"],
                                      "phone": person["phone"]}, changes)
        await services.audit_override(code, principal.username, worker_id, lifted, reason,
                                      {k: changes.get(k) for k in registration.FIELDS})
    return await get_worker.fn(request, code, worker_id)


ROUTES = [list_workers, get_worker, create_worker, update_worker]
