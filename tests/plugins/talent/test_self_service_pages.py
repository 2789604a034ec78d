"""Social-worker self-service pages through the real app: "我的档案" shows the worker's own
profile (identity masked), registration state and CE hours against the rule; a log goes from
draft to submitted and a CE record lowers the hours left; organisation staff list only their own
organisation's workers and open the same view read-only; nobody opens anyone else's."""

from __future__ import annotations

import re
from datetime import date

import pytest

from core import db
from core.codes import make_id_number
from core.tables import Organization, User
from plugins.talent.services import upsert_worker
from plugins.talent.tables import ServiceLog, SocialWorker
from tests.conftest import OTHER, OWN, bearer, login, run

PAGE = f"/districts/{OWN}/talent"
API = f"/api/districts/{OWN}/talent"
HTML = {"Accept": "text/html"}


async def _prepare() -> dict:
    """A worker of the org user's organisation, one of another organisation, and the demo worker's id."""
    async with db.write_transaction():
        orgs = await Organization.select(Organization.id).where(Organization.district_code == OWN).order_by(
            Organization.id).limit(2)
        ours = (await upsert_worker(OWN, "test", {"name": "本机构测试社工", "id_number": make_id_number(
            OWN, date(1990, 3, 4), 915), "phone": "13912345678"}, {
            "post_type": "机构社工", "education": "本科", "status": "在岗", "employer_org_id": orgs[0]["id"]}))[0]
        theirs = (await upsert_worker(OWN, "test", {"name": "他机构测试社工", "id_number": make_id_number(
            OWN, date(1991, 5, 6), 917)}, {
            "post_type": "机构社工", "education": "本科", "status": "在岗", "employer_org_id": orgs[1]["id"]}))[0]
        await ServiceLog.insert(ServiceLog(worker=ours, district_code=OWN, day=date(2019, 4, 2), hours=2, kind="个案",
                                           summary="本机构社工的个案记录", state="submitted"))
    user = await User.select(User.person_id).where(User.username == f"{OWN}-worker").first()
    me = await SocialWorker.select(SocialWorker.id).where(SocialWorker.person_id == user["person_id"]).first()
    return {"ours": ours, "theirs": theirs, "me": me["id"]}


@pytest.fixture(scope="module")
def prepared(ctx):
    return run(_prepare())


def _ce_left(html: str) -> float:
    found = re.search(r'data-testid="ce-left-hours"[^>]*>([\d.]+)<', html)
    assert found, "the page shows the hours left"
    return float(found.group(1))


def test_my_page_shows_my_masked_profile_registration_and_hours(client, prepared):
    login(client, f"{OWN}-worker")
    home = client.get(f"/districts/{OWN}", headers=HTML)
    assert f'href="{PAGE}/me"' in home.text and "我的档案" in home.text  # the nav item
    assert f'href="{PAGE}/staff"' not in home.text
    page = client.get(f"{PAGE}/me", headers=HTML)
    assert page.status_code == 200, page.text
    id_number = re.search(r'data-testid="id-number">([^<]+)<', page.text).group(1)
    assert "*" in id_number and len(id_number) == 18
    assert "****" in re.search(r'data-testid="phone">([^<]+)<', page.text).group(1)
    assert 'data-testid="registration-state">登记：有效' in page.text  # registered 400 days ago: valid
    assert 'data-testid="ce-required">72<' in page.text  # 助理社会工作师: 72 hours in three years
    assert _ce_left(page.text) >= 0
    assert f'href="/districts/{OWN}/supervision/findings"' in page.text  # findings: a link, never an import
    assert '<script src="/static/talent/me.js">' in page.text
    assert client.get("/static/talent/me.js").status_code == 200
    english = client.get(f"{PAGE}/me?lang=en", headers=HTML)
    assert english.status_code == 200 and "Continuing education" in english.text and "Service logs" in english.text


def test_a_log_goes_from_draft_to_submitted_and_can_then_only_be_corrected(client, prepared):
    login(client, f"{OWN}-worker")
    day = date.today().isoformat()
    draft = client.post(f"{API}/me/logs", json={"day": day, "hours": 1.5, "kind": "走访", "summary": "页面测试走访"})
    assert draft.status_code == 201, draft.text
    log_id = draft.json()["id"]
    page = client.get(f"{PAGE}/me", headers=HTML).text
    item = re.search(rf'data-testid="log" data-id="{log_id}" data-state="(\w+)">(.*?)</li>', page, re.DOTALL)
    assert item and item.group(1) == "draft" and "草稿" in item.group(2)
    assert f'data-submit="{log_id}"' in page and f'data-edit="{log_id}"' in page
    assert client.post(f"{API}/me/logs/{log_id}/submit").status_code == 200
    page = client.get(f"{PAGE}/me", headers=HTML).text
    item = re.search(rf'data-testid="log" data-id="{log_id}" data-state="(\w+)">(.*?)</li>', page, re.DOTALL)
    assert item.group(1) == "submitted" and "已提交" in item.group(2)
    assert f'data-submit="{log_id}"' not in page and f'data-correct="{log_id}"' in page
    fixed = client.post(f"{API}/me/logs/{log_id}/correction", json={
        "day": day, "hours": 2, "kind": "走访", "summary": "页面测试走访（更正）", "reason": "时长记错"})
    assert fixed.status_code == 201, fixed.text
    page = client.get(f"{PAGE}/me", headers=HTML).text
    assert re.search(rf'data-id="{log_id}" data-state="superseded"', page)
    assert re.search(rf'data-id="{fixed.json()["id"]}" data-state="submitted"', page) and "时长记错" in page


