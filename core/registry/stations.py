"""Street social-work stations (乡镇（街道）社工站, "一乡镇(街道)一站点"): each street (a Community
of kind "street") records its station — name, address, the day it opened, the day it closed
(null while it runs), the resident social workers recorded there (驻站社工数) and a note.

Stations are public service sites, so reading is public; writing needs the permission the
registry's streets and communities use (`registry.community.write`). A station is never deleted:
closing it (撤站) sets `closed_on`, so the coverage at an earlier date stays computable
(core.registry.indicators). At most one station per street is open at a time: a second is
refused with 409 naming the open one (a partial unique index backs it in the database). Every
write is audited inside its transaction; bad input is 422 naming the field; another district's
street is 404, as if absent.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core import audit, db
from core.dates import utc_now
from core.errors import ApiError, invalid, not_found
from core.tables import Community, SocialWorkStation

ENTITY = "social_work_station"
WRITE = "registry.community.write"
OPEN, CLOSED = "运行中", "已撤站"
MAX_NOTE = 2000
MAX_WORKERS = 10_000
EDITABLE = ("name", "address", "opened_on", "closed_on", "resident_workers", "note")


def is_open(row: dict[str, Any], at: date | None = None) -> bool:
    """Whether the station runs on `at` (today when None): opened on or before it, not closed by it."""
    at = at or date.today()
    return row["opened_on"] <= at and (row["closed_on"] is None or row["closed_on"] > at)


def status_label(row: dict[str, Any]) -> str:
    return CLOSED if row["closed_on"] is not None and row["closed_on"] <= date.today() else OPEN


def view(row: dict[str, Any], street_name: str = "") -> dict[str, Any]:
    return {"id": row["id"], "street_code": row["street_code"], "street_name": street_name, "name": row["name"],
            "address": row["address"], "opened_on": row["opened_on"], "closed_on": row["closed_on"],
            "open": row["closed_on"] is None, "status_label": status_label(row),
            "resident_workers": row["resident_workers"], "note": row["note"], "updated_at": row["updated_at"]}


async def street(district_code: str, street_code: str, lock: bool = False) -> dict[str, Any]:
    """The district's street of that code: 404 when the district has no such record, 422 naming
    `street_code` when it is a community (社区/村) rather than a street. `lock` (inside a write):
    the street's row is locked, so two writers of its station queue and the second sees the first."""
    query = Community.select(Community.code, Community.name, Community.kind).where(
        (Community.district_code == district_code) & (Community.code == street_code))
    row = await (db.locked(query) if lock else query).first()
    if not row:
        raise not_found(f"街道 {street_code} ")
    if row["kind"] != "street":
        raise invalid([("street_code", f"“{row['name']}”是社区（村），社工站设在乡镇（街道）")])
    return row


async def stations(district_code: str, street_code: str) -> dict[str, Any]:
    """The street with its stations, newest first, and the open one (or None)."""
    found = await street(district_code, street_code)
    rows = await SocialWorkStation.select().where(
        (SocialWorkStation.district_code == district_code) & (SocialWorkStation.street_code == street_code)
    ).order_by(SocialWorkStation.opened_on, ascending=False).order_by(SocialWorkStation.id, ascending=False)
    views = [view(r, found["name"]) for r in rows]
    return {"street_code": street_code, "street_name": found["name"],
            "current": next((v for v in views if v["open"]), None), "stations": views}


async def overview(district_code: str) -> dict[str, Any]:
    """Every street of the district with its open station (or None), the streets without one
    first (the gap a district closes), then by code; and the totals the coverage indicator counts
    today: streets, streets with an open station, coverage % (one decimal), resident workers."""
    streets = await Community.select(Community.code, Community.name).where(
        (Community.district_code == district_code) & (Community.kind == "street")).order_by(Community.code)
    today = date.today()
    rows = await SocialWorkStation.select().where(
        (SocialWorkStation.district_code == district_code) & SocialWorkStation.closed_on.is_null())
    current = {r["street_code"]: r for r in rows if is_open(r, today)}
    entries = [{"street_code": s["code"], "street_name": s["name"],
                "station": view(current[s["code"]], s["name"]) if s["code"] in current else None} for s in streets]
    entries.sort(key=lambda e: (e["station"] is not None, e["street_code"]))
    covered = sum(1 for e in entries if e["station"])
    return {"streets": len(entries), "covered": covered,
            "coverage": round(covered / len(entries) * 100, 1) if entries else None,
            "resident_workers": sum(e["station"]["resident_workers"] for e in entries if e["station"]),
            "entries": entries}


