"""Two-factor login in a real browser (Chromium via Playwright) against `sanshe serve` with
`SANSHE_ADMIN_TWO_FACTOR=required`: a new admin is sent to enrolment on a phone-width screen,
scans (reads) the key, confirms, downloads the recovery codes; then logs in with a code on a
desktop screen, and with a recovery code. Every page runs under the CSP without a violation
(the `no_csp_violations` fixture of test_browser.py)."""

from __future__ import annotations

import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyotp
import pytest

from tests.conftest import OWN, run
from tests.served import Server
from tests.e2e.test_browser import browser, no_csp_violations  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
PASSWORD = "browser-admin-pass-1"


@pytest.fixture(scope="module")
def strict_server(ctx):
    """`sanshe serve` on the test database with two-factor login required for admins."""
    env = {**os.environ, "SANSHE_ADMIN_TWO_FACTOR": "required"}
    with Server(env, Path(os.environ["SANSHE_DATA_DIR"]) / "e2e-twofactor-server.log") as served:
        yield served.url


def _new_admin() -> str:
    from core.identity import ensure_user

    username = f"tf-browser-{uuid.uuid4().hex[:6]}"
    with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread
        pool.submit(run, ensure_user(username, PASSWORD, [{"role": "district_admin", "district_code": OWN}],
                                     display_name="两步验证测试管理员", fast_hash=True)).result()
    return username


def _password_step(page, server: str, username: str) -> None:
    page.goto(f"{server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state()


def _fits(page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_an_admin_enrols_on_a_phone_then_logs_in_with_a_code_and_a_recovery_code(strict_server, browser, tmp_path):
    server, username = strict_server, _new_admin()

    # Phone: right after the password, enrolment; nothing else is reachable until then.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True).new_page()
    _password_step(phone, server, username)
    phone.wait_for_url(f"{server}/account/security")
    assert phone.locator("[data-testid=must-enrol]").is_visible()
    phone.goto(f"{server}/districts/{OWN}/catalogue")
    phone.wait_for_url(f"{server}/account/security")
    phone.click("[data-testid=enrol-start]")
    phone.wait_for_selector("[data-testid=qr] svg")
    qr = phone.locator("[data-testid=qr] svg").bounding_box()
    assert qr and 150 <= qr["width"] <= 390 and qr["x"] >= 0
    secret = phone.locator("[data-testid=secret]").inner_text().replace(" ", "")
    _fits(phone, 390)
    phone.screenshot(path=str(Path(os.environ["SANSHE_DATA_DIR"]) / "e2e-2fa-enrol.png"), full_page=True)
    phone.fill("[data-testid=confirm-code]", pyotp.TOTP(secret).now())
    phone.click("[data-testid=confirm-submit]")
    phone.wait_for_selector("[data-testid=recovery-codes]")
    codes = [c.strip() for c in phone.locator("[data-testid=recovery-codes] code").all_inner_texts()]
    assert len(codes) == 10
    _fits(phone, 390)
    with phone.expect_download() as download:
        phone.click("[data-testid=download-codes]")
    saved = tmp_path / "codes.txt"
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"sanshe-recovery-codes-{username}.txt"
    assert all(code in saved.read_text(encoding="utf-8") for code in codes)
    phone.click("[data-testid=codes-done]")
    phone.goto(f"{server}/districts/{OWN}/catalogue")  # enrolled: the session may work now
    assert phone.url.endswith(f"/districts/{OWN}/catalogue")

    # Desktop: the password leads to the code page; a wrong code says so, the next step's code logs in.
    desk = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    _password_step(desk, server, username)
    desk.wait_for_url(f"{server}/login/code")
    desk.fill("[data-testid=code-input]", "000000" if pyotp.TOTP(secret).at(time.time() + 30) != "000000" else "111111")
    desk.click("[data-testid=code-submit]")
    assert "验证码错误" in desk.locator("[data-testid=login-error]").inner_text()
    desk.fill("[data-testid=code-input]", pyotp.TOTP(secret).at(time.time() + 30))  # enrolment used this step
    desk.click("[data-testid=code-submit]")
    desk.wait_for_url(f"{server}/districts/{OWN}/workbench")
    assert desk.locator("[data-testid=who]").inner_text() == "两步验证测试管理员"

    # Without the phone: the recovery-code link, on a phone-width screen.
    lost = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    _password_step(lost, server, username)
    lost.click("[data-testid=use-recovery]")
    lost.wait_for_selector("input[name=recovery]", state="attached")
    _fits(lost, 390)
    lost.fill("[data-testid=code-input]", codes[0])
    lost.click("[data-testid=code-submit]")
    lost.wait_for_url(f"{server}/districts/{OWN}/workbench")
    lost.click("[data-testid=who]")
    lost.wait_for_url(f"{server}/account/security")
    assert lost.locator("[data-testid=codes-left]").inner_text() == "9"
