"""Delivery after award in a real browser. The supplier's organisation staff, on a phone
(390 px), find their contract from the workbench card, report a milestone — a missing date
refused next to its field first — and upload a sign-in sheet as evidence. The district admin, on
a desktop (1280 px), records a contract on an awarded project, plans a milestone, accepts the
reported one and records a payment, an amount over what the milestone has left refused first.
Every page runs under the CSP (`no_csp_violations`) and never scrolls sideways."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest

from core.dates import add_months, utc_now
from core.tables import Organization
from plugins.procurement import award, bids, contracts, milestones, panel, projects, terms
from plugins.procurement.delivery_demo import supplier_staff
from plugins.procurement.demo_tender import _user, staff
from plugins.procurement.tables import PurchaseProject
from tests.conftest import OWN
from tests.e2e.support import fits, in_thread, log_in
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
PHONE, DESKTOP = 390, 1280
START = date.today() - timedelta(days=30)  # midnight-safe: a month back, never near today
END = add_months(START, 12) - timedelta(days=1)
PDF = b"%PDF-1.4\n%%EOF\n"


async def _supplier() -> int:
    """The demo organisation staff's organisation (the district's first)."""
    return (await Organization.select(Organization.id).where(Organization.district_code == OWN).order_by(
        Organization.id).first())["id"]


async def _awarded(ctx, title: str) -> int:
    project = await projects.create(ctx, OWN, "test", projects.ProjectIn(
        title=title, buyer="武陵区民政局", field="社区养老", budget_fen=20_000_000, period_start=START, period_end=END,
        method="公开招标", target_group="老年人",
        indicators=[projects.rules.IndicatorIn(name="助浴人次", unit="人次", target=400, kind="output")]))
    return await _tender_and_award(ctx, project["id"])


async def _tender_and_award(ctx, project_id: int) -> int:
    """Through the tender as the pages do it: terms with a deadline, the supplier's bid, the deadline
    passing, the panel's declaration and score, and the award to the supplier (19 万元)."""
    admin = await _user(ctx, f"{OWN}-admin")
    member = await _user(ctx, f"{OWN}-procurement-panelist")
    await terms.update(OWN, project_id, admin.username, terms.TermsIn(bid_deadline=utc_now() + timedelta(days=1)))
    await projects.move(OWN, project_id, "tender", "采购公告已发布", admin.username)
    bid = await bids.submit(ctx, OWN, project_id, staff(ctx, OWN, await _supplier()),
                            bids.BidIn(price_fen=19_000_000, plan="上门助浴与照护培训"))
    await PurchaseProject.update({PurchaseProject.bid_deadline: utc_now() - timedelta(hours=1)}).where(
        PurchaseProject.id == project_id)  # the deadline has passed
    await projects.move(OWN, project_id, "evaluation", "投标截止，进入评审", admin.username)
    await panel.name(ctx, OWN, project_id, admin.username, panel.MemberIn(username=member.username))
    await panel.declare(OWN, project_id, member, panel.DeclarationIn(conflict="none"))
    await panel.score(OWN, project_id, member, panel.ScoreIn(bid_id=bid["id"], plan=85, capacity=80, past=80))
    await award.award(ctx, OWN, project_id, admin.username, award.AwardIn(bid_id=bid["id"]))
    return project_id


async def _with_milestone(ctx, title: str) -> tuple[int, int]:
    project_id = await _awarded(ctx, title)
    await contracts.record(ctx, OWN, project_id, "test", contracts.ContractIn(
        organization_id=await _supplier(), number="E2E-001", value_fen=18_000_000, signed_on=START, term_start=START,
        term_end=END))
    milestone = await milestones.plan(OWN, project_id, "test", milestones.MilestoneIn(
        title="第一季度助浴服务", due_on=date.today() + timedelta(days=20), planned_outputs={"助浴人次": 100},
        planned_beneficiaries=40, amount_fen=6_000_000))
    return project_id, milestone["id"]


def _fits_and_shoot(page, width: int, name: str) -> None:
    """The page fits its width; with SANSHE_SHOTS set, a full-page screenshot for review."""
    fits(page, width)
    if os.environ.get("SANSHE_SHOTS"):
        page.screenshot(path=f"{os.environ['SANSHE_SHOTS']}/{name}", full_page=True)


