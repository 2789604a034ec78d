"""The public service search and the catalogue management page in a real browser (Chromium):

- a resident on a phone turns on 长辈模式 (large text, 48 px tap targets), finds a service from
  the home page, narrows the search until nothing matches, sees every active filter as a chip
  and removes it, opens a service and comes back to the same search;
- the switch also works with JavaScript off;
- a district admin at desktop width searches the catalogue, edits a service, sees a bad value
  next to its field (named by its label, not the API's field), fixes it and saves.
Every page fits its width and runs under the CSP without a violation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import OWN, PASSWORD
from tests.e2e.support import fits as _fits
from tests.e2e.test_browser import browser, no_csp_violations  # noqa: F401 - fixtures
from tests.served import Server

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ["SANSHE_DATA_DIR"])


@pytest.fixture(scope="module")
def catalogue_server(ctx):
    with Server(dict(os.environ), SHOTS / "e2e-catalogue-server.log") as served:
        yield served.url


def _px(page, selector: str, prop: str) -> float:
    return float(page.evaluate(f"() => getComputedStyle(document.querySelector({selector!r}))[{prop!r}]")
                 .removesuffix("px"))


def _search(page, words: str) -> None:
    """Type and press the search button; wait until the typing's own delayed search is answered too."""
    page.fill("[data-testid=search-box]", words)
    page.click("[data-testid=search-submit]")
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle")


def test_a_resident_in_elder_mode_finds_a_service_and_never_loses_a_filter(catalogue_server, browser):
    server = catalogue_server
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{server}/")
    with page.expect_navigation():
        page.click("[data-testid=elder-switch]")
    assert page.url == f"{server}/" and page.evaluate("() => document.documentElement.className") == "elder"
    assert _px(page, "body", "fontSize") >= 18 and _px(page, "h1", "fontSize") >= 30
    assert page.locator("[data-testid=elder-switch]").inner_text() == "标准模式"
    _fits(page, 390)

    page.goto(f"{server}/services")  # remembered on the next page
    assert page.evaluate("() => document.documentElement.className") == "elder"
    button = page.locator("[data-testid=search-submit]")
    assert button.is_visible() and button.bounding_box()["height"] >= 48
    _search(page, "养老")
    page.wait_for_selector("[data-testid=result-card]")
    chip = page.locator("[data-facet=field]").first
    chip.wait_for()
    assert chip.bounding_box()["height"] >= 48
    field = chip.get_attribute("data-value")
    chip.click()
    page.wait_for_selector(f"[data-testid=active-filters] [data-remove=field][data-value='{field}']")
    # Words that match nothing: the result is empty, and the field filter is still there to remove.
    _search(page, "没有这种服务啊")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=result-card]').length === 0")
    active = page.locator("[data-testid=active-filters]")
    assert f"服务领域：{field}" in active.inner_text() and "关键词：没有这种服务啊" in active.inner_text()
    _fits(page, 390)
    page.screenshot(path=str(SHOTS / "e2e-elder-search-empty-phone.png"), full_page=True)
    active.locator("[data-remove=q]").click()
    page.wait_for_selector("[data-testid=result-card]")
    assert "关键词" not in active.inner_text() and f"服务领域：{field}" in active.inner_text()
    _search(page, "养老")
    page.wait_for_selector("[data-testid=result-card]")
    active.locator("[data-remove=field]").click()
    page.wait_for_function("() => !document.querySelector('[data-testid=active-filters] [data-remove=field]')")
    assert "field=" not in page.url and "q=" in page.url

    # A service, then back to the same search.
    searched = page.url
    with page.expect_navigation():
        page.locator("[data-testid=result-card] h2 a").first.click()
    assert page.locator("[data-testid=service-detail]").is_visible()
    _fits(page, 390)
    with page.expect_navigation():
        page.click("[data-testid=back-to-search]")
    page.wait_for_selector("[data-testid=result-card]")
    assert page.locator("[data-testid=search-box]").input_value() == "养老"
    assert page.url.split("?")[1].split("&")[0] == searched.split("?")[1].split("&")[0]

    with page.expect_navigation():
        page.click("[data-testid=elder-switch]")
    assert page.evaluate("() => document.documentElement.className") == ""


def test_the_elder_switch_works_without_javascript(catalogue_server, browser):
    page = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{catalogue_server}/login")
    with page.expect_navigation():
        page.click("[data-testid=elder-switch]")
    assert page.url.endswith("/login") and page.locator("html.elder").count() == 1
    page.goto(f"{catalogue_server}/districts/{OWN}")
    assert page.locator("html.elder").count() == 1 and _px(page, "body", "fontSize") >= 18
    _fits(page, 390)


def test_a_district_admin_searches_and_edits_a_service(catalogue_server, browser):
    server = catalogue_server
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{server}/login")
    page.fill("input[name=username]", f"{OWN}-admin")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")
    page.goto(f"{server}/districts/{OWN}/catalogue")

    # A service of its own for this test, added with the page's form.
    add = page.locator("[data-testid=new-service]")
    add.locator("input[name=name]").fill("浏览器编辑测试服务")
    add.locator("input[name=contact_phone]").fill("0736-7123456")
    add.locator("input[name=target_groups][value=老年人]").check()
    with page.expect_navigation():
        add.locator("button[type=submit]").click()
    try:
        page.fill("[data-testid=manage-search] input[name=q]", "浏览器编辑")
        with page.expect_navigation():
            page.click("[data-testid=manage-search] button[type=submit]")
        rows = page.locator("[data-testid=service-table] tbody tr")
        assert rows.count() == 1 and "浏览器编辑测试服务" in rows.inner_text()
        with page.expect_navigation():
            rows.locator("a[data-testid^=edit-]").click()
        form = page.locator("[data-testid=edit-service]")
        assert form.locator("input[name=name]").input_value() == "浏览器编辑测试服务"

        form.locator("input[name=contact_phone]").fill("12345")
        form.locator("input[name=opening_hours]").fill("每周二、周四 9:00-11:30")
        form.locator("[data-testid=edit-save]").click()
        note = page.locator("[data-testid=field-error-contact_phone]")
        note.wait_for()
        assert note.is_visible()
        box = page.locator("#edit-errors")
        assert "对外服务电话：" in box.inner_text() and "contact_phone" not in box.inner_text()
        assert form.locator("input[name=contact_phone]").get_attribute("aria-invalid") == "true"
        page.screenshot(path=str(SHOTS / "e2e-catalogue-edit-error-desktop.png"), full_page=False)

        form.locator("input[name=contact_phone]").fill("0736-7654321")
        with page.expect_navigation():
            form.locator("[data-testid=edit-save]").click()
        assert page.locator("[data-testid=saved]").inner_text() == "已保存：浏览器编辑测试服务"
        assert "q=" in page.url and page.locator("[data-testid=service-table] tbody tr").count() == 1
        _fits(page, 1280)
    finally:
        page.evaluate("""async () => {
            const data = sanshe.data();
            const list = await (await fetch(`${data.api}?q=${encodeURIComponent("浏览器编辑")}`)).json();
            for (const s of list.items) await fetch(`${data.api}/${s.id}`, {method: "DELETE", headers: data.headers});
        }""")
    page.goto(f"{server}/districts/{OWN}/catalogue?q=浏览器编辑")
    assert page.locator("[data-testid=service-table] tbody tr").inner_text().strip() == "没有符合条件的服务"
