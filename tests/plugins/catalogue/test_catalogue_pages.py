"""The catalogue's pages: staff search and edit services on the management page (the edit
form sends every field the API lets them change; a refused value comes back with its field, which
the page shows next to the control labelled for it); the public service page keeps the search
for the way back and reads in English."""

from __future__ import annotations

import re
from urllib.parse import unquote

from core.tables import AuditEvent
from tests.conftest import OTHER, OWN, login, run
from tests.plugins.catalogue.test_catalogue import BASE, new_service, other_org_id, own_org_id

PAGE = f"/districts/{OWN}/catalogue"


def _rows(html: str) -> list[str]:
    body = html.split('data-testid="service-table"')[1].split("</table>")[0]
    return re.findall(r"<tr><td>([^<]+)</td>", body)


def test_the_management_page_searches_services_by_name(client):
    login(client, f"{OWN}-admin")
    everything = client.get(PAGE)
    found = client.get(PAGE, params={"q": "养老"})
    assert found.status_code == 200 and 'data-testid="manage-search"' in found.text
    names = _rows(found.text)
    assert names and all("养老" in n for n in names)
    assert len(names) < len(_rows(everything.text))
    assert f"{len(names)} 项，名称含「养老」" in found.text
    none = client.get(PAGE, params={"q": "没有这种服务名称"})
    assert _rows(none.text) == [] and "没有符合条件的服务" in none.text and 'data-testid="clear-search"' in none.text
    assert client.get(PAGE, params={"q": "x" * 101}).status_code == 400


def test_a_service_is_edited_on_the_page_and_the_change_is_audited(client):
    login(client, f"{OWN}-admin")
    created = client.post(BASE, json=new_service(name="页面编辑测试服务", status="draft")).json()
    try:
        form = client.get(PAGE, params={"edit": created["id"], "q": "页面编辑"})
        assert form.status_code == 200
        edit = form.text.split('data-testid="edit-service"')[1].split("</form>")[0]
        # Every field the API lets staff change is on the form, filled with the current value.
        for name in ("name", "organization_id", "field", "target_groups", "description", "eligibility", "fee",
                     "fee_description", "communities", "address", "opening_hours", "contact_phone", "email",
                     "source", "last_verified", "status"):
            assert f'name="{name}"' in edit, name
        assert 'value="页面编辑测试服务"' in edit and 'value="0736-7123456"' in edit
        assert re.search(r'<label>对外服务电话<input name="contact_phone"', edit)  # the label errors are named by
        # What the edit form sends (manage.js) is saved and audited; the page then says so.
        changes = {"name": "页面编辑测试服务（已改）", "address": "武陵区丹阳社区", "email": "a@example.cn",
                   "communities": [f"{OWN}001001"], "eligibility": "本社区老人", "last_verified": "2026-11-01"}
        saved = client.patch(f"{BASE}/{created['id']}", json=changes)
        assert saved.status_code == 200, saved.text
        assert {k: saved.json()[k] for k in changes} == changes
        page = client.get(PAGE, params={"saved": created["id"], "q": "页面编辑"})
        assert "已保存：页面编辑测试服务（已改）" in page.text and _rows(page.text) == ["页面编辑测试服务（已改）"]
        event = run(AuditEvent.select().where((AuditEvent.entity == "service") & (AuditEvent.action == "update")
                                              & (AuditEvent.entity_id == str(created["id"]))).first())
        assert event and "页面编辑测试服务（已改）" in str(event["after"])
        # A bad value is refused with its field, so the page can show it next to that field.
        bad = client.patch(f"{BASE}/{created['id']}", json={"contact_phone": "12345", "name": "页"})
        assert bad.status_code == 400
        fields = {e["field"] for e in bad.json()["errors"]}
        assert fields & {"contact_phone", "name"} and all(f in edit for f in (f'name="{f}"' for f in fields))
    finally:
        client.delete(f"{BASE}/{created['id']}")


def test_organisation_staff_edit_only_their_own_services(client):
    login(client, f"{OWN}-admin")
    foreign = client.post(BASE, json=new_service(name="别家组织的服务", organization_id=other_org_id(OWN, own_org_id()),
                                                  status="draft")).json()
    client.cookies.clear()
    try:
        login(client, f"{OWN}-org")
        assert client.get(PAGE, params={"edit": foreign["id"]}, headers={"accept": "text/html"}).status_code == 404
        assert client.patch(f"{BASE}/{foreign['id']}", json={"name": "改别人的"}).status_code in (403, 404)
        client.cookies.clear()
        login(client, f"{OTHER}-admin")
        assert client.get(PAGE, params={"edit": foreign["id"]}, headers={"accept": "text/html"}).status_code == 403
    finally:
        client.cookies.clear()
        login(client, f"{OWN}-admin")
        client.delete(f"{BASE}/{foreign['id']}")


def test_the_service_page_keeps_the_search_for_the_way_back(client):
    hit = client.get("/api/search/services", params={"q": "养老"}).json()["hits"][0]
    came_from = "q=养老&field=社区养老&fee=free&per_page=10&evil=https://x.example"
    page = client.get(f"/services/{hit['id']}", params={"from": came_from})
    back = re.search(r'<a href="([^"]+)" data-testid="back-to-search">', page.text)[1]
    assert unquote(back.replace("&amp;", "&")) == "/services?q=养老&field=社区养老&fee=free"
    plain = client.get(f"/services/{hit['id']}")
    assert '<a href="/services" data-testid="back-to-search">' in plain.text


def test_the_service_page_and_module_descriptions_read_in_english(client):
    hit = client.get("/api/search/services", params={"q": "养老"}).json()["hits"][0]
    english = client.get(f"/services/{hit['id']}", params={"lang": "en"}).text
    assert "Back to search" in english and "<dt>Provider</dt>" in english and "<dt>District</dt>" in english
    assert "提供机构" not in english and "所在区县" not in english
    district = client.get(f"/districts/{OWN}", params={"lang": "en"}).text
    assert "A public directory of community services" in district
    assert "社区服务项目与承接组织的公开目录" not in district
