"""The co-governance committee (共治委员会) in a real browser on a phone (390 px): a resident raises
a proposal (议事); community staff plan a meeting, record its minutes and who attended (ticking
the members present), then record a decision that answers the proposal and creates a need — a
blank need title is refused next to the field first — and follow the link to the need made.
Every page fits the width and runs under the CSP without a violation. Screenshots of the needs
list, a need, the committees list and a committee page go to $SANSHE_SHOTS (else the data dir)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from tests.conftest import OWN
from tests.e2e.support import fits, log_in
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
PHONE = 390
SHOTS = Path(os.environ.get("SANSHE_SHOTS") or os.environ["SANSHE_DATA_DIR"])


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"participation-{name}-390.png"), full_page=True)


def test_staff_record_minutes_and_a_decision_that_answers_a_proposal_and_creates_a_need(server, browser):
    mark = uuid.uuid4().hex[:6]
    proposal, need_title = f"议事{mark}：楼道加装照明", f"需求{mark}：楼道照明改造"

    resident = log_in(browser, server, f"{OWN}-resident", PHONE)
    resident.goto(f"{server}/districts/{OWN}/participation/committees")
    resident.wait_for_selector("[data-testid=committee]")
    fits(resident, PHONE)
    shot(resident, "committees")
    resident.locator("[data-testid=committee] a").first.click()
    resident.wait_for_selector("[data-testid=proposal-form]")
    committee_url = resident.url
    assert resident.locator("[data-testid=members]").count() == 0  # member names are staff's only
    assert resident.locator("[data-testid=minutes-form], [data-testid=decision-form]").count() == 0
    form = resident.locator("[data-testid=proposal-form]")
    form.locator("input[name=title]").fill(proposal)
    form.locator("textarea[name=body]").fill("晚上楼道很黑，老人容易摔倒。")
    form.locator("button[type=submit]").click()
    resident.locator(f"[data-testid=proposal][data-state=submitted]:has-text('{proposal}')").wait_for()
    fits(resident, PHONE)

    staff = log_in(browser, server, f"{OWN}-community-staff", PHONE)
    staff.goto(committee_url)
    staff.wait_for_selector("[data-testid=members]")
    staff.locator("summary", has_text="安排会议").click()
    plan = staff.locator("[data-testid=meeting-form]")
    plan.locator("input[name=held_at]").fill("2026-03-05T19:00")
    plan.locator("input[name=place]").fill(f"议事厅{mark}")
    plan.locator("textarea[name=agenda]").fill(f"1. {proposal}")
    plan.locator("button[type=submit]").click()
    meeting = staff.locator(f"[data-testid=meeting]:has-text('议事厅{mark}')")
    meeting.locator("[data-testid=minutes-details] summary").click()
    fits(staff, PHONE)
    minutes = meeting.locator("[data-testid=minutes-form]")
    minutes.locator("textarea[name=minutes]").fill("会议同意为老旧楼栋加装楼道照明，登记为居民需求。")
    ticks = minutes.locator("[data-testid=attendance]")
    assert ticks.count() >= 3
    ticks.nth(0).check()
    ticks.nth(2).check()
    shot(staff, "committee-minutes")
    minutes.locator("[data-testid=minutes-submit]").click()
    meeting = staff.locator(f"[data-testid=meeting][data-state=held]:has-text('议事厅{mark}')")
    meeting.wait_for()
    assert "出席 2 人" in meeting.inner_text()
    assert "会议同意为老旧楼栋加装楼道照明" in meeting.locator("[data-testid=minutes]").inner_text()

    meeting.locator("[data-testid=decision-details] summary").click()
    decide = meeting.locator("[data-testid=decision-form]")
    decide.locator("textarea[name=text]").fill("同意加装楼道照明，登记为居民需求并争取政府购买服务。")
    decide.locator("select[name=proposal_id]").select_option(label=proposal)
    assert decide.locator("input[name='need.title']").is_hidden()
    decide.locator("select[name=creates]").select_option("need")
    decide.locator("select[name='need.field']").select_option("社区养老")
    decide.locator("input[name='need.title']").fill("   ")  # blank: refused by the server, next to the field
    decide.locator("[data-testid=decision-submit]").click()
    staff.locator("[data-testid='field-error-need.title']").wait_for()
    fits(staff, PHONE)
    shot(staff, "committee-decision")
    decide.locator("input[name='need.title']").fill(need_title)
    decide.locator("textarea[name='need.description']").fill("老旧楼栋夜间照明不足。")
    decide.locator("[data-testid=decision-submit]").click()
    made = staff.locator(f"[data-testid=meeting]:has-text('议事厅{mark}') [data-testid=decision]")
    made.wait_for()
    assert "同意加装楼道照明" in made.inner_text()
    answered = staff.locator(f"[data-testid=proposal][data-state=answered]:has-text('{proposal}')")
    assert "已采纳" in answered.locator("[data-testid=proposal-answer]").inner_text()
    fits(staff, PHONE)
    shot(staff, "committee")
    made.locator("a", has_text="创建的需求").click()
    staff.wait_for_selector("[data-testid=need][data-state=accepted]")
    assert need_title in staff.locator("h1").inner_text()
    need_url = staff.url
    fits(staff, PHONE)

    resident.goto(f"{server}/districts/{OWN}/participation/needs")
    resident.wait_for_selector("[data-testid=need-form]")
    fits(resident, PHONE)
    shot(resident, "needs")
    resident.goto(need_url)
    resident.wait_for_selector("[data-testid=need][data-state=accepted]")
    fits(resident, PHONE)
    shot(resident, "need")
    resident.goto(committee_url)
    resident.wait_for_selector("[data-testid=proposals]")
    fits(resident, PHONE)
    shot(resident, "committee-resident")
