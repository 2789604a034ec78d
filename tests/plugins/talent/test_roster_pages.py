"""The roster pages for district staff (issue 12 item 3): the list searched by name and filtered
by community, organisation, qualification and status, paged with the filters kept, each row
opening the worker's record page (masked person, qualification, registration, post, CE hours
against the rule, recent service logs, status history); the import page (the dry run its script
calls, the row errors named by row and template header, the confirm writing the same file); and
access: another district, the organisation staff role and a supervisor get what the API gives."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from core.codes import make_id_number
from core.tables import Community, Organization, Person
from plugins.talent.roster import HEADERS
from plugins.talent.tables import ServiceLog, SocialWorker, StatusChange
from tests.conftest import OTHER, OWN, bearer, run
from tests.plugins.talent.test_roster import xlsx

PAGE = f"/districts/{OWN}/talent"
API = f"/api/districts/{OWN}/talent/workers"
AREA = "430782"  # birthplace prefix of these tests' people only


@pytest.fixture
def admin(tokens):
    return bearer(tokens["district_admin"])


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(rf'href="{PAGE}/workers/(\d+)"', html)]


def _count(*where) -> int:
    return run(SocialWorker.count().where(SocialWorker.district_code == OWN, *where))


def test_the_roster_searches_by_name_and_opens_each_row(client, admin):
    first = run(SocialWorker.select().where(SocialWorker.district_code == OWN).order_by(SocialWorker.id).first())
    person = run(Person.select().where(Person.id == first["person_id"]).first())
    html = client.get(PAGE, params={"q": person["name"]}, headers=admin).text
    same_name = run(Person.select(Person.id).where((Person.district_code == OWN) & (Person.name == person["name"])))
    found = _ids(html)
    assert first["id"] in found and len(found) >= 1
    matching = [p["id"] for p in run(Person.select(Person.id).where(
        (Person.district_code == OWN) & Person.name.like(f"%{person['name']}%")))]
    expected = _count(SocialWorker.person_id.is_in(matching))
    assert len(found) == min(expected, 50) and len(same_name) >= 1
    assert f'value="{person["name"]}"' in html and 'data-testid="chip-q"' in html
    assert person["id_number"] not in html and (person["phone"] or "x" * 11) not in html
    # The filter form sends every field, the empty ones too (全部).
    form = client.get(PAGE, params={"q": person["name"], "community": "", "org": "", "qualification": "",
                                    "status": ""}, headers=admin)
    assert form.status_code == 200 and _ids(form.text) == found
    nobody = client.get(PAGE, params={"q": "查无此人名字"}, headers=admin).text
    assert _ids(nobody) == [] and "没有符合条件的社工" in nobody and "找到 0 名社工" in nobody
    wildcard = client.get(PAGE, params={"q": "%"}, headers=admin).text  # LIKE's wildcard is not a search
    assert "找到" not in wildcard and len(_ids(wildcard)) == min(_count(), 50)


def test_each_filter_narrows_the_roster_and_the_pager_keeps_them(client, admin):
    left = _count(SocialWorker.status == "离岗")
    html = client.get(PAGE, params={"status": "离岗"}, headers=admin).text
    assert f"找到 {left} 名社工" in html and 'data-testid="chip-status"' in html
    assert all(run(SocialWorker.select(SocialWorker.status).where(SocialWorker.id == i).first())["status"] == "离岗"
               for i in _ids(html))
    qualified = _count(SocialWorker.qualification == "社会工作师")
    html = client.get(PAGE, params={"qualification": "社会工作师"}, headers=admin).text
    assert f"找到 {qualified} 名社工" in html and '<option value="社会工作师" selected>' in html

    busiest = max({w["employer_org_id"] for w in run(SocialWorker.select(SocialWorker.employer_org_id).where(
        (SocialWorker.district_code == OWN) & SocialWorker.employer_org_id.is_not_null()))},
        key=lambda org: _count(SocialWorker.employer_org_id == org))
    in_org = _count(SocialWorker.employer_org_id == busiest)
    org_name = run(Organization.select(Organization.name).where(Organization.id == busiest).first())["name"]
    html = client.get(PAGE, params={"org": busiest}, headers=admin).text
    assert f"找到 {in_org} 名社工" in html and f'<option value="{busiest}" selected>{org_name}</option>' in html

    community = run(SocialWorker.select(SocialWorker.employer_community_code).where(
        (SocialWorker.district_code == OWN) & SocialWorker.employer_community_code.is_not_null()).first())
    code = community["employer_community_code"]
    name = run(Community.select(Community.name).where(Community.code == code).first())["name"]
    html = client.get(PAGE, params={"community": code, "status": "在岗"}, headers=admin).text
    both = _count(SocialWorker.employer_community_code == code, SocialWorker.status == "在岗")
    assert f"找到 {both} 名社工" in html and name in html
    # Removing one chip keeps the other filter.
    chip = re.search(r'<a class="chip on" href="([^"]+)" data-testid="chip-status"', html).group(1)
    assert parse_qs(urlsplit(chip.replace("&amp;", "&")).query) == {"community": [code]}

    # Paging keeps the filters: 在岗 has more than one page in the demo district.
    working = _count(SocialWorker.status == "在岗")
    assert working > 50
    html = client.get(PAGE, params={"status": "在岗"}, headers=admin).text
    nxt = re.search(r'<a href="\?([^"]+)" data-testid="next-page"', html).group(1).replace("&amp;", "&")
    assert parse_qs(nxt) == {"status": ["在岗"], "page": ["2"]}
    second = client.get(f"{PAGE}?{nxt}", headers=admin).text
    assert f"2 / {-(-working // 50)}" in second and set(_ids(second)).isdisjoint(_ids(html))
    beyond = client.get(PAGE, params={"status": "在岗", "page": 999}, headers=admin)
    assert beyond.status_code == 200 and f"{-(-working // 50)} / {-(-working // 50)}" in beyond.text


def _worker_with_history() -> dict:
    """A demo worker with service logs and a status change (the demo gives some both)."""
    changed = {c["worker"] for c in run(StatusChange.select(StatusChange.worker).where(
        (StatusChange.district_code == OWN) & StatusChange.from_status.is_not_null()))}
    logged = {g["worker"] for g in run(ServiceLog.select(ServiceLog.worker).where(ServiceLog.district_code == OWN))}
    worker_id = min(changed & logged or logged)
    return run(SocialWorker.select().where(SocialWorker.id == worker_id).first())


def test_the_worker_record_page_shows_the_record_masked(client, admin):
    worker = _worker_with_history()
    person = run(Person.select().where(Person.id == worker["person_id"]).first())
    response = client.get(f"{PAGE}/workers/{worker['id']}", headers=admin)
    assert response.status_code == 200
    html = response.text
    for section in ("worker-record", "qualification", "post", "ce-hours", "service-logs", "status-history"):
        assert f'data-testid="{section}"' in html
    assert person["name"] in html and person["id_number"] not in html
    assert person["id_number"][:6] + "********" in html
    if person["phone"]:
        assert person["phone"] not in html and person["phone"][:3] in html
    logs = run(ServiceLog.count().where(ServiceLog.worker == worker["id"]))
    assert f"共 {logs} 条" in html and html.count('data-testid="log-row"') == min(logs, 10)
    history = run(StatusChange.select().where(StatusChange.worker == worker["id"]))
    assert all(str(h["changed_on"]) in html for h in history)
    assert worker["qualification"] in html
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", re.sub(r"<[^>]+>", " ", html))  # Beijing time, no ISO
    english = client.get(f"{PAGE}/workers/{worker['id']}", params={"lang": "en"}, headers=admin).text
    assert "Status history" in english and "Continuing education" in english and "状态变动" not in english


def test_ce_hours_are_read_against_the_rule(client, admin):
    made = client.post(API, headers=admin, json={
        "name": "学时页面", "id_number": make_id_number(AREA, date(1990, 3, 3), 11), "post_type": "机构社工",
        "education": "本科", "qualification": "社会工作师", "certificate_no": "S-PAGE-1",
        "certificate_year": (date.today() - timedelta(days=400)).year,
        "first_registered_on": (date.today() - timedelta(days=400)).isoformat(),
        "registered_on": (date.today() - timedelta(days=400)).isoformat()})
    assert made.status_code in (200, 201), made.text
    worker = made.json()
    html = client.get(f"{PAGE}/workers/{worker['id']}", headers=admin).text
    hours = worker["continuing_education"]
    assert hours is not None and hours["required"] == 90
    summary = re.search(r'data-testid="ce-summary">(.*?)</p>', html, re.S).group(1)
    assert "已完成 <strong>0</strong> 学时，规定 90 学时" in summary and "还差 90 学时" in summary


def test_access_follows_the_api(client, tokens, admin):
    worker_id = run(SocialWorker.select(SocialWorker.id).where(SocialWorker.district_code == OWN).first())["id"]
    other_id = run(SocialWorker.select(SocialWorker.id).where(SocialWorker.district_code == OTHER).first())["id"]
    pages = (PAGE, f"{PAGE}/import", f"{PAGE}/workers/{worker_id}")
    # This district's admin on another district, and the organisation staff (no talent.worker.read in the API either).
    for path in pages:
        assert client.get(path.replace(OWN, OTHER, 1), headers=admin).status_code == 403
        assert client.get(path, headers=bearer(tokens["org_staff"])).status_code == 403
        assert client.get(path, headers=bearer(tokens["resident"])).status_code == 403
    assert client.get(API, headers=bearer(tokens["org_staff"])).status_code == 403
    # A worker of another district through this district's path: not found, as in the API.
    assert client.get(f"{PAGE}/workers/{other_id}", headers=admin).status_code == 404
    assert client.get(f"{API}/{other_id}", headers=admin).status_code == 404
    # A supervisor reads the roster and the records, but neither imports nor sees the import link.
    sup = bearer(tokens["supervisor"])
    assert client.get(f"{PAGE}/workers/{worker_id}", headers=sup).status_code == 200
    assert client.get(f"{PAGE}/import", headers=sup).status_code == 403
    roster = client.get(PAGE, headers=sup).text
    assert 'data-testid="import-link"' not in roster and _ids(roster)
    assert 'data-testid="import-link"' in client.get(PAGE, headers=admin).text
    anonymous = client.get(f"{PAGE}/import", headers={"Accept": "text/html"}, follow_redirects=False)
    assert anonymous.status_code in (302, 303, 307) and anonymous.headers["location"].startswith("/login?next=")


def test_the_import_page_carries_what_its_script_needs(client, admin):
    html = client.get(f"{PAGE}/import", headers=admin).text
    data = json.loads(re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S).group(1))
    assert data["import"] == f"{API}/import" and data["roster"] == PAGE and data["listed"] == 200
    assert data["headers"] == {}  # a bearer token needs no CSRF token; a session gets its own (below)
    assert f'href="{API}/template.xlsx"' in html and '<script src="/static/talent/import.js"></script>' in html
    assert all(h in html for h in HEADERS) and "<strong>身份证号</strong>" in html
    assert client.get("/static/talent/import.js").status_code == 200
    english = client.get(f"{PAGE}/import", params={"lang": "en"}, headers=admin).text
    assert "Import a social-worker roster" in english and "Check the file" in english and "检查文件" not in english
    assert client.get(f"{API}/template.xlsx", headers=admin).status_code == 200


def test_the_page_flow_check_fix_confirm_as_a_session(client):
    """What import.js does, with the session cookie and the page's CSRF token: check (dry run) a
    file with a bad row → every error names the row and the template header and nothing is
    written; fix it → the check passes and still writes nothing; confirm → written."""
    from tests.conftest import login

    login(client, f"{OWN}-admin")
    client.headers.pop("X-CSRF-Token")
    data = json.loads(re.search(r'id="page-data">(.*?)</script>', client.get(f"{PAGE}/import").text, re.S).group(1))
    assert data["headers"]["X-CSRF-Token"]
    uscc = run(Organization.select(Organization.uscc).where(
        (Organization.district_code == OWN) & Organization.uscc.is_not_null()).first())["uscc"]
    good = {"姓名": "页面导入甲", "身份证号": make_id_number(AREA, date(1988, 5, 6), 21), "学历": "本科",
            "岗位类型": "机构社工", "工作单位统一社会信用代码": uscc, "入职日期": datetime(2020, 1, 2)}
    bad = {**good, "姓名": "页面导入乙", "身份证号": make_id_number(AREA, date(1989, 6, 7), 22), "学历": "大学"}
    before = _count()
    checked = client.post(f"{data['import']}?dry_run=true", headers=data["headers"],
                          files={"file": ("名单.xlsx", xlsx([good, bad]))})
    assert checked.status_code == 422 and checked.json()["code"] == "import_invalid"
    [error] = checked.json()["errors"]
    assert (error["row"], error["column"], error["value"]) == (3, "学历", "大学") and "1 处错误" in checked.json()["detail"]
    assert _count() == before
    fixed = xlsx([good, {**bad, "学历": "大专"}])
    dry = client.post(f"{data['import']}?dry_run=true", headers=data["headers"], files={"file": ("名单.xlsx", fixed)})
    assert dry.status_code == 200 and dry.json() == {"rows": 2, "created": 2, "updated": 0, "ignored_columns": [],
                                                     "dry_run": True}
    assert _count() == before
    done = client.post(data["import"], headers=data["headers"], files={"file": ("名单.xlsx", fixed)})
    assert done.status_code == 200 and done.json()["created"] == 2 and not done.json()["dry_run"]
    assert _count() == before + 2
    html = client.get(PAGE, params={"q": "页面导入"}).text
    assert "找到 2 名社工" in html and len(_ids(html)) == 2
    no_token = client.post(data["import"], files={"file": ("名单.xlsx", fixed)})
    assert no_token.status_code == 403  # the session's write needs the page's CSRF token
