"""A supervisor's main task in a real browser (Chromium via Playwright) against `sanshe serve` on
the test database: create a campaign of 45 service logs, scoped to a worker picked by name; judge
records on page 2 as 合格 several at once (desktop), see a refusal next to the record it concerns,
judge a filtered page at phone width; then read the audit trail in words. Every page runs under
the CSP without a violation (`no_csp_violations`) and never scrolls sideways."""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from tests.conftest import OWN
from tests.e2e.support import fits as _fits
from tests.e2e.support import in_thread as _in_thread
from tests.e2e.support import log_in
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
WORKER = "分页浏览器社工"
LOGS = 45


async def _worker_with_2016_logs() -> int:
    """A worker with 45 submitted logs in 2016, a year nothing else uses."""
    from core.codes import make_id_number
    from core.tables import Organization
    from plugins.talent.services import upsert_worker
    from plugins.talent.tables import ServiceLog

    org = await Organization.select(Organization.id).where(Organization.district_code == OWN).order_by(
        Organization.id).first()
    person = {"name": WORKER, "id_number": make_id_number(OWN, date(1990, 2, 3), 517)}
    worker = (await upsert_worker(OWN, "test", person, {
        "post_type": "机构社工", "education": "本科", "status": "在岗", "employer_org_id": org["id"]}))[0]
    if not await ServiceLog.count().where((ServiceLog.worker == worker) & (ServiceLog.day < date(2017, 1, 1))):
        await ServiceLog.insert(*[ServiceLog(
            worker=worker, district_code=OWN, day=date(2016, 1 + i % 12, 1 + i % 28), hours=2, kind="个案",
            summary=f"浏览器分页走访第{i + 1}次", state="submitted",
            submitted_at=datetime(2017, 1, 2, tzinfo=timezone.utc)) for i in range(LOGS)])
    return worker


def _log_in(browser, server, width: int):
    return log_in(browser, server, f"{OWN}-supervisor", width)


def _shot(page, name: str) -> None:
    page.screenshot(path=str(Path(os.environ["SANSHE_DATA_DIR"]) / name), full_page=False)


