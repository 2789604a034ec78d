"""Outcome evaluation (绩效评价) of a purchase project in delivery, the fifth part of issue 13.

A district admin opens it, naming a third-party evaluator. Who qualifies: an active user with a
grant IN THIS DISTRICT (district- or organisation-scoped, not city or platform) whose role holds
`procurement.evaluate` — by default the district's supervisors (监管人员) and the staff of an
organisation of the district (a third-party evaluation organisation) — who is neither the buyer's
side (holds procurement.manage there) nor staff of the contract's supplier. The district's weights
(evaluation_rules.SETTINGS, summing to 100) and the fewest ratings that count are fixed on the
evaluation when it opens.

The buyer (district admin) and the named evaluator each score every indicator 0–100 with a note,
as often as they like while it is open; the service users' part is the rating average of any
module that offers one (hook `rating_averages`, evaluation_view.ratings). Completing it (the
buyer, with findings, once both scored parts are in) fixes the ratings, the weights used and the
weighted total with its grade, and moves the project in_delivery → evaluated, all in one
transaction; a project reaches `evaluated` no other way (delivery.before_move asks `check_move`).
Every write is a conditional UPDATE … WHERE state = 'open', audited; 409 on the wrong state,
422 with field messages and nothing written on bad input."""

from __future__ import annotations

import json
import math
from typing import Annotated, Any

import msgspec

from core import audit, db
from core.auth import Principal, principal_for_user
from core.context import AppContext
from core.dates import utc_now
from core.errors import ApiError, invalid, refused
from core.tables import RoleGrant, User
from plugins.procurement import contracts, evaluation_rules as er, evaluation_view as ev, projects, rules, states
from plugins.procurement.evaluation_tables import ProjectEvaluation
from plugins.procurement.tables import PurchaseProject

ENTITY = "procurement_evaluation"
EVALUATE = "procurement.evaluate"


class OpenIn(msgspec.Struct, forbid_unknown_fields=True):
    evaluator: rules.Short = ""  # the third-party evaluator's username (a user of the district)


class IndicatorScore(msgspec.Struct, forbid_unknown_fields=True):
    indicator: rules.Short = ""  # the name of one of the project's indicators
    score: float | None = None  # 0..100
    note: rules.Long = ""


class ScoresIn(msgspec.Struct, forbid_unknown_fields=True):
    """A part's scores: every indicator of the project exactly once (the part's earlier scores are replaced)."""

    scores: Annotated[list[IndicatorScore], msgspec.Meta(max_length=rules.MAX_INDICATORS * 5)] = []


class CompleteIn(msgspec.Struct, forbid_unknown_fields=True):
    findings: rules.Long = ""  # the buyer's findings (评价结论与问题): required


def _in_delivery(project: dict[str, Any], what: str) -> None:
    if project["stage"] != "in_delivery":
        raise ApiError(409, f"项目当前为“{states.label(project['stage'])}”，服务实施中的项目才能{what}",
                       "invalid_transition")


def _open(row: dict[str, Any]) -> None:
    if row["state"] != "open":
        raise ApiError(409, "绩效评价已完成，不能再修改", "evaluation_completed")


async def evaluator_error(ctx: AppContext, code: str, username: str, supplier: int) -> str | None:
    """Why `username` may not be the project's third-party evaluator, or None."""
    if not username:
        return "请指定第三方评价人（填写其用户名）"
    user = await User.select().where(User.username == username).first()
    if user is None or not user["active"]:
        return f"没有可用的用户“{username}”"
    who = await principal_for_user(ctx, user)
    holds = ctx.contributions.role_permissions
    if who.can("procurement.manage", code):
        return "购买主体一方（区县管理员）不能担任第三方评价人"
    if not any(g.district_code == code and g.scope in ("district", "organization")
               and EVALUATE in holds.get(g.role, ()) for g in who.grants):
        return "第三方评价人应是本区县的监管人员或第三方评价机构（社会组织）的工作人员"
    if supplier in who.organizations():
        return "承接主体的工作人员不能评价本机构承接的项目"
    return None


