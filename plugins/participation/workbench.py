"""Participation's to-do cards on the workbench (工作台), for staff who may handle them
(participation.manage, as the pages' forms): residents' needs waiting for triage, and residents'
proposals (议事) waiting for the committee's answer — overdue ones (past their due date, Beijing
day) make the card "bad"."""

from __future__ import annotations

from typing import Any

from core.auth import Principal
from core.contrib import WorkbenchItem, WorkbenchProvider
from plugins.participation.committee_views import open_proposals
from plugins.participation.tables import Need

MODULE = "participation"


async def items(ctx: Any, code: str, principal: Principal) -> list[WorkbenchItem]:
    if not principal.can("participation.manage", code):
        return []
    waiting = await Need.count().where((Need.district_code == code) & (Need.state == "open"))
    proposals, overdue = await open_proposals(code)
    return [
        WorkbenchItem("待处理的居民需求", "Residents' needs to triage", waiting,
                      f"/districts/{code}/participation/needs?state=open", name="participation.needs_to_triage",
                      order=40, tone="wait" if waiting else "done"),
        WorkbenchItem("待答复的居民议事", "Residents' proposals to answer", proposals,
                      f"/districts/{code}/participation/committees", name="participation.proposals_to_answer",
                      order=41, tone="bad" if overdue else ("wait" if proposals else "done"),
                      hint=f"其中已逾期 {overdue} 条" if overdue else "", hint_en=f"{overdue} overdue" if overdue else ""),
    ]


PROVIDERS = [WorkbenchProvider(MODULE, items)]
