"""The portal home, the workbench and the city view in a real browser (Chromium via Playwright)
against `sanshe serve` on the test database: a resident finds a service from the home page on a
phone; a district admin logs in on a desktop and lands on the workbench, whose cards open their
pages; a city admin sees the districts side by side. Each page fits its screen (no sideways
scroll of the body) and runs under the CSP without a violation (`no_csp_violations`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import OTHER, OWN, PASSWORD
from tests.e2e.support import fits as _fits
from tests.e2e.test_browser import browser, no_csp_violations  # noqa: F401 - fixtures
from tests.served import Server

pytestmark = pytest.mark.e2e
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}
SHOTS = Path(os.environ["SANSHE_DATA_DIR"])


@pytest.fixture(scope="module")
def server(ctx):
    with Server(dict(os.environ), SHOTS / "e2e-workbench-server.log") as served:
        yield served.url


def _log_in(browser, server: str, username: str, viewport: dict, lands_on: str):
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(f"{server}/")
    page.click("[data-testid=login-link]")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{server}{lands_on}")
    return page


def test_a_resident_finds_a_service_from_the_home_page_on_a_phone(server, browser):
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{server}/")
    box = page.locator("#portal-q")
    assert box.is_visible() and box.bounding_box()["y"] < 400  # the search comes first, above the fold
    assert page.locator("[data-testid=portal-tiles] a").count() >= 8
    _fits(page, PHONE["width"])
    page.screenshot(path=str(SHOTS / "e2e-portal-home-phone.png"), full_page=True)
    box.fill("养老")
    page.click("[data-testid=portal-search-submit]")
    page.wait_for_url(lambda url: "/services?" in url and "q=" in url)
    page.wait_for_selector("[data-testid=result-card] mark")
    assert page.locator("[data-testid=search-box]").input_value() == "养老"
    _fits(page, PHONE["width"])
    page.locator("[data-testid=result-card] a").first.click()
    page.wait_for_url(lambda url: "/services/" in url)
    assert "养老" in page.content()
    _fits(page, PHONE["width"])
    # A field tile leads to that field's services.
    page.goto(f"{server}/")
    page.locator("[data-testid=portal-tiles] a", has_text="社区养老").click()
    page.wait_for_selector("[data-testid=result-card]")
    assert "field=" in page.url


def test_a_district_admin_lands_on_the_workbench_and_opens_a_card(server, browser):
    page = _log_in(browser, server, f"{OWN}-admin", DESKTOP, f"/districts/{OWN}/workbench")
    assert "我的工作台" in page.locator("[data-testid=workbench-title]").inner_text()
    for name in ("core.modules", "talent.registration_due", "supervision.flags", "incubation.decisions",
                 "catalogue.drafts"):
        assert page.locator(f"[data-testid='todo-{name}']").is_visible(), name
    assert page.locator("[data-testid=my-home]").get_attribute("aria-current") == "page"
    _fits(page, DESKTOP["width"])
    page.screenshot(path=str(SHOTS / "e2e-workbench-admin-desktop.png"), full_page=True)
    page.click("[data-testid='todo-supervision.flags']")
    page.wait_for_url(f"{server}/districts/{OWN}/supervision/flags")
    page.click("[data-testid=my-home]")
    page.wait_for_url(f"{server}/districts/{OWN}/workbench")
    page.set_viewport_size(PHONE)
    page.reload()
    _fits(page, PHONE["width"])


def test_a_city_admin_sees_the_districts_side_by_side(server, browser):
    page = _log_in(browser, server, "city-admin", DESKTOP, "/cities/430700")
    table = page.locator("[data-testid=city-table]")
    assert table.locator(f"[data-testid=col-{OWN}]").inner_text() == "武陵区"
    assert table.locator(f"[data-testid=col-{OTHER}]").inner_text() == "鼎城区"
    assert page.locator(f"[data-testid='cell-supervision.open_flags-{OTHER}']").inner_text() == "未启用"
    assert page.locator(f"[data-testid=cell-population-{OWN}]").inner_text() == "600,000"
    _fits(page, DESKTOP["width"])
    page.screenshot(path=str(SHOTS / "e2e-city-view-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.reload()
    _fits(page, PHONE["width"])  # the table scrolls inside its own region, not the page
    page.click(f"[data-testid=col-{OTHER}] a")
    page.wait_for_url(f"{server}/districts/{OTHER}")


@pytest.mark.parametrize("username,path", [(None, "/"), (f"{OWN}-admin", f"/districts/{OWN}/workbench"),
                                           (f"{OWN}-resident", f"/districts/{OWN}/workbench"),
                                           ("city-admin", "/cities/430700")])
def test_the_pages_have_no_serious_accessibility_violation(server, browser, username, path):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright",
                                     reason="axe-playwright-python is a test dependency (pyproject [test])")
    if username:  # each user lands on the page checked
        page = _log_in(browser, server, username, PHONE, path)
    else:
        page = browser.new_context(viewport=PHONE).new_page()
        page.goto(f"{server}{path}")
    violations = axe_module.Axe().run(page).response["violations"]
    blocking = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]
    assert blocking == []
