"""Demo delivery for the demo projects past award (demo.py calls `contract` at their
contracted step): a contract with the organisation the project was awarded to
(demo_tender.py) as supplier, milestones planned from the project's output
indicators, and — for projects going further — reports by the supplier's staff (one with an
evidence file), acceptances and payments. The delivering project keeps a late milestone (a
supervision flag after a scan) and one waiting for acceptance; the evaluated project has a
milestone accepted short of plan; the closed project is paid in full. All through the same
services (and audit trail) as the pages."""

from __future__ import annotations

import json
from datetime import date, timedelta

from core.auth import Grant, Principal
from core.context import AppContext
from plugins.procurement import award, contracts, milestones, payments, projects

# A one-page PDF: what a scanned sign-in sheet (签到表) would be, small enough to keep in code.
SIGN_IN_SHEET = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
                 b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n"
                 b"%%EOF\n")


def supplier_staff(ctx: AppContext, code: str, organization_id: int) -> Principal:
    grant = Grant("org_staff", "organization", district_code=code, organization_id=organization_id)
    return Principal(None, f"{code}-org", grants=(grant,), permissions_by_role=ctx.contributions.role_permissions)


def _plan(project: dict, share: float) -> dict[str, float]:
    return {i["name"]: round(i["target"] * share) for i in json.loads(project["indicators"]) if i["kind"] == "output"}


async def contract(ctx: AppContext, code: str, project_id: int, final_stage: str, actor: str) -> None:
    """Record the contract (moving the project to contracted) and the milestones for `final_stage`."""
    project = await projects.get_row(code, project_id)
    won = await award.one(project_id)  # the supplier is the organisation the project was awarded to
    org, value = won["organization_id"], won["price_fen"]
    await contracts.record(ctx, code, project_id, actor, contracts.ContractIn(
        organization_id=org, number=f"WL-GM-{project['period_start'].year}-{project_id:03d}", value_fen=value,
        signed_on=project["period_start"], term_start=project["period_start"], term_end=project["period_end"]))
    today, start, end = date.today(), project["period_start"], project["period_end"]
    soon, past = min(today + timedelta(days=14), end), max(start, today - timedelta(days=30))
    staff = supplier_staff(ctx, code, org)
    half = value // 2

    async def plan(title: str, due: date, share: float, people: int, amount: int) -> int:
        return (await milestones.plan(code, project_id, actor, milestones.MilestoneIn(
            title=title, due_on=due, planned_outputs=_plan(project, share), planned_beneficiaries=people,
            amount_fen=amount)))["id"]

    async def deliver(milestone_id: int, share: float, people: int, note: str, pay: int | None,
                      evidence: str = "") -> None:
        await milestones.report(code, project_id, milestone_id, staff, milestones.ReportIn(
            delivered_outputs=_plan(project, share), delivered_beneficiaries=people, delivered_on=today, note=note))
        if evidence:
            await milestones.add_evidence(ctx, code, project_id, milestone_id, staff, evidence, SIGN_IN_SHEET)
        if pay is None:
            return
        await milestones.accept(code, project_id, milestone_id, actor)
        if pay:
            await payments.record(code, project_id, actor, payments.PaymentIn(
                milestone_id=milestone_id, amount_fen=pay, paid_on=today, voucher=f"ZF{project_id:03d}{milestone_id:04d}"))

    if final_stage == "contracted":
        await plan("服务方案与需求评估", soon, 0.1, 40, value // 5)
        return
    first = await plan("第一阶段服务", soon, 0.5, 150, half)
    if final_stage == "in_delivery":
        await deliver(first, 0.5, 156, "完成第一阶段入户服务，签到表已上传", half, "第一阶段服务签到表.pdf")
        await plan("服务对象回访与满意度调查", past, 0.1, 60, 0)  # due, never reported: late
        second = await plan("第二阶段服务", end, 0.4, 120, value - half)
        await deliver(second, 0.4, 118, "第二阶段服务已完成，请验收", None)  # waits for acceptance
        return
    second = await plan("第二阶段服务与结项", end, 0.5, 150, value - half)
    await deliver(first, 0.5, 150, "第一阶段服务完成", half)
    short = final_stage == "evaluated"  # delivered well below plan, yet accepted: a flag after a scan
    await deliver(second, 0.3 if short else 0.5, 90 if short else 152, "第二阶段服务完成", value - half)
