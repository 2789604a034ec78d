"""Registration applications (登记申请) in the national registration system's states: list a
worker's applications or the district's queue, record one, edit it before 初审通过, move it on.
District admins write (talent.worker.write); readers of worker profiles read."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from litestar import get, patch, post
from litestar.params import QueryParameter

from core.auth import Principal
from plugins.talent import applications
from plugins.talent.routes._common import BASE, MODULE

READ = {**MODULE, "permission": "talent.worker.read"}
WRITE = {**MODULE, "permission": "talent.worker.write"}
State = Literal["not_applied", "pending", "first_passed", "first_failed", "final_passed", "final_failed",
                "registered", "issued"]
Reason = Annotated[str, msgspec.Meta(max_length=200, description=(
    "why an application later than the rules allow is accepted (逾期原因); audited"))]
Note = Annotated[str, msgspec.Meta(max_length=200)]


class RegistrationApplicationIn(msgspec.Struct, forbid_unknown_fields=True):
    applied_on: Annotated[dt.date | None, msgspec.Meta(description="the application date (default today)")] = None
    override_reason: Reason = ""
    note: Note = ""


class RegistrationApplicationUpdate(msgspec.Struct, forbid_unknown_fields=True):
    applied_on: dt.date | None = None
    override_reason: Reason | None = None
    note: Note | None = None


class RegistrationMove(msgspec.Struct, forbid_unknown_fields=True):
    to: Annotated[State, msgspec.Meta(description="the next state (see allowed_moves)")]
    note: Annotated[Note, msgspec.Meta(description="the reason, required when a review fails")] = ""


class RegistrationApplication(msgspec.Struct):
    id: int
    worker_id: int
    district_code: str
    kind: Annotated[str, msgspec.Meta(description="首次登记 or 再登记")]
    kind_en: str
    state: State
    state_label: str
    state_label_en: str
    applied_on: dt.date
    override_reason: str
    note: str
    registered_on: dt.date | None
    allowed_moves: list[State]
    editable: bool
    created_at: dt.datetime
    updated_at: dt.datetime


def _out(row: dict) -> RegistrationApplication:
    return msgspec.convert({k: row[k] for k in RegistrationApplication.__struct_fields__}, RegistrationApplication,
                           from_attributes=False)


@get(BASE + "/workers/{worker_id:int}/registrations", opt=READ, tags=["talent"],
     summary="A worker's registration applications")
async def worker_registrations(code: str, worker_id: int) -> list[RegistrationApplication]:
    return [_out(r) for r in await applications.listed(code, worker_id=worker_id)]


@get(BASE + "/registrations", opt=READ, tags=["talent"], summary="The district's registration applications")
async def district_registrations(
    code: str,
    # `state` is a name Litestar reserves for the app state
    in_state: Annotated[State | None, QueryParameter(name="state", description="only this state")] = None,
) -> list[RegistrationApplication]:
    return [_out(r) for r in await applications.listed(code, state=in_state)]


@post(BASE + "/workers/{worker_id:int}/registrations", opt=WRITE, tags=["talent"],
      summary="Record a registration application (首次登记 or 再登记, checked against the rules)")
async def create_registration(code: str, worker_id: int, data: RegistrationApplicationIn,
                              principal: Principal) -> RegistrationApplication:
    return _out(await applications.create(code, principal.username, worker_id, data.applied_on or dt.date.today(),
                                          data.override_reason, data.note))


@patch(BASE + "/registrations/{application_id:int}", opt=WRITE, tags=["talent"],
       summary="Edit an application (only while 未申请 or 待审核)")
async def edit_registration(code: str, application_id: int, data: RegistrationApplicationUpdate,
                            principal: Principal) -> RegistrationApplication:
    changes = {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not None}
    return _out(await applications.edit(code, principal.username, application_id, changes))


@post(BASE + "/registrations/{application_id:int}/moves", opt=WRITE, tags=["talent"], status_code=200,
      summary="Move an application to its next state in the national system (audited)")
async def move_registration(code: str, application_id: int, data: RegistrationMove,
                            principal: Principal) -> RegistrationApplication:
    return _out(await applications.move(code, principal.username, application_id, data.to, data.note))


ROUTES = [worker_registrations, district_registrations, create_registration, edit_registration, move_registration]
