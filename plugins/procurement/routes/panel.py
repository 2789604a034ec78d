"""The evaluation API: the panel (a manager names members), each member's conflict-of-interest
declaration and scores, the ranked evaluation, and the award. The logic is in
plugins.procurement.panel, tally and award."""

from __future__ import annotations

from litestar import Request, get, post

from core.auth import Principal
from core.views import view
from plugins.procurement import MODULE, award, panel, projects, tally
from plugins.procurement import schemas_tender as t
from plugins.procurement.routes.api import MANAGE, ONE, READ, TAGS

SCORE = {"module": MODULE, "permission": panel.SCORE}


@post(ONE + "/panel", opt=MANAGE, tags=TAGS, status_code=201,
      summary="Name a panel member: a user holding procurement.score in the district (planning to evaluation)")
async def name_member(request: Request, code: str, project_id: int, data: panel.MemberIn, principal: Principal
                      ) -> t.ProcurementPanelMember:
    return view(await panel.name(request.app.state.ctx, code, project_id, principal.username, data),
                t.ProcurementPanelMember)


@get(ONE + "/ranking", opt=READ, tags=TAGS,
     summary="The evaluation: panel members and declarations, each bid's price score, member scores, total and rank "
             "(3A+ first where the district says so), whether it is complete, the recommended bid and the award")
async def get_ranking(request: Request, code: str, project_id: int) -> t.ProcurementRanking:
    settings = await projects.settings_of(request.app.state.ctx, code)
    result = await tally.results(await projects.get_row(code, project_id), settings["rank_3a_first"])
    return view(result, t.ProcurementRanking)


@get(ONE + "/panel/me", opt=SCORE, tags=TAGS,
     summary="One's own scoring sheet as a panel member (403 for others): the declaration, then the bids to score")
async def my_sheet(code: str, project_id: int, principal: Principal) -> t.ProcurementScoringSheet:
    return view(await tally.sheet(code, await projects.get_row(code, project_id), principal), t.ProcurementScoringSheet)


@post(ONE + "/declarations", opt=SCORE, tags=TAGS, status_code=201,
      summary="File one's conflict-of-interest declaration (none | some bidders | all) in evaluation, once, "
              "before scoring")
async def declare(code: str, project_id: int, data: panel.DeclarationIn, principal: Principal
                  ) -> t.ProcurementPanelMember:
    return view(await panel.declare(code, project_id, principal, data), t.ProcurementPanelMember)


@post(ONE + "/scores", opt=SCORE, tags=TAGS, status_code=200,
      summary="Score a bid (plan, capacity, past results: 0–100; price is computed); a second score replaces the "
              "first; 409 when recused or not yet declared")
async def score(code: str, project_id: int, data: panel.ScoreIn, principal: Principal) -> t.ProcurementScore:
    return view(await panel.score(code, project_id, principal, data), t.ProcurementScore)


@post(ONE + "/award", opt=MANAGE, tags=TAGS, status_code=201,
      summary="Award the project to a bid once the evaluation is complete (a reason is required unless it is the bid "
              "ranked first); moves the project to awarded; of two awards at once one wins, the other gets 409")
async def make_award(request: Request, code: str, project_id: int, data: award.AwardIn, principal: Principal
                     ) -> t.ProcurementAward:
    return view(await award.award(request.app.state.ctx, code, project_id, principal.username, data),
                t.ProcurementAward)


ROUTES = [name_member, get_ranking, my_sheet, declare, score, make_award]
