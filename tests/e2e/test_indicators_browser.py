"""The indicator pages in a real browser at 390 px and 1280 px: anyone opens a district's
dashboard from the district page, opens an indicator's definition and moves the date with the
picker; a city admin goes from their city view to the indicator city view (430703's example
module 未启用) and on to a district's dashboard. No sideways scroll, no CSP violation; 390 px
screenshots in $SANSHE_SHOTS_DIR (default $SANSHE_DATA_DIR)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import OTHER, OWN
from tests.e2e.support import fits, log_in
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
PHONE, DESKTOP = 390, 1280
URBAN = "registry.urban_community_orgs"


def _shot(page, name: str) -> None:
    folder = Path(os.environ.get("SANSHE_SHOTS_DIR") or os.environ["SANSHE_DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_anyone_reads_a_districts_indicators(server, browser, width):
    page = browser.new_context(viewport={"width": width, "height": 844 if width == PHONE else 900}).new_page()
    page.goto(f"{server}/districts/{OWN}")
    page.locator("[data-testid=indicators-link]").click()
    page.wait_for_selector("[data-testid=district-indicators]")
    card = page.locator(f"[data-testid='indicator-{URBAN}']")
    assert "城市社区平均社区社会组织数" in card.inner_text() and "民发〔2017〕191号" in card.inner_text()
    assert card.get_attribute("data-status") in ("met", "unmet")
    card.locator("summary").click()
    assert card.locator("details").get_attribute("open") is not None
    fits(page, width)
    if width == PHONE:
        _shot(page, "e2e-indicators-district-phone.png")
    form = page.locator("[data-testid=at-form]")
    form.locator("input[name=at]").fill("1990-01-01")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**at=1990-01-01**")
    assert page.locator(f"[data-testid='indicator-{URBAN}']").get_attribute("data-status") == "no_data"
    fits(page, width)


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_a_city_admin_compares_the_districts_indicators(server, browser, width):
    page = log_in(browser, server, "city-admin", width)
    page.goto(f"{server}/cities/430700")
    page.locator("[data-testid=city-indicators-link]").click()
    page.wait_for_selector("[data-testid=city-indicators]")
    assert page.locator(f"[data-testid='cell-example.notes_per_10k-{OTHER}']").inner_text().strip() == "未启用"
    assert page.locator(f"[data-testid='cell-{URBAN}-total']").is_visible()
    fits(page, width)
    if width == PHONE:
        _shot(page, "e2e-indicators-city-phone.png")
    else:
        _shot(page, "e2e-indicators-city-desktop.png")
    page.goto(f"{server}/cities/430700/indicators?lang=en")
    assert "City total" in page.locator("[data-testid=city-indicators-table]").inner_text()
    fits(page, width)
    if width == PHONE:
        _shot(page, "e2e-indicators-city-phone-en.png")
    page.locator(f"[data-testid=district-links] a[href^='/districts/{OWN}/indicators']").click()
    page.wait_for_selector("[data-testid=district-indicators]")
    fits(page, width)
