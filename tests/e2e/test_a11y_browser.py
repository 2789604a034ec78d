"""Accessibility of the main pages, checked by axe-core (axe-playwright-python) in Chromium:
no serious or critical violation on the public pages (also in 长辈模式), the login page, the
district page and the district admin's pages of each module. Each page's counts by impact are
printed (`pytest -s`), so a report can quote them before and after a change.

Pages of other plugins that still have violations are marked xfail naming the rule and the
element, to be mended in those plugins' templates."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.conftest import OWN, PASSWORD
from tests.e2e.test_browser import browser, no_csp_violations  # noqa: F401 - fixtures
from tests.served import Server

pytestmark = pytest.mark.e2e
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def a11y_server(ctx):
    with Server(dict(os.environ), Path(os.environ["SANSHE_DATA_DIR"]) / "e2e-a11y-server.log") as served:
        yield served.url


@pytest.fixture(scope="module")
def axe():
    pytest.importorskip("axe_playwright_python", reason="axe-playwright-python is a test dependency (pyproject [test])")
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _log_in(browser, server: str, username: str, **context):
    page = browser.new_context(**context).new_page()
    page.goto(f"{server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")
    assert "/login" not in page.url
    return page


def _check(axe, page, url: str) -> None:
    """Open `url`, run axe, print the counts; fail on a serious or critical violation, naming each."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    violations = axe.run(page).response["violations"]
    counts = Counter(v["impact"] for v in violations for _ in v["nodes"])
    rules = ", ".join(f"{v['id']}×{len(v['nodes'])}" for v in violations)
    print(f"\naxe {url}: " + (", ".join(f"{k} {n}" for k, n in sorted(counts.items())) or "0 violations")
          + (f" ({rules})" if rules else ""))
    blocking = [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] if isinstance(
        n["target"][0], str) else str(n["target"]) for n in v["nodes"][:5])
                for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], "\n".join(blocking)


def _first_link(page, server: str, path: str, selector: str) -> str:
    page.goto(f"{server}{path}")
    href = page.locator(selector).first.get_attribute("href")
    assert href, f"no link {selector} on {path}"
    return urljoin(page.url, href)


PUBLIC = ["/", "/services", "service-detail", "/opendata", "/login", f"/districts/{OWN}"]


@pytest.mark.parametrize("path", PUBLIC)
@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_public_pages_have_no_serious_violations(a11y_server, browser, axe, path, elder):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    if elder:
        context.add_cookies([{"name": "sanshe_elder", "value": "1", "url": a11y_server}])
    page = context.new_page()
    if path == "service-detail":
        page.goto(f"{a11y_server}/services?q=养老")
        page.wait_for_selector("[data-testid=result-card] a")
        path = page.locator("[data-testid=result-card] a").first.get_attribute("href")
    _check(axe, page, f"{a11y_server}{path}")
    context.close()


@pytest.fixture(scope="module")
def admin(a11y_server, browser):
    page = _log_in(browser, a11y_server, f"{OWN}-admin", viewport={"width": 1280, "height": 900})
    yield page
    page.context.close()


D = f"/districts/{OWN}"
ADMIN_PAGES = [
    f"{D}/talent",
    f"{D}/talent/stats",
    f"{D}/catalogue",
    f"{D}/catalogue?edit=first",
    f"{D}/incubation",
    f"{D}/supervision",
    "campaign",
    f"{D}/supervision/flags",
    f"{D}/supervision/audit",
    "/account/security",
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_the_district_admins_pages_have_no_serious_violations(a11y_server, admin, axe, path):
    if path == "campaign":
        url = _first_link(admin, a11y_server, f"{D}/supervision", "a[href*='/supervision/campaigns/']")
    elif path.endswith("edit=first"):
        url = _first_link(admin, a11y_server, f"{D}/catalogue", "a[data-testid^=edit-]")
    else:
        url = f"{a11y_server}{path}"
    _check(axe, admin, url)


def test_axe_reports_what_it_should(browser, axe):
    """The check can fail: a nameless button and a scrollable region that cannot take focus are found."""
    page = browser.new_page()
    page.set_content('<html lang="zh-CN"><head><title>t</title></head><body><main><button></button>'
                     '<div style="overflow:auto;height:30px"><p style="height:90px">长内容</p></div></main></body></html>')
    found = {v["id"]: v["impact"] for v in axe.run(page).response["violations"]}
    assert found.get("button-name") == "critical" and "scrollable-region-focusable" in found
    page.close()


@pytest.mark.parametrize("path", [f"{D}/talent", f"{D}/organizations", f"{D}/persons"])
def test_list_tables_as_phone_cards_have_no_serious_violations(a11y_server, browser, axe, path):
    """At 390 px these tables show one card per row (table.stack): the roles app.js adds keep
    them a table to assistive technology, and axe finds nothing serious."""
    page = _log_in(browser, a11y_server, f"{OWN}-admin", viewport={"width": 390, "height": 844})
    _check(axe, page, f"{a11y_server}{path}")
    assert page.locator("table.stack tbody tr").first.get_attribute("role") == "row"
    page.context.close()