def _errors(values: dict[str, Any]) -> list[tuple[str, str]]:
    errors = []
    today = date.today()
    if "name" in values and not values["name"].strip():
        errors.append(("name", "请填写社工站名称"))
    workers = values.get("resident_workers")
    if workers is not None and not 0 <= workers <= MAX_WORKERS:
        errors.append(("resident_workers", "驻站社工数不能为负数" if workers < 0 else f"驻站社工数不能超过{MAX_WORKERS}"))
    if len(values.get("note") or "") > MAX_NOTE:
        errors.append(("note", f"备注不能超过{MAX_NOTE}个字"))
    if values.get("opened_on") and values["opened_on"] > today:
        errors.append(("opened_on", "建站日期不能晚于今天"))
    closed = values.get("closed_on")
    if closed:
        if closed > today:
            errors.append(("closed_on", "撤站日期不能晚于今天"))
        if values.get("opened_on") and closed < values["opened_on"]:
            errors.append(("closed_on", f"撤站日期不能早于建站日期{values['opened_on']}"))
    return errors


async def _open_station(district_code: str, street_code: str) -> dict[str, Any] | None:
    return await db.locked(SocialWorkStation.select().where(
        (SocialWorkStation.district_code == district_code) & (SocialWorkStation.street_code == street_code)
        & SocialWorkStation.closed_on.is_null())).first()


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in EDITABLE}


async def create(district_code: str, actor: str, street_code: str, values: dict[str, Any]) -> dict[str, Any]:
    """Record the street's station; 409 naming the open one while another is open (unless this
    one is recorded as already closed: history)."""
    values = {"address": "", "note": "", "resident_workers": 0, "closed_on": None, **_clean(values)}
    if errors := _errors(values):
        raise invalid(errors)
    async with db.write_transaction():
        found = await street(district_code, street_code, lock=True)
        if values["closed_on"] is None and (already := await _open_station(district_code, street_code)):
            raise ApiError(409, f"“{found['name']}”已有运行中的社工站“{already['name']}”（{already['opened_on']}建站），"
                                f"一街道只设一个站点：请先撤站或修改该站", "station_open",
                           [("street_code", f"已有运行中的社工站“{already['name']}”")])
        row = {"district_code": district_code, "street_code": street_code, "created_by": actor, **values}
        new_id = (await SocialWorkStation.insert(SocialWorkStation(**row)).returning(SocialWorkStation.id))[0]["id"]
        await audit.record(actor=actor, action="create", entity=ENTITY, entity_id=new_id,
                           district_code=district_code, after=row)
        saved = await SocialWorkStation.select().where(SocialWorkStation.id == new_id).first()
    return view(saved, found["name"])


async def update(district_code: str, actor: str, street_code: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Change the street's open station; a `closed_on` closes it (撤站). 404 when none is open."""
    changes = _clean(changes)
    async with db.write_transaction():
        found = await street(district_code, street_code, lock=True)
        before = await _open_station(district_code, street_code)
        if not before:
            raise not_found(f"“{found['name']}”运行中的社工站")
        if errors := _errors({**before, **changes}):
            raise invalid(errors)
        moved = {k: v for k, v in changes.items() if before[k] != v}
        if moved:
            await SocialWorkStation.update({**{getattr(SocialWorkStation, k): v for k, v in moved.items()},
                                            SocialWorkStation.updated_at: utc_now()}).where(
                SocialWorkStation.id == before["id"])
            closing = moved.get("closed_on") is not None
            await audit.record(actor=actor, action="close" if closing else "update", entity=ENTITY,
                               entity_id=before["id"], district_code=district_code,
                               before={k: before[k] for k in moved}, after={"street_code": street_code, **moved})
        saved = await SocialWorkStation.select().where(SocialWorkStation.id == before["id"]).first()
    return view(saved, found["name"])
