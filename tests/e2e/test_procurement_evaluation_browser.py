"""Outcome evaluation in a real browser. The third-party evaluator (the district's supervisor),
on a phone (390 px), finds the project from the workbench card, scores each indicator — a score
over 100 refused first — and sees their scores on the page. The district admin, on a desktop
(1280 px), opens an evaluation naming the evaluator, scores the buyer's part, is refused without
findings next to the field, completes it (the project becomes evaluated, total and grade shown)
and opens the supplier's record from it. Every page runs under the CSP and never scrolls sideways."""

from __future__ import annotations

from datetime import date

import pytest

from core.auth import Grant, Principal
from plugins.procurement import evaluation, milestones, projects
from plugins.procurement.delivery_demo import supplier_staff
from tests.conftest import OWN
from tests.e2e.support import fits, in_thread, log_in
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures
from tests.e2e.test_procurement_delivery_browser import _fits_and_shoot, _supplier, _with_milestone

pytestmark = pytest.mark.e2e
PHONE, DESKTOP = 390, 1280
SUPERVISOR = f"{OWN}-supervisor"


async def _delivering(ctx, title: str) -> int:
    """A project in delivery whose one milestone (助浴人次 100 of 400) is accepted."""
    project_id, milestone_id = await _with_milestone(ctx, title)
    await milestones.report(OWN, project_id, milestone_id, supplier_staff(ctx, OWN, await _supplier()),
                            milestones.ReportIn(delivered_outputs={"助浴人次": 100}, delivered_beneficiaries=40,
                                                delivered_on=date.today()))
    await milestones.accept(OWN, project_id, milestone_id, "test")
    await projects.move(OWN, project_id, "in_delivery", "", "test", ctx=ctx)
    return project_id


async def _opened(ctx, title: str) -> int:
    project_id = await _delivering(ctx, title)
    await evaluation.open_evaluation(ctx, OWN, project_id, "test", evaluation.OpenIn(evaluator=SUPERVISOR))
    return project_id


def test_the_evaluator_scores_on_a_phone(server, browser, ctx):
    project_id = in_thread(_opened(ctx, "浏览器测试：第三方评价的助浴服务"))
    page = log_in(browser, server, SUPERVISOR, PHONE)
    page.goto(f"{server}/districts/{OWN}/workbench")
    page.locator("[data-testid='todo-procurement.to_evaluate']").click()
    page.wait_for_selector("[data-testid=evaluations]")
    fits(page, PHONE)
    page.locator("[data-testid=evaluation-row] a", has_text="第三方评价的助浴服务").click()
    page.wait_for_url(f"**/procurement/evaluations/{project_id}")
    form = page.locator("[data-testid=score-form]")
    assert "已完成 100" in form.inner_text()  # the accepted milestone's outputs inform the score
    form.locator("input[name='score:助浴人次']").fill("120")
    form.locator("textarea[name='note:助浴人次']").fill("按计划完成四分之一，记录完整")
    form.locator("button[type=submit]").click()
    error = form.locator(".error")
    error.wait_for(state="visible")
    assert "得分应在0到100之间" in error.inner_text()
    fits(page, PHONE)
    form.locator("input[name='score:助浴人次']").fill("85")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=score-third_party] strong")
    assert "85" in page.locator("[data-testid=score-third_party]").inner_text()
    _fits_and_shoot(page, PHONE, "procurement-evaluation-phone.png")


def test_the_district_admin_opens_and_completes_an_evaluation_on_a_desktop(server, browser, ctx):
    project_id = in_thread(_delivering(ctx, "浏览器测试：待评价的助浴服务"))
    page = log_in(browser, server, f"{OWN}-admin", DESKTOP)
    page.goto(f"{server}/districts/{OWN}/procurement/projects/{project_id}")
    opening = page.locator("[data-testid=evaluation-open-form]")
    opening.locator("select[name=evaluator]").select_option(SUPERVISOR)
    opening.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=evaluation][data-state=open]")
    page.locator("[data-testid=score-open]").click()
    form = page.locator("[data-testid=score-form]")
    form.locator("input[name='score:助浴人次']").fill("80")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=score-buyer] strong")
    in_thread(evaluation.score(OWN, project_id, "third_party", Principal(
        None, SUPERVISOR, grants=(Grant("supervisor", "district", district_code=OWN),),
        permissions_by_role=ctx.contributions.role_permissions), evaluation.ScoresIn(
        scores=[evaluation.IndicatorScore(indicator="助浴人次", score=90)])))
    page.reload()
    complete = page.locator("[data-testid=complete-form]")
    complete.locator("button[type=submit]").click()
    error = complete.locator("[data-testid=field-error-findings]")
    error.wait_for()
    assert "评价结论" in error.inner_text()
    complete.locator("textarea[name=findings]").fill("助浴服务按计划推进，记录完整；建议增加夜间服务时段。")
    complete.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=evaluation][data-state=completed]")
    # no ratings: 80 × 3/7 + 90 × 4/7 = 85.7, 良好
    assert page.locator("[data-testid=evaluation-total]").inner_text() == "85.7"
    assert page.locator("[data-testid=evaluation-grade]").inner_text() == "良好"
    assert page.locator("[data-testid=project]").get_attribute("data-stage") == "evaluated"
    _fits_and_shoot(page, DESKTOP, "procurement-evaluation-desktop.png")
    page.locator("[data-testid=record-link]").click()
    page.wait_for_selector("[data-testid=record]")
    row = page.locator(f"[data-testid=record-row][data-project='{project_id}']")
    assert "85.7" in row.inner_text() and "良好" in row.inner_text()
    fits(page, DESKTOP)
