"""Shared registry services: streets/communities, organisations, persons.

Every function takes the district code from the route (already authorised) and
scopes every query by it. Writes run in one transaction with their audit event;
personal data enters the audit log masked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from piccolo.table import Table

from core import audit, db
from core.codes import (
    community_code_error,
    id_birth_date,
    id_gender,
    id_number_error,
    mask_id_number,
    mask_phone,
    phone_error,
)
from core.contrib import Referrer
from core.errors import ApiError, invalid, not_found
from core.registry.organization_rules import CODE_FIELDS, normalise_code_fields, organization_errors
from core.registry.references import refuse_if_referenced
from core.tables import Community, Organization, Person


@dataclass
class Listing:
    total: int
    page: int
    per_page: int
    rows: list[dict[str, Any]]


async def paginate(table: type[Table], where: list, page: int, per_page: int, order_by) -> Listing:
    total = await table.count().where(*where)
    rows = await table.select().where(*where).order_by(order_by).limit(per_page).offset((page - 1) * per_page)
    return Listing(total, page, per_page, rows)


async def _one(table: type[Table], district_code: str, condition, what: str) -> dict[str, Any]:
    row = await table.select().where(condition, table.district_code == district_code).first()
    if not row:
        raise not_found(what)
    return row


async def _community_must_exist(district_code: str, community_code: str | None, field: str) -> None:
    if community_code is None:
        return
    exists = await Community.exists().where(
        (Community.code == community_code) & (Community.district_code == district_code)
    )
    if not exists:
        raise invalid([(field, f"社区 {community_code} 不在本区县的登记中")])


# --- communities ----------------------------------------------------------------------


def community_kind(code: str) -> str:
    return "street" if code.endswith("000") else "community"


async def list_communities(district_code: str, *, kind=None, parent_code=None, q=None, page=1, per_page=20) -> Listing:
    where = [Community.district_code == district_code]
    if kind:
        where.append(Community.kind == kind)
    if parent_code:
        where.append(Community.parent_code == parent_code)
    if q:
        where.append(Community.name.like(f"%{q}%"))
    return await paginate(Community, where, page, per_page, Community.code)


async def get_community(district_code: str, code: str) -> dict:
    return await _one(Community, district_code, Community.code == code, f"社区 {code} ")


async def create_community(district_code: str, actor: str, code: str, name: str) -> dict:
    error = community_code_error(code, district_code)
    if error:
        raise invalid([("code", error)])
    kind = community_kind(code)
    parent = None if kind == "street" else code[:9] + "000"
    async with db.write_transaction():
        if await Community.exists().where(Community.code == code):
            raise ApiError(409, f"代码 {code} 已存在", "duplicate", [("code", "代码已存在")])
        if parent and not await Community.exists().where(Community.code == parent):
            raise invalid([("code", f"所属街道/乡镇 {parent} 尚未登记，请先登记街道")])
        row = dict(code=code, name=name, kind=kind, parent_code=parent, district_code=district_code)
        await Community.insert(Community(**row))
        await audit.record(actor=actor, action="create", entity="community", entity_id=code,
                           district_code=district_code, after=row)
    return await get_community(district_code, code)


async def update_community(district_code: str, actor: str, code: str, name: str) -> dict:
    async with db.write_transaction():
        before = await get_community(district_code, code)
        await Community.update({Community.name: name}).where(Community.id == before["id"])
        await audit.record(actor=actor, action="update", entity="community", entity_id=code,
                           district_code=district_code, before={"name": before["name"]}, after={"name": name})
    return await get_community(district_code, code)


async def delete_community(district_code: str, actor: str, code: str, referrers: Iterable[Referrer] = ()) -> None:
    """Delete a street or community nothing refers to (its communities, persons, organisations,
    `referrers`: the modules' records); otherwise 409 naming what still refers to it."""
    async with db.write_transaction():
        before = await get_community(district_code, code)
        await refuse_if_referenced("community", district_code, code, referrers, before["name"])
        await Community.delete().where(Community.id == before["id"])
        await audit.record(actor=actor, action="delete", entity="community", entity_id=code,
                           district_code=district_code, before=_plain(before))


def _plain(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in {"created_at", "updated_at"}}


# --- organisations --------------------------------------------------------------------


async def _uscc_must_be_free(uscc: str | None, org_id: int | None = None) -> None:
    if not uscc:
        return
    taken = Organization.uscc == uscc
    if org_id is not None:
        taken &= Organization.id != org_id
    if await Organization.exists().where(taken):
        raise ApiError(409, "该统一社会信用代码已登记", "duplicate", [("uscc", "代码已存在")])


async def _audit_exception(district_code: str, actor: str, org_id: int, values: dict) -> None:
    """A code accepted against its check character is audited on its own, so it can be found."""
    await audit.record(actor=actor, action="uscc_exception", entity="organization", entity_id=org_id,
                       district_code=district_code,
                       after={"uscc": values["uscc"], "reason": values["uscc_exception_reason"]})


async def list_organizations(district_code: str, *, legal_type=None, status=None, grade=None, q=None,
                             uscc_exception=None, credit_status=None, page=1, per_page=20) -> Listing:
    where = [Organization.district_code == district_code]
    for column, value in ((Organization.legal_type, legal_type), (Organization.status, status),
                          (Organization.grade, grade), (Organization.credit_status, credit_status)):
        if value:
            where.append(column == value)
    if uscc_exception is not None:
        where.append(Organization.uscc_exception == uscc_exception)
    if q:
        where.append(Organization.name.like(f"%{q}%"))
    return await paginate(Organization, where, page, per_page, Organization.id)


async def get_organization(district_code: str, org_id: int) -> dict:
    return await _one(Organization, district_code, Organization.id == org_id, "社会组织")


async def create_organization(district_code: str, actor: str, data: dict) -> dict:
    data = dict(data)
    normalise_code_fields(data)
    errors = organization_errors(data)
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        await _community_must_exist(district_code, data.get("community_code"), "community_code")
        await _uscc_must_be_free(data.get("uscc"))
        org_id = (await Organization.insert(Organization(district_code=district_code, **data))
                  .returning(Organization.id))[0]["id"]
        await audit.record(actor=actor, action="create", entity="organization", entity_id=org_id,
                           district_code=district_code, after=_public_org(data))
        if data.get("uscc_exception"):
            await _audit_exception(district_code, actor, org_id, data)
    return await get_organization(district_code, org_id)


async def update_organization(district_code: str, actor: str, org_id: int, changes: dict) -> dict:
    """Apply `changes`; a change of the code, the exception or the legal type re-checks the code.
    A new code drops an earlier exception unless the same change claims it again: an
    exception belongs to the one code it was granted for."""
    changes = dict(changes)
    if not changes:  # an empty PATCH changes nothing and records nothing
        return await get_organization(district_code, org_id)
    normalise_code_fields(changes)
    async with db.write_transaction():
        before = await get_organization(district_code, org_id)
        code_changed = "uscc" in changes and changes["uscc"] != before["uscc"]
        if code_changed and "uscc_exception" not in changes and before["uscc_exception"]:
            changes.update(uscc_exception=False, uscc_exception_reason="")
        changed = {k: v for k, v in changes.items() if before.get(k) != v}
        merged = {**before, **changes}
        errors = organization_errors(merged, check_code=any(k in changed for k in CODE_FIELDS))
        if errors:
            raise invalid(errors)
        await _community_must_exist(district_code, changes.get("community_code"), "community_code")
        if code_changed:
            await _uscc_must_be_free(changes["uscc"], org_id)
        values = {getattr(Organization, k): v for k, v in changes.items()}
        await Organization.update(values).where(Organization.id == org_id)
        await audit.record(actor=actor, action="update", entity="organization", entity_id=org_id,
                           district_code=district_code, before=_public_org({k: before[k] for k in changes}),
                           after=_public_org(changes))
        if merged["uscc_exception"] and {"uscc", "uscc_exception", "uscc_exception_reason"} & changed.keys():
            await _audit_exception(district_code, actor, org_id, merged)
    return await get_organization(district_code, org_id)


async def delete_organization(district_code: str, actor: str, org_id: int,
                              referrers: Iterable[Referrer] = ()) -> None:
    """Delete an organisation entered by mistake; one anything refers to (inspection results,
    credit-list history, staff grants, `referrers`: the modules' records) is kept: deregister it instead."""
    async with db.write_transaction():
        before = await get_organization(district_code, org_id)
        await refuse_if_referenced("organization", district_code, org_id, referrers, before["name"],
                                   "；如已注销请修改登记状态")
        await Organization.delete().where(Organization.id == org_id)
        await audit.record(actor=actor, action="delete", entity="organization", entity_id=org_id,
                           district_code=district_code, before=_public_org(_plain(before)))


def _public_org(data: dict) -> dict:
    out = dict(data)
    if out.get("contact_phone"):
        out["contact_phone"] = mask_phone(out["contact_phone"])
    return out


# --- persons --------------------------------------------------------------------------


def masked_person(row: dict) -> dict:
    """The only person shape that leaves a list or a public output."""
    return {
        "id": row["id"],
        "district_code": row["district_code"],
        "name": row["name"],
        "id_number": mask_id_number(row["id_number"]),
        "gender": row["gender"],
        "birth_year": row["birth_date"].year,
        "phone": mask_phone(row["phone"]) or "",
        "community_code": row["community_code"],
    }


async def list_persons(district_code: str, *, community_code=None, gender=None, q=None, page=1, per_page=20) -> Listing:
    where = [Person.district_code == district_code]
    if community_code:
        where.append(Person.community_code == community_code)
    if gender:
        where.append(Person.gender == gender)
    if q:
        where.append(Person.name.like(f"%{q}%"))
    return await paginate(Person, where, page, per_page, Person.id)


async def get_person(district_code: str, person_id: int) -> dict:
    return await _one(Person, district_code, Person.id == person_id, "人员")


async def create_person(district_code: str, actor: str, data: dict) -> dict:
    id_number = data["id_number"].strip().upper()
    errors = []
    if error := id_number_error(id_number):
        errors.append(("id_number", error))
    if data.get("phone") and (error := phone_error(data["phone"])):
        errors.append(("phone", error))
    if errors:
        raise invalid(errors)
    row = {**data, "id_number": id_number, "gender": id_gender(id_number), "birth_date": id_birth_date(id_number)}
    async with db.write_transaction():
        await _community_must_exist(district_code, data.get("community_code"), "community_code")
        if await Person.exists().where(Person.id_number == id_number):
            raise ApiError(409, "该身份证号已登记", "duplicate", [("id_number", "身份证号已存在")])
        person_id = (await Person.insert(Person(district_code=district_code, **row)).returning(Person.id))[0]["id"]
        created = await get_person(district_code, person_id)
        await audit.record(actor=actor, action="create", entity="person", entity_id=person_id,
                           district_code=district_code, after=masked_person(created))
    return created


async def update_person(district_code: str, actor: str, person_id: int, changes: dict) -> dict:
    if not changes:  # an empty PATCH changes nothing and records nothing
        return await get_person(district_code, person_id)
    if changes.get("phone") and (error := phone_error(changes["phone"])):
        raise invalid([("phone", error)])
    async with db.write_transaction():
        before = await get_person(district_code, person_id)
        await _community_must_exist(district_code, changes.get("community_code"), "community_code")
        await Person.update({getattr(Person, k): v for k, v in changes.items()}).where(Person.id == person_id)
        after = await get_person(district_code, person_id)
        await audit.record(actor=actor, action="update", entity="person", entity_id=person_id,
                           district_code=district_code, before=masked_person(before), after=masked_person(after))
    return after


async def delete_person(district_code: str, actor: str, person_id: int, referrers: Iterable[Referrer] = ()) -> None:
    """Delete a person nothing refers to (user accounts, `referrers`: the modules' records)."""
    async with db.write_transaction():
        before = await get_person(district_code, person_id)
        await refuse_if_referenced("person", district_code, person_id, referrers, "该人员")
        await Person.delete().where(Person.id == person_id)
        await audit.record(actor=actor, action="delete", entity="person", entity_id=person_id,
                           district_code=district_code, before=masked_person(before))


async def reveal_person(district_code: str, actor: str, person_id: int, reason: str = "") -> dict:
    """The full ID number and phone, for a permitted user; the reveal itself is audited, with the
    reason the user gave (the person page always asks for one)."""
    reason = reason.strip()
    after: dict[str, Any] = {"fields": ["id_number", "phone"]}
    if reason:
        after["reason"] = reason
    async with db.write_transaction():
        row = await get_person(district_code, person_id)
        await audit.record(actor=actor, action="reveal", entity="person", entity_id=person_id,
                           district_code=district_code, after=after)
    return {"id": row["id"], "id_number": row["id_number"], "phone": row["phone"]}
