"""The loop on a community's profile, in a real browser on a phone (390 px), as the district
admin: from the community (社区画像) to a resident need a purchase project answers, to the
organisation delivering it (组织画像: the project, residents' ratings of its activity, its
certified workers), to one of those
workers (社工档案), and back to the community's activities and their rating — need → project →
organisation → workers → activity → ratings, every step a link on the page before it.
No sideways scroll and no CSP violation on any page."""

from __future__ import annotations

import json

import pytest

from plugins.procurement.tables import PurchaseProject
from tests.conftest import OWN
from tests.e2e.support import fits, in_thread, log_in
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
PHONE = 390
DELIVERING = ("in_delivery", "evaluated", "closed")


async def _delivered_project_with_needs() -> dict:
    rows = await PurchaseProject.select().where(PurchaseProject.district_code == OWN).order_by(PurchaseProject.id)
    found = next((r for r in rows if r["stage"] in DELIVERING and json.loads(r["needs"] or "[]")
                  and json.loads(r["communities"] or "[]")), None)
    assert found, "the demo has a project in delivery naming residents' needs and communities"
    return found


def _section(page, name: str):
    return page.locator(f"[data-testid='section-{name}']")


def _unfold(section) -> None:
    """Open the section's 其余 N 项 (a list longer than six entries folds the rest)."""
    if section.locator("details summary").count():
        section.locator("details summary").click()


def test_the_loop_on_a_community_profile(server, browser):
    project = in_thread(_delivered_project_with_needs())
    community = json.loads(project["communities"])[0]
    page = log_in(browser, server, f"{OWN}-admin", width=PHONE)
    profile = f"{server}/districts/{OWN}/communities/{community}/profile"
    page.goto(profile)
    projects = _section(page, "procurement.community")
    _unfold(projects)  # earlier browser tests add projects: the demo's may be among the folded ones
    assert project["title"] in projects.inner_text()
    loop = page.locator("[data-testid=loop] li")  # the loop at a glance, in order
    assert [loop.nth(i).get_attribute("data-step") for i in range(loop.count())][:3] == ["need", "project",
                                                                                          "organization"]
    fits(page, PHONE)
    page.locator("[data-testid=loop] li[data-step=project] a").click()
    page.wait_for_url("**#section-procurement.community")

    # need → the project answering it
    projects.locator("li", has_text="居民需求").first.locator("a").click()
    page.wait_for_url("**/participation/needs/**")
    assert project["title"] in page.locator("main").inner_text()
    fits(page, PHONE)

    # project → the organisation delivering it → its project and its certified workers
    page.goto(profile)
    _unfold(_section(page, "procurement.community"))
    _section(page, "procurement.community").locator("li", has_text="承接组织").first.locator("a").click()
    page.wait_for_selector("[data-testid='section-registry.organization']")
    assert "组织画像" in page.locator("h1").inner_text()
    assert project["title"] in _section(page, "procurement.organization").text_content()  # maybe folded
    ratings = _section(page, "participation.organization").inner_text()  # residents rated its activity
    assert "服务评价" in ratings and "/ 5" in ratings, ratings
    workers = _section(page, "talent.organization")
    assert "持证社工" in workers.inner_text()
    fits(page, PHONE)

    # organisation → a worker's record (qualification, posts, logs by project)
    workers.locator("a[href*='/persons/']").first.click()
    page.wait_for_selector("[data-testid='section-talent.person']")
    assert "社工档案" in page.locator("h1").inner_text()
    assert "职业资格" in _section(page, "talent.person").inner_text()
    fits(page, PHONE)

    # back on the community: the activities residents took part in, and their rating
    page.goto(profile)
    participation = _section(page, "participation.community")
    assert "/ 5" in participation.inner_text() or "评价不足" in participation.inner_text()
    participation.locator("a[href*='/participation/activities/']").first.click()
    page.wait_for_url("**/participation/activities/**")
    fits(page, PHONE)
