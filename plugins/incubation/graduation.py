"""Graduation (出壳) from the incubation base into the shared registry, and what stands in
its way: the required capacity milestones signed off by the mentor (a district setting), a
期满 (final) progress review recorded, and — checked again at graduation, since a listing
may come after screening — an organisation on neither credit list (民政部令第60号: listed
organisations are not incubated). The graduate is written through the registry's services,
so the registry's own rules and audit apply."""

from __future__ import annotations

from datetime import date
from typing import Any

from core import db
from core.codes import phone_error
from core.context import AppContext
from core.errors import ApiError, invalid
from core.glossary import CREDIT_LISTS
from core.modules import module_settings
from core.registry import credit
from core.registry import services as registry
from core.tables import Community, Organization
from plugins.incubation import MODULE, glossary, states
from plugins.incubation.common import get_row, move
from plugins.incubation.tables import Incubatee, Milestone, ProgressReview

FINAL_REVIEW = "期满"


async def missing_milestones(ctx: AppContext, code: str, row: dict[str, Any]) -> list[dict[str, str]]:
    """The required milestone kinds not yet signed off."""
    required = (await module_settings(ctx, code, MODULE))["required_milestones"]
    done = {m["kind"] for m in await Milestone.select(Milestone.kind).where(
        (Milestone.incubatee == row["id"]) & (Milestone.state == "signed_off"))}
    return [{"kind": kind, "title": glossary.MILESTONES.get(kind, (kind,))[0],
             "title_en": glossary.MILESTONES.get(kind, (kind, kind))[1]} for kind in required if kind not in done]


async def has_final_review(incubatee_id: int) -> bool:
    return await ProgressReview.exists().where(
        (ProgressReview.incubatee == incubatee_id) & (ProgressReview.kind == FINAL_REVIEW))


async def credit_lists_of(row: dict[str, Any]) -> list[str]:
    """The credit lists the incubatee's organisation is on now; a team not yet registered has none."""
    return await credit.open_lists(row["organization_id"]) if row["organization_id"] else []


async def graduation_needs(ctx: AppContext, code: str, row: dict[str, Any]) -> list[dict[str, str]]:
    """What still stands in the way of graduation (empty: it may proceed): required milestones
    not signed off, the 期满 review not recorded, the organisation on a credit list."""
    needs = await missing_milestones(ctx, code, row)
    if not await has_final_review(row["id"]):
        needs.append({"kind": "final_review", "title": "记录期满评估", "title_en": "A final (期满) review recorded"})
    for listed in await credit_lists_of(row):
        zh, en = CREDIT_LISTS[listed]
        needs.append({"kind": "credit", "title": f"移出{zh}", "title_en": f"Off the {en.lower()}"})
    return needs


async def _registry_values(code: str, row: dict[str, Any]) -> dict[str, Any]:
    """What graduation writes to the registry from the incubatee (community only when registered)."""
    values: dict[str, Any] = {"name": row["name"]}
    if row["community_code"] and await Community.exists().where(
            (Community.code == row["community_code"]) & (Community.district_code == code)):
        values["community_code"] = row["community_code"]
    return values


async def graduate(ctx: AppContext, code: str, incubatee_id: int, actor: str,
                   graduated_on: date | None = None) -> dict[str, Any]:
    """出壳: incubating → graduated when every required milestone is signed off, the 期满 review
    is recorded and the organisation is on no credit list (each refused with 409 naming it);
    the organisation is created in the registry (备案社区社会组织) or the existing one updated —
    through the registry's services, so its rules apply — in the same transaction."""
    day = graduated_on or date.today()
    async with db.write_transaction():
        row = await get_row(code, incubatee_id)
        states.check(states.STAGES, row["stage"], "graduated", "孵化对象")
        missing = await missing_milestones(ctx, code, row)
        if missing:
            titles = "、".join(m["title"] for m in missing)
            raise ApiError(409, f"还有{len(missing)}项能力建设事项未经导师确认，不能出壳：{titles}", "milestones_missing",
                           [("milestones", m["title"]) for m in missing])
        if not await has_final_review(incubatee_id):
            raise ApiError(409, "尚未进行期满评估，不能出壳：请导师先记录一次“期满”进展评估", "final_review_missing",
                           [("reviews", "出壳前须记录期满评估")])
        if listed := await credit_lists_of(row):
            lists = "和".join(credit.list_name(name) for name in listed)
            raise ApiError(409, f"该组织已被列入{lists}，不能出壳", "credit_listed",
                           [("organization_id", f"已被列入{lists}：被列入信用名单的组织不能出壳")])
        if row["moved_in_on"] and day < row["moved_in_on"]:
            raise invalid([("graduated_on", f"出壳日期不能早于入驻日期{row['moved_in_on']}")])
        if day > date.today():
            raise invalid([("graduated_on", "出壳日期不能晚于今天")])
        values = await _registry_values(code, row)
        existing = row["organization_id"] and await Organization.select(
            Organization.id, Organization.legal_type, Organization.status).where(
            (Organization.id == row["organization_id"]) & (Organization.district_code == code)).first()
        if existing:
            if existing["legal_type"] == "community_filed" and existing["status"] != "filed":
                values["status"] = "filed"
            org = await registry.update_organization(code, actor, existing["id"], values)
        else:
            contact = {"contact_name": row["contact_name"][:50]}
            if row["contact_phone"] and not phone_error(row["contact_phone"]):
                contact["contact_phone"] = row["contact_phone"]
            org = await registry.create_organization(code, actor, {
                **values, **contact, "legal_type": "community_filed", "status": "filed", "registered_on": day})
        await move(code, incubatee_id, "graduated", actor,
                   {Incubatee.graduated_on: day, Incubatee.organization_id: org["id"]}, "graduate")
    return await get_row(code, incubatee_id)
