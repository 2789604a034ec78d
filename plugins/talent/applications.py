"""Registration applications (登记申请) as the national registration system tracks them: a district
admin records an application (first registration or re-registration, decided from the worker's
record), edits it while it is 未申请 or 待审核, and moves it along states.APPLICATION. Creating,
editing and submitting apply the registration rules to the application date (registration.py);
completing it (首次登记已完成) sets the worker's registration dates to that day.

Every change runs in one write transaction, is conditional on the state it was read in
(UPDATE … WHERE state = old: a concurrent move makes the second one 409) and is audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core import audit, db
from core.dates import utc_now
from core.errors import ApiError, invalid, not_found
from plugins.talent import registration, services, states
from plugins.talent.glossary import REGISTRATION_KINDS
from plugins.talent.tables import RegistrationApplication, SocialWorker

ENTITY = "registration_application"
FAILED = ("first_failed", "final_failed")


def view(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its labels (zh, en), the moves allowed next and whether it may be edited."""
    return {**row, "worker_id": row["worker"], "kind_en": REGISTRATION_KINDS.get(row["kind"], row["kind"]),
            "state_label": states.label(row["state"]), "state_label_en": states.label(row["state"], "en"),
            "allowed_moves": list(states.APPLICATION.get(row["state"], ())),
            "editable": row["state"] in states.EDITABLE}


async def get_row(code: str, application_id: int) -> dict[str, Any]:
    row = await RegistrationApplication.select().where(
        (RegistrationApplication.id == application_id) & (RegistrationApplication.district_code == code)).first()
    if row is None:
        raise not_found("登记申请")
    return row


async def listed(code: str, worker_id: int | None = None, state: str | None = None) -> list[dict[str, Any]]:
    where = [RegistrationApplication.district_code == code]
    if worker_id is not None:
        await services.get_worker(code, worker_id)  # 404 for a worker not in this district
        where.append(RegistrationApplication.worker == worker_id)
    if state is not None:
        where.append(RegistrationApplication.state == state)
    return [view(r) for r in await RegistrationApplication.select().where(*where).order_by(RegistrationApplication.id)]


def _checked(worker: dict[str, Any], kind: str, applied_on: date, reason: str) -> list[str]:
    verdict = registration.check_application(worker, kind, applied_on, reason)
    if verdict.errors:
        raise invalid(verdict.errors, "登记申请不符合社会工作者登记规定")
    return verdict.overridden


async def create(code: str, actor: str, worker_id: int, applied_on: date, reason: str, note: str) -> dict[str, Any]:
    """A new application (未申请) for the worker; one in progress at a time (409)."""
    async with db.write_transaction():
        worker = await services.get_worker(code, worker_id)
        current = await RegistrationApplication.select(RegistrationApplication.id, RegistrationApplication.state).where(
            (RegistrationApplication.worker == worker_id)
            & RegistrationApplication.state.is_in(list(states.OPEN))).first()
        if current:
            raise ApiError(409, f"该社工已有办理中的登记申请（编号{current['id']}，{states.label(current['state'])}）",
                           "application_open")
        kind = registration.application_kind(worker)
        lifted = _checked(worker, kind, applied_on, reason)
        values = {"kind": kind, "applied_on": applied_on, "override_reason": reason.strip(), "note": note.strip()}
        row = (await RegistrationApplication.insert(RegistrationApplication(
            worker=worker_id, district_code=code, state="not_applied", **values)).returning(
            *RegistrationApplication.all_columns()))[0]
        await audit.record(actor=actor, action="create", entity=ENTITY, entity_id=row["id"], district_code=code,
                           after={**values, "worker_id": worker_id, "overridden_rules": lifted})
    return view(row)


async def _update(row: dict[str, Any], values: dict[Any, Any]) -> None:
    """UPDATE … WHERE state = the state read: 409 when someone moved it meanwhile."""
    changed = await RegistrationApplication.update({**values, RegistrationApplication.updated_at: utc_now()}).where(
        (RegistrationApplication.id == row["id"]) & (RegistrationApplication.state == row["state"])).returning(
        RegistrationApplication.id)
    if not changed:
        raise ApiError(409, "登记申请已被他人处理，请刷新后重试", "conflict")


async def edit(code: str, actor: str, application_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Change the date, override reason or note of an application not yet past 待审核."""
    async with db.write_transaction():
        row = await get_row(code, application_id)
        states.check_editable(row["state"])
        after = {k: v.strip() if isinstance(v, str) else v for k, v in changes.items()}
        merged = {**row, **after}
        worker = await services.get_worker(code, row["worker"])
        lifted = _checked(worker, row["kind"], merged["applied_on"], merged["override_reason"])
        await _update(row, {getattr(RegistrationApplication, k): v for k, v in after.items()})
        await audit.record(actor=actor, action="update", entity=ENTITY, entity_id=application_id, district_code=code,
                           before={k: row[k] for k in after}, after={**after, "overridden_rules": lifted})
    return view(await get_row(code, application_id))


async def _register(code: str, actor: str, row: dict[str, Any], worker: dict[str, Any], day: date) -> None:
    """Completion: the registration is made today; a first one also sets the first registration."""
    values = {"registered_on": day, "registration_expires": registration.expiry(day)}
    if row["kind"] == "首次登记":
        values["first_registered_on"] = day
    await SocialWorker.update({**{getattr(SocialWorker, k): v for k, v in values.items()},
                               SocialWorker.updated_at: utc_now()}).where(SocialWorker.id == worker["id"])
    await audit.record(actor=actor, action="register", entity="social_worker", entity_id=worker["id"],
                       district_code=code, before={k: worker[k] for k in values},
                       after={**values, "application_id": row["id"], "kind": row["kind"]})


async def move(code: str, actor: str, application_id: int, target: str, note: str) -> dict[str, Any]:
    """Move the application to `target` (409 unless allowed). Submitting re-checks the rules;
    a failed review needs the reason; completing it registers the worker."""
    async with db.write_transaction():
        row = await get_row(code, application_id)
        states.check(row["state"], target)
        worker = await services.get_worker(code, row["worker"])
        if target == "pending":
            _checked(worker, row["kind"], row["applied_on"], row["override_reason"])
        if target in FAILED and not note.strip():
            raise invalid([("note", "审核未通过须填写原因")])
        values: dict[Any, Any] = {RegistrationApplication.state: target}
        if note.strip():
            values[RegistrationApplication.note] = note.strip()
        today = date.today()
        if target == "registered":
            values[RegistrationApplication.registered_on] = today
        await _update(row, values)
        if target == "registered":
            await _register(code, actor, row, worker, today)
        await audit.record(actor=actor, action="move", entity=ENTITY, entity_id=application_id, district_code=code,
                           before={"state": row["state"]}, after={"state": target, "note": note.strip()})
    return view(await get_row(code, application_id))