def test_a_training_record_lowers_the_hours_left(client, prepared):
    login(client, f"{OWN}-worker")
    before = _ce_left(client.get(f"{PAGE}/me", headers=HTML).text)
    assert before >= 3, "the demo worker is short of hours"
    added = client.post(f"{API}/me/education", json={"day": date.today().isoformat(), "provider": "区民政局",
                                                       "title": "页面测试培训", "hours": 3})
    assert added.status_code == 201, added.text
    page = client.get(f"{PAGE}/me", headers=HTML).text
    assert _ce_left(page) == before - 3
    assert "页面测试培训" in page


def test_a_field_error_names_the_field_the_page_labels(client, prepared):
    login(client, f"{OWN}-worker")
    page = client.get(f"{PAGE}/me", headers=HTML).text
    fields = set()
    for body in ({"day": "2999-01-01", "hours": 2, "kind": "走访"}, {"day": "2020-01-01", "hours": 30, "kind": "走访"}):
        bad = client.post(f"{API}/me/logs", json=body)
        assert bad.status_code in (400, 422), bad.text  # 400: the shape (msgspec), 422: the rules
        fields |= {e["field"] for e in bad.json()["errors"]}
    assert fields == {"day", "hours"}
    for field in fields:  # each field the API names is a control inside a <label> on the page
        assert re.search(rf'<label>[^<]+\s*<input[^>]*name="{field}"', page), field


def test_org_staff_see_only_their_own_organisations_workers(client, prepared):
    login(client, f"{OWN}-org")
    home = client.get(f"/districts/{OWN}", headers=HTML)
    assert f'href="{PAGE}/staff"' in home.text and f'href="{PAGE}/me"' not in home.text
    listing = client.get(f"{PAGE}/staff", headers=HTML)
    assert listing.status_code == 200
    ids = {int(x) for x in re.findall(r'data-testid="staff-worker" data-id="(\d+)"', listing.text)}
    assert prepared["ours"] in ids and prepared["theirs"] not in ids and prepared["me"] not in ids
    view = client.get(f"{PAGE}/staff/{prepared['ours']}", headers=HTML)
    assert view.status_code == 200 and "本机构测试社工" in view.text and "本机构社工的个案记录" in view.text
    assert "139****5678" in view.text and "13912345678" not in view.text
    assert 'id="log-form"' not in view.text and "me.js" not in view.text  # read-only: staff may not write
    assert client.get(f"{PAGE}/staff/{prepared['theirs']}", headers=HTML).status_code == 404
    assert client.get(f"{PAGE}/staff/{prepared['me']}", headers=HTML).status_code == 404
    api = client.get(f"{API}/staff")
    assert api.status_code == 200
    assert prepared["ours"] in {w["id"] for w in api.json()} and prepared["theirs"] not in {w["id"] for w in api.json()}
    detail = client.get(f"{API}/staff/{prepared['ours']}")
    assert detail.status_code == 200 and detail.json()["logs"][0]["summary"] == "本机构社工的个案记录"
    assert client.get(f"{API}/staff/{prepared['theirs']}").status_code == 404
    assert client.get(f"/districts/{OTHER}/talent/staff", headers=HTML).status_code in (403, 404)
    assert client.get(f"/api/districts/{OTHER}/talent/staff").status_code == 403
    assert client.get(f"{PAGE}/me", headers=HTML).status_code == 403  # not a social worker


def test_a_worker_cannot_open_another_workers_page(client, tokens, prepared):
    login(client, f"{OWN}-worker")
    assert client.get(f"{PAGE}/staff/{prepared['ours']}", headers=HTML).status_code == 403
    assert client.get(f"{PAGE}/staff", headers=HTML).status_code == 403
    assert client.get(f"{API}/staff/{prepared['ours']}").status_code == 403
    assert client.get(f"/districts/{OTHER}/talent/me", headers=HTML).status_code in (403, 404)
    theirs = run(ServiceLog.select(ServiceLog.id).where(ServiceLog.worker == prepared["ours"]).first())["id"]
    assert client.post(f"{API}/me/logs/{theirs}/submit").status_code == 404
    # A district admin reads every worker through the roster, not through the self-service view.
    assert client.get(f"{API}/staff", headers=bearer(tokens["district_admin"])).status_code == 403