async def open_evaluation(ctx: AppContext, code: str, project_id: int, actor: str, data: OpenIn) -> dict[str, Any]:
    """Open the project's evaluation (one per project; a second → 409)."""
    project = await projects.get_row(code, project_id)
    _in_delivery(project, "发起绩效评价")
    contract = await contracts.get(code, project_id)
    settings = await projects.settings_of(ctx, code)
    weights = er.weights(settings)
    if problem := er.weights_error(weights):
        raise ApiError(409, problem, "evaluation_weights")
    username = data.evaluator.strip()
    if problem := await evaluator_error(ctx, code, username, contract["organization_id"]):
        raise invalid([("evaluator", problem)])
    name = (await User.select(User.display_name).where(User.username == username).first())["display_name"]
    values = {"organization_id": contract["organization_id"], "evaluator": username, "evaluator_name": name,
              "weights": weights, "min_ratings": settings["evaluation_min_ratings"]}
    async with db.write_transaction():
        _in_delivery(await projects.get_row(code, project_id), "发起绩效评价")
        inserted = await ProjectEvaluation.insert(ProjectEvaluation(
            project=project_id, district_code=code, opened_by=actor, **{**values, "weights": json.dumps(weights)})
        ).on_conflict(target=ProjectEvaluation.project, action="DO NOTHING").returning(ProjectEvaluation.id)
        if not inserted:
            raise ApiError(409, "该项目已发起绩效评价", "conflict")
        await audit.record(actor=actor, action="open", entity=ENTITY, entity_id=inserted[0]["id"], district_code=code,
                           after={**values, "project": project_id})
    return await ev.row_of(code, project_id)


def _scores(project: dict[str, Any], data: ScoresIn) -> dict[str, dict[str, Any]]:
    """The scores as stored ({indicator: {"score", "note"}}), or 422 naming what is wrong."""
    names = [i["name"] for i in json.loads(project["indicators"] or "[]")]
    errors: list[tuple[str, str]] = []
    out: dict[str, dict[str, Any]] = {}
    for item in data.scores:
        name = item.indicator.strip()
        if name not in names:
            errors.append(("scores", f"“{name}”不是本项目的绩效指标（指标：{'、'.join(names) or '无'}）"))
        elif name in out:
            errors.append(("scores", f"“{name}”评了两次"))
        elif item.score is None or not math.isfinite(item.score) or not 0 <= item.score <= 100:
            errors.append(("scores", f"“{name}”的得分应在0到100之间"))
        else:
            out[name] = {"score": round(item.score, 1), "note": item.note.strip()}
    given = {item.indicator.strip() for item in data.scores}
    missing = [n for n in names if n not in given]
    if missing:
        errors.append(("scores", f"还有指标没有评分：{'、'.join(missing)}"))
    if not names:
        errors.append(("scores", "项目没有绩效指标，无法评分"))
    if errors:
        raise invalid(errors)
    return out


async def score(code: str, project_id: int, part: str, principal: Principal, data: ScoresIn) -> dict[str, Any]:
    """Record one part's scores: "buyer" (route guarded by procurement.manage) or "third_party"
    (only the named evaluator; anyone else who may see the evaluation gets 403)."""
    row = await ev.visible(code, project_id, principal)
    if part == "third_party" and principal.username != row["evaluator"]:
        raise refused(f"只有被指定的第三方评价人（{row['evaluator_name'] or row['evaluator']}）可以评分")
    _open(row)
    scores = _scores(await projects.get_row(code, project_id), data)
    column = getattr(ProjectEvaluation, f"{part}_scores")
    stamp = {getattr(ProjectEvaluation, f"{part}_at"): utc_now()}
    if part == "buyer":
        stamp[ProjectEvaluation.buyer_by] = principal.username
    async with db.write_transaction():
        changed = await ProjectEvaluation.update({column: json.dumps(scores, ensure_ascii=False), **stamp}).where(
            (ProjectEvaluation.id == row["id"]) & (ProjectEvaluation.state == "open")).returning(ProjectEvaluation.id)
        if not changed:
            _open({"state": "completed"})
        await audit.record(actor=principal.username, action="score", entity=ENTITY, entity_id=row["id"],
                           district_code=code, before={"part": part, "scores": json.loads(row[f"{part}_scores"])},
                           after={"part": part, "scores": scores})
    return await ev.row_of(code, project_id)


