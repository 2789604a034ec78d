"""The evaluation API of a purchase project and an organisation's procurement record. Reading
needs procurement.delivery.read (district staff district-wide; organisation staff only as the
named evaluator, or as the supplier once the evaluation is completed — else 404); opening,
the buyer's scores and completing need procurement.manage; the third party's scores need
procurement.evaluate AND being the evaluator named on it (403 otherwise). Every write answers
the evaluation as the writer may see it. The logic is in evaluation*.py."""

from __future__ import annotations

from litestar import Request, get, post, put

from core.auth import Principal
from core.views import view
from plugins.procurement import MODULE, evaluation, evaluation_record, evaluation_view
from plugins.procurement import evaluation_schemas as s
from plugins.procurement.routes.delivery import MANAGE, ONE as PROJECT, READ, TAGS, _ctx

ONE = PROJECT + "/evaluation"
RECORD = "/api/districts/{code:str}/procurement/organizations/{organization_id:int}/record"
EVALUATE = {"module": MODULE, "permission": evaluation.EVALUATE}


async def _answer(request: Request, code: str, project_id: int, principal: Principal) -> s.ProcurementEvaluation:
    return view(await evaluation_view.view(_ctx(request), code, project_id, principal), s.ProcurementEvaluation)


@get(ONE, opt=READ, tags=TAGS,
     summary="The project's outcome evaluation: indicators with what accepted milestones achieved, each part, the "
             "service users' ratings (hook rating_averages), weights, total and grade (404 before it is opened)")
async def get_evaluation(request: Request, code: str, project_id: int, principal: Principal
                         ) -> s.ProcurementEvaluation:
    return await _answer(request, code, project_id, principal)


@post(ONE, opt=MANAGE, tags=TAGS,
      summary="Open the evaluation of a project in delivery, naming the third-party evaluator (a supervisor or "
              "organisation staff of the district, not the supplier's); the district's weights must sum to 100")
async def open_evaluation(request: Request, code: str, project_id: int, data: evaluation.OpenIn,
                          principal: Principal) -> s.ProcurementEvaluation:
    await evaluation.open_evaluation(_ctx(request), code, project_id, principal.username, data)
    return await _answer(request, code, project_id, principal)


@put(ONE + "/buyer", opt=MANAGE, tags=TAGS,
     summary="The buyer's scores: every indicator 0–100 with a note (replaces earlier ones; while open)")
async def score_buyer(request: Request, code: str, project_id: int, data: evaluation.ScoresIn,
                      principal: Principal) -> s.ProcurementEvaluation:
    await evaluation.score(code, project_id, "buyer", principal, data)
    return await _answer(request, code, project_id, principal)


@put(ONE + "/third-party", opt=EVALUATE, tags=TAGS,
     summary="The third party's scores, by the named evaluator only: every indicator 0–100 with a note")
async def score_third_party(request: Request, code: str, project_id: int, data: evaluation.ScoresIn,
                            principal: Principal) -> s.ProcurementEvaluation:
    await evaluation.score(code, project_id, "third_party", principal, data)
    return await _answer(request, code, project_id, principal)


@post(ONE + "/complete", opt=MANAGE, tags=TAGS, status_code=200,
      summary="Complete the evaluation with the buyer's findings once both scored parts are in: fixes the ratings, "
              "the weights used, the total and grade, and moves the project to evaluated (409 the second time)")
async def complete_evaluation(request: Request, code: str, project_id: int, data: evaluation.CompleteIn,
                              principal: Principal) -> s.ProcurementEvaluation:
    await evaluation.complete(_ctx(request), code, project_id, principal, data)
    return await _answer(request, code, project_id, principal)


@get(RECORD, opt=READ, tags=TAGS,
     summary="An organisation's procurement record in the district: contracts, values, payments, evaluation totals "
             "and grades (organisation staff: their own organisation only)")
async def organization_record(code: str, organization_id: int, principal: Principal
                              ) -> s.ProcurementOrganizationRecord:
    return view(await evaluation_record.record(code, organization_id, principal), s.ProcurementOrganizationRecord)


ROUTES = [get_evaluation, open_evaluation, score_buyer, score_third_party, complete_evaluation, organization_record]
