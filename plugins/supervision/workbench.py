"""Supervision's workbench cards (工作台): for supervisors, open campaigns, sampled records
waiting for a verdict and answers waiting to be closed; for readers, new automatic flags; for
a social worker or organisation staff, findings about them waiting for their answer. Each card
only where the principal may open its page (the same permissions as the pages' routes).
Also the module's dashboard figures (WIDGETS: the district home and the city's side-by-side view)."""

from __future__ import annotations

from typing import Any

from core.auth import Principal
from core.contrib import DashboardWidget, WorkbenchItem, WorkbenchProvider
from plugins.supervision import campaigns
from plugins.supervision.tables import Campaign, Flag, SampleItem

MODULE = "supervision"


async def _campaign_items(code: str) -> list[WorkbenchItem]:
    page = f"/districts/{code}/supervision"
    running = await Campaign.count().where((Campaign.district_code == code) & Campaign.state.is_in(["draft", "sampled"]))
    to_judge = await SampleItem.count().where((SampleItem.district_code == code) & (SampleItem.state == "pending"))
    answered = await SampleItem.count().where((SampleItem.district_code == code) & (SampleItem.state == "answered"))
    return [
        WorkbenchItem("进行中的抽查", "Open campaigns", running, page, tone="ok", name="supervision.open_campaigns",
                      order=10),
        WorkbenchItem("待评定的抽查记录", "Sampled records to judge", to_judge, page, name="supervision.to_judge",
                      order=11),
        WorkbenchItem("已回复、待结案的抽查意见", "Answered findings to close", answered, page,
                      name="supervision.to_close", order=12),
    ]


async def _flag_items(code: str) -> list[WorkbenchItem]:
    open_flags = (Flag.district_code == code) & (Flag.state == "open")
    count = await Flag.count().where(open_flags)
    high = await Flag.count().where(open_flags & (Flag.severity == "high"))
    return [WorkbenchItem("待处理的预警", "Open flags", count, f"/districts/{code}/supervision/flags",
                          tone="bad" if high else "wait", name="supervision.flags", order=20,
                          hint=f"其中高风险 {high} 条" if high else "", hint_en=f"{high} high" if high else "")]


async def _finding_items(code: str, principal: Principal) -> list[WorkbenchItem]:
    waiting = [f for f in await campaigns.findings_for(principal, code) if f["state"] == "open"]
    staff = bool(principal.organization_limit("supervision.finding.respond", code))
    return [WorkbenchItem(
        "关于本机构社工的抽查意见（待回复）" if staff else "关于我的抽查意见（待回复）",
        "Findings about our staff to answer" if staff else "Findings about me to answer", len(waiting),
        f"/districts/{code}/supervision/findings", tone="bad" if any(f["verdict"] == "不合格" for f in waiting) else "wait",
        name="supervision.findings_to_answer", order=30)]


async def items(ctx: Any, code: str, principal: Principal) -> list[WorkbenchItem]:
    out: list[WorkbenchItem] = []
    if principal.can("supervision.campaign.manage", code):
        out += await _campaign_items(code)
    if principal.can("supervision.read", code):
        out += await _flag_items(code)
    if principal.can("supervision.finding.respond", code):
        out += await _finding_items(code, principal)
    return out


PROVIDERS = [WorkbenchProvider(MODULE, items)]


async def _open_flags(code: str) -> int:
    return await Flag.count().where((Flag.district_code == code) & (Flag.state == "open"))


async def _open_campaigns(code: str) -> int:
    return await Campaign.count().where((Campaign.district_code == code) & Campaign.state.is_in(["draft", "sampled"]))


# Figures for the district home and the city's side-by-side view (register_dashboard_widgets).
WIDGETS = [
    DashboardWidget(MODULE, "open_flags", "待处理预警（条）", "Open flags", _open_flags),
    DashboardWidget(MODULE, "open_campaigns", "进行中的抽查（次）", "Open campaigns", _open_campaigns),
]
