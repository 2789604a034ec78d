"""Delivery after award, joined up: what a stage move needs and sets off (a project becomes
contracted only through its contract; in delivery it offers its service to the catalogue as
published, closed it offers it again as suspended — hook `offer_services`, in the move's
transaction, the catalogue's answer kept on the contract), the projects a supplier's social
workers may log hours against (hook `offer_delivery_refs`) and their roll-up (hook
`delivery_hours`), one view of a project's delivery for the API and the pages, and the
workbench cards of the supplier's staff and the district admin."""

from __future__ import annotations

import json
from typing import Any

from core.auth import Principal
from core.contrib import ServiceOffer, WorkbenchItem, WorkbenchProvider
from core.context import AppContext
from core.dates import utc_now
from core.errors import ApiError, not_found
from core.glossary import TARGET_GROUPS
from core.modules import enabled_modules
from core.plugins import call_async
from core.tables import Organization
from plugins.procurement import MODULE, contracts, milestones, payments, projects
from plugins.procurement.delivery_tables import Contract, DeliveryMilestone

OFFER_STATUS = {"in_delivery": "published", "closed": "suspended"}
NO_HOURS = {"hours": 0.0, "logs": 0, "beneficiaries": 0, "workers": 0}


async def before_move(project: dict[str, Any], target: str) -> None:
    """A project is contracted only by recording its contract (contracts.record), evaluated only by
    completing its evaluation (evaluation.complete)."""
    from plugins.procurement import evaluation

    await evaluation.check_move(project, target)
    if target == "contracted" and not await Contract.exists().where(Contract.project == project["id"]):
        raise ApiError(409, "请先登记服务合同：登记合同后项目自动变为“已签订合同”", "contract_required")


def offer(project: dict[str, Any], contract: dict[str, Any]) -> ServiceOffer:
    """The project's service as the catalogue lists it."""
    group = project["target_group"]
    return ServiceOffer(name=project["title"], organization_id=contract["organization_id"], field=project["field"],
                        description=f"政府购买服务项目（购买主体：{project['buyer']}；项目编号：{project['ocid']}）",
                        communities=tuple(json.loads(project["communities"] or "[]")),
                        target_groups=(group,) if group in TARGET_GROUPS else ())


async def after_move(ctx: AppContext | None, code: str, project: dict[str, Any], target: str, actor: str) -> None:
    """Offer the project's service to the catalogue when it starts or ends delivery, inside the
    move's transaction, and keep the catalogue's answer on the contract."""
    status = OFFER_STATUS.get(target)
    if status is None:
        return
    if ctx is None:
        raise RuntimeError(f"projects.move to {target} needs ctx: it offers the project's service to the catalogue")
    contract = await Contract.select().where(Contract.project == project["id"]).first()
    if contract is None:  # a project moved before contracts existed: nothing to offer
        return
    answers = await call_async(ctx.pm.hook.offer_services, ctx=ctx, district_code=code,
                               source=f"procurement:{project['ocid']}", offers=[offer(project, contract)],
                               status=status, actor=actor)
    results = next((a for a in answers if a is not None), None)
    answer = {"status": status, "at": utc_now().isoformat(), "results": results}
    await Contract.update({Contract.catalogue: json.dumps(answer, ensure_ascii=False)}).where(
        Contract.id == contract["id"])


def catalogue_answer(contract: dict[str, Any]) -> dict[str, Any] | None:
    """{state: published | suspended | skipped | off, reason, service_id, at}, or None before any offer."""
    if not contract["catalogue"]:
        return None
    answer = json.loads(contract["catalogue"])
    results = answer["results"]
    if results is None:
        return {"state": "off", "reason": "本区县未启用服务目录", "service_id": None, "at": answer["at"]}
    first = results[0] if results else {"error": "服务目录没有回应"}
    if first.get("error"):
        return {"state": "skipped", "reason": first["error"], "service_id": None, "at": answer["at"]}
    return {"state": answer["status"], "reason": "", "service_id": first["id"], "at": answer["at"]}


async def delivery_refs(ctx: AppContext, code: str, organization_id: int) -> list[dict[str, str]]:
    """Hook offer_delivery_refs: the organisation's contracted and delivering projects."""
    if MODULE not in await enabled_modules(ctx, code):
        return []
    rows = await Contract.select(Contract.project.ocid, Contract.project.title).where(
        (Contract.district_code == code) & (Contract.organization_id == organization_id)
        & Contract.project.stage.is_in(list(contracts.ACTIVE))).order_by(Contract.id)
    return [{"ref": r["project.ocid"], "title": r["project.title"]} for r in rows]


