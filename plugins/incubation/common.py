"""Shared by the incubation services: reading an incubatee of a district as the API shows
it, and moving it to another stage (checked, audited, in one transaction)."""

from __future__ import annotations

import json
from typing import Any

from core import audit, db
from core.dates import utc_now
from core.errors import ApiError, not_found
from core.codes import mask_phone
from core.glossary import INCUBATEE_TYPES, RESIDENCY_KINDS, label
from plugins.incubation import states
from plugins.incubation.tables import Incubatee

ENTITY = "incubation_incubatee"
_JSON = ("fields", "members", "eligibility")


def takes_a_place(row: dict[str, Any]) -> bool:
    """A virtual resident (虚拟入驻) takes no desk or room, so it does not fill the base;
    rows from before residency was recorded ("") were all on site."""
    return row["residency"] != "virtual"


async def get_row(code: str, incubatee_id: int) -> dict[str, Any]:
    row = await Incubatee.select().where((Incubatee.id == incubatee_id) & (Incubatee.district_code == code)).first()
    if row is None:
        raise not_found("孵化对象")
    return row


def view(row: dict[str, Any], *, reveal_phone: bool = False) -> dict[str, Any]:
    """The row with JSON fields parsed, the stage label, and the contact phone masked
    unless the reader may see it (staff of the district, the applicant)."""
    out = {**row, **{k: json.loads(row[k] or "[]") for k in _JSON}}
    out["stage_label"] = states.LABELS.get(row["stage"], row["stage"])
    out["incubatee_type_label"] = label(INCUBATEE_TYPES, row["incubatee_type"])
    out["residency_label"] = label(RESIDENCY_KINDS, row["residency"])
    if not reveal_phone:
        out["contact_phone"] = mask_phone(row["contact_phone"]) if row["contact_phone"] else ""
    return out


async def move(code: str, incubatee_id: int, target: str, actor: str, values: dict[Any, Any], action: str,
               *, expect: str | None = None) -> dict[str, Any]:
    """Move an incubatee to `target` (checked against states.STAGES) with column `values`,
    audited with before/after; `expect` additionally requires the current stage."""
    async with db.write_transaction():
        row = await get_row(code, incubatee_id)
        if expect is not None and row["stage"] != expect:
            states.check({expect: (target,)}, row["stage"], target, "孵化对象")
        states.check(states.STAGES, row["stage"], target, "孵化对象")
        changed = await Incubatee.update({Incubatee.stage: target, Incubatee.updated_at: utc_now(), **values}).where(
            (Incubatee.id == incubatee_id) & (Incubatee.stage == row["stage"])).returning(Incubatee.id)
        if not changed:
            raise ApiError(409, "孵化对象已被他人修改，请刷新后重试", "conflict")
        after = {"stage": target, **{c._meta.name: v for c, v in values.items()}}
        await audit.record(actor=actor, action=action, entity=ENTITY, entity_id=incubatee_id, district_code=code,
                           before={"stage": row["stage"]}, after=after)
    return await get_row(code, incubatee_id)
