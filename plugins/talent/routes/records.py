"""Worker records: a social worker keeps their own service logs and continuing
education (drafts editable, submitted ones read-only, corrections keep the
original); district staff and supervisors read them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from litestar import Request, get, patch, post

from core import audit, db
from core.auth import Principal
from core.errors import ApiError, invalid
from core.tables import Community
from core.views import view
from plugins.talent import delivery, education, services
from plugins.talent import schemas as s
from plugins.talent.routes._common import BASE, MODULE, settings_for
from plugins.talent.schemas import EducationRecord, MyProfile, shaped
from plugins.talent.tables import ContinuingEducation, ServiceLog, SocialWorker

OWN = {**MODULE, "permission": "talent.record.own"}
READ = {**MODULE, "permission": "talent.record.read"}
Kind = Literal["个案", "小组", "社区活动", "走访", "其他"]
Hours = Annotated[float, msgspec.Meta(gt=0, le=24)]


class LogIn(msgspec.Struct, forbid_unknown_fields=True):
    day: dt.date
    hours: Hours
    kind: Kind
    community_code: str | None = None
    beneficiaries: Annotated[int, msgspec.Meta(ge=0, le=100000)] = 0
    summary: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    delivery_ref: Annotated[str, msgspec.Meta(max_length=100, description=(
        "a delivery record the log belongs to, e.g. a purchase project's ocid "
        "(one of GET …/talent/me/delivery-refs)"))] | None = None


class LogCorrection(LogIn, forbid_unknown_fields=True, kw_only=True):
    reason: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]  # required: a correction says why


class EducationIn(msgspec.Struct, forbid_unknown_fields=True):
    day: Annotated[dt.date, msgspec.Meta(description="the training day, or the day the degree was completed")]
    provider: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    hours: Annotated[float, msgspec.Meta(gt=0, le=200)] | None = None
    title: Annotated[str, msgspec.Meta(max_length=200)] = ""
    kind: Annotated[Literal["培训", "学历教育"], msgspec.Meta(
        description="培训 (hours as attended) or 学历教育: a completed social-work degree, 90 hours, once")] = "培训"


async def own_worker(code: str, principal: Principal) -> dict:
    """The caller's own worker profile in this district (the user's person is the link)."""
    row = await SocialWorker.select().where(
        (SocialWorker.person_id == (principal.person_id or 0)) & (SocialWorker.district_code == code)).first()
    if row is None:
        raise ApiError(404, "当前账号没有关联本区县的社工档案", "no_worker_profile")
    return row


async def _check_log(request: Request, code: str, data: LogIn, worker: dict) -> None:
    errors = []
    if error := await delivery.check_ref(request.app.state.ctx, code, worker, data.delivery_ref):
        errors.append(("delivery_ref", error))
    if data.day > dt.date.today():
        errors.append(("day", "服务日期不能晚于今天"))
    if data.community_code and not await Community.exists().where(
            (Community.code == data.community_code) & (Community.district_code == code)):
        errors.append(("community_code", "社区不在本区县的登记中"))
    if errors:
        raise invalid(errors)


def _log_values(data: LogIn) -> dict:
    return {k: getattr(data, k) for k in LogIn.__struct_fields__}


@get(BASE + "/me", opt=OWN, tags=["talent"], summary="My worker profile")
async def my_profile(request: Request, code: str, principal: Principal) -> MyProfile:
    """With the registration state, the national application state and this period's CE hours."""
    row = await own_worker(code, principal)
    view = (await services.worker_view([row]))[0]
    hours = await services.education_summary(row, await settings_for(request, code))
    return shaped({**view, "continuing_education": hours}, MyProfile)


@get(BASE + "/me/logs", opt=OWN, tags=["talent"], summary="My service logs (corrections included)")
async def my_logs(code: str, principal: Principal) -> list[dict]:
    worker = await own_worker(code, principal)
    return await ServiceLog.select().where(ServiceLog.worker == worker["id"]).order_by(ServiceLog.day, ascending=False)


@post(BASE + "/me/logs", opt=OWN, tags=["talent"], summary="Add a draft service log")
async def add_log(request: Request, code: str, data: LogIn, principal: Principal) -> s.ServiceLogView:
    worker = await own_worker(code, principal)
    await _check_log(request, code, data, worker)
    async with db.write_transaction():
        row = (await ServiceLog.insert(ServiceLog(worker=worker["id"], district_code=code, **_log_values(data)))
               .returning(*ServiceLog.all_columns()))[0]
        await audit.record(actor=principal.username, action="create", entity="service_log", entity_id=row["id"],
                           district_code=code, after=_log_values(data))
    return view(row, s.ServiceLogView)


async def _my_log(code: str, principal: Principal, log_id: int) -> dict:
    worker = await own_worker(code, principal)
    row = await ServiceLog.select().where((ServiceLog.id == log_id) & (ServiceLog.worker == worker["id"])).first()
    if row is None:
        raise ApiError(404, "服务记录不存在", "not_found")
    return row


