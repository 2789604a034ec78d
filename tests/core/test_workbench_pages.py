"""The workbench (工作台), the city view and the service portal home, over HTTP as each role:
logging in lands on the user's workbench with the cards of their role and real counts (data
made here moves them), another district's workbench is refused, the city view's figures are the
districts' widget values, and the portal's search box leads to results."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from core.identity import create_api_token, ensure_user
from plugins.supervision.tables import Flag
from plugins.talent.tables import SocialWorker
from tests.conftest import OTHER, OWN, PASSWORD, ROLE_USERS, bearer, run
from tests.core.test_web import form_login
from tests.plugins.talent.test_roster import record, refs, upload, xlsx  # noqa: F401 - refs is a fixture

CITY = "430700"
WORKBENCH = f"/districts/{OWN}/workbench"

CARDS = {  # role → cards that must be there, cards that must not
    "district_admin": ({"core.modules", "talent.registration_due", "talent.import", "supervision.flags",
                        "incubation.decisions",
                        "incubation.milestones", "catalogue.drafts", "catalogue.stale"},
                       {"talent.logs_to_file", "supervision.to_judge", "catalogue.near_me"}),
    "supervisor": ({"supervision.open_campaigns", "supervision.to_judge", "supervision.to_close", "supervision.flags",
                    "talent.registration_due"},
                   {"core.modules", "incubation.decisions", "catalogue.drafts", "catalogue.near_me", "talent.import"}),
    "org_staff": ({"catalogue.published", "catalogue.drafts", "talent.staff", "talent.staff_registration_due",
                   "supervision.findings_to_answer"},
                  {"core.modules", "supervision.flags", "talent.registration_due", "catalogue.near_me"}),
    "social_worker": ({"talent.my_profile", "talent.logs_to_file", "supervision.findings_to_answer",
                       "catalogue.near_me"},
                      {"core.modules", "supervision.flags", "catalogue.drafts", "incubation.decisions"}),
    "resident": ({"catalogue.near_me"},
                 {"core.modules", "supervision.flags", "talent.my_profile", "catalogue.drafts", "incubation.decisions"}),
}


def cards(html: str) -> dict[str, int]:
    """Each card's name and count on a workbench page."""
    return {name: int(count) for name, count in
            re.findall(r'data-testid="count-([\w.]+)">(\d+)</span>', html)}


def _token(username: str, grants: list[dict]) -> dict[str, str]:
    async def make():
        user_id = await ensure_user(username, PASSWORD, grants, fast_hash=True, actor="test")
        return (await create_api_token(user_id, username, "tests"))["token"]

    return bearer(run(make()))


