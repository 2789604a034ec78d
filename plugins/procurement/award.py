"""The award (确定承接方): a district admin awards a project in evaluation to one submitted bid,
once the evaluation is complete (tally.py). Normally the bid ranked first; choosing another
needs a reason, which is recorded (`top_ranked` false). One transaction: the project row is
locked, the project moves evaluation → awarded through projects.move's conditional update (its
stage change and audit event), and the award row is written — so of two awards racing, exactly
one wins and the other gets 409; the unique index on the award's project is the last guard."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from core import audit, db
from core.context import AppContext
from core.errors import ApiError, invalid
from plugins.procurement import projects, rules, states, tally
from plugins.procurement.bids import locked_project
from plugins.procurement.tables import Award

ENTITY = "procurement_award"


class AwardIn(msgspec.Struct, forbid_unknown_fields=True):
    bid_id: int | None = None
    reason: Annotated[str, msgspec.Meta(max_length=rules.MAX_TEXT)] = ""
    """Required when the bid is not the one ranked first; else defaults to its total score."""


async def award(ctx: AppContext, code: str, project_id: int, actor: str, data: AwardIn) -> dict[str, Any]:
    reason = data.reason.strip()
    if data.bid_id is None:
        raise invalid([("bid_id", "请选择承接方的投标")])
    settings = await projects.settings_of(ctx, code)
    async with db.write_transaction():
        project = await locked_project(code, project_id)
        if project["stage"] != "evaluation":
            raise ApiError(409, f"项目当前为“{states.label(project['stage'])}”，只有评审中的项目可以确定承接方",
                           "not_in_evaluation")
        result = await tally.results(project, settings["rank_3a_first"])
        chosen = next((b for b in result["bids"] if b["bid_id"] == data.bid_id), None)
        if chosen is None:
            raise invalid([("bid_id", "本项目没有这个有效投标")])
        if not result["complete"]:
            raise ApiError(409, "评审尚未完成：" + "；".join(result["missing"][:5]), "evaluation_incomplete")
        top = chosen["bid_id"] == result["recommended_bid"]
        if not top and not reason:
            raise invalid([("reason", "所选投标不是评审排名第一的投标，须说明理由")])
        reason = reason or f"评审排名第一，综合得分{chosen['total']:g}分"
        await projects.move(code, project_id, "awarded", f"确定承接方：{chosen['organization_name']}。{reason}", actor,
                            via_award=True)
        values = {"bid": chosen["bid_id"], "organization_id": chosen["organization_id"], "price_fen": chosen["price_fen"],
                  "total": chosen["total"], "top_ranked": top, "reason": reason}
        award_id = (await Award.insert(Award(project=project_id, district_code=code, awarded_by=actor, **values)
                                       ).returning(Award.id))[0]["id"]
        await audit.record(actor=actor, action="award", entity=ENTITY, entity_id=award_id, district_code=code,
                           after={**values, "project": project_id, "rank": chosen["rank"]})
    return await one(project_id)


async def one(project_id: int) -> dict[str, Any] | None:
    return await Award.select().where(Award.project == project_id).first()
