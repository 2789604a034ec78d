"""Demo evaluations for the demo projects past delivery (demo.py calls `evaluate` at their
evaluated step): the district's supervisor (`<code>-supervisor`) is the third-party evaluator,
the buyer (`<code>-admin`) and the evaluator score every indicator, and the buyer completes it
with findings — which moves the project to evaluated (the project still in delivery has one
open, its evaluator's scores owed: the supervisor's workbench card). No module rates the demo projects, so the
service users' weight is shared out (recorded). The evaluated project (its last milestone
delivered short) comes out 合格, the closed one 良好: past scores exist for eligibility. All
through the same services (and audit trail) as the pages."""

from __future__ import annotations

import json

from core.auth import Grant, Principal
from core.context import AppContext
from plugins.procurement import evaluation, projects

# final stage → (buyer's scores, third party's, findings); one score per indicator, in order.
SCORES = {
    "in_delivery": ((85, 80, 88), (), ""),  # opened and scored by the buyer; the evaluator's scores are owed
    "evaluated": ((70, 75, 78), (68, 72, 75),
                  "康复训练总体按计划推进，服务对象满意度较高；第二阶段康复训练人次明显低于计划，"
                  "个案康复目标记录不完整。建议下一周期加强康复师配备，按季度报告康复目标达成情况。"),
    "closed": ((86, 88), (84, 83),
               "结对帮扶覆盖全部计划对象，回访记录完整，家长和学校反馈积极；"
               "个别帮扶对象服务频次不足，建议建立月度回访台账。"),
}
NOTES = {True: "服务记录和佐证材料齐全，达到合同约定", False: "基本达到目标，部分记录需补充"}


def _principal(ctx: AppContext, code: str, username: str, role: str) -> Principal:
    grant = Grant(role, "district", district_code=code)
    return Principal(None, username, grants=(grant,), permissions_by_role=ctx.contributions.role_permissions)


def _scores(project: dict, points: tuple[int, ...]) -> evaluation.ScoresIn:
    names = [i["name"] for i in json.loads(project["indicators"])]
    return evaluation.ScoresIn(scores=[evaluation.IndicatorScore(indicator=n, score=p, note=NOTES[p >= 80])
                                       for n, p in zip(names, points)])


async def evaluate(ctx: AppContext, code: str, project_id: int, final_stage: str, actor: str) -> None:
    """Open, score and complete the evaluation of a project in delivery (so it becomes evaluated);
    for the project staying in delivery, open it and leave the evaluator's scores owed."""
    buyer_points, third_points, findings = SCORES[final_stage]
    supervisor = f"{code}-supervisor"
    project = await projects.get_row(code, project_id)
    await evaluation.open_evaluation(ctx, code, project_id, actor, evaluation.OpenIn(evaluator=supervisor))
    buyer = _principal(ctx, code, actor, "district_admin")
    await evaluation.score(code, project_id, "buyer", buyer, _scores(project, buyer_points))
    if not third_points:
        return
    await evaluation.score(code, project_id, "third_party", _principal(ctx, code, supervisor, "supervisor"),
                           _scores(project, third_points))
    await evaluation.complete(ctx, code, project_id, buyer, evaluation.CompleteIn(findings=findings))
