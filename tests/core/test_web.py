"""The web shell, server-rendered: overview, login form, district home, language."""

from __future__ import annotations

from tests.conftest import OWN, PASSWORD


def form_login(client, **data):
    """POST the login form as a browser does: with the double-submit token GET /login hands out."""
    token = client.get("/login").text.split('name="_csrf" value="')[1].split('"')[0]
    return client.post("/login", data={**data, "_csrf": token}, follow_redirects=False)


def test_city_overview_lists_districts_in_chinese(client):
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    assert "常德市" in page.text and "武陵区" in page.text and "鼎城区" in page.text
    assert "1,350,000" in page.text  # the city's population, summed from its districts
    assert 'name="viewport"' in page.text


def test_english_is_one_click_away(client):
    switched = client.get("/lang/en", headers={"referer": "http://testserver.local/"}, follow_redirects=False)
    assert switched.status_code == 303 and "sanshe_lang=en" in switched.headers["set-cookie"]
    page = client.get("/")
    assert '<html lang="en">' in page.text and "Wuling District" in page.text and "Log in" in page.text


def test_login_form_redirects_to_the_users_district_and_shows_module_admin(client):
    response = form_login(client, username=f"{OWN}-admin", password=PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == f"/districts/{OWN}/workbench"
    home = client.get(f"/districts/{OWN}")
    assert "常德市 武陵区" in home.text and 'data-testid="module-admin"' in home.text


def test_login_form_errors_are_shown_in_chinese(client):
    response = form_login(client, username=f"{OWN}-admin", password="wrong")
    assert response.status_code == 401 and "用户名或密码错误" in response.text


def test_login_never_redirects_off_site(client):
    response = form_login(client, username=f"{OWN}-org", password=PASSWORD, next="//evil.example/")
    assert response.headers["location"] == f"/districts/{OWN}/workbench"


def test_logout_form_needs_the_csrf_field(client):
    form_login(client, username=f"{OWN}-admin", password=PASSWORD)
    home = client.get(f"/districts/{OWN}").text
    csrf = home.split('name="_csrf" value="')[1].split('"')[0]
    assert client.post("/logout", data={"_csrf": "forged"}).status_code == 403
    assert client.post("/logout", data={"_csrf": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/api/me").status_code == 401


def test_pages_needing_login_redirect_browsers_to_the_login_form(client):
    response = client.post("/logout", headers={"accept": "text/html"}, follow_redirects=False)
    assert response.status_code in (302, 303) and response.headers["location"].startswith("/login")


def test_browsers_get_an_html_error_page_in_chinese(client):
    page = client.get("/services/999999", headers={"accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "服务不存在或未公开" in page.text and 'data-testid="error-page"' in page.text
    api = client.get("/api/search/services/999999", headers={"accept": "text/html"})
    assert api.status_code == 404 and api.json()["code"] == "not_found"  # the API always answers JSON


def test_a_wrong_password_keeps_the_user_name_escaped(client):
    response = form_login(client, username='<b>"x', password="wrong")
    assert response.status_code == 401
    assert 'value="&lt;b&gt;&#34;x"' in response.text  # kept, and never markup


def test_the_favicon_is_served(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.content.startswith(b"<svg") and "max-age" in icon.headers["cache-control"]
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get("/").text


def test_no_page_script_uses_blocking_browser_dialogs():
    """alert()/confirm()/prompt() block the page, cannot be styled and read badly on a phone:
    pages ask with sanshe.ask and report with sanshe.notice (core/web/static/app.js)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    scripts = [*root.glob("core/web/static/*.js"), *root.glob("plugins/*/static/*.js")]
    assert len(scripts) >= 10
    found = [f"{path.relative_to(root)}: {m.group(0)}" for path in scripts
             for m in re.finditer(r"(?<![.\w])(alert|confirm|prompt)\s*\(",
                                  re.sub(r"//.*", "", path.read_text()))]  # comments may name them
    assert found == []


def test_state_tags_have_one_tone_per_meaning():
    from core.web.tones import TONES, tone

    assert (tone("合格"), tone("不合格"), tone("存疑"), tone("closed"), tone("no-such-state")) == \
        ("ok", "bad", "wait", "done", "")
    every = [value for values in TONES.values() for value in values]
    assert len(every) == len(set(every))  # no state has two meanings