def test_supervisor_judges_items_on_page_2_of_a_campaign(server, browser):
    from plugins.supervision import campaigns

    worker = _in_thread(_worker_with_2016_logs())

    # Desktop: the form starts at 社工服务记录; the worker is picked by name, not by number.
    desk = _log_in(browser, server, 1280)
    desk.goto(f"{server}/districts/{OWN}/supervision")
    form = desk.locator("[data-testid=new-campaign]")
    assert form.locator("select[name=source]").input_value() == "talent.service_logs"
    form.locator("input[name=title]").fill("2016年服务记录分页抽查")
    form.locator("input[name=period_start]").fill("2016-01-01")
    form.locator("input[name=period_end]").fill("2016-12-31")
    form.locator("select[name=scope]").select_option("worker")
    assert desk.locator("[data-testid=scope-picker]").is_visible()
    desk.locator("[data-testid=scope-q]").fill("分页浏览器")
    suggestion = desk.locator("[data-testid=scope-suggestion]", has_text=WORKER)
    suggestion.wait_for()
    assert f"期间内{LOGS}条记录" in suggestion.inner_text()
    suggestion.click()
    assert WORKER in desk.locator("[data-testid=scope-chosen]").inner_text()
    assert form.locator("input[name=scope_id]").input_value() == str(worker)
    form.locator("select[name=sampling]").select_option("count")
    form.locator("input[name=sample_size]").fill(str(LOGS))
    form.locator("button[type=submit]").click()
    desk.wait_for_selector("[data-testid=campaign][data-state=draft]")
    assert f"指定社工：{WORKER}" in desk.locator("[data-testid=campaign-scope]").inner_text()
    desk.click("[data-testid=sample]")
    desk.wait_for_selector("[data-testid=campaign][data-state=sampled]")
    campaign_url = desk.url
    assert desk.locator("[data-testid=item]").count() == 20
    with desk.expect_navigation():
        desk.click("[data-testid=next-page]")
    assert desk.url.endswith("?page=2")
    items = desk.locator("[data-testid=item]")
    assert items.count() == 20 and re.match(rf"社工服务记录 #\d+ · {WORKER} · 2016-",
                                            items.first.locator("[data-testid=item-ref]").inner_text())
    ids = [items.nth(i).get_attribute("data-id") for i in range(3)]
    for i in range(3):
        items.nth(i).locator("[data-testid=pick]").check()
    assert desk.locator("#picked").inner_text() == "3"
    desk.click("[data-testid=bulk-pass]")
    ask = desk.locator("dialog[data-testid=ask]")
    assert "3 条记录评为合格" in ask.inner_text()
    with desk.expect_navigation():
        ask.locator("button[type=submit]").click()
    assert desk.url.endswith("?page=2")
    assert "已将 3 条记录评为合格" in desk.locator("[data-testid=notice]").inner_text()
    for item_id in ids:
        judged = desk.locator(f"[data-testid=item][data-id='{item_id}']")
        assert judged.get_attribute("data-state") == "open" and judged.locator("[data-testid=verdict]").inner_text() == "合格"
    _fits(desk, 1280)
    desk.locator("[data-testid=records]").scroll_into_view_if_needed()
    desk.evaluate("() => window.scrollTo(0, document.querySelector('[data-testid=records]').offsetTop - 80)")
    _shot(desk, "e2e-supervision-campaign-page2-desktop.png")

    # Someone judges one of the next two first: nothing is saved, the refusal sits by that record.
    pending = desk.locator("[data-testid=item][data-state=pending]")
    taken, free = pending.nth(0).get_attribute("data-id"), pending.nth(1).get_attribute("data-id")
    pending.nth(0).locator("[data-testid=pick]").check()
    pending.nth(1).locator("[data-testid=pick]").check()
    _in_thread(campaigns.give_verdict(OWN, int(taken), "another-supervisor", "合格", ""))
    desk.click("[data-testid=bulk-pass]")
    desk.locator("dialog[data-testid=ask] button[type=submit]").click()
    note = desk.locator(f"[data-testid='field-error-items.{taken}']")
    note.wait_for()
    assert "已评定过" in note.inner_text()
    assert desk.locator(f"[data-testid=item][data-id='{taken}'] [data-testid='field-error-items.{taken}']").count() == 1
    assert "均未保存" in desk.locator("[data-testid=bulk-errors]").inner_text()
    desk.reload()
    assert desk.locator(f"[data-testid=item][data-id='{free}']").get_attribute("data-state") == "pending"

    # Phone: the records awaiting a verdict, page 2 of that filter; select the page, mark all 合格.
    phone = _log_in(browser, server, 390)
    phone.goto(f"{campaign_url}?show=pending")
    assert "aria-current" in (phone.locator("[data-filter=pending]").evaluate("a => a.outerHTML"))
    with phone.expect_navigation():
        phone.click("[data-testid=next-page]")
    assert "page=2" in phone.url and "show=pending" in phone.url
    on_page = phone.locator("[data-testid=item]").count()
    assert 0 < on_page <= 20
    _fits(phone, 390)
    phone.click("[data-testid=pick-all]")
    assert phone.locator("#picked").inner_text() == str(on_page)
    box = phone.locator("[data-testid=bulk-pass]").bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 390
    _shot(phone, "e2e-supervision-campaign-page2-phone.png")
    phone.click("[data-testid=bulk-pass]")
    with phone.expect_navigation():
        phone.locator("dialog[data-testid=ask] button[type=submit]").click()
    assert f"已将 {on_page} 条记录评为合格" in phone.locator("[data-testid=notice]").inner_text()
    _fits(phone, 390)

    # The audit trail says what happened in words.
    phone.goto(f"{server}/districts/{OWN}/supervision/audit?entity=supervision_item")
    table = phone.locator("[data-testid=audit-events]").inner_text()
    assert "评定" in table and "状态：待评定 → 待回复" in table and "评定结果：合格" in table
    assert re.search(rf"抽查记录 #\d+ · 社工服务记录 #\d+ · {WORKER} · 2016-", table)
    assert "{" not in table and "\\u" not in table
    _fits(phone, 390)