async def complete(ctx: AppContext, code: str, project_id: int, principal: Principal, data: CompleteIn
                   ) -> dict[str, Any]:
    """Fix the ratings, weights used, total and grade; move the project to evaluated. Both or neither."""
    row = await ev.visible(code, project_id, principal)
    _open(row)
    findings = data.findings.strip()
    if not findings:
        raise invalid([("findings", "请填写评价结论（主要成效、存在问题和改进建议）")])
    missing = [er.PART_LABELS[p] for p in er.SCORED_PARTS if row[f"{p}_scores"] in ("", "{}")]
    if missing:
        raise ApiError(409, f"还不能完成：{'、'.join(missing)}尚未评分", "scores_missing")
    project = await projects.get_row(code, project_id)
    users = await ev.ratings(ctx, code, ev.rating_ref(project))
    counted = users["count"] >= row["min_ratings"]
    used = er.effective_weights(json.loads(row["weights"]), counted)
    if used is None:
        raise ApiError(409, "服务对象评价不足，而其他两部分权重为0，无法计算总分", "evaluation_weights")
    parts = {p: er.part_score(json.loads(row[f"{p}_scores"])) for p in er.SCORED_PARTS}
    parts["users"] = er.users_score(users["average"]) if counted else None
    total = er.total(parts, used)
    values = {"users_average": users["average"], "users_count": users["count"], "used_weights": used, "total": total,
              "grade": er.grade(total), "findings": findings, "completed_by": principal.username}
    async with db.write_transaction():
        changed = await ProjectEvaluation.update({
            **{getattr(ProjectEvaluation, k): v for k, v in values.items() if k != "used_weights"},
            ProjectEvaluation.used_weights: json.dumps(used), ProjectEvaluation.state: "completed",
            ProjectEvaluation.completed_at: utc_now()}).where(
            (ProjectEvaluation.id == row["id"]) & (ProjectEvaluation.state == "open")).returning(ProjectEvaluation.id)
        if not changed:
            _open({"state": "completed"})
        await audit.record(actor=principal.username, action="complete", entity=ENTITY, entity_id=row["id"],
                           district_code=code, before={"state": "open"},
                           after={"state": "completed", **values, "part_scores": parts})
        await projects.move(code, project_id, "evaluated", f"绩效评价完成：总分{total:g}，{values['grade']}",
                            principal.username, ctx=ctx)
        # the project's outcome score: what eligibility's "past outcome score ≥ X" reads (eligibility.py)
        await PurchaseProject.update({PurchaseProject.outcome_score: total}).where(PurchaseProject.id == project_id)
    return await ev.row_of(code, project_id)


async def check_move(project: dict[str, Any], target: str) -> None:
    """A project becomes evaluated only by completing its evaluation (delivery.before_move)."""
    if target == "evaluated" and not await ProjectEvaluation.exists().where(
            (ProjectEvaluation.project == project["id"]) & (ProjectEvaluation.state == "completed")):
        raise ApiError(409, "请先完成绩效评价：评价完成后项目自动变为“已绩效评价”", "evaluation_required")


async def candidates(ctx: AppContext, code: str, supplier: int) -> list[dict[str, str]]:
    """The users who may be named the project's evaluator, by name (for the opening form)."""
    holding = [name for name, held in ctx.contributions.role_permissions.items() if EVALUATE in held]
    rows = await RoleGrant.select(RoleGrant.user.username, RoleGrant.user.display_name).where(
        (RoleGrant.district_code == code) & RoleGrant.role.is_in(holding or [""])
        & (RoleGrant.user.active == True)).order_by(RoleGrant.user.username).limit(500)  # noqa: E712
    out: dict[str, str] = {}
    for r in rows:
        username = r["user.username"]
        if username not in out and await evaluator_error(ctx, code, username, supplier) is None:
            out[username] = r["user.display_name"] or username
    return [{"username": u, "name": n} for u, n in out.items()]
