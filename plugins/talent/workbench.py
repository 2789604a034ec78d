"""The talent database's workbench cards (工作台): for readers of the roster, registrations expiring
or lapsed; for importers, the roster import (an import is checked and written in one step, so
nothing waits half-done: the card says when the last one ran and what it wrote); for a social worker, their profile, logs still to submit and continuing-education
hours still short; for organisation staff, their organisation's workers. Each card only where
the principal may open its page (the same permissions as the pages' routes).
Also the module's dashboard figures (WIDGETS: the district home and the city's side-by-side view)."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from typing import Any

from core.auth import Principal
from core.dates import beijing_time
from core.contrib import DashboardWidget, WorkbenchItem, WorkbenchProvider
from core.modules import module_settings
from core.tables import AuditEvent
from plugins.talent import services
from plugins.talent.rules import DUE_DAYS
from plugins.talent.tables import ServiceLog, SocialWorker

MODULE = "talent"
LEFT = "离岗"


def _due(code: str, today: date, *where: Any):
    return SocialWorker.count().where(
        SocialWorker.district_code == code, SocialWorker.status != LEFT,
        SocialWorker.registration_expires.is_not_null(),
        SocialWorker.registration_expires <= today + timedelta(days=DUE_DAYS), *where)


async def _roster_items(code: str, today: date) -> list[WorkbenchItem]:
    due = await _due(code, today)
    lapsed = await _due(code, today, SocialWorker.registration_expires < today)
    return [WorkbenchItem(
        "登记即将到期或已过期的社工", "Registrations expiring or lapsed", due, f"/districts/{code}/talent",
        tone="bad" if lapsed else "wait", name="talent.registration_due", order=20,
        hint=f"{DUE_DAYS}天内到期，其中已过期 {lapsed} 人", hint_en=f"Within {DUE_DAYS} days; {lapsed} lapsed")]


async def _import_item(code: str) -> WorkbenchItem:
    last = await AuditEvent.select(AuditEvent.at, AuditEvent.after).where(
        (AuditEvent.district_code == code) & (AuditEvent.action == "import") & (AuditEvent.entity == "social_worker")
    ).order_by(AuditEvent.seq, ascending=False).first()
    page = f"/districts/{code}/talent/import"
    if last is None:
        return WorkbenchItem("导入花名册", "Import a roster", 0, page, tone="done", name="talent.import", order=25,
                             hint="尚未导入过花名册", hint_en="No roster imported yet")
    after = json.loads(last["after"] or "{}")
    created, updated = after.get("created", 0), after.get("updated", 0)
    return WorkbenchItem("导入花名册 · 上次写入人数", "Import a roster · written last time", created + updated, page,
                         tone="done", name="talent.import", order=25,
                         hint=f"上次导入 {beijing_time(last['at'])}：新增 {created} 人，更新 {updated} 人",
                         hint_en=f"Last import {beijing_time(last['at'])}: {created} added, {updated} updated")


async def _own_items(ctx: Any, code: str, principal: Principal) -> list[WorkbenchItem]:
    row = await SocialWorker.select().where(
        (SocialWorker.person_id == (principal.person_id or 0)) & (SocialWorker.district_code == code)).first()
    if row is None:  # the page would answer 404: no profile linked to this account here
        return []
    page = f"/districts/{code}/talent/me"
    drafts = await ServiceLog.count().where((ServiceLog.worker == row["id"]) & (ServiceLog.state == "draft"))
    filed = await ServiceLog.count().where((ServiceLog.worker == row["id"]) & (ServiceLog.state == "submitted")
                                           & (ServiceLog.superseded == False))  # noqa: E712
    items = [
        WorkbenchItem("我的档案 · 已提交服务记录", "My profile · logs submitted", filed, page, tone="ok",
                      name="talent.my_profile", order=10,
                      hint=f"{row['qualification']} · {row['status']}", hint_en=row["qualification"]),
        WorkbenchItem("待提交的服务记录（草稿）", "Service logs still to submit", drafts, page + "#logs-title",
                      name="talent.logs_to_file", order=11),
    ]
    ce = await services.education_summary(row, await module_settings(ctx, code, MODULE))
    if ce is not None:
        short = math.ceil(ce["short"])
        items.append(WorkbenchItem(
            "继续教育尚差学时", "Continuing-education hours short", short, page + "#ce-title",
            tone="bad" if short and ce["elapsed"] > 0.8 else "wait", name="talent.ce_short", order=12, tally=False,
            hint=f"本周期须 {ce['required']} 学时，已完成 {ce['hours']:g}，周期至 {ce['period_end']}",
            hint_en=f"{ce['hours']:g} of {ce['required']} hours, period ends {ce['period_end']}"))
    return items


async def _staff_items(code: str, principal: Principal, today: date) -> list[WorkbenchItem]:
    orgs = sorted(principal.organization_limit("talent.staff.read", code) or set())
    if not orgs:
        return []
    mine = SocialWorker.employer_org_id.is_in(orgs)
    working = await SocialWorker.count().where(SocialWorker.district_code == code, SocialWorker.status != LEFT, mine)
    due = await _due(code, today, mine)
    page = f"/districts/{code}/talent/staff"
    return [
        WorkbenchItem("本机构在岗社工", "Our social workers at work", working, page, tone="ok", name="talent.staff",
                      order=30),
        WorkbenchItem("本机构社工登记即将到期", "Our workers' registrations due", due, page,
                      name="talent.staff_registration_due", order=31),
    ]


async def items(ctx: Any, code: str, principal: Principal) -> list[WorkbenchItem]:
    today = date.today()
    out: list[WorkbenchItem] = []
    if principal.can("talent.worker.read", code):
        out += await _roster_items(code, today)
    if principal.can("talent.import", code):
        out.append(await _import_item(code))
    if principal.can("talent.record.own", code):
        out += await _own_items(ctx, code, principal)
    if principal.can("talent.staff.read", code):
        out += await _staff_items(code, principal, today)
    return out


PROVIDERS = [WorkbenchProvider(MODULE, items)]


async def _working(code: str) -> int:
    return await SocialWorker.count().where((SocialWorker.district_code == code) & (SocialWorker.status != LEFT))


async def _registration_due(code: str) -> int:
    return await _due(code, date.today())


# Figures for the district home and the city's side-by-side view (register_dashboard_widgets).
WIDGETS = [
    DashboardWidget(MODULE, "workers", "在岗社工（人）", "Social workers at work", _working),
    DashboardWidget(MODULE, "registration_due", "登记90天内到期或已过期（人）", "Registrations due in 90 days or lapsed",
                    _registration_due),
]
