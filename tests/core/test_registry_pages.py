"""The registry pages and the module settings form (issue 12 items 2 and 7), over HTTP against the
real app: lists with search, filters and paging; record pages; persons masked on every page and
only for staff of the district; the reveal asks a reason and the audit entry holds it; the settings
form shows each setting with its label, bounds, default and current value, and a save through the
settings API is audited with the settings before and after."""

from __future__ import annotations

import json
import re

import pytest

from core.codes import mask_id_number, mask_phone
from core.tables import AuditEvent, Organization, Person
from tests.conftest import OTHER, OWN, login, run

HTML = {"accept": "text/html"}


def _rows(page: str, testid: str) -> list[str]:
    return re.findall(rf'data-testid="{testid}"[^>]*>([^<]+)<', page)


def _as(client, username: str):
    login(client, username)
    return client


# --- communities and organisations (published registers) ---------------------------------------


def test_the_district_home_links_the_registry_pages_not_json(client):
    home = _as(client, f"{OWN}-admin").get(f"/districts/{OWN}").text
    for path in ("communities", "organizations", "persons"):
        assert f'href="/districts/{OWN}/{path}"' in home
    assert "/api/districts/" not in home.split('data-testid="registry-links"')[1].split("</nav>")[0]
    assert f'href="/districts/{OWN}/modules/supervision/settings"' in home
    client.cookies.set("sanshe_lang", "en")  # module descriptions in English too
    english = client.get(f"/districts/{OWN}").text
    assert "Spot checks of service logs" in english and "抽查社工服务记录" not in english
    client.cookies.delete("sanshe_lang")
    resident = _as(client, f"{OWN}-resident").get(f"/districts/{OWN}").text
    assert f'href="/districts/{OWN}/persons"' not in resident and "/settings" not in resident


def test_communities_page_lists_streets_with_their_communities_and_searches(client):
    page = client.get(f"/districts/{OWN}/communities")
    assert page.status_code == 200
    assert "丹阳街道" in page.text and "下辖 3 个社区/村" in page.text and "滨湖社区" in page.text
    found = client.get(f"/districts/{OWN}/communities", params={"q": "滨湖"}).text
    assert "滨湖社区" in found and "紫缘社区" not in found and 'data-testid="chip-q"' in found
    streets = client.get(f"/districts/{OWN}/communities", params={"kind": "street"}).text
    assert "丹阳街道" in streets and "滨湖社区" not in streets
    first, second = (client.get(f"/districts/{OWN}/communities", params={"page": n}).text for n in (1, 2))
    assert 'data-testid="next-page"' in first and "1 / 2" in first
    assert set(re.findall(r"4307020\d{5}", first)).isdisjoint(re.findall(r"<td class=\"code\">(\d+)", second))


def _org_names(*conditions) -> list[str]:
    rows = run(Organization.select(Organization.name).where(Organization.district_code == OWN, *conditions)
               .order_by(Organization.id))
    return [r["name"] for r in rows]


def test_organizations_filters_search_and_paging_change_the_rows(client):
    base = f"/districts/{OWN}/organizations"
    everything = _rows(client.get(base).text, "organization-link")
    assert everything == _org_names()[:20] and any("阳光社会工作服务中心" in n for n in everything)
    assert _rows(client.get(base, params={"q": "阳光"}).text, "organization-link") == _org_names(
        Organization.name.like("%阳光%"))
    five_a = _rows(client.get(base, params={"grade": "5A"}).text, "organization-link")
    assert five_a == _org_names(Organization.grade == "5A") and "常德市武陵区慈善基金会" in five_a
    abnormal = client.get(base, params={"credit": "abnormal"}).text
    assert _rows(abnormal, "organization-link") == _org_names(Organization.credit_status == "abnormal")
    assert "常德市武陵区志愿者协会" in abnormal
    assert "列入活动异常名录" in abnormal and 'class="tag wait"' in abnormal and "chip-credit" in abnormal
    filed = _rows(client.get(base, params={"type": "community_filed", "status": "filed"}).text, "organization-link")
    assert filed == _org_names(Organization.legal_type == "community_filed", Organization.status == "filed")
    assert "武陵区社区舞蹈队" in filed and len(filed) < len(everything)
    nothing = client.get(base, params={"q": "没有这个组织", "grade": "1A"}).text
    assert 'data-testid="registry-empty"' in nothing and "去掉筛选" in nothing
    if len(_org_names()) > 20:
        second = _rows(client.get(base, params={"page": 2}).text, "organization-link")
        assert second == _org_names()[20:40]


