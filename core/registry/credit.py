"""Credit lists (民政部令第60号): an organisation's entries on the 活动异常名录 (`abnormal`)
and the 严重违法失信名单 (`serious`), each with the day listed and the reason, and — once it
is lifted — the removal day and reason. Entries are never deleted: removing sets
`removed_on`, so the history stays.

`Organization.credit_status` follows the open entries in the same transaction as every
change (serious wins over abnormal; none open is normal), so readers of the registry
(incubation eligibility, lists, open data) need not know about this table. Every change
is audited: the entry itself, and the organisation's credit status when it moves.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core import audit, db
from core.dates import utc_now
from core.errors import ApiError, invalid, not_found
from core.glossary import CREDIT_LISTS
from core.tables import CreditListing, Organization

ENTITY = "credit_listing"
MAX_REASON = 2000


def list_name(credit_list: str) -> str:
    return CREDIT_LISTS.get(credit_list, (credit_list,))[0]


def credit_status_for(open_lists: list[str]) -> str:
    """The organisation's credit status from the lists it is on now."""
    return "serious" if "serious" in open_lists else "abnormal" if "abnormal" in open_lists else "normal"


async def open_lists(org_id: int) -> list[str]:
    """The lists the organisation is on now (serious first): what other modules re-check
    before they act on it, e.g. incubation at graduation."""
    rows = await CreditListing.select(CreditListing.credit_list).where(
        (CreditListing.organization == org_id) & CreditListing.removed_on.is_null())
    found = {r["credit_list"] for r in rows}
    return [name for name in ("serious", "abnormal") if name in found]


async def _organization(district_code: str, org_id: int) -> dict[str, Any]:
    row = await db.locked(Organization.select(Organization.id, Organization.name, Organization.credit_status).where(
        (Organization.id == org_id) & (Organization.district_code == district_code))).first()
    if not row:
        raise not_found("社会组织")
    return row


async def _sync_credit_status(district_code: str, actor: str, org: dict[str, Any]) -> str:
    """Set the organisation's credit status from its open entries; audit it when it moves."""
    status = credit_status_for(await open_lists(org["id"]))
    if status != org["credit_status"]:
        await Organization.update({Organization.credit_status: status, Organization.updated_at: utc_now()}).where(
            Organization.id == org["id"])
        await audit.record(actor=actor, action="credit_status", entity="organization", entity_id=org["id"],
                           district_code=district_code, before={"credit_status": org["credit_status"]},
                           after={"credit_status": status})
    return status


def view(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "organization_id": row["organization"], "credit_list": row["credit_list"],
            "credit_list_label": list_name(row["credit_list"]), "listed_on": row["listed_on"],
            "reason": row["reason"], "listed_by": row["listed_by"], "removed_on": row["removed_on"],
            "removal_reason": row["removal_reason"], "removed_by": row["removed_by"],
            "open": row["removed_on"] is None}


async def listings(district_code: str, org_id: int) -> list[dict[str, Any]]:
    """The organisation's entries, newest first (404 outside the district)."""
    if not await Organization.exists().where((Organization.id == org_id)
                                             & (Organization.district_code == district_code)):
        raise not_found("社会组织")
    rows = await CreditListing.select().where(CreditListing.organization == org_id).order_by(
        CreditListing.listed_on, ascending=False).order_by(CreditListing.id, ascending=False)
    return [view(r) for r in rows]


def _reason_errors(reason: str, field: str, what: str) -> list[tuple[str, str]]:
    if not reason:
        return [(field, f"请写明{what}")]
    if len(reason) > MAX_REASON:
        return [(field, f"{what}不能超过{MAX_REASON}个字")]
    return []


async def add(district_code: str, actor: str, org_id: int, credit_list: str, listed_on: date,
              reason: str) -> dict[str, Any]:
    """List the organisation; refused (409) while an entry on the same list is still open."""
    reason = reason.strip()
    errors = _reason_errors(reason, "reason", "列入理由")
    if credit_list not in CREDIT_LISTS:
        errors.append(("credit_list", f"名单应为{'或'.join(v[0] for v in CREDIT_LISTS.values())}"))
    if listed_on > date.today():
        errors.append(("listed_on", "列入日期不能晚于今天"))
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        org = await _organization(district_code, org_id)
        already = await CreditListing.select(CreditListing.id, CreditListing.listed_on).where(
            (CreditListing.organization == org_id) & (CreditListing.credit_list == credit_list)
            & CreditListing.removed_on.is_null()).first()
        if already:
            raise ApiError(409, f"“{org['name']}”已于{already['listed_on']}列入{list_name(credit_list)}，尚未移出",
                           "already_listed", [("credit_list", f"已在{list_name(credit_list)}中")])
        values = {"organization": org_id, "district_code": district_code, "credit_list": credit_list,
                  "listed_on": listed_on, "reason": reason, "listed_by": actor}
        listing_id = (await CreditListing.insert(CreditListing(**values)).returning(CreditListing.id))[0]["id"]
        await audit.record(actor=actor, action="list", entity=ENTITY, entity_id=listing_id,
                           district_code=district_code, after=values)
        await _sync_credit_status(district_code, actor, org)
    return view(await CreditListing.select().where(CreditListing.id == listing_id).first())


async def remove(district_code: str, actor: str, org_id: int, listing_id: int, removed_on: date | None,
                 reason: str) -> dict[str, Any]:
    """Lift an open entry (移出名单): the removal day and reason are recorded, the entry stays."""
    reason = reason.strip()
    removed_on = removed_on or date.today()
    errors = _reason_errors(reason, "reason", "移出理由")
    if removed_on > date.today():
        errors.append(("removed_on", "移出日期不能晚于今天"))
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        org = await _organization(district_code, org_id)
        row = await db.locked(CreditListing.select().where(
            (CreditListing.id == listing_id) & (CreditListing.organization == org_id))).first()
        if not row:
            raise not_found("信用名单记录")
        if row["removed_on"] is not None:
            raise ApiError(409, f"该记录已于{row['removed_on']}移出{list_name(row['credit_list'])}",
                           "already_removed")
        if removed_on < row["listed_on"]:
            raise invalid([("removed_on", f"移出日期不能早于列入日期{row['listed_on']}")])
        values = {"removed_on": removed_on, "removal_reason": reason, "removed_by": actor}
        await CreditListing.update({getattr(CreditListing, k): v for k, v in values.items()}).where(
            CreditListing.id == listing_id)
        await audit.record(actor=actor, action="remove", entity=ENTITY, entity_id=listing_id,
                           district_code=district_code, before={"removed_on": None},
                           after={"organization": org_id, "credit_list": row["credit_list"], **values})
        await _sync_credit_status(district_code, actor, org)
    return view(await CreditListing.select().where(CreditListing.id == listing_id).first())
