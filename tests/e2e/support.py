"""What the browser tests share: logging in on the login page, checking that a page fits its
width (no sideways scroll of the body), and running a database coroutine from a test while
Playwright's own event loop holds the test's thread."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.conftest import PASSWORD, run


def in_thread(awaitable):
    """Run a coroutine to completion in a worker thread (Playwright's loop runs in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run, awaitable).result()


def log_in(browser, server: str, username: str, width: int = 1280, height: int | None = None):
    """A new browser context at that viewport, logged in as `username` through the login form;
    returns the page, left where login lands (the user's workbench)."""
    page = browser.new_context(viewport={"width": width, "height": height or (844 if width < 600 else 900)}).new_page()
    page.goto(f"{server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def fits(page, width: int) -> None:
    """The page never scrolls sideways at this width."""
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, page.url