def test_an_organization_page_shows_registration_credit_and_inspections(client):
    org = run(Organization.select().where((Organization.district_code == OWN)
                                         & Organization.name.like("%志愿者协会")).first())
    page = client.get(f"/districts/{OWN}/organizations/{org['id']}")
    assert page.status_code == 200
    text = page.text
    assert org["name"] in text and org["uscc"] in text and "社会团体" in text and "3A级" in text
    assert "活动异常名录" in text and "未按规定参加" in text  # the open credit-list entry
    assert "未参检" in text and "合格" in text  # two years of inspections
    assert org["contact_phone"] not in text and mask_phone(org["contact_phone"]) in text
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", text)  # no ISO times: Beijing time only
    other = run(Organization.select(Organization.id).where(Organization.district_code == OTHER).first())
    assert client.get(f"/districts/{OWN}/organizations/{other['id']}", headers=HTML).status_code == 404


# --- persons (staff only, masked) ---------------------------------------------------------------


def test_persons_pages_are_for_the_districts_staff_only(client):
    assert client.get(f"/districts/{OWN}/persons", follow_redirects=False).status_code in (302, 303, 401)
    _as(client, f"{OWN}-resident")
    assert client.get(f"/districts/{OWN}/persons", headers=HTML).status_code == 403
    person = run(Person.select(Person.id).where(Person.district_code == OTHER).first())
    _as(client, f"{OWN}-admin")
    assert client.get(f"/districts/{OTHER}/persons", headers=HTML).status_code == 403
    assert client.get(f"/districts/{OTHER}/persons/{person['id']}", headers=HTML).status_code == 403
    assert client.get(f"/districts/{OWN}/persons/{person['id']}", headers=HTML).status_code == 404


def test_persons_are_masked_on_the_list_and_the_record_page_and_search_and_paging_work(client):
    _as(client, f"{OWN}-supervisor")
    people = run(Person.select().where(Person.district_code == OWN).order_by(Person.id))
    first = client.get(f"/districts/{OWN}/persons").text
    second = client.get(f"/districts/{OWN}/persons", params={"page": 2}).text
    for text in (first, second):
        assert not any(p["id_number"] in text or (p["phone"] and p["phone"] in text) for p in people)
    assert mask_id_number(people[0]["id_number"]) in first and mask_phone(people[0]["phone"]) in first
    assert set(_rows(first, "person-link")).isdisjoint(set(_rows(second, "person-link")) - {p["name"] for p in people[:20]})
    assert 'data-testid="next-page"' in first and 'data-testid="prev-page"' in second
    name = people[1]["name"]
    found = _rows(client.get(f"/districts/{OWN}/persons", params={"q": name}).text, "person-link")
    assert found and all(name in n for n in found) and len(found) < len(_rows(first, "person-link"))
    record = client.get(f"/districts/{OWN}/persons/{people[1]['id']}").text
    assert people[1]["id_number"] not in record and mask_id_number(people[1]["id_number"]) in record
    assert 'data-testid="reveal"' in record and "/static/registry.js" in record


def test_a_reader_without_the_reveal_permission_sees_no_reveal_action(client, ctx):
    readers = ctx.contributions.role_permissions
    role = next((r for r, perms in readers.items()
                 if "registry.person.read" in perms and "registry.person.reveal" not in perms), None)
    if role != "city_admin":
        pytest.skip(f"no demo user holds read without reveal (role {role})")
    _as(client, "city-admin")
    person = run(Person.select(Person.id).where(Person.district_code == OWN).first())
    record = client.get(f"/districts/{OWN}/persons/{person['id']}").text
    assert 'data-testid="no-reveal"' in record and 'data-testid="reveal"' not in record


