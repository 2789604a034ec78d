"""Residents' needs in a real browser on a phone (390 px): a resident posts a need (a blank title
is refused next to the field first), another resident adds "我也需要", and community staff accept
it through the triage form. Every page fits the width and runs under the CSP without a violation."""

from __future__ import annotations

import pytest

from core.identity import ensure_user
from tests.conftest import OWN, PASSWORD
from tests.e2e.support import fits, in_thread, log_in
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
PHONE = 390
NEIGHBOUR = f"{OWN}-resident-browser2"


def test_a_resident_posts_a_need_another_supports_it_and_staff_accept_it(server, browser):
    in_thread(ensure_user(NEIGHBOUR, PASSWORD, [{"role": "resident", "district_code": OWN}], fast_hash=True,
                          actor="tests"))
    page = log_in(browser, server, f"{OWN}-resident", PHONE)
    page.goto(f"{server}/districts/{OWN}/participation/needs")
    page.wait_for_selector("[data-testid=need-form]")
    fits(page, PHONE)
    form = page.locator("[data-testid=need-form]")
    form.locator("select[name=community_code]").select_option(index=1)
    form.locator("select[name=field]").select_option("社区养老")
    form.locator("input[name=title]").fill("   ")
    form.locator("textarea[name=description]").fill("独居老人多，希望有人上门送餐")
    form.locator("[data-testid=need-submit]").click()
    page.locator("[data-testid=field-error-title]").wait_for()
    fits(page, PHONE)
    form.locator("input[name=title]").fill("浏览器测试：老人送餐上门")
    form.locator("[data-testid=need-submit]").click()
    page.wait_for_url("**/participation/needs/*")
    page.wait_for_selector("[data-testid=need][data-state=open]")
    need_url = page.url
    assert "浏览器测试：老人送餐上门" in page.locator("h1").inner_text()
    fits(page, PHONE)

    other = log_in(browser, server, NEIGHBOUR, PHONE)
    other.goto(need_url)
    other.locator("[data-testid=support]").click()
    other.wait_for_function("() => document.getElementById('supporters-count').textContent === '1'")
    fits(other, PHONE)
    other.locator("[data-testid=support]").wait_for(state="attached")
    other.reload()
    other.locator("[data-testid=support]").click()  # a second time: refused, said in words
    other.wait_for_function("() => document.getElementById('support-result').textContent.includes('已经')")

    staff = log_in(browser, server, f"{OWN}-community-staff", PHONE)
    staff.goto(need_url)
    triage = staff.locator("[data-testid=triage-form]")
    triage.locator("select[name=state]").select_option("declined")
    triage.locator("[data-testid=triage-submit]").click()
    staff.locator("[data-testid=field-error-reason]").wait_for()
    fits(staff, PHONE)
    triage.locator("select[name=state]").select_option("accepted")
    triage.locator("[data-testid=triage-submit]").click()
    staff.wait_for_selector("[data-testid=need][data-state=accepted]")
    assert "已受理" in staff.locator("[data-testid=need-state]").inner_text()
    assert "1" == staff.locator("#supporters-count").inner_text()
    fits(staff, PHONE)
    staff.goto(f"{server}/districts/{OWN}/participation/committees")
    fits(staff, PHONE)
    staff.locator("[data-testid=committee] a").first.click()
    staff.wait_for_selector("[data-testid=members]")
    fits(staff, PHONE)
