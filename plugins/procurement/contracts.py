"""The service contract of an awarded project: recorded by a district admin — supplier, number,
value within the budget, signing date, a term under the same rules as a project's period
(rules.check_term) — and, in the same transaction, the project moved awarded → contracted
(projects.move: conditional, StageChange row, audit). One contract per project: a second
recording, racing or late, gets 409. An optional contract document is a core upload.

Who sees a contract: holders of procurement.delivery.read district-wide (staff of the
district), and the supplier's own organisation staff (an organisation-scoped grant); anyone
else gets 404, as if it were not there."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from core import audit, db, uploads
from core.auth import Principal
from core.context import AppContext
from core.errors import ApiError, invalid, not_found
from core.tables import Organization
from plugins.procurement import award, projects, rules, states
from plugins.procurement.delivery_tables import Contract, ContractDocument

ENTITY = "procurement_contract"
READ = "procurement.delivery.read"
WHAT = "服务合同"
ACTIVE = ("contracted", "in_delivery")  # stages in which milestones are planned and reported


class ContractIn(msgspec.Struct, forbid_unknown_fields=True):
    """A signed contract. Every field is checked by the service (422 names the field)."""

    organization_id: int | None = None  # the supplier (承接主体): a registered organisation of the district
    number: rules.Short = ""  # the contract number (合同编号)
    value_fen: int | None = None  # money in fen (分): more than 0, at most the project's budget
    signed_on: date | None = None
    term_start: date | None = None
    term_end: date | None = None
    term_reason: rules.Long = ""  # required when the term is longer than max_term_months


async def supplier_error(project: dict[str, Any], organization_id: int | None) -> str | None:
    """Why `organization_id` may not be the project's supplier, or None: the contract is signed
    with the organisation the project was awarded to, which must still be registered."""
    if organization_id is None:
        return "请选择承接主体（社会组织）"
    won = await award.one(project["id"])
    if won is None:
        return "项目还没有确定中标（成交）的社会组织，不能签订合同"
    if won["organization_id"] != organization_id:
        return "合同只能与中标（成交）的社会组织签订"
    org = await Organization.select(Organization.status).where(
        (Organization.id == organization_id) & (Organization.district_code == project["district_code"])).first()
    if org is None:
        return "承接主体不是本区县登记的社会组织"
    if org["status"] in ("deregistered", "revoked"):
        return "承接主体已注销或被撤销登记，不能签订合同"
    return None


async def check(project: dict[str, Any], values: dict[str, Any], settings: dict[str, Any]) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if error := await supplier_error(project, values["organization_id"]):
        errors.append(("organization_id", error))
    if not values["number"]:
        errors.append(("number", "请填写合同编号"))
    elif len(values["number"]) > 64:
        errors.append(("number", "合同编号不能超过64个字"))
    value = values["value_fen"]
    if value is None:
        errors.append(("value_fen", "请填写合同金额"))
    elif value <= 0:
        errors.append(("value_fen", "合同金额应大于0"))
    elif value > project["budget_fen"]:
        errors.append(("value_fen", f"合同金额不能超过项目预算（{project['budget_fen'] / 100:,.2f}元）"))
    elif (won := await award.one(project["id"])) and value > won["price_fen"]:
        errors.append(("value_fen", f"合同金额不能超过中标（成交）金额（{won['price_fen'] / 100:,.2f}元）"))
    signed = values["signed_on"]
    if signed is None:
        errors.append(("signed_on", "请填写签订日期"))
    elif signed > date.today():
        errors.append(("signed_on", "签订日期不能晚于今天：合同签订后再登记"))
    errors += rules.check_term(values["term_start"], values["term_end"], values["term_reason"], settings,
                               ("term_start", "term_end", "term_reason"))
    return errors


async def record(ctx: AppContext, code: str, project_id: int, actor: str, data: ContractIn) -> dict[str, Any]:
    """Record the contract and move the project to contracted, both or neither."""
    values = {name: getattr(data, name) for name in data.__struct_fields__}
    values["number"], values["term_reason"] = values["number"].strip(), values["term_reason"].strip()
    project = await projects.get_row(code, project_id)
    _awarded(project)
    if errors := await check(project, values, await projects.settings_of(ctx, code)):
        raise invalid(errors)
    async with db.write_transaction():
        _awarded(await projects.get_row(code, project_id))
        inserted = await Contract.insert(Contract(project=project_id, district_code=code, recorded_by=actor,
                                                  **values)).on_conflict(
            target=Contract.project, action="DO NOTHING").returning(Contract.id)
        if not inserted:
            raise ApiError(409, "该项目已登记服务合同", "conflict")
        await audit.record(actor=actor, action="create", entity=ENTITY, entity_id=inserted[0]["id"],
                           district_code=code, after={**values, "project": project_id})
        await projects.move(code, project_id, "contracted", f"签订服务合同（合同编号：{values['number']}）", actor,
                            ctx=ctx)
    return await get(code, project_id)


def _awarded(project: dict[str, Any]) -> None:
    if project["stage"] != "awarded":
        raise ApiError(409, f"项目当前为“{states.label(project['stage'])}”，确定承接方后才能登记合同",
                       "invalid_transition")


async def get(code: str, project_id: int) -> dict[str, Any]:
    row = await Contract.select().where((Contract.project == project_id) & (Contract.district_code == code)).first()
    if row is None:
        raise not_found(WHAT)
    return row


def may_see(principal: Principal, code: str, contract: dict[str, Any], permission: str = READ) -> bool:
    """Staff of the district (the permission district-wide), or the supplier's own staff."""
    limit = principal.organization_limit(permission, code)
    return limit is None or contract["organization_id"] in limit


async def visible(code: str, project_id: int, principal: Principal, permission: str = READ) -> dict[str, Any]:
    """The project's contract if `principal` may see it (holding `permission`); 404 otherwise."""
    contract = await get(code, project_id)
    if not may_see(principal, code, contract, permission):
        raise not_found(WHAT)
    return contract


async def attach_document(ctx: AppContext, code: str, project_id: int, actor: str, filename: str,
                          data: bytes) -> dict[str, Any]:
    """Attach (or replace) the contract document; the earlier upload row stays (uploads are never
    deleted) and each attaching is kept in ContractDocument (the OCDS releases read that history)."""
    contract = await get(code, project_id)
    limit_mb = (await projects.settings_of(ctx, code))["evidence_max_mb"]
    stored = await uploads.prepare(ctx, filename, data, limit_mb)
    async with db.write_transaction():
        upload = await uploads.insert(stored, code, actor)
        await Contract.update({Contract.document: upload["id"]}).where(Contract.id == contract["id"])
        await ContractDocument.insert(ContractDocument(contract=contract["id"], upload=upload["id"],
                                                       attached_at=upload["uploaded_at"]))
        await audit.record(actor=actor, action="attach", entity=ENTITY, entity_id=contract["id"], district_code=code,
                           before={"document": contract["document"]}, after={"document": upload["id"]})
    return await get(code, project_id)


async def document(code: str, project_id: int, principal: Principal) -> dict[str, Any]:
    contract = await visible(code, project_id, principal)
    if contract["document"] is None:
        raise not_found("合同文本")
    return await uploads.get(code, contract["document"], "合同文本")
