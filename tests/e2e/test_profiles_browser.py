"""Profiles in a real browser at 390 px and 1280 px: anyone goes from the community list to a
community's profile (社区画像: core's facts, the catalogue's services, participation's figures
and activities), to its street's page (the social-work station) and back, on to an organisation
based there and back to its community; 430703 says which modules are off. No sideways scroll, no CSP violation; 390 px screenshots in $SANSHE_SHOTS_DIR
(default $SANSHE_DATA_DIR)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import OTHER, OWN
from tests.e2e.support import fits
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
PHONE, DESKTOP = 390, 1280


def _shot(page, name: str) -> None:
    folder = Path(os.environ.get("SANSHE_SHOTS_DIR") or os.environ["SANSHE_DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_anyone_reads_a_community_profile(server, browser, width):
    page = browser.new_context(viewport={"width": width, "height": 844 if width == PHONE else 900}).new_page()
    page.goto(f"{server}/districts/{OWN}/communities?kind=community")
    page.locator("[data-testid=community-profile-link]").first.click()
    page.wait_for_selector("[data-testid=profile]")
    assert "社区画像" in page.locator("h1").inner_text()
    core = page.locator("[data-testid='section-registry.community']")
    assert "城市社区（居委会）" in core.inner_text() or "农村社区（村委会）" in core.inner_text()
    assert page.locator("[data-testid='section-participation.community']").is_visible()
    fits(page, width)
    if width == PHONE:
        _shot(page, "e2e-profile-community-phone.png")
    core.locator("a[href*='/streets/']").click()  # its street's page, with the social-work station
    page.wait_for_selector("[data-testid=street-record]")
    assert page.locator("[data-testid=station-current], [data-testid=station-none]").count() == 1
    fits(page, width)
    page.go_back()
    core.locator("a[href*='/organizations/']").first.click()
    page.wait_for_selector("[data-testid='section-registry.organization']")
    assert "组织画像" in page.locator("h1").inner_text()
    fits(page, width)
    page.goto(f"{server}/districts/{OTHER}/communities?kind=community")
    page.locator("[data-testid=community-profile-link]").first.click()
    page.wait_for_selector("[data-testid=profile]")
    assert "居民参与" in page.locator("[data-testid=modules-off]").inner_text()
    assert page.locator("[data-testid='section-participation.community']").count() == 0
    fits(page, width)
