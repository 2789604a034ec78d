"""Security headers on every kind of answer (page, API, error, static file), HSTS only over TLS,
and pages the Content-Security-Policy can live with: every page of the demo, walked through its
links as each role, holds no inline script, no `on*=` handler and no `javascript:` URL."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from litestar.testing import TestClient

from core.app import create_app
from core.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import OWN, ROLE_USERS, login

REPO = Path(__file__).resolve().parent.parent.parent
EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
}


def assert_security_headers(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get_list(name) == [value], (response.url, name)


def test_the_policy_allows_no_inline_script_and_no_framing():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


def test_a_page_has_the_headers(client):
    response = client.get("/")
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    assert_security_headers(response)


def test_an_api_answer_has_the_headers(client):
    response = client.get("/api/search/services", params={"q": ""})
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.parametrize("path", ["/api/districts/999999/organizations", "/no-such-page"])
def test_an_error_answer_has_the_headers(client, path):
    response = client.get(path)
    assert response.status_code in (401, 404)
    assert_security_headers(response)


@pytest.mark.parametrize("path", ["/static/app.js", "/static/catalogue/search.js", "/static/supervision/flags.js"])
def test_a_static_file_has_the_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200 and "javascript" in response.headers["content-type"]
    assert_security_headers(response)


def test_a_header_a_route_sets_itself_is_not_repeated(client):
    # Dataset downloads set nosniff themselves; the hook must not add a second copy.
    response = client.get("/api/opendata/datasets/incubation-graduates", params={"format": "csv"})
    assert response.status_code == 200
    assert_security_headers(response)


def test_no_hsts_over_plain_http(client):
    assert "strict-transport-security" not in client.get("/").headers


def test_hsts_over_https(app):
    with TestClient(app=app, base_url="https://testserver.local") as c:
        response = c.get("/")
    assert response.headers["strict-transport-security"] == "max-age=31536000"


def test_forwarded_proto_is_ignored_unless_the_proxy_is_trusted(client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in response.headers


def test_a_trusted_proxy_saying_https_turns_hsts_on(ctx):
    trusting = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, trust_proxy=True))
    with TestClient(app=create_app(ctx=trusting)) as c:
        assert c.get("/", headers={"X-Forwarded-Proto": "https"}).headers["strict-transport-security"]
        assert "strict-transport-security" not in c.get("/", headers={"X-Forwarded-Proto": "http"}).headers
        assert "strict-transport-security" not in c.get("/").headers
        # Only the value the proxy added (the last) counts, not one the client sent before it.
        assert "strict-transport-security" not in c.get("/", headers={"X-Forwarded-Proto": "https, http"}).headers


def test_trust_proxy_setting_comes_from_the_environment():
    from core.settings import SettingsError, load_settings

    assert load_settings({"SANSHE_SECRET_KEY": "k" * 32}).trust_proxy is False
    assert load_settings({"SANSHE_SECRET_KEY": "k" * 32, "SANSHE_TRUST_PROXY": "1"}).trust_proxy is True
    with pytest.raises(SettingsError, match="SANSHE_TRUST_PROXY"):
        load_settings({"SANSHE_SECRET_KEY": "k" * 32, "SANSHE_TRUST_PROXY": "maybe"})


# --- pages the policy can live with ---------------------------------------------------------


class PageScan(HTMLParser):
    """Collects links and whatever the CSP would block in one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self.problems.append("inline <script>")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


SKIP = ("/api/", "/schema", "/static/", "/lang/", "/logout", "/opendata/")


def walk(client: TestClient, start: str = "/", limit: int = 250) -> dict[str, list[str]]:
    """Follow same-site page links from `start`; return each page's problems. A path seen once
    (query string aside) is not fetched again: another page of a list renders the same template."""
    queue, seen, found = [start], set(), {}
    while queue and len(found) < limit:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc or parts.path in seen or parts.path.startswith(SKIP) or parts.scheme not in ("", "http"):
            continue
        seen.add(parts.path)
        response = client.get(url, follow_redirects=True)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        scan = PageScan()
        scan.feed(response.text)
        found[parts.path] = scan.problems
        queue.extend(urljoin(url, link) for link in scan.links if not link.startswith(("#", "tel:", "mailto:")))
    return found


@pytest.mark.parametrize("role", [None, *ROLE_USERS])
def test_every_page_a_role_reaches_runs_under_the_policy(client, role):
    start = "/"
    if role:
        login(client, ROLE_USERS[role])
        start = f"/districts/{OWN}"
    pages = walk(client, start)
    assert len(pages) >= 3, pages.keys()
    assert {path: problems for path, problems in pages.items() if problems} == {}


def test_the_walk_reaches_the_pages_that_had_inline_scripts(client):
    login(client, ROLE_USERS["platform_admin"])
    pages = walk(client, f"/districts/{OWN}")
    for part in ("/catalogue", "/incubation", "/supervision/flags", "/supervision/assessment", "/supervision/campaigns/"):
        assert any(part in path for path in pages), part


TEMPLATE_DIRS = [REPO / "core" / "web" / "templates", *(REPO / "plugins").glob("*/templates")]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)  # inside a tag: `{% set one = … %}` is no handler


def test_no_template_holds_inline_script_even_in_branches_the_walk_misses():
    files = [f for d in TEMPLATE_DIRS for f in d.rglob("*.html")]
    assert len(files) > 20
    bad = [(f.name, m) for f in files for text in [f.read_text(encoding="utf-8")]
           for m in INLINE_SCRIPT.findall(text) + HANDLER.findall(text) + re.findall(r"javascript:", text, re.I)]
    assert bad == []


def test_page_data_reaches_the_script_as_json(client):
    csrf = login(client, ROLE_USERS["district_admin"])
    html = client.get(f"/districts/{OWN}/catalogue").text
    block = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    assert block and '<script src="/static/catalogue/manage.js"></script>' in html
    assert json.loads(block.group(1)) == {"api": f"/api/districts/{OWN}/catalogue/services",
                                         "headers": {"X-CSRF-Token": csrf}}