def test_the_reveal_records_the_reason_given_in_the_audit_entry(client):
    _as(client, f"{OWN}-admin")
    person = run(Person.select().where(Person.district_code == OWN).first())
    url = f"/api/districts/{OWN}/persons/{person['id']}/reveal"
    revealed = client.get(url, params={"reason": " 核对低保申请材料 "})
    assert revealed.status_code == 200 and revealed.json()["id_number"] == person["id_number"]
    event = run(AuditEvent.select().where((AuditEvent.action == "reveal") & (AuditEvent.entity_id == str(person["id"])))
                .order_by(AuditEvent.seq, ascending=False).first())
    assert event["actor"] == f"{OWN}-admin" and json.loads(event["after"])["reason"] == "核对低保申请材料"
    too_long = client.get(url, params={"reason": "长" * 201})
    assert too_long.status_code == 400


# --- module settings form -------------------------------------------------------------------------


def test_the_settings_form_shows_each_setting_with_label_bounds_default_and_current_value(client):
    _as(client, f"{OWN}-admin")
    page = client.get(f"/districts/{OWN}/modules/supervision/settings")
    assert page.status_code == 200
    text = page.text
    assert '<label for="s-grade_valid_years">评估等级有效期（年）</label>' in text
    assert 'name="settings.grade_valid_years"' in text and "取值 1–10" in text
    assert 'data-testid="default-grade_valid_years">5<' in text and 'data-testid="reset-grade_valid_years"' in text
    assert "/static/settings.js" in text and 'id="page-data"' in text
    incubation = client.get(f"/districts/{OWN}/modules/incubation/settings").text  # a list, one item per line
    assert re.search(r'<textarea[^>]*name="settings.required_milestones"[^>]*>charter\nrules\n', incubation)
    assert "每行一项，填事项代码" in incubation
    client.cookies.set("sanshe_lang", "en")
    english = client.get(f"/districts/{OWN}/modules/supervision/settings").text
    assert "Years an assessment grade stays valid" in english and "From 1 to 10" in english


def test_the_settings_form_is_for_the_districts_admin_only(client):
    _as(client, f"{OWN}-supervisor")
    assert client.get(f"/districts/{OWN}/modules/supervision/settings", headers=HTML).status_code == 403
    _as(client, f"{OWN}-admin")
    assert client.get(f"/districts/{OTHER}/modules/talent/settings", headers=HTML).status_code == 403
    assert client.get(f"/districts/{OWN}/modules/nosuch/settings", headers=HTML).status_code == 404


def test_a_bad_setting_is_refused_by_field_and_a_good_one_is_saved_audited_and_shown(client):
    _as(client, f"{OWN}-admin")
    api = f"/api/districts/{OWN}/modules/supervision"
    settings_page = f"/districts/{OWN}/modules/supervision/settings"
    before = run(AuditEvent.count())
    bad = client.put(api, json={"enabled": True, "settings": {"grade_valid_years": 11, "evidence_max_mb": "ten"}})
    assert bad.status_code == 422 and run(AuditEvent.count()) == before
    errors = {e["field"]: e["message"] for e in bad.json()["errors"]}
    assert errors == {"settings.grade_valid_years": "不能大于 10", "settings.evidence_max_mb": "应为整数"}
    page = client.get(settings_page).text  # each field the API names is a control of the form, with its label
    assert all(f'name="{field}"' in page for field in errors)
    try:
        good = client.put(api, json={"enabled": True, "settings": {"grade_valid_years": 6}})
        assert good.status_code == 200
        event = run(AuditEvent.select().where((AuditEvent.entity == "district_module") & (AuditEvent.entity_id ==
                    "supervision")).order_by(AuditEvent.seq, ascending=False).first())
        assert json.loads(event["before"])["settings"]["grade_valid_years"] == 5
        assert json.loads(event["after"])["settings"]["grade_valid_years"] == 6
        shown = client.get(settings_page).text
        assert re.search(r'name="settings.grade_valid_years"[^>]*value="6"|value="6"[^>]*name="settings.grade_valid_years"',
                         shown.replace("\n", " ")) and 'data-testid="changed-grade_valid_years"' in shown
    finally:
        client.put(api, json={"enabled": True, "settings": {"grade_valid_years": 5}})
