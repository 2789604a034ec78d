"""长辈模式 (elderly-friendly display) and the 404 page that keeps the signed-in header.

The switch is a plain link or form (no JavaScript): it sets a cookie and goes back; every
page then renders with `class="elder"` on <html> (no flash of the normal look). A page that
does not exist keeps the signed-in header and leads back to the user's workbench; API paths
keep their JSON 404."""

from __future__ import annotations

import re
from urllib.parse import unquote

from tests.conftest import OWN, login

HTML = {"accept": "text/html"}


def test_elder_mode_switch_is_remembered_across_pages_without_javascript(client):
    page = client.get("/services", headers=HTML)
    assert '<html lang="zh-CN">' in page.text and 'data-testid="elder-switch"' in page.text
    assert "长辈模式 / 大字" in page.text and "/display/elder?on=1&amp;next=/services" in page.text
    switched = client.get("/display/elder?on=1&next=/services%3Fq%3D%E5%85%BB%E8%80%81", follow_redirects=False)
    assert switched.status_code == 303 and unquote(switched.headers["location"]) == "/services?q=养老"
    assert "sanshe_elder=1" in switched.headers["set-cookie"] and "Max-Age" in switched.headers["set-cookie"]
    for path in ("/", "/services", f"/districts/{OWN}", "/login", "/opendata"):
        body = client.get(path, headers=HTML).text
        assert 'class="elder"' in body, path
        assert "标准模式" in body, path
    off = client.post("/display/elder", data={"on": "0", "next": "/login"}, follow_redirects=False)
    assert off.status_code == 303 and off.headers["location"] == "/login"
    client.cookies.delete("sanshe_elder")  # the client keeps cookies a delete-cookie header expired; a browser drops it
    assert 'class="elder"' not in client.get("/", headers=HTML).text


def test_elder_mode_switch_never_redirects_off_site(client):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        answer = client.get("/display/elder", params={"on": "1", "next": target}, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/", target


def test_elder_mode_styles_exist_for_large_text_and_tap_targets(client):
    css = client.get("/static/app.css").text
    assert "html.elder { font-size:20px;" in css
    assert "min-height:48px" in css and "html.elder a { text-decoration:underline;" in css


def test_a_missing_page_keeps_the_signed_in_header_and_leads_to_the_workbench(client):
    anonymous = client.get("/no/such/page", headers=HTML)
    assert anonymous.status_code == 404 and anonymous.headers["content-type"].startswith("text/html")
    assert 'data-testid="error-page"' in anonymous.text and "页面不存在" in anonymous.text
    assert 'data-testid="login-link"' in anonymous.text and '<a href="/" data-testid="back-home">首页</a>' in anonymous.text
    login(client, f"{OWN}-admin")
    signed_in = client.get("/no/such/page", headers=HTML)
    assert signed_in.status_code == 404
    assert 'data-testid="who"' in signed_in.text and 'data-testid="login-link"' not in signed_in.text
    back = re.search(r'<a href="([^"]+)" data-testid="back-home">回到我的工作台</a>', signed_in.text)
    home = re.search(r'<a href="([^"]+)" data-testid="my-home"', signed_in.text)
    assert back and home and back[1] == home[1] and back[1].startswith(f"/districts/{OWN}")  # principal.home_path
    english = client.get("/no/such/page?lang=en", headers=HTML)
    assert "Page not found" in english.text and "Back to my workbench" in english.text


def test_api_paths_keep_json_404(client):
    answer = client.get("/api/no/such/thing", headers=HTML)
    assert answer.status_code == 404 and answer.headers["content-type"].startswith("application/json")
    assert answer.json()["code"] == "not_found"
    plain = client.get("/no/such/page")  # not a browser: JSON too
    assert plain.status_code == 404 and plain.json()["code"] == "not_found"
