"""The procurement dashboard in a real browser. A district admin on a phone (390 px) opens it from
the procurement home, reads the charts and their tables and narrows the years with the form; a
city admin on a desktop (1280 px) goes from their city view to the procurement city view (430703
未启用, the city total) and on to a district's dashboard. Both widths for both pages: no sideways
scroll, no CSP violation; screenshots in $SANSHE_DATA_DIR."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import OTHER, OWN
from tests.e2e.support import fits, log_in
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
PHONE, DESKTOP = 390, 1280


def _shot(page, name: str) -> None:
    page.screenshot(path=str(Path(os.environ["SANSHE_DATA_DIR"]) / name), full_page=True)


def _charts_fit(page, width: int) -> None:
    fits(page, width)
    for chart in page.locator("svg.chart").all():
        box = chart.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, chart.get_attribute("data-testid")


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_a_district_admin_reads_the_dashboard(server, browser, width):
    page = log_in(browser, server, f"{OWN}-admin", width)
    page.goto(f"{server}/districts/{OWN}/procurement")
    page.locator("[data-testid=dashboard-link]").click()
    page.wait_for_selector("[data-testid=procurement-dashboard]")
    assert page.locator("[data-testid=chart-contracted]").is_visible()
    assert page.locator("[data-testid=table-stages]").is_visible()
    assert "回应的居民需求" in page.locator("[data-testid=needs]").inner_text()  # participation collects needs here
    _charts_fit(page, width)
    if width == PHONE:
        _shot(page, "e2e-procurement-dashboard-phone.png")
    form = page.locator("[data-testid=years-form]")
    form.locator("input[name=years]").fill("3")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**years=3**")
    assert page.locator("[data-testid=table-providers] tbody tr").count() == 3
    _charts_fit(page, width)


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_a_city_admin_compares_the_districts(server, browser, width):
    page = log_in(browser, server, "city-admin", width)
    page.goto(f"{server}/cities/430700")
    page.locator("[data-testid=city-links] a[href='/cities/430700/procurement']").click()
    page.wait_for_selector("[data-testid=procurement-city]")
    assert "未启用" in page.locator(f"[data-testid=cell-projects-{OTHER}]").inner_text()
    assert page.locator("[data-testid=cell-projects-total]").inner_text() == \
        page.locator(f"[data-testid=cell-projects-{OWN}]").inner_text()
    _charts_fit(page, width)
    if width == DESKTOP:
        _shot(page, "e2e-procurement-city-desktop.png")
    page.locator(f"[data-testid=col-{OWN}] a").click()
    page.wait_for_selector("[data-testid=procurement-dashboard]")
    _charts_fit(page, width)
