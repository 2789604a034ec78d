"""What completed evaluations feed: an organisation's past outcome scores (for the eligibility
rule "past outcome score ≥ X"), its procurement record (projects contracted, values, payments,
evaluation totals and grades — district staff, and the organisation's own staff for their own
organisation), the evaluations a third-party evaluator is named on, and the workbench cards."""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Sum

from core.auth import Principal
from core.contrib import WorkbenchItem, WorkbenchProvider
from core.errors import not_found
from core.tables import Organization
from plugins.procurement import MODULE, contracts, states
from plugins.procurement.delivery_tables import Contract, Payment
from plugins.procurement.evaluation import EVALUATE
from plugins.procurement.evaluation_tables import ProjectEvaluation

LAST = ("project", "total", "grade", "completed_at")


async def past_scores(code: str, organization_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Past outcome scores of organisations in district `code`, for eligibility ("past outcome
    score ≥ X"): {org_id: {"mean": float, "count": n, "last": {"project", "total", "grade",
    "completed_at"}}} over the COMPLETED evaluations of projects whose contract's supplier is the
    organisation. `mean` is the plain mean of the evaluations' totals (0–100, one decimal);
    `last` the most recently completed one. Organisations with no completed evaluation are left
    out (a caller decides what "no record" means for it). Open evaluations never count."""
    if not organization_ids:
        return {}
    rows = await ProjectEvaluation.select(ProjectEvaluation.organization_id, *(getattr(ProjectEvaluation, k)
                                                                               for k in LAST)).where(
        (ProjectEvaluation.district_code == code) & (ProjectEvaluation.state == "completed")
        & ProjectEvaluation.organization_id.is_in(list(organization_ids))).order_by(
        ProjectEvaluation.completed_at).order_by(ProjectEvaluation.id)
    out: dict[int, dict[str, Any]] = {}
    for r in rows:
        mine = out.setdefault(r["organization_id"], {"totals": [], "last": None})
        mine["totals"].append(r["total"])
        mine["last"] = {k: r[k] for k in LAST}
    return {org: {"mean": round(sum(v["totals"]) / len(v["totals"]), 1), "count": len(v["totals"]),
                  "last": v["last"]} for org, v in out.items()}


async def record(code: str, organization_id: int, principal: Principal) -> dict[str, Any]:
    """The organisation's procurement record in the district; 404 for another district's
    organisation and for organisation staff asking about an organisation not their own."""
    org = await Organization.select(Organization.id, Organization.name).where(
        (Organization.id == organization_id) & (Organization.district_code == code)).first()
    limit = principal.organization_limit(contracts.READ, code)
    if org is None or (limit is not None and organization_id not in limit):
        raise not_found("社会组织")
    rows = await Contract.select(
        Contract.id, Contract.project, Contract.number, Contract.value_fen, Contract.signed_on, Contract.term_start,
        Contract.term_end, Contract.project.ocid, Contract.project.title, Contract.project.field,
        Contract.project.stage).where(
        (Contract.district_code == code) & (Contract.organization_id == organization_id)).order_by(
        Contract.signed_on, ascending=False).order_by(Contract.id, ascending=False)
    ids = [r["project"] for r in rows] or [0]
    paid = {r["contract"]: int(r["total"] or 0) for r in await Payment.select(  # PostgreSQL sums to numeric
        Payment.contract, Sum(Payment.amount_fen, alias="total")).where(Payment.project.is_in(ids)).group_by(
        Payment.contract)}
    found = {r["project"]: r for r in await ProjectEvaluation.select(
        ProjectEvaluation.project, ProjectEvaluation.state, ProjectEvaluation.total, ProjectEvaluation.grade,
        ProjectEvaluation.completed_at).where(ProjectEvaluation.project.is_in(ids))}
    items = []
    for r in rows:
        evaluation = found.get(r["project"])
        done = evaluation is not None and evaluation["state"] == "completed"
        items.append({
            "project_id": r["project"], "ocid": r["project.ocid"], "title": r["project.title"],
            "field": r["project.field"], "stage": r["project.stage"], "stage_label": states.label(r["project.stage"]),
            "number": r["number"], "value_fen": r["value_fen"], "paid_fen": paid.get(r["id"]) or 0,
            "signed_on": r["signed_on"], "term_start": r["term_start"], "term_end": r["term_end"],
            "evaluation": {k: evaluation[k] for k in ("total", "grade", "completed_at")} if done else None})
    scores = (await past_scores(code, [organization_id])).get(organization_id)
    return {"organization_id": organization_id, "name": org["name"], "contracts": len(items),
            "value_fen": sum(i["value_fen"] for i in items), "paid_fen": sum(i["paid_fen"] for i in items),
            "evaluated": scores["count"] if scores else 0, "mean_score": scores["mean"] if scores else None,
            "items": items}


async def named(code: str, username: str) -> list[dict[str, Any]]:
    """The evaluations `username` is the third-party evaluator of, open ones first, newest first."""
    rows = await ProjectEvaluation.select(
        ProjectEvaluation.project, ProjectEvaluation.state, ProjectEvaluation.third_party_at,
        ProjectEvaluation.total, ProjectEvaluation.grade, ProjectEvaluation.opened_at,
        ProjectEvaluation.project.title, ProjectEvaluation.project.ocid).where(
        (ProjectEvaluation.district_code == code) & (ProjectEvaluation.evaluator == username)).order_by(
        ProjectEvaluation.id, ascending=False)
    return sorted(rows, key=lambda r: r["state"] != "open")


async def workbench(ctx: Any, code: str, principal: Principal) -> list[WorkbenchItem]:
    """The named evaluator: evaluations still owed a score; district admins: open evaluations."""
    items = []
    if principal.can(EVALUATE, code):
        owed = [r for r in await named(code, principal.username) if r["state"] == "open"]
        if owed:
            items.append(WorkbenchItem(
                "待评分的购买服务绩效评价", "Purchase evaluations to score",
                sum(r["third_party_at"] is None for r in owed), f"/districts/{code}/procurement/evaluations",
                name="procurement.to_evaluate", order=46, hint=f"被指定为第三方评价人的项目 {len(owed)} 个",
                hint_en=f"Named third-party evaluator on {len(owed)} projects"))
    if principal.can("procurement.manage", code):
        waiting = await ProjectEvaluation.count().where(
            (ProjectEvaluation.district_code == code) & (ProjectEvaluation.state == "open"))
        items.append(WorkbenchItem("进行中的购买服务绩效评价", "Purchase evaluations under way", waiting,
                                   f"/districts/{code}/procurement?stage=in_delivery",
                                   name="procurement.evaluations_open", order=46))
    return items


PROVIDERS = [WorkbenchProvider(MODULE, workbench)]
