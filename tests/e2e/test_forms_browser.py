"""core/web/static/forms.js: a form without a method attribute is never submitted natively (its
page script sends it), so a click before that script runs, or without it, puts no field into the
address or the access log; forms that declare a method submit as before. Every page loads it in
<head>, before any form."""

from __future__ import annotations

from tests.conftest import OWN
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures

MAKE = """(method) => {
  const form = document.createElement("form");
  if (method) form.setAttribute("method", method);
  form.innerHTML = '<input name="id_number" value="430702199001011234"><button type="submit">go</button>';
  form.addEventListener("submit", (e) => { window.prevented = e.defaultPrevented; });
  document.body.append(form);
  form.querySelector("button").click();
  return window.prevented;
}"""


def test_a_form_without_a_method_is_never_sent_natively(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/districts/{OWN}")
    head = page.evaluate("() => [...document.head.querySelectorAll('script')].map(s => s.getAttribute('src'))")
    assert "/static/forms.js" in head
    assert page.evaluate(MAKE, None) is True  # prevented: the page stays, the number goes nowhere
    assert "id_number" not in page.url
    with page.expect_navigation():
        assert page.evaluate(MAKE, "get") is False  # a declared method submits natively as before
    assert "id_number=430702199001011234" in page.url
