"""The registry pages and the module settings form in a real browser (issue 12 items 2 and 7): at
desktop width a district admin goes from the district home to the organisations, searches one and
opens its record; at phone width the admin opens a person (masked), reveals the full details with a
reason typed in the in-page dialog, and the audit log holds that reason; the admin changes a module
setting with a bad value (the error sits next to the field, by its label) then a good one (saved,
audited, shown after a reload). Every page fits its width and runs under the CSP without a violation."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import OWN
from tests.e2e.support import fits as _fits
from tests.e2e.support import in_thread as _in_thread
from tests.e2e.support import log_in
from tests.e2e.test_browser import browser, no_csp_violations  # noqa: F401 - fixtures
from tests.served import Server

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ["SANSHE_DATA_DIR"])


@pytest.fixture(scope="module")
def server(ctx):
    """`sanshe serve` on the test database."""
    with Server(dict(os.environ), SHOTS / "e2e-registry-server.log") as served:
        yield served.url


def _log_in(browser, server: str, width: int, height: int):
    return log_in(browser, server, f"{OWN}-admin", width, height)


def _last_event(action: str, entity_id: str) -> dict:
    from core.tables import AuditEvent

    return _in_thread(AuditEvent.select().where((AuditEvent.action == action) & (AuditEvent.entity_id == entity_id))
                      .order_by(AuditEvent.seq, ascending=False).first())


def test_an_admin_searches_an_organisation_and_opens_its_record(server, browser):
    page = _log_in(browser, server, 1280, 800)
    page.goto(f"{server}/districts/{OWN}")
    page.click("[data-testid=registry-organizations-link]")
    page.wait_for_url(f"{server}/districts/{OWN}/organizations")
    everything = page.locator("[data-testid=organization-link]").count()
    page.fill("[data-testid=registry-q]", "志愿者")
    page.select_option("[data-testid=filter-credit]", "abnormal")
    page.click("[data-testid=registry-search]")
    page.wait_for_selector("[data-testid=chip-credit]")
    links = page.locator("[data-testid=organization-link]")
    assert 0 < links.count() < everything
    assert "志愿者协会" in links.first.inner_text()
    _fits(page, 1280)
    links.first.click()
    page.wait_for_selector("[data-testid=organization-record]")
    assert "志愿者协会" in page.locator("[data-testid=organization-name]").inner_text()
    assert "活动异常名录" in page.locator("[data-testid=credit-status]").inner_text()
    assert page.locator("[data-testid=inspections] tbody tr").count() >= 2
    _fits(page, 1280)
    page.screenshot(path=str(SHOTS / "e2e-registry-organization.png"), full_page=True)


def test_on_a_phone_the_admin_reveals_a_person_with_a_reason(server, browser):
    page = _log_in(browser, server, 390, 844)
    page.goto(f"{server}/districts/{OWN}")
    page.click("[data-testid=registry-persons-link]")
    page.wait_for_selector("[data-testid=person-row]")
    masked = page.locator("[data-testid=masked-id]").first.inner_text()
    assert "********" in masked
    _fits(page, 390)
    link = page.locator("[data-testid=person-link]").first
    link.click()
    page.wait_for_selector("[data-testid=person-record]")
    person_id = page.url.rstrip("/").rsplit("/", 1)[1]
    assert page.locator("[data-testid=person-id-number]").inner_text() == masked
    # Cancelling the dialog reveals nothing.
    page.click("[data-testid=reveal]")
    page.locator("[data-testid=ask] button.secondary").click()
    assert "********" in page.locator("[data-testid=person-id-number]").inner_text()
    page.click("[data-testid=reveal]")
    dialog = page.locator("[data-testid=ask]")
    assert "原因" in dialog.inner_text()
    _fits(page, 390)
    dialog.locator("textarea").fill("核对居家养老服务补贴申请")
    dialog.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=reveal-status]:not([hidden])")
    full = page.locator("[data-testid=person-id-number]").inner_text()
    assert "*" not in full and len(full) == 18 and full[-4:] == masked[-4:]
    assert "核对居家养老服务补贴申请" in page.locator("[data-testid=reveal-status]").inner_text()
    event = _last_event("reveal", person_id)
    assert event["actor"] == f"{OWN}-admin" and json.loads(event["after"])["reason"] == "核对居家养老服务补贴申请"
    _fits(page, 390)
    page.screenshot(path=str(SHOTS / "e2e-registry-reveal-phone.png"), full_page=True)
    page.reload()  # shown once: the page is masked again
    assert "********" in page.locator("[data-testid=person-id-number]").inner_text()


def test_the_admin_changes_a_module_setting_with_a_bad_then_a_good_value(server, browser):
    page = _log_in(browser, server, 390, 844)
    page.goto(f"{server}/districts/{OWN}")
    page.click("[data-testid=settings-link-supervision]")
    page.wait_for_selector("[data-testid=settings-form]")
    field = page.locator("[data-testid=setting-grade_valid_years]")
    original = field.input_value()
    try:
        field.fill("11")
        page.click("[data-testid=settings-save]")
        error = page.locator("[data-testid=field-error-settings\\.grade_valid_years]")
        error.wait_for()
        assert error.inner_text() == "不能大于 10"
        summary = page.locator("[data-testid=settings-error]").inner_text()
        assert "评估等级有效期（年）：不能大于 10" in summary and "settings." not in summary
        _fits(page, 390)
        page.screenshot(path=str(SHOTS / "e2e-module-settings-error-phone.png"), full_page=False)
        field.fill("7")
        page.click("[data-testid=settings-save]")
        page.wait_for_selector("[data-testid=settings-saved]:not([hidden])")
        assert error.count() == 0
        event = _last_event("update_settings", "supervision")
        assert json.loads(event["after"])["settings"]["grade_valid_years"] == 7
        assert json.loads(event["before"])["settings"]["grade_valid_years"] == int(original)
        page.reload()
        assert page.locator("[data-testid=setting-grade_valid_years]").input_value() == "7"
        assert page.locator("[data-testid=changed-grade_valid_years]").is_visible()
        page.click("[data-testid=reset-grade_valid_years]")  # 恢复默认 fills the default; saving applies it
        assert page.locator("[data-testid=setting-grade_valid_years]").input_value() == "5"
        page.click("[data-testid=settings-save]")
        page.wait_for_selector("[data-testid=settings-saved]:not([hidden])")
        page.reload()
        assert page.locator("[data-testid=changed-grade_valid_years]").count() == 0
        _fits(page, 390)
    finally:
        page.evaluate("""async (value) => {
            const data = sanshe.data();
            await fetch(data.api, {method: "PUT", headers: {"Content-Type": "application/json", ...data.headers},
                                   body: JSON.stringify({enabled: true, settings: {grade_valid_years: value}})});
        }""", int(original))


REGISTRY_PAGES = ["communities", "organizations", "organizations/first", "persons", "persons/first",
                  "modules/supervision/settings", "modules/incubation/settings"]


@pytest.mark.parametrize("path", REGISTRY_PAGES)
def test_the_registry_and_settings_pages_have_no_serious_axe_violations(server, browser, path):
    pytest.importorskip("axe_playwright_python", reason="axe-playwright-python is a test dependency (pyproject [test])")
    from axe_playwright_python.sync_playwright import Axe

    from tests.e2e.test_a11y_browser import _check

    page = _log_in(browser, server, 1280, 900)
    if path.endswith("/first"):
        listing = path.split("/")[0]
        page.goto(f"{server}/districts/{OWN}/{listing}")
        path = page.locator(f"[data-testid={listing[:-1]}-link]").first.get_attribute("href").split(f"/{OWN}/")[1]
    _check(Axe(), page, f"{server}/districts/{OWN}/{path}")
    page.context.close()
