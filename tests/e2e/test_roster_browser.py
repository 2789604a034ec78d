"""The roster pages in a real browser (issue 12 item 3): at desktop width a district admin imports a
roster with a bad row, reads the row error (row number and template header), fixes the file, checks
it again and imports it; at phone width the admin filters the roster and opens a worker's record.
Every page fits its width (no sideways scroll of the body) and runs under the CSP without a
violation (the `no_csp_violations` fixture of test_browser.py)."""

from __future__ import annotations

import os
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import OWN
from tests.e2e.support import fits as _fits
from tests.e2e.support import in_thread as _in_thread
from tests.e2e.support import log_in
from tests.plugins.talent.test_roster import xlsx
from tests.e2e.test_browser import browser, no_csp_violations  # noqa: F401 - fixtures
from tests.served import Server

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ["SANSHE_DATA_DIR"])


@pytest.fixture(scope="module")
def server(ctx):
    """`sanshe serve` on the test database."""
    with Server(dict(os.environ), SHOTS / "e2e-roster-server.log") as served:
        yield served.url


def _workers() -> int:
    from plugins.talent.tables import SocialWorker

    return _in_thread(SocialWorker.count().where(SocialWorker.district_code == OWN))


def _id_number() -> str:
    from core.codes import make_id_number

    return make_id_number("430784", date(1985, 1, 1) + timedelta(days=random.randrange(9000)), random.randrange(1000))


def _roster(path: Path, rows: list[dict]) -> Path:
    path.write_bytes(xlsx(rows))
    return path


def _log_in(browser, server: str, width: int, height: int):
    return log_in(browser, server, f"{OWN}-admin", width, height)


def test_an_admin_imports_a_roster_with_a_bad_row_fixes_it_and_imports(server, browser, tmp_path):
    page = _log_in(browser, server, 1280, 800)
    page.goto(f"{server}/districts/{OWN}/talent")
    page.click("[data-testid=import-link]")
    page.wait_for_url(f"{server}/districts/{OWN}/talent/import")
    assert page.locator("[data-testid=template-link]").is_visible()

    tag = f"{random.randrange(10_000):04d}"
    good = {"姓名": f"浏览器导入{tag}甲", "身份证号": _id_number(), "学历": "本科", "岗位类型": "机构社工"}
    bad = {"姓名": f"浏览器导入{tag}乙", "身份证号": _id_number(), "学历": "大学", "岗位类型": "机构社工"}
    before = _workers()

    # No file chosen: the message sits next to the file field, under the page's label.
    page.click("[data-testid=import-check]")
    assert "请先选择花名册文件" in page.locator("[data-testid=field-error-file]").inner_text()

    # The bad row: its row number and column header, nothing written, no confirm button.
    page.set_input_files("[data-testid=import-file]", str(_roster(tmp_path / "花名册.xlsx", [good, bad])))
    page.click("[data-testid=import-check]")
    page.wait_for_selector("[data-testid=row-error]")
    cells = page.locator("[data-testid=row-error] td").all_inner_texts()
    assert cells[:3] == ["第3行", "学历", "大学"] and "学历应为" in cells[3]
    assert "1 处错误" in page.locator("[data-testid=import-error]").inner_text()
    assert page.locator("[data-testid=import-confirm]").is_hidden()
    assert _workers() == before
    _fits(page, 1280)
    page.screenshot(path=str(SHOTS / "e2e-roster-import-error.png"), full_page=True)

    # Fixed: the check passes and writes nothing; 确认导入 writes both rows.
    page.set_input_files("[data-testid=import-file]", str(_roster(tmp_path / "花名册-改.xlsx", [good, {**bad, "学历": "大专"}])))
    assert page.locator("[data-testid=import-errors]").is_hidden()  # a new file clears the old result
    # While the request is out the page is busy: progress shown, buttons and file field disabled.
    held = []

    def hold(route):
        held.append(route)

    page.route("**/talent/workers/import?dry_run=true", hold)
    page.click("[data-testid=import-check]")
    page.wait_for_function("() => document.querySelector('[data-testid=import-form]').getAttribute('aria-busy') === 'true'")
    assert page.locator("[data-testid=import-progress]").is_visible()
    assert page.locator("[data-testid=import-check]").is_disabled() and page.locator("[data-testid=import-file]").is_disabled()
    page.wait_for_timeout(200)  # let the route handler take the request
    assert len(held) == 1
    held[0].continue_()
    page.unroute("**/talent/workers/import?dry_run=true", hold)
    page.wait_for_selector("[data-testid=dry-run-ok]")
    assert page.locator("[data-testid=import-progress]").is_hidden()
    assert "共 2 行全部无误，将新增 2 人" in page.locator("[data-testid=dry-run-ok]").inner_text()
    assert _workers() == before
    page.click("[data-testid=import-confirm]")
    page.wait_for_selector("[data-testid=import-done]")
    assert "已导入 2 行：新增 2 人" in page.locator("[data-testid=import-done]").inner_text()
    assert _workers() == before + 2
    _fits(page, 1280)
    page.click("[data-testid=to-roster]")
    page.fill("[data-testid=roster-q]", f"浏览器导入{tag}")
    page.click("[data-testid=roster-search]")
    page.wait_for_selector("[data-testid=chip-q]")
    assert page.locator("[data-testid=worker-link]").all_inner_texts() == [good["姓名"], bad["姓名"]]


def test_on_a_phone_the_admin_filters_the_roster_and_opens_a_worker(server, browser):
    page = _log_in(browser, server, 390, 844)
    page.goto(f"{server}/districts/{OWN}/talent")
    _fits(page, 390)
    total = page.locator("[data-testid=roster-total]").inner_text()
    page.select_option("[data-testid=filter-status]", "离岗")
    page.click("[data-testid=roster-search]")
    page.wait_for_selector("[data-testid=chip-status]")
    assert page.locator("[data-testid=roster-total]").inner_text() != total
    assert page.locator("[data-testid=filter-status]").input_value() == "离岗"
    _fits(page, 390)
    # On a phone each worker is a card: one row per card, each value under its column's name.
    row = page.locator("[data-testid=roster] tbody tr").first
    box = row.bounding_box()
    assert box["width"] <= 390 and page.locator("[data-testid=roster] thead").bounding_box()["height"] <= 1
    cell = row.locator("td").nth(3)  # the ID number: masked, and named
    assert cell.get_attribute("data-label") == "身份证号" and "********" in cell.inner_text()
    assert cell.evaluate("c => getComputedStyle(c, '::before').content") == '"身份证号："'
    assert page.locator("[data-testid=roster]").get_attribute("role") == "table" and row.get_attribute("role") == "row"
    page.screenshot(path=str(SHOTS / "e2e-roster-phone.png"), full_page=True)
    link = page.locator("[data-testid=worker-link]").first
    name = link.inner_text()
    link.click()
    page.wait_for_selector("[data-testid=worker-record]")
    assert name in page.locator("h1").inner_text() and "离岗" in page.locator("[data-testid=worker-status]").inner_text()
    masked = page.locator("[data-testid=masked-id]").inner_text()
    assert "********" in masked and len(masked) == 18
    assert page.locator("[data-testid=status-history] tbody tr").count() >= 1
    _fits(page, 390)
    page.screenshot(path=str(SHOTS / "e2e-worker-record-phone.png"), full_page=True)
    # The chip takes the filter away again.
    page.go_back()
    page.click("[data-testid=chip-status]")
    page.wait_for_selector("[data-testid=worker-link]")
    assert page.locator("[data-testid=roster-total]").inner_text() == total
