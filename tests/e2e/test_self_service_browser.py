"""Social-worker self-service in a real browser (Chromium via Playwright) against `sanshe serve`:
a worker on a phone opens "我的档案", files a service log (a missing field shows its error next to
the field), saves it as a draft, submits it and sees it listed as submitted, then records a
training and sees the hours left drop; organisation staff on a desktop open their organisation's
worker list and a worker's view. Pages fit the screen and run under the CSP without a violation."""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import OWN, run
from tests.e2e.support import fits as _fits
from tests.e2e.support import log_in
from tests.e2e.test_browser import browser, no_csp_violations  # noqa: F401 - fixtures
from tests.served import Server

pytestmark = pytest.mark.e2e
SHOTS = Path(os.environ["SANSHE_DATA_DIR"])


@pytest.fixture(scope="module")
def server(ctx):
    with Server(dict(os.environ), SHOTS / "e2e-self-service-server.log") as served:
        yield served.url


async def _org_worker() -> int:
    """A worker employed by the org user's organisation (the demo's first in the district)."""
    from datetime import date

    from core import db
    from core.codes import make_id_number
    from core.tables import Organization
    from plugins.talent.services import upsert_worker

    async with db.write_transaction():
        org = await Organization.select(Organization.id).where(Organization.district_code == OWN).order_by(
            Organization.id).first()
        return (await upsert_worker(OWN, "test", {"name": "浏览器测试机构社工", "id_number": make_id_number(
            OWN, date(1992, 7, 8), 919), "phone": "13900001111"}, {
            "post_type": "机构社工", "education": "本科", "status": "在岗", "employer_org_id": org["id"]}))[0]


@pytest.fixture(scope="module")
def org_worker(ctx):
    with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread
        return pool.submit(run, _org_worker()).result()


def _log_in(browser, server: str, username: str, width: int, height: int):
    page = log_in(browser, server, username, width, height)  # lands on the user's workbench
    page.goto(f"{server}/districts/{OWN}")  # the district home, whose navigation lists the module's pages
    return page


def _hours_left(page) -> float:
    return float(page.locator("[data-testid=ce-left-hours]").inner_text())


def test_a_worker_files_a_log_on_a_phone_and_records_training(server, browser):
    summary = f"入户走访独居老人，检查燃气安全 {uuid.uuid4().hex[:6]}"
    phone = _log_in(browser, server, f"{OWN}-worker", 390, 844)
    phone.click(f"a[href='/districts/{OWN}/talent/me']")
    phone.wait_for_url(f"{server}/districts/{OWN}/talent/me")
    assert "*" in phone.locator("[data-testid=id-number]").inner_text()
    _fits(phone, 390)

    # A new log: the hours left empty → the error sits next to the field, named by its label.
    phone.click("[data-testid=new-log]")
    phone.select_option("[data-testid=log-kind]", "走访")
    phone.fill("[data-testid=log-summary]", summary)
    phone.fill("[data-testid=log-beneficiaries]", "5")
    phone.click("[data-testid=log-save]")
    error = phone.locator("[data-testid=field-error-hours]")
    error.wait_for()
    assert "服务时长" in phone.locator("#log-errors").inner_text()
    assert "hours" not in phone.locator("#log-errors").inner_text()
    _fits(phone, 390)
    phone.fill("[data-testid=log-hours]", "1.5")
    phone.click("[data-testid=log-save]")
    phone.wait_for_load_state()

    mine = phone.locator("[data-testid=log]", has_text=summary)
    mine.wait_for()
    assert mine.get_attribute("data-state") == "draft"
    assert mine.locator("[data-testid=log-state]").inner_text() == "草稿"
    mine.locator("[data-testid=log-submit]").click()
    phone.locator("dialog[data-testid=ask]").wait_for()
    phone.click("dialog[data-testid=ask] button[value=ok]")
    phone.wait_for_load_state()
    mine = phone.locator("[data-testid=log][data-state=submitted]", has_text=summary)
    mine.wait_for()
    assert mine.locator("[data-testid=log-state]").inner_text() == "已提交"
    assert mine.locator("[data-testid=log-submit]").count() == 0
    assert mine.locator("[data-testid=log-correct]").count() == 1
    _fits(phone, 390)
    phone.screenshot(path=str(SHOTS / "e2e-self-service-phone.png"), full_page=True)

    # Continuing education: 2 hours recorded → 2 hours fewer left.
    before = _hours_left(phone)
    phone.click("[data-testid=ce-open]")
    phone.fill("[data-testid=ce-provider]", "常德市社会工作协会")
    phone.fill("[data-testid=ce-title]", "社区社会工作实务（线上）")
    phone.click("[data-testid=ce-save]")  # no hours: the API's rule, shown next to 学时
    phone.locator("[data-testid=ce-form] [data-testid=field-error-hours]").wait_for()
    assert "请填写培训学时" in phone.locator("#ce-errors").inner_text()
    assert "学时" in phone.locator("#ce-errors").inner_text()
    phone.fill("[data-testid=ce-hours-input]", "2")
    phone.click("[data-testid=ce-save]")
    phone.wait_for_function(f"() => Number(document.querySelector('[data-testid=ce-left-hours]').textContent) === {before - 2}")
    assert _hours_left(phone) == before - 2
    _fits(phone, 390)


def test_org_staff_open_their_workers_on_a_desktop(server, browser, org_worker):
    desk = _log_in(browser, server, f"{OWN}-org", 1280, 900)
    desk.click(f"a[href='/districts/{OWN}/talent/staff']")
    desk.wait_for_url(f"{server}/districts/{OWN}/talent/staff")
    _fits(desk, 1280)
    desk.locator(f"[data-testid=staff-worker][data-id='{org_worker}'] [data-testid=staff-open]").click()
    desk.wait_for_url(f"{server}/districts/{OWN}/talent/staff/{org_worker}")
    assert "浏览器测试机构社工" in desk.locator("[data-testid=profile] h1").inner_text()
    assert desk.locator("[data-testid=new-log]").count() == 0  # read-only for staff
    assert "*" in desk.locator("[data-testid=id-number]").inner_text()
    _fits(desk, 1280)
    desk.screenshot(path=str(SHOTS / "e2e-self-service-staff-desktop.png"), full_page=True)
