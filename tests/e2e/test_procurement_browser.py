"""A district admin's purchase projects in a real browser at phone width (390 px): the 新建项目
form refuses a period that ends before it starts with the message next to the field, by its
label; the corrected project is created and moved planning → tender; another project is
cancelled with its reason typed in the in-page dialog (sanshe.ask). Every page runs under
the CSP without a violation (`no_csp_violations`) and never scrolls sideways."""

from __future__ import annotations

import os
from datetime import date

import pytest

from plugins.procurement import projects
from tests.conftest import OWN
from tests.e2e.support import fits, in_thread, log_in
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
PHONE = 390


def test_a_district_admin_creates_moves_and_cancels_projects_on_a_phone(server, browser, ctx):
    page = log_in(browser, server, f"{OWN}-admin", PHONE)
    page.goto(f"{server}/districts/{OWN}/procurement")
    page.wait_for_selector("[data-testid=stage-chips]")
    fits(page, PHONE)
    form = page.locator("[data-testid=new-project]")
    form.locator("input[name=title]").fill("浏览器测试：社区养老助餐服务")
    form.locator("input[name=buyer]").fill("武陵区民政局")
    form.locator("select[name=field]").select_option("社区养老")
    form.locator("input[name=budget_fen]").fill("120000.50")
    form.locator("input[name=period_start]").fill("2027-03-01")
    form.locator("input[name=period_end]").fill("2027-01-31")  # before the start: refused
    form.locator("select[name=method]").select_option("公开招标")
    form.locator("input[name=indicator_name]").first.fill("助餐人次")
    form.locator("input[name=indicator_target]").first.fill("1200")
    form.locator("button[type=submit]").click()
    error = page.locator("[data-testid=field-error-period_end]")
    error.wait_for()
    assert "不能早于开始日期" in error.inner_text()
    # The message sits right after the field's label, and the summary names the label, not period_end.
    assert error.evaluate("e => e.previousElementSibling.textContent").strip().startswith("服务结束日期")
    if os.environ.get("SANSHE_SHOTS"):
        form.screenshot(path=os.environ["SANSHE_SHOTS"] + "/procurement-form.png")
        page.screenshot(path=os.environ["SANSHE_SHOTS"] + "/procurement-home.png")
    summary = page.locator("#form-errors").inner_text()
    assert "服务结束日期" in summary and "period_end" not in summary
    fits(page, PHONE)

    form.locator("input[name=period_end]").fill("2027-12-31")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/procurement/projects/*")
    page.wait_for_selector("[data-testid=project][data-stage=planning]")
    assert "120,000.50" in page.locator("[data-testid=budget]").inner_text()
    assert "助餐人次" in page.locator("[data-testid=indicators]").inner_text()
    fits(page, PHONE)
    page.locator("[data-testid=move-tender]").click()
    page.wait_for_selector("[data-testid=project][data-stage=tender]")
    assert "招标/采购公告" in page.locator("[data-testid=stage]").inner_text()
    assert page.locator("[data-testid=stage-change]").count() == 1
    if os.environ.get("SANSHE_SHOTS"):
        page.screenshot(path=os.environ["SANSHE_SHOTS"] + "/procurement-project.png", full_page=True)

    # Another project in planning is cancelled with a reason typed in the dialog.
    other = in_thread(projects.create(ctx, OWN, "test", projects.ProjectIn(
        title="浏览器测试：待终止的家庭辅导项目", buyer="武陵区民政局", field="婚姻家庭", budget_fen=8_000_000,
        period_start=date(2027, 1, 1), period_end=date(2027, 12, 31), method="询价")))
    page.goto(f"{server}/districts/{OWN}/procurement?stage=planning&q=待终止")
    page.locator("[data-testid=project] a", has_text="待终止的家庭辅导项目").click()
    page.wait_for_url(f"**/procurement/projects/{other['id']}")
    page.wait_for_selector("[data-testid=project][data-stage=planning]")
    page.locator("[data-testid=move-cancelled]").click()
    dialog = page.locator("dialog[data-testid=ask]")
    dialog.wait_for()
    assert "理由" in dialog.inner_text()
    dialog.locator("textarea").fill("本年度预算调整，终止采购")
    dialog.locator("button[value=ok]").click()
    page.wait_for_selector("[data-testid=project][data-stage=cancelled]")
    assert "本年度预算调整，终止采购" in page.locator("[data-testid=stage-reason]").inner_text()
    assert "本年度预算调整，终止采购" in page.locator("[data-testid=timeline]").inner_text()
    fits(page, PHONE)
