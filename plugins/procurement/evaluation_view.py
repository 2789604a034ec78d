"""Reading an outcome evaluation: who may see it (district staff; the named evaluator; the
supplier's own staff once it is completed — anyone else 404), the project's indicators with what
the record says was achieved (delivered outputs and beneficiaries of ACCEPTED milestones against
the targets), the service users' ratings from every module that offers them (hook
`rating_averages`, summed), and each part as the principal may see it: while the evaluation is
open the third party's scores stay with the evaluator and the evaluator does not see the buyer's,
so the two score independently; once completed everything is shown."""

from __future__ import annotations

import json
import math
from typing import Any

from core.auth import Principal
from core.context import AppContext
from core.errors import not_found
from core.plugins import call_async
from plugins.procurement import contracts, evaluation_rules as er, projects
from plugins.procurement.delivery_tables import DeliveryMilestone
from plugins.procurement.evaluation_tables import ProjectEvaluation
from plugins.procurement.glossary import INDICATOR_KINDS

WHAT = "绩效评价"


def rating_ref(project: dict[str, Any]) -> str:
    """The key other modules rate a project's service by: its catalogue source (delivery.after_move)."""
    return f"procurement:{project['ocid']}"


async def ratings(ctx: AppContext, code: str, ref: str) -> dict[str, Any]:
    """{"average": 1..5 | None, "count": n}: every module's ratings of `ref` together."""
    count, weighed = 0, 0.0
    for answer in await call_async(ctx.pm.hook.rating_averages, ctx=ctx, district_code=code, refs=[ref]):
        found = (answer or {}).get(ref) or {}
        n, average = found.get("count") or 0, found.get("average")
        if n > 0 and isinstance(average, (int, float)) and math.isfinite(average) and 1 <= average <= er.RATING_TOP:
            count, weighed = count + n, weighed + average * n
    return {"average": round(weighed / count, 3) if count else None, "count": count}


async def row_of(code: str, project_id: int) -> dict[str, Any] | None:
    return await ProjectEvaluation.select().where(
        (ProjectEvaluation.project == project_id) & (ProjectEvaluation.district_code == code)).first()


def may_see(principal: Principal, code: str, row: dict[str, Any]) -> bool:
    if principal.organization_limit(contracts.READ, code) is None or principal.username == row["evaluator"]:
        return True
    return row["state"] == "completed" and contracts.may_see(principal, code, row)


async def visible(code: str, project_id: int, principal: Principal) -> dict[str, Any]:
    """The project's evaluation row if the principal may see it; 404 otherwise."""
    row = await row_of(code, project_id)
    if row is None or not may_see(principal, code, row):
        raise not_found(WHAT)
    return row


async def achieved(project: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The indicators with `achieved` (outputs of accepted milestones; None for outcome
    indicators) and `percent` of target, and the beneficiaries planned and served."""
    rows = await DeliveryMilestone.select(
        DeliveryMilestone.state, DeliveryMilestone.delivered_outputs, DeliveryMilestone.delivered_beneficiaries,
        DeliveryMilestone.planned_beneficiaries).where(DeliveryMilestone.project == project["id"])
    accepted = [r for r in rows if r["state"] == "accepted"]
    sums: dict[str, float] = {}
    for r in accepted:
        for name, value in json.loads(r["delivered_outputs"] or "{}").items():
            sums[name] = sums.get(name, 0.0) + value
    items = []
    for i in json.loads(project["indicators"] or "[]"):
        value = sums.get(i["name"], 0.0) if i["kind"] == "output" else None
        percent = round(value * 100 / i["target"], 1) if value is not None and i["target"] else None
        items.append({**i, "kind_label": INDICATOR_KINDS.get(i["kind"], ("",))[0], "achieved": value,
                      "percent": percent})
    people = {"planned": sum(r["planned_beneficiaries"] for r in rows),
              "served": sum(r["delivered_beneficiaries"] or 0 for r in accepted), "accepted_milestones": len(accepted)}
    return items, people


def _part(row: dict[str, Any], part: str, shown: bool) -> dict[str, Any]:
    scores = json.loads(row[f"{part}_scores"] or "{}")
    at = row[f"{part}_at"]
    by = row["buyer_by"] if part == "buyer" else row["evaluator"]
    if not shown:
        return {"scored": bool(scores), "hidden": True, "scores": {}, "score": None, "by": by if scores else "",
                "at": at}
    return {"scored": bool(scores), "hidden": False, "scores": scores, "score": er.part_score(scores),
            "by": by if scores else "", "at": at}


async def view(ctx: AppContext, code: str, project_id: int, principal: Principal) -> dict[str, Any]:
    """The evaluation as the principal may see it (404 before one is opened, or for outsiders)."""
    row = await visible(code, project_id, principal)
    project = await projects.get_row(code, project_id)
    indicators, people = await achieved(project)
    done = row["state"] == "completed"
    evaluator = principal.username == row["evaluator"]
    if done:
        users = {"average": row["users_average"], "count": row["users_count"] or 0}
    else:
        users = await ratings(ctx, code, rating_ref(project))
    counted = users["count"] >= row["min_ratings"]
    return {
        **{k: row[k] for k in ("id", "district_code", "organization_id", "evaluator", "evaluator_name", "state",
                               "min_ratings", "total", "grade", "findings", "opened_by", "opened_at",
                               "completed_by", "completed_at")},
        "project_id": project_id, "ocid": project["ocid"], "title": project["title"], "stage": project["stage"],
        "weights": json.loads(row["weights"]), "used_weights": json.loads(row["used_weights"]) if done else None,
        "indicators": indicators, "beneficiaries": people,
        "buyer": _part(row, "buyer", done or not evaluator),
        "third_party": _part(row, "third_party", done or evaluator),
        "users": {**users, "score": er.users_score(users["average"]) if counted else None, "counted": counted,
                  "note": "" if counted else f"评价不足 {row['min_ratings']} 条（现有 {users['count']} 条），"
                                             "此部分权重按比例分给其他两部分"},
        "me": "third_party" if evaluator else ("buyer" if principal.can("procurement.manage", code) else ""),
    }
