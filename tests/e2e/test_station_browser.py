"""The street page's social-work station form in a real browser, on a phone (390 px): the
district admin records a station — a negative 驻站社工数 is refused next to its field — then
closes it (撤站) with a date before it opened (refused next to 撤站日期) and with today. Anyone
reads the district's stations at a glance (streets without one first) and opens such a street.
The pages run under the CSP without a violation and never scroll sideways."""

from __future__ import annotations

from datetime import date

import pytest

from core.tables import Community, SocialWorkStation
from tests.conftest import OWN
from tests.e2e.support import fits, in_thread, log_in
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
PHONE = 390
STREET = f"{OWN}902000"  # only this test's street, removed afterwards


@pytest.fixture
def street():
    in_thread(Community.insert(Community(district_code=OWN, code=STREET, name="浏览器测试街道", kind="street")))
    yield STREET
    in_thread(SocialWorkStation.delete().where(SocialWorkStation.street_code == STREET))
    in_thread(Community.delete().where(Community.code == STREET))


def test_staff_record_and_close_a_station_on_a_phone(server, browser, street):
    page = log_in(browser, server, f"{OWN}-admin", PHONE)
    page.goto(f"{server}/districts/{OWN}/streets/{street}")
    page.wait_for_selector("[data-testid=station-none]")
    fits(page, PHONE)
    form = page.locator("[data-testid=station-form]")
    form.locator("input[name=opened_on]").fill("2024-03-01")
    form.locator("input[name=resident_workers]").fill("-2")
    page.click("[data-testid=station-save]")
    page.wait_for_selector("[data-testid=field-error-resident_workers]")
    assert "负数" in page.inner_text("[data-testid=field-error-resident_workers]")
    fits(page, PHONE)
    form.locator("input[name=resident_workers]").fill("3")
    page.click("[data-testid=station-save]")
    page.wait_for_selector("[data-testid=station-current]")
    assert page.inner_text("[data-testid=station-workers]") == "3"
    assert page.inner_text("[data-testid=station-name]") == "浏览器测试街道社会工作服务站"
    fits(page, PHONE)
    form = page.locator("[data-testid=station-form][data-method=PATCH]")
    form.locator("input[name=closed_on]").fill("2024-01-01")
    page.click("[data-testid=station-save]")
    page.wait_for_selector("[data-testid=field-error-closed_on]")
    form.locator("input[name=closed_on]").fill(date.today().isoformat())
    page.click("[data-testid=station-save]")
    page.wait_for_selector("[data-testid=station-history]")
    assert page.locator("[data-testid=station-none]").count() == 1
    rows = in_thread(SocialWorkStation.select().where(SocialWorkStation.street_code == street))
    assert [(r["resident_workers"], r["closed_on"]) for r in rows] == [(3, date.today())]
    fits(page, PHONE)


def test_anyone_finds_the_streets_without_a_station_on_a_phone(server, browser):
    page = browser.new_context(viewport={"width": PHONE, "height": 844}).new_page()
    page.goto(f"{server}/districts/{OWN}")
    page.click("[data-testid=registry-stations-link]")
    page.wait_for_selector("[data-testid=stations-overview]")
    fits(page, PHONE)
    rows = page.locator("[data-testid=station-row]")
    assert rows.count() == int(page.inner_text("[data-testid=stations-streets]"))
    missing = page.locator("[data-testid=station-missing]").count()
    assert missing == rows.count() - int(page.inner_text("[data-testid=stations-covered]")) > 0
    assert rows.first.locator("[data-testid=station-missing]").count() == 1  # the gap is listed first
    name = rows.first.locator("[data-testid=station-street-link]").inner_text()
    rows.first.locator("[data-testid=station-street-link]").click()
    page.wait_for_selector("[data-testid=station-none]")
    assert page.inner_text("[data-testid=street-name]") == name
    fits(page, PHONE)