@patch(BASE + "/me/logs/{log_id:int}", opt=OWN, tags=["talent"], summary="Edit my draft log")
async def edit_log(request: Request, code: str, log_id: int, data: LogIn, principal: Principal
                   ) -> s.ServiceLogView:
    row = await _my_log(code, principal, log_id)
    if row["state"] != "draft":
        raise ApiError(409, "已提交的记录不能修改，请提交更正", "record_submitted")
    await _check_log(request, code, data, await own_worker(code, principal))
    async with db.write_transaction():
        await ServiceLog.update({getattr(ServiceLog, k): v for k, v in _log_values(data).items()}).where(
            ServiceLog.id == log_id)
        await audit.record(actor=principal.username, action="update", entity="service_log", entity_id=log_id,
                           district_code=code, before={k: row[k] for k in LogIn.__struct_fields__},
                           after=_log_values(data))
    return view(await _my_log(code, principal, log_id), s.ServiceLogView)


@post(BASE + "/me/logs/{log_id:int}/submit", opt=OWN, tags=["talent"], summary="Submit my draft (then read-only)",
      status_code=200)
async def submit_log(code: str, log_id: int, principal: Principal) -> s.ServiceLogView:
    row = await _my_log(code, principal, log_id)
    if row["state"] != "draft":
        raise ApiError(409, "该记录已提交", "record_submitted")
    async with db.write_transaction():
        await ServiceLog.update({ServiceLog.state: "submitted",
                                 ServiceLog.submitted_at: dt.datetime.now(dt.timezone.utc)}).where(
            ServiceLog.id == log_id)
        await audit.record(actor=principal.username, action="submit", entity="service_log", entity_id=log_id,
                           district_code=code)
    return view(await _my_log(code, principal, log_id), s.ServiceLogView)


@post(BASE + "/me/logs/{log_id:int}/correction", opt=OWN, tags=["talent"],
      summary="Correct a submitted log: a new record that keeps the original")
async def correct_log(request: Request, code: str, log_id: int, data: LogCorrection, principal: Principal
                      ) -> s.ServiceLogView:
    original = await _my_log(code, principal, log_id)
    if original["state"] != "submitted" or original["superseded"]:
        raise ApiError(409, "只能更正已提交且未被更正过的记录", "not_correctable")
    await _check_log(request, code, data, await own_worker(code, principal))
    async with db.write_transaction():
        row = (await ServiceLog.insert(ServiceLog(
            worker=original["worker"], district_code=code, **_log_values(data), state="submitted",
            submitted_at=dt.datetime.now(dt.timezone.utc), corrects=log_id, correction_reason=data.reason,
        )).returning(*ServiceLog.all_columns()))[0]
        await ServiceLog.update({ServiceLog.superseded: True}).where(ServiceLog.id == log_id)
        await audit.record(actor=principal.username, action="correct", entity="service_log", entity_id=log_id,
                           district_code=code, before={k: original[k] for k in LogIn.__struct_fields__},
                           after={**_log_values(data), "reason": data.reason, "correction_id": row["id"]})
    return view(row, s.ServiceLogView)


@get(BASE + "/me/delivery-refs", opt=OWN, tags=["talent"],
     summary="The delivery records (e.g. purchase projects in delivery) my logs may name")
async def my_delivery_refs(request: Request, code: str, principal: Principal) -> list[s.DeliveryRef]:
    worker = await own_worker(code, principal)
    return [s.DeliveryRef(ref=o["ref"], title=o["title"])
            for o in await delivery.offered_refs(request.app.state.ctx, code, worker)]


@get(BASE + "/me/education", opt=OWN, tags=["talent"], summary="My continuing education")
async def my_education(code: str, principal: Principal) -> list[dict]:
    worker = await own_worker(code, principal)
    return await ContinuingEducation.select().where(ContinuingEducation.worker == worker["id"]).order_by(
        ContinuingEducation.day, ascending=False)


@post(BASE + "/me/education", opt=OWN, tags=["talent"], summary="Record continuing education")
async def add_education(code: str, data: EducationIn, principal: Principal) -> EducationRecord:
    worker = await own_worker(code, principal)
    values = {k: getattr(data, k) for k in EducationIn.__struct_fields__}
    async with db.write_transaction():
        values["hours"] = await education.checked_record(worker["id"], data.kind, data.day, data.hours)
        row = (await ContinuingEducation.insert(ContinuingEducation(
            worker=worker["id"], district_code=code, state="submitted", **values))
            .returning(*ContinuingEducation.all_columns()))[0]
        await audit.record(actor=principal.username, action="create", entity="continuing_education",
                           entity_id=row["id"], district_code=code, after=values)
    return shaped(row, EducationRecord)


@get(BASE + "/workers/{worker_id:int}/logs", opt=READ, tags=["talent"], summary="A worker's service logs")
async def worker_logs(code: str, worker_id: int) -> list[dict]:
    return await ServiceLog.select().where((ServiceLog.worker == worker_id) & (ServiceLog.district_code == code)
                                           ).order_by(ServiceLog.day, ascending=False)


@get(BASE + "/workers/{worker_id:int}/education", opt=READ, tags=["talent"], summary="A worker's training record")
async def worker_education(code: str, worker_id: int) -> list[dict]:
    return await ContinuingEducation.select().where(
        (ContinuingEducation.worker == worker_id) & (ContinuingEducation.district_code == code)
    ).order_by(ContinuingEducation.day, ascending=False)


ROUTES = [my_profile, my_logs, add_log, edit_log, submit_log, correct_log, my_delivery_refs, my_education,
          add_education, worker_logs, worker_education]
