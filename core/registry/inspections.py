"""Annual inspection (年检) and annual report (年报) results of registered organisations:
one result per organisation and year — 合格, 基本合格, 不合格 or 未参检 — recorded (or
corrected) by the registry's staff and audited with the previous result.

A year's result can be recorded once the year is over (the inspection of 2025 happens in
2026), from the year the organisation was registered on. Filed community organisations
are not legal persons and are not inspected (they are managed by the street).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core import audit, db
from core.dates import utc_now
from core.errors import invalid, not_found
from core.glossary import INSPECTION_RESULTS
from core.tables import AnnualInspection, Organization

ENTITY = "annual_inspection"
FIRST_YEAR = 1989  # 《社会团体登记管理条例》(1989): the earliest registrations the registry may hold
MAX_NOTE = 2000


def view(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "organization_id": row["organization"], "year": row["year"], "result": row["result"],
            "result_label": INSPECTION_RESULTS.get(row["result"], (row["result"],))[0], "note": row["note"],
            "recorded_by": row["recorded_by"], "recorded_at": row["recorded_at"]}


async def _organization(district_code: str, org_id: int) -> dict[str, Any]:
    row = await Organization.select(Organization.id, Organization.name, Organization.legal_type,
                                    Organization.registered_on).where(
        (Organization.id == org_id) & (Organization.district_code == district_code)).first()
    if not row:
        raise not_found("社会组织")
    return row


async def inspections(district_code: str, org_id: int) -> list[dict[str, Any]]:
    """The organisation's results, newest year first (404 outside the district)."""
    await _organization(district_code, org_id)
    rows = await AnnualInspection.select().where(AnnualInspection.organization == org_id).order_by(
        AnnualInspection.year, ascending=False)
    return [view(r) for r in rows]


def _errors(org: dict[str, Any], year: int, result: str, note: str) -> list[tuple[str, str]]:
    errors = []
    if org["legal_type"] == "community_filed":
        errors.append(("legal_type", f"“{org['name']}”是备案社区社会组织，不参加年检（年度报告）"))
    first = max(FIRST_YEAR, org["registered_on"].year if org["registered_on"] else FIRST_YEAR)
    last = date.today().year - 1
    if not first <= year <= last:
        errors.append(("year", f"年度应在{first}年（登记年度）至{last}年（上一年度）之间：年检在年度结束后进行"))
    if result not in INSPECTION_RESULTS:
        errors.append(("result", f"年检结论应为{'、'.join(v[0] for v in INSPECTION_RESULTS.values())}之一"))
    if len(note) > MAX_NOTE:
        errors.append(("note", f"说明不能超过{MAX_NOTE}个字"))
    return errors


async def record(district_code: str, actor: str, org_id: int, year: int, result: str, note: str = "") -> dict:
    """Record the year's result, or correct it (the same row, audited with the earlier result)."""
    note = note.strip()
    async with db.write_transaction():
        org = await _organization(district_code, org_id)
        if errors := _errors(org, year, result, note):
            raise invalid(errors)
        where = (AnnualInspection.organization == org_id) & (AnnualInspection.year == year)
        before = await db.locked(AnnualInspection.select().where(where)).first()
        values = {"result": result, "note": note, "recorded_by": actor}
        if before:
            await AnnualInspection.update({AnnualInspection.result: result, AnnualInspection.note: note,
                                           AnnualInspection.recorded_by: actor,
                                           AnnualInspection.recorded_at: utc_now()}).where(where)
        else:
            await AnnualInspection.insert(AnnualInspection(organization=org_id, district_code=district_code,
                                                           year=year, **values))
        row = await AnnualInspection.select().where(where).first()
        await audit.record(actor=actor, action="correct" if before else "record", entity=ENTITY, entity_id=row["id"],
                           district_code=district_code,
                           before={k: before[k] for k in ("result", "note", "recorded_by")} if before else None,
                           after={"organization": org_id, "year": year, **values})
    return view(row)