def test_the_supplier_reports_a_milestone_with_evidence_on_a_phone(server, browser, ctx):
    project_id, _ = in_thread(_with_milestone(ctx, "浏览器测试：社区助浴服务"))
    page = log_in(browser, server, f"{OWN}-org", PHONE)
    page.goto(f"{server}/districts/{OWN}/workbench")
    page.locator("[data-testid='todo-procurement.to_report']").click()
    page.wait_for_selector("[data-testid=contracts]")
    fits(page, PHONE)
    page.locator("[data-testid=contract-row] a", has_text="社区助浴服务").click()
    page.wait_for_url(f"**/procurement/delivery/{project_id}")
    milestone = page.locator("[data-testid=milestone]").first
    milestone.locator("[data-testid=report-open]").click()
    form = milestone.locator("[data-testid=report-form]")
    form.locator("input[name='out:助浴人次']").fill("96")
    form.locator("input[name=delivered_beneficiaries]").fill("38")
    form.locator("button[type=submit]").click()
    error = form.locator("[data-testid=field-error-delivered_on]")
    error.wait_for()
    assert "完成日期" in error.inner_text()
    fits(page, PHONE)
    form.locator("input[name=delivered_on]").fill(date.today().isoformat())
    form.locator("textarea[name=note]").fill("本季度完成助浴96人次")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=milestone][data-state=reported]")
    page.locator("[data-testid=evidence-form] input[type=file]").set_input_files(
        files=[{"name": "签到表.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.locator("[data-testid=evidence-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=evidence] a")
    assert "签到表.pdf" in page.locator("[data-testid=evidence]").inner_text()
    assert "助浴人次 96" in page.locator("[data-testid=delivered]").inner_text()
    _fits_and_shoot(page, PHONE, "procurement-delivery-phone.png")


def test_the_district_admin_contracts_accepts_and_pays_on_a_desktop(server, browser, ctx):
    awarded = in_thread(_awarded(ctx, "浏览器测试：待签约的助浴服务"))
    page = log_in(browser, server, f"{OWN}-admin", DESKTOP)
    page.goto(f"{server}/districts/{OWN}/procurement/projects/{awarded}")
    form = page.locator("[data-testid=contract-form]")
    form.locator("select[name=organization_id]").select_option(str(in_thread(_supplier())))
    form.locator("input[name=number]").fill("E2E-签约-001")
    form.locator("input[name=value_fen]").fill("150000")
    form.locator("input[name=signed_on]").fill(START.isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=project][data-stage=contracted]")
    assert "150,000.00" in page.locator("[data-testid=contract-value]").inner_text()
    page.locator("[data-testid=plan-open]").click()
    plan = page.locator("[data-testid=milestone-form]")
    plan.locator("input[name=title]").fill("服务方案与需求评估")
    plan.locator("input[name=due_on]").fill((date.today() + timedelta(days=10)).isoformat())
    plan.locator("input[name='out:助浴人次']").fill("20")
    plan.locator("input[name=amount_fen]").fill("30000")
    plan.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=milestone][data-state=planned]")
    fits(page, DESKTOP)

    project_id, milestone_id = in_thread(_with_milestone(ctx, "浏览器测试：待验收的助浴服务"))
    # The supplier's report goes through the service here (the phone test above reports on the page).
    in_thread(milestones.report(OWN, project_id, milestone_id, supplier_staff(ctx, OWN, in_thread(_supplier())),
                                milestones.ReportIn(delivered_outputs={"助浴人次": 100}, delivered_beneficiaries=40,
                                                    delivered_on=date.today())))
    page.goto(f"{server}/districts/{OWN}/procurement/projects/{project_id}")
    page.locator("[data-testid=accept]").click()
    page.wait_for_selector("[data-testid=milestone][data-state=accepted]")
    pay = page.locator("[data-testid=payment-form]")
    pay.locator("input[name=amount_fen]").fill("60000.01")
    pay.locator("input[name=paid_on]").fill(date.today().isoformat())
    pay.locator("button[type=submit]").click()
    error = pay.locator("[data-testid=field-error-amount_fen]")
    error.wait_for()
    assert "60,000.00元" in error.inner_text()
    pay.locator("input[name=amount_fen]").fill("60000")
    pay.locator("input[name=voucher]").fill("ZF-E2E-1")
    pay.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=payment]")
    assert "60,000.00" in page.locator("[data-testid=payment]").inner_text()
    assert "60,000.00 / 180,000.00" in page.locator("[data-testid=paid]").inner_text()
    _fits_and_shoot(page, DESKTOP, "procurement-delivery-desktop.png")