async def hours(ctx: AppContext, code: str, ref: str) -> dict[str, Any]:
    """The service-log roll-up of one project (hook delivery_hours; zeros where no module logs)."""
    total = dict(NO_HOURS)
    for answer in await call_async(ctx.pm.hook.delivery_hours, ctx=ctx, district_code=code, refs=[ref]):
        for key, value in ((answer or {}).get(ref) or {}).items():
            if key in total:
                total[key] += value
    return total


async def view(ctx: AppContext, code: str, project_id: int, principal: Principal) -> dict[str, Any]:
    """Everything about a project's delivery the principal may see: the contract (None before
    one), milestones with their evidence and what is paid on each, payments, totals, the
    service-log hours and the catalogue's answer. 404 for organisation staff of another supplier."""
    project = await projects.get_row(code, project_id)
    contract = await Contract.select().where((Contract.project == project_id) & (Contract.district_code == code)).first()
    if contract is None or not contracts.may_see(principal, code, contract):
        if contract is not None or principal.organization_limit(contracts.READ, code) is not None:
            raise not_found(contracts.WHAT)
        return {"project_id": project_id, "contract": None, "milestones": [], "payments": [], "totals": None,
                "hours": None, "catalogue": None}
    supplier = await Organization.select(Organization.name).where(Organization.id == contract["organization_id"]).first()
    rows = await milestones.listing(code, project_id)
    paid_rows = await payments.listing(code, project_id)
    files = await milestones.evidence_of([m["id"] for m in rows])
    for m in rows:
        m["evidence"] = files[m["id"]]
        m["paid_fen"] = sum(p["amount_fen"] for p in paid_rows if p["milestone"] == m["id"])
    paid = sum(p["amount_fen"] for p in paid_rows)
    totals = {"value_fen": contract["value_fen"], "planned_fen": sum(m["amount_fen"] for m in rows),
              "paid_fen": paid, "unpaid_fen": contract["value_fen"] - paid}
    return {"project_id": project_id,
            "contract": {**contract, "supplier_name": supplier["name"] if supplier else ""},
            "milestones": rows, "payments": paid_rows, "totals": totals,
            "hours": await hours(ctx, code, project["ocid"]), "catalogue": catalogue_answer(contract)}


async def mine(code: str, principal: Principal) -> list[dict[str, Any]]:
    """Projects with a contract the principal may see (a supplier's staff: their own), newest first,
    with how many milestones wait for the supplier (planned or sent back) and for the buyer."""
    where = Contract.district_code == code
    limit = principal.organization_limit(contracts.READ, code)
    if limit is not None:
        where &= Contract.organization_id.is_in(sorted(limit) or [0])
    rows = await Contract.select(Contract.project, Contract.number, Contract.value_fen, Contract.organization_id,
                                 Contract.project.title, Contract.project.stage, Contract.project.ocid).where(
        where).order_by(Contract.id, ascending=False)
    states = await DeliveryMilestone.select(DeliveryMilestone.project, DeliveryMilestone.state).where(
        DeliveryMilestone.project.is_in([r["project"] for r in rows] or [0]))
    for r in rows:
        mine_states = [s["state"] for s in states if s["project"] == r["project"]]
        r["to_report"] = sum(s in ("planned", "sent_back") for s in mine_states)
        r["to_accept"] = mine_states.count("reported")
    return rows


async def workbench(ctx: Any, code: str, principal: Principal) -> list[WorkbenchItem]:
    """Supplier staff: milestones to report; district admins: milestones to accept."""
    page = f"/districts/{code}/procurement/delivery"
    if principal.can("procurement.manage", code):
        waiting = await DeliveryMilestone.count().where(
            (DeliveryMilestone.district_code == code) & (DeliveryMilestone.state == "reported"))
        return [WorkbenchItem("待验收的购买服务履约节点", "Purchase milestones to accept", waiting, page,
                              name="procurement.to_accept", order=45)]
    if principal.can(milestones.REPORT, code):
        rows = [r for r in await mine(code, principal) if r["project.stage"] in contracts.ACTIVE]
        if not rows:
            return []
        return [WorkbenchItem("本机构承接的购买服务项目：待报告的履约节点", "Our purchase contracts: milestones to report",
                              sum(r["to_report"] for r in rows), page, name="procurement.to_report", order=45,
                              hint=f"实施中的合同 {len(rows)} 个", hint_en=f"{len(rows)} contracts in delivery")]
    return []


PROVIDERS = [WorkbenchProvider(MODULE, workbench)]