@pytest.mark.parametrize("role", sorted(CARDS))
def test_logging_in_lands_on_the_workbench_of_the_role(client, role):
    response = form_login(client, username=ROLE_USERS[role], password=PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == WORKBENCH
    page = client.get(WORKBENCH)
    assert page.status_code == 200 and 'data-testid="workbench-title"' in page.text
    assert f'href="{WORKBENCH}" data-testid="my-home" aria-current="page"' in page.text  # the header link
    shown = set(cards(page.text))
    must, must_not = CARDS[role]
    assert must <= shown, must - shown
    assert not shown & must_not, shown & must_not
    for path in re.findall(r'<a class="todo" href="([^"]+)"', page.text):  # every card opens for this user
        assert client.get(path.split("#")[0]).status_code == 200, path


def test_city_and_platform_admins_land_where_they_work(client):
    assert form_login(client, username="city-admin", password=PASSWORD).headers["location"] == f"/cities/{CITY}"
    assert f'href="/cities/{CITY}" data-testid="my-home"' in client.get(f"/cities/{CITY}").text
    client.cookies.clear()
    assert form_login(client, username="admin", password=PASSWORD).headers["location"] == "/"


def test_a_social_workers_draft_log_is_counted_and_zero_reads_calmly(client, as_role):
    worker = as_role("social_worker")
    before = cards(client.get(WORKBENCH, headers=worker).text)["talent.logs_to_file"]
    day = (date.today() - timedelta(days=1)).isoformat()
    draft = client.post(f"/api/districts/{OWN}/talent/me/logs", headers=worker,
                        json={"day": day, "hours": 1, "kind": "走访", "summary": "工作台计数测试"})
    assert draft.status_code == 201, draft.text
    page = client.get(WORKBENCH, headers=worker).text
    assert cards(page)["talent.logs_to_file"] == before + 1
    # the page's to-do total counts things to do (the draft, findings), never hours still short
    listed = cards(page)
    pending = re.search(r'data-testid="workbench-pending">共有 (\d+) 项待办', page)
    assert pending and int(pending[1]) == listed["talent.logs_to_file"] + listed["supervision.findings_to_answer"]
    assert client.post(f"/api/districts/{OWN}/talent/me/logs/{draft.json()['id']}/submit",
                       headers=worker).status_code == 200
    after = client.get(WORKBENCH, headers=worker).text
    assert cards(after)["talent.logs_to_file"] == before
    resident = client.get(WORKBENCH, headers=as_role("resident")).text
    assert "暂无待办" not in resident.split('data-testid="todo-catalogue.near_me"')[1].split("</a>")[0]
    # a card with nothing waiting says so instead of a bare 0 in amber
    block = after.split('data-testid="todo-talent.logs_to_file"')[1].split("</a>")[0]
    assert ("暂无待办" in block) == (before == 0) and ('tag wait' in block) == (before > 0)


def test_a_new_flag_moves_the_supervisors_and_the_admins_count(client, as_role):
    supervisor, admin = as_role("supervisor"), as_role("district_admin")
    before = cards(client.get(WORKBENCH, headers=supervisor).text)["supervision.flags"]
    run(Flag.insert(Flag(district_code=OWN, dedupe=f"{OWN}:workbench-test", key="workbench-test", module="test",
                         rule="test.workbench", record_type="test", record_id="1", severity="high",
                         message="工作台测试预警", state="open")))
    try:
        page = client.get(WORKBENCH, headers=supervisor).text
        assert cards(page)["supervision.flags"] == before + 1
        assert 'tag bad' in page.split('data-testid="todo-supervision.flags"')[1].split("</a>")[0]
        assert cards(client.get(WORKBENCH, headers=admin).text)["supervision.flags"] == before + 1
    finally:
        run(Flag.delete().where(Flag.dedupe == f"{OWN}:workbench-test"))


def test_an_expiring_registration_is_counted_for_the_admin(client, as_role):
    admin = as_role("district_admin")
    before = cards(client.get(WORKBENCH, headers=admin).text)["talent.registration_due"]
    worker = run(SocialWorker.select(SocialWorker.id, SocialWorker.registration_expires).where(
        (SocialWorker.district_code == OWN) & (SocialWorker.status != "离岗")
        & (SocialWorker.registration_expires.is_null()
           | (SocialWorker.registration_expires > date.today() + timedelta(days=200)))).first())
    assert worker is not None
    run(SocialWorker.update({SocialWorker.registration_expires: date.today() + timedelta(days=10)}).where(
        SocialWorker.id == worker["id"]))
    try:
        assert cards(client.get(WORKBENCH, headers=admin).text)["talent.registration_due"] == before + 1
    finally:
        run(SocialWorker.update({SocialWorker.registration_expires: worker["registration_expires"]}).where(
            SocialWorker.id == worker["id"]))


def test_the_admins_import_card_tells_the_last_import(client, as_role, tokens, refs):
    """An import is checked and written at once (nothing waits half-done), so the card says when
    the last one ran and how many workers it wrote, in Beijing time, and leads to the import page."""
    admin = as_role("district_admin")
    rows = [record(refs, 姓名=f"工作台导入{i}") for i in range(3)]
    answer = upload(client, tokens, xlsx(rows))
    assert answer.status_code == 200, answer.text
    page = client.get(WORKBENCH, headers=admin).text
    assert cards(page)["talent.import"] == 3
    card = page.split('data-testid="todo-talent.import"')[1].split("</a>")[0]
    assert "新增 3 人" in card and f'/districts/{OWN}/talent/import' in page
    assert re.search(r"上次导入 \d{4}-\d\d-\d\d \d\d:\d\d", card) and "T" not in card.split("上次导入")[1][:20]


def test_an_application_shows_for_the_applicant_and_waits_for_the_admin(client, as_role):
    admin, resident = as_role("district_admin"), as_role("resident")
    base = client.post(f"/api/districts/{OWN}/incubation/bases", headers=admin, json={
        "name": "工作台测试孵化基地", "address": "武陵区人民路2号", "capacity": 5, "services": ["space"]})
    assert base.status_code == 201, base.text
    waiting = cards(client.get(WORKBENCH, headers=admin).text)["incubation.decisions"]
    mine = cards(client.get(WORKBENCH, headers=resident).text).get("incubation.my_applications", 0)
    applied = client.post(f"/api/districts/{OWN}/incubation/applications", headers=resident, json={
        "base_id": base.json()["id"], "name": "工作台测试互助队", "incubatee_type": "sprout", "fields": ["社区养老"],
        "members": [{"name": f"成员{i}", "role": "骨干", "retired": False} for i in range(3)],
        "intended_services": ["space"], "community_code": f"{OWN}001001", "plan": "每周两次上门陪伴独居老人",
        "contact_phone": "13912345678"})
    assert applied.status_code == 201, applied.text
    assert cards(client.get(WORKBENCH, headers=admin).text)["incubation.decisions"] == waiting + 1
    assert cards(client.get(WORKBENCH, headers=resident).text)["incubation.my_applications"] == mine + 1


def test_an_organisations_draft_service_is_counted_for_its_staff(client, as_role):
    staff = as_role("org_staff")
    org = next(r["organization_id"] for r in client.get("/api/me", headers=staff).json()["roles"]
               if r["organization_id"])
    before = cards(client.get(WORKBENCH, headers=staff).text)
    made = client.post(f"/api/districts/{OWN}/catalogue/services", headers=staff, json={
        "organization_id": org, "name": "工作台测试服务", "field": "社区养老"})
    assert made.status_code == 201, made.text
    after = cards(client.get(WORKBENCH, headers=staff).text)
    assert after["catalogue.drafts"] == before["catalogue.drafts"] + 1
    assert after["catalogue.published"] == before["catalogue.published"]


def test_another_districts_workbench_is_refused(client, as_role):
    for role in ("district_admin", "supervisor", "org_staff", "social_worker", "resident"):
        assert client.get(f"/districts/{OTHER}/workbench", headers=as_role(role)).status_code == 403, role
    assert client.get("/districts/999999/workbench", headers=as_role("district_admin")).status_code == 404
    assert client.get(WORKBENCH, headers={"accept": "application/json"}).status_code == 401
    # the city admin reaches every district of the city; a district without supervision shows none of it
    other = client.get(f"/districts/{OTHER}/workbench", headers=as_role("city_admin"))
    assert other.status_code == 200 and 'data-testid="section-supervision"' not in other.text


def test_the_city_view_compares_districts_with_their_widget_values(client, ctx, as_role):
    page = client.get(f"/cities/{CITY}", headers=as_role("city_admin"))
    assert page.status_code == 200 and 'data-testid="city-table"' in page.text
    assert f'href="/districts/{OWN}"' in page.text and f'href="/districts/{OTHER}"' in page.text

    def cell(row: str, code: str) -> str:
        found = re.search(rf'data-testid="cell-{re.escape(row)}-{code}">(.*?)</td>', page.text, re.S)
        assert found, (row, code)
        return re.sub(r"<[^>]+>", "", found.group(1)).strip()

    assert cell("population", OWN) == "600,000" and cell("population", OTHER) == "750,000"
    widgets = {(w.module, w.name): w for w in ctx.contributions.widgets}
    for module, name in (("talent", "workers"), ("catalogue", "published"), ("supervision", "open_flags"),
                         ("incubation", "incubating")):
        value = run(widgets[(module, name)].value(OWN))
        assert cell(f"{module}.{name}", OWN) == f"{value:,}", (module, name)
    assert cell("talent.workers", OTHER) == f"{run(widgets[('talent', 'workers')].value(OTHER)):,}"
    assert cell("supervision.open_flags", OTHER) == "未启用"  # 鼎城区 has not enabled supervision
    assert cell("incubation.incubating", OTHER) == "未启用"


def test_the_city_view_is_for_that_citys_admins_only(client, as_role):
    assert client.get(f"/cities/{CITY}", headers=as_role("platform_admin")).status_code == 200
    for role in ("district_admin", "supervisor", "resident"):
        assert client.get(f"/cities/{CITY}", headers=as_role(role)).status_code == 403, role
    stranger = _token("city-admin-430100", [{"role": "city_admin", "city_code": "430100"}])
    assert client.get(f"/cities/{CITY}", headers=stranger).status_code == 403
    assert client.get("/cities/999900", headers=as_role("city_admin")).status_code == 404


def test_the_portal_home_searches_first_then_fields_then_districts(client):
    page = client.get("/").text
    search, tiles, districts = (page.index('data-testid="portal-search"'), page.index('data-testid="portal-tiles"'),
                                page.index(f'data-testid="district-{OWN}"'))
    assert search < tiles < districts
    assert re.search(r'<form method="get" action="/services"[^>]*>', page) and 'name="q"' in page
    assert 'href="/services?field=%E7%A4%BE%E5%8C%BA%E5%85%BB%E8%80%81"' in page  # 社区养老
    assert client.get("/services", params={"q": "养老"}).status_code == 200
    hits = client.get("/api/search/services", params={"q": "养老"}).json()
    assert hits["total"] > 0
    by_field = client.get("/api/search/services", params={"field": "社区养老"}).json()
    assert by_field["total"] > 0 and all(h["field"] == "社区养老" for h in by_field["hits"])
    client.cookies.set("sanshe_lang", "en")
    english = client.get("/").text
    assert "Find a service" in english and "Community elderly care" in english


def test_the_portal_offers_the_search_only_where_a_district_enables_the_catalogue(client, as_role):
    platform = as_role("platform_admin")
    for code in (OWN, OTHER):
        assert client.put(f"/api/districts/{code}/modules/catalogue", json={"enabled": False},
                          headers=platform).status_code == 200
    try:
        page = client.get("/").text
        assert 'data-testid="portal-search"' not in page and 'data-testid="portal-tiles"' not in page
        assert f'data-testid="district-{OWN}"' in page and "<h1>常德市" in page  # the districts remain
    finally:
        for code in (OWN, OTHER):
            client.put(f"/api/districts/{code}/modules/catalogue", json={"enabled": True}, headers=platform)
    assert 'data-testid="portal-search"' in client.get("/").text
