"""Evaluation pages: the evaluations a third-party evaluator is named on (their way in, also
from the workbench card) and one of them to score on a phone; an organisation's procurement
record. The project page includes the same evaluation section (templates/procurement/
_outcome.html) via `context()`; its script is static/evaluation.js."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from core.auth import Principal
from plugins.procurement import MODULE, contracts, evaluation, evaluation_record, evaluation_rules as er
from plugins.procurement import evaluation_view, projects
from plugins.procurement.routes.pages import PAGE, _render

READ = {"module": MODULE, "permission": "procurement.delivery.read"}
EVALUATE = {"module": MODULE, "permission": evaluation.EVALUATE}
WORDS = {"part_labels": er.PART_LABELS, "part_labels_en": er.PART_LABELS_EN, "grade_tones": er.GRADE_TONES,
         "grades_en": er.GRADES_EN}


async def context(request: Request, code: str, project: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """What _outcome.html needs for `project` (a detail dict) and the principal."""
    ctx = request.app.state.ctx
    row = await evaluation_view.row_of(code, project["id"])
    found = None
    if row is not None and evaluation_view.may_see(principal, code, row):
        found = await evaluation_view.view(ctx, code, project["id"], principal)
    can_open = row is None and project["stage"] == "in_delivery" and principal.can("procurement.manage", code)
    choices = []
    if can_open:
        contract = await contracts.get(code, project["id"])
        choices = await evaluation.candidates(ctx, code, contract["organization_id"])
    return {"evaluation": found, "can_open_evaluation": can_open, "evaluator_choices": choices, **WORDS}


@get(PAGE + "/evaluations", opt=EVALUATE, include_in_schema=False)
async def evaluations_page(request: Request, code: str, principal: Principal) -> Template:
    return _render(request, "procurement/evaluations.html", principal, code,
                   rows=await evaluation_record.named(code, principal.username), **WORDS)


@get(PAGE + "/evaluations/{project_id:int}", opt=EVALUATE, include_in_schema=False)
async def evaluation_page(request: Request, code: str, project_id: int, principal: Principal) -> Template:
    await evaluation_view.visible(code, project_id, principal)  # 404 unless named, staff, or the supplier after
    project = await projects.detail(code, project_id)
    return _render(request, "procurement/evaluation.html", principal, code, item=project,
                   **await context(request, code, project, principal))


@get(PAGE + "/organizations/{organization_id:int}", opt=READ, include_in_schema=False)
async def record_page(request: Request, code: str, organization_id: int, principal: Principal) -> Template:
    found = await evaluation_record.record(code, organization_id, principal)
    return _render(request, "procurement/record.html", principal, code, record=found,
                   can_read_projects=principal.can("procurement.read", code), **WORDS)


ROUTES = [evaluations_page, evaluation_page, record_page]
