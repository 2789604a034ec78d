"""季度报送 in a real browser at 390 px: 430702's district admin submits the quarter the dashboard's
form offers first (the last closed quarter not yet submitted; a correction with a reason when every
closed quarter already is — earlier tests of a full run may have submitted some), the page reloads
and lists that quarter as 已报送, whose page shows the frozen figures; anonymous visitors see the
list but no form; the city page shows the district's status and links the districts' submitted
figures side by side. No sideways scroll, no CSP violation."""

from __future__ import annotations

import pytest

from core.indicator_reports import last_closed_quarter
from core.tables import IndicatorReport
from tests.conftest import OWN
from tests.e2e.support import fits, in_thread, log_in
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
PHONE = 390


def test_a_district_admin_submits_a_quarter_on_the_dashboard(server, browser):
    page = log_in(browser, server, f"{OWN}-admin", PHONE)
    page.goto(f"{server}/districts/{OWN}/indicators")
    form = page.locator("[data-testid=report-form]")
    form.wait_for()
    fits(page, PHONE)
    select = form.locator("[data-testid=report-quarter]")
    quarter = select.input_value()
    assert quarter == select.locator("option").first.get_attribute("value")
    chosen = select.locator(f"option[value='{quarter}']").inner_text()
    if "已报送" in chosen:
        form.locator("[data-testid=report-reason]").fill("浏览器测试更正")
    stored = in_thread(IndicatorReport.count().where(IndicatorReport.district_code == OWN))
    form.locator("[data-testid=report-submit]").click()
    page.locator("dialog[data-testid=ask] button.secondary").click()  # cancelled: nothing sent
    page.locator("dialog[data-testid=ask]").wait_for(state="detached")
    assert in_thread(IndicatorReport.count().where(IndicatorReport.district_code == OWN)) == stored
    form.locator("[data-testid=report-submit]").click()
    ask = page.locator("dialog[data-testid=ask]")  # a submission fixes the figures: asked first
    assert quarter in ask.inner_text() and "固定" in ask.inner_text()
    ask.locator("button[value=ok]").click()
    entry = page.locator(f"[data-testid=report-{quarter}]")
    entry.wait_for()
    assert "已报送" in entry.inner_text() and " v" in entry.inner_text()
    fits(page, PHONE)
    entry.locator("[data-testid=report-link]").click()  # the submitted figures, as the city reads them
    page.wait_for_selector("[data-testid=report-page]")
    assert page.locator("[data-testid^=report-value-]").count() >= 18
    fits(page, PHONE)
    page.go_back()
    anonymous = browser.new_context(viewport={"width": PHONE, "height": 844}).new_page()
    anonymous.goto(f"{server}/districts/{OWN}/indicators")
    assert "已报送" in anonymous.locator(f"[data-testid=report-{quarter}]").inner_text()
    assert anonymous.locator("[data-testid=report-form]").count() == 0
    anonymous.goto(f"{server}/cities/430700/indicators")
    status = anonymous.locator(f"[data-testid=report-status-{OWN}]")
    if quarter == last_closed_quarter():
        assert status.get_attribute("data-submitted") == "1" and "已报送" in status.inner_text()
    else:
        assert status.inner_text().strip()
    fits(anonymous, PHONE)
    anonymous.click("[data-testid=city-report-link]")  # the districts' submitted figures side by side
    anonymous.wait_for_selector("[data-testid=city-report]")
    assert anonymous.locator("[data-testid=city-report-table] tbody tr").count() >= 18
    if quarter == last_closed_quarter():
        assert anonymous.locator(f"[data-testid=report-status-{OWN}]").get_attribute("data-submitted") == "1"
    fits(anonymous, PHONE)
