"""Supervision pages through the real app: a big campaign's records paged and filtered by
state, several records judged 合格 in one all-or-none request (each audited, refusals naming
the record), the new-campaign form picking its scope by name, and the audit trail in words."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from core import db
from core.codes import make_id_number
from core.tables import AuditEvent, Organization
from plugins.supervision.tables import SampleItem
from plugins.talent.services import upsert_worker
from plugins.talent.tables import ServiceLog
from tests.conftest import OTHER, OWN, run

API = f"/api/districts/{OWN}/supervision"
PAGE = f"/districts/{OWN}/supervision"
START, END = date(2017, 1, 1), date(2017, 6, 30)
WORKER_NAME = "翻页测试社工"
LOGS = 45


async def _prepare() -> dict:
    """A worker of the demo's first organisation with 45 submitted 2017 logs nobody else uses."""
    async with db.write_transaction():
        org = await Organization.select(Organization.id, Organization.name).where(
            Organization.district_code == OWN).order_by(Organization.id).first()
        person = {"name": WORKER_NAME, "id_number": make_id_number(OWN, date(1988, 5, 6), 913)}
        worker = (await upsert_worker(OWN, "test", person, {
            "post_type": "机构社工", "education": "本科", "status": "在岗", "employer_org_id": org["id"]}))[0]
        if not await ServiceLog.count().where((ServiceLog.day >= START) & (ServiceLog.day <= END)):
            await ServiceLog.insert(*[ServiceLog(
                worker=worker, district_code=OWN, day=date(2017, 1 + i % 6, 1 + i % 28), hours=2, kind="个案",
                summary=f"2017年入户走访第{i + 1}次", state="submitted",
                submitted_at=datetime(2017, 7, 1, tzinfo=timezone.utc)) for i in range(LOGS)])
    return {"worker": worker, "org": org["id"], "org_name": org["name"]}


@pytest.fixture(scope="module")
def prepared(ctx):
    return run(_prepare())


def _campaign(client, headers, **overrides) -> dict:
    body = {"title": "2017年上半年服务记录抽查", "source": "talent.service_logs", "period_start": str(START),
            "period_end": str(END), "sampling": "count", "sample_size": LOGS, **overrides}
    created = client.post(f"{API}/campaigns", json=body, headers=headers)
    assert created.status_code == 201, created.text
    sampled = client.post(f"{API}/campaigns/{created.json()['id']}/sample", headers=headers)
    assert sampled.status_code == 200, sampled.text
    return sampled.json()


def _item_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-testid="item" data-id="(\d+)"', html)]


def _pending(campaign_id: int) -> list[int]:
    return [r["id"] for r in run(SampleItem.select(SampleItem.id).where(
        (SampleItem.campaign == campaign_id) & (SampleItem.state == "pending")).order_by(SampleItem.id))]


def test_campaign_page_shows_twenty_records_a_page(client, as_role, prepared):
    headers = as_role("supervisor")
    campaign = _campaign(client, headers)
    first = client.get(f"{PAGE}/campaigns/{campaign['id']}", headers=headers)
    assert first.status_code == 200
    assert len(_item_ids(first.text)) == 20
    assert "第 1–20 条，共 45 条" in first.text and "第 1 / 3 页" in first.text
    assert f'href="{PAGE}/campaigns/{campaign["id"]}?page=2"' in first.text
    last = client.get(f"{PAGE}/campaigns/{campaign['id']}?page=3", headers=headers)
    assert len(_item_ids(last.text)) == 5 and not set(_item_ids(last.text)) & set(_item_ids(first.text))
    beyond = client.get(f"{PAGE}/campaigns/{campaign['id']}?page=9", headers=headers)
    assert _item_ids(beyond.text) == _item_ids(last.text)  # past the end: the last page
    # every record is named: source, record number, worker, day
    assert re.search(rf"社工服务记录 #\d+ · {WORKER_NAME} · 2017-\d\d-\d\d", first.text)
    assert client.get(f"{PAGE}/campaigns/{campaign['id']}?page=0", headers=headers).status_code == 400


def test_only_the_records_shown_are_logged_as_read(client, as_role, prepared):
    headers = as_role("supervisor")
    campaign = _campaign(client, headers, title="只记录所见")
    client.get(f"{PAGE}/campaigns/{campaign['id']}?page=2", headers=headers)
    event = run(AuditEvent.select().where((AuditEvent.entity == "supervision_campaign") & (
        AuditEvent.entity_id == str(campaign["id"])) & (AuditEvent.action == "read")).first())
    assert event is not None and WORKER_NAME not in event["after"]  # ids only, never names


def test_filter_by_state_and_paging_keeps_the_filter(client, as_role, prepared):
    headers = as_role("supervisor")
    campaign = _campaign(client, headers, title="按状态筛选")
    ids = _pending(campaign["id"])
    judged = client.post(f"{API}/campaigns/{campaign['id']}/verdicts", json={"item_ids": ids[:3]}, headers=headers)
    assert judged.status_code == 200, judged.text
    passed = client.get(f"{PAGE}/campaigns/{campaign['id']}?show=passed", headers=headers)
    assert _item_ids(passed.text) == ids[:3]
    assert 'data-filter="passed"' in passed.text and "合格 3" in passed.text and "待评定 42" in passed.text
    pending = client.get(f"{PAGE}/campaigns/{campaign['id']}?show=pending", headers=headers)
    assert _item_ids(pending.text) == ids[3:23]
    assert '?page=2&amp;show=pending"' in pending.text  # the paging link keeps the filter
    page3 = client.get(f"{PAGE}/campaigns/{campaign['id']}?show=pending&page=3", headers=headers)
    assert _item_ids(page3.text) == ids[43:]
    nonsense = client.get(f"{PAGE}/campaigns/{campaign['id']}?show=nonsense", headers=headers)
    assert len(_item_ids(nonsense.text)) == 20  # an unknown filter shows everything


def test_bulk_verdict_judges_all_audits_each(client, as_role, prepared):
    headers = as_role("supervisor")
    campaign = _campaign(client, headers, title="批量评定")
    ids = _pending(campaign["id"])[20:25]  # page 2
    before = run(AuditEvent.count().where(AuditEvent.action == "verdict"))
    answer = client.post(f"{API}/campaigns/{campaign['id']}/verdicts",
                         json={"item_ids": ids, "verdict": "合格"}, headers=headers)
    assert answer.status_code == 200, answer.text
    assert [(r["id"], r["verdict"], r["state"]) for r in answer.json()] == [(i, "合格", "open") for i in ids]
    events = run(AuditEvent.select(AuditEvent.entity_id).where(
        (AuditEvent.action == "verdict") & (AuditEvent.entity == "supervision_item")).order_by(
        AuditEvent.seq, ascending=False).limit(len(ids)))
    assert sorted(int(e["entity_id"]) for e in events) == ids
    assert run(AuditEvent.count().where(AuditEvent.action == "verdict")) == before + len(ids)


def test_bulk_verdict_is_all_or_none_and_names_each_refused_record(client, as_role, prepared):
    headers = as_role("supervisor")
    campaign = _campaign(client, headers, title="批量评定失败")
    other = _campaign(client, headers, title="另一抽查")
    ids = _pending(campaign["id"])
    client.post(f"{API}/items/{ids[0]}/verdict", json={"verdict": "合格"}, headers=headers)
    foreign = _pending(other["id"])[0]
    answer = client.post(f"{API}/campaigns/{campaign['id']}/verdicts",
                         json={"item_ids": [ids[0], ids[1], ids[2], foreign]}, headers=headers)
    assert answer.status_code == 422, answer.text
    fields = {e["field"]: e["message"] for e in answer.json()["errors"]}
    assert set(fields) == {f"items.{ids[0]}", f"items.{foreign}"}
    assert "已评定过" in fields[f"items.{ids[0]}"] and "不属于本次抽查" in fields[f"items.{foreign}"]
    assert ids[1] in _pending(campaign["id"]) and ids[2] in _pending(campaign["id"])  # nothing saved
    # a verdict other than 合格 needs the finding; an empty selection is refused
    doubtful = client.post(f"{API}/campaigns/{campaign['id']}/verdicts",
                           json={"item_ids": [ids[1]], "verdict": "不合格"}, headers=headers)
    assert doubtful.status_code == 422 and doubtful.json()["errors"][0]["field"] == "finding"
    empty = client.post(f"{API}/campaigns/{campaign['id']}/verdicts", json={"item_ids": []}, headers=headers)
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "item_ids"


def test_bulk_verdict_access(client, as_role, prepared, tokens):
    headers = as_role("supervisor")
    campaign = _campaign(client, headers, title="权限")
    ids = _pending(campaign["id"])[:2]
    for role in ("district_admin", "social_worker", "resident"):
        answer = client.post(f"{API}/campaigns/{campaign['id']}/verdicts", json={"item_ids": ids},
                             headers=as_role(role))
        assert answer.status_code == 403, (role, answer.text)
    elsewhere = client.post(f"/api/districts/{OTHER}/supervision/campaigns/{campaign['id']}/verdicts",
                            json={"item_ids": ids}, headers=headers)
    assert elsewhere.status_code in (403, 404)
    assert _pending(campaign["id"])[:2] == ids


def test_scope_candidates_by_name(client, as_role, prepared):
    headers = as_role("supervisor")
    period = {"source": "talent.service_logs", "period_start": str(START), "period_end": str(END)}
    workers = client.get(f"{API}/scope-candidates", params={"scope": "worker", "q": "翻页测试", **period},
                         headers=headers)
    assert workers.status_code == 200, workers.text
    assert [(w["id"], w["name"]) for w in workers.json()] == [(prepared["worker"], WORKER_NAME)]
    assert f"期间内{LOGS}条记录" in workers.json()[0]["detail"]
    part = prepared["org_name"][-6:]
    orgs = client.get(f"{API}/scope-candidates", params={"scope": "organization", "q": part, **period},
                      headers=headers).json()
    assert prepared["org"] in [o["id"] for o in orgs]
    nobody = client.get(f"{API}/scope-candidates", params={"scope": "worker", "q": "不存在的名字", **period},
                        headers=headers)
    assert nobody.json() == []
    assert client.get(f"{API}/scope-candidates", params={"scope": "worker", "q": "翻页"},
                      headers=as_role("resident")).status_code == 403


def test_new_campaign_form_defaults_to_service_logs_and_scope_by_name(client, as_role, prepared):
    headers = as_role("supervisor")
    home = client.get(PAGE, headers=headers)
    assert home.status_code == 200
    assert re.search(r'<option value="talent\.service_logs"\s+selected>社工服务记录</option>', home.text)
    assert 'type="number" name="scope_id"' not in home.text and 'id="scope-q"' in home.text
    scoped = _campaign(client, headers, title="按社工抽查", scope="worker", scope_id=prepared["worker"])
    page = client.get(f"{PAGE}/campaigns/{scoped['id']}", headers=headers)
    assert f"指定社工：{WORKER_NAME}" in page.text
    by_org = _campaign(client, headers, title="按机构抽查", scope="organization", scope_id=prepared["org"])
    page = client.get(f"{PAGE}/campaigns/{by_org['id']}", headers=headers)
    assert f"指定机构：{prepared['org_name']}" in page.text


def _events_table(html: str) -> str:
    return html[html.index('data-testid="audit-events"'):html.index("</table>")]


def test_audit_trail_reads_in_words(client, as_role, prepared):
    headers = as_role("supervisor")
    campaign = _campaign(client, headers, title="审计追溯用词")
    ids = _pending(campaign["id"])
    client.post(f"{API}/campaigns/{campaign['id']}/verdicts", json={"item_ids": ids[:2]}, headers=headers)
    client.post(f"{API}/items/{ids[2]}/verdict", json={"verdict": "不合格", "finding": "缺少服务对象签字"},
                headers=headers)
    page = client.get(f"{PAGE}/audit", headers=as_role("district_admin"))
    assert page.status_code == 200
    table = _events_table(page.text)
    assert "{" not in table and "\\u" not in table and '"state"' not in table
    assert "评定" in table and "抽查记录 #" in table
    assert "状态</span>：待评定 → 待回复" in table and "评定结果</span>：合格" in table
    assert "发现的问题</span>：缺少服务对象签字" in table
    assert re.search(rf"抽查记录 #{ids[2]} · 社工服务记录 #\d+ · {WORKER_NAME} · 2017-\d\d-\d\d", table)
    assert "抽样" in table and f"抽查 #{campaign['id']} · 审计追溯用词" in table
    assert "区县监管员" in table or "监管" in table  # the actor by display name
    # the entity filter offers labels, and filtering by one keeps to it
    assert '<option value="supervision_item"' in page.text and ">抽查记录</option>" in page.text
    only = client.get(f"{PAGE}/audit", params={"entity": "person"}, headers=as_role("district_admin"))
    table = _events_table(only.text)
    assert "人员 #" in table and "{" not in table and "\\u" not in table


def test_audit_trail_names_registry_records_and_values(client, as_role, prepared):
    page = client.get(f"{PAGE}/audit", params={"entity": "organization"}, headers=as_role("district_admin"))
    table = _events_table(page.text)
    assert "社会组织 #" in table and "新建" in table
    assert "组织类型</span>：" in table and "social_service_institution" not in table
    other = client.get(f"/districts/{OTHER}/supervision/audit", headers=as_role("district_admin"))
    assert other.status_code in (403, 404)


def test_audit_trail_survives_ids_no_database_can_hold(client, as_role):
    """An event naming a person id past 64 bits (another test's payload) must not turn the trail
    into a 400: such an id is shown as written, never looked up."""
    from core import audit

    async def add():
        async with db.write_transaction():
            await audit.record(actor="test", action="read", entity="person", entity_id="1", district_code=OWN,
                               after={"person_id": 2**64, "persons": [2**70, -1]})
    run(add())
    page = client.get(f"{PAGE}/audit", params={"entity": "person"}, headers=as_role("district_admin"))
    assert page.status_code == 200
    assert f"人员 #{2**64}" in _events_table(page.text)


def test_a_settings_change_reads_key_by_key_in_the_trail(client, as_role):
    """Saving a module's settings is audited as 修改模块设置, and the trail names each changed
    setting by its label ("设置 · 评估等级有效期（年）：5 → 7"), never the settings as one lump."""
    admin = as_role("district_admin")
    url = f"/api/districts/{OWN}/modules/supervision"
    years = client.put(url, json={"enabled": True}, headers=admin).json()["settings"]["grade_valid_years"]
    changed = 7 if years != 7 else 6
    try:
        assert client.put(url, json={"enabled": True, "settings": {"grade_valid_years": changed}},
                          headers=admin).status_code == 200
        page = client.get(f"{PAGE}/audit", params={"entity": "district_module"}, headers=admin)
        table = _events_table(page.text)
        assert "修改模块设置" in table and "功能模块 · 监管" in table
        assert f"设置 · 评估等级有效期（年）</span>：{years} → {changed}" in table
        assert "grade_valid_years" not in table and "{" not in table
    finally:
        client.put(url, json={"enabled": True, "settings": {"grade_valid_years": years}}, headers=admin)


def test_the_trail_filters_by_beijing_days_both_ends_included(client, as_role):
    """People pick days in Beijing time; the log stores UTC. 自 2026-11-30 starts at 16:00 UTC the
    day before, 至 2026-11-30 includes that whole Beijing day; a malformed day is a field error."""
    from core import audit
    from core.dates import BEIJING
    from plugins.supervision.routes.trail import _day_bound

    assert _day_bound("2026-11-30", "since") == "2026-11-29T16:00:00+00:00"
    assert _day_bound("2026-11-30", "until", next_day=True) == "2026-11-30T16:00:00+00:00"
    assert _day_bound("0001-01-01", "since") is None and _day_bound("9999-12-31", "until", next_day=True) is None

    async def add():
        async with db.write_transaction():
            await audit.record(actor="test", action="update", entity="community", entity_id="按日筛选",
                               district_code=OWN, after={"name": "按北京日期筛选的事件"})
        return await AuditEvent.select(AuditEvent.at).where(AuditEvent.entity_id == "按日筛选").order_by(
            AuditEvent.seq, ascending=False).first()
    at = datetime.fromisoformat(run(add())["at"]).astimezone(BEIJING).date()
    admin = as_role("district_admin")

    def shown(**days) -> bool:
        page = client.get(f"{PAGE}/audit", params={"entity": "community", **days}, headers=admin)
        assert page.status_code == 200
        return "按北京日期筛选的事件" in _events_table(page.text)
    assert shown(since=at.isoformat(), until=at.isoformat())
    assert not shown(until=date.fromordinal(at.toordinal() - 1).isoformat())
    assert not shown(since=date.fromordinal(at.toordinal() + 1).isoformat())
    bad = client.get(f"{PAGE}/audit", params={"since": "2026-13-01"}, headers=admin)
    assert bad.status_code == 422 and bad.json()["errors"] == [{"field": "since", "message": "日期格式应为 YYYY-MM-DD"}]
    page = client.get(f"{PAGE}/audit", params={"since": "2026-13-01"}, headers={**admin, "Accept": "text/html"})
    assert page.status_code == 422 and 'data-testid="error-page"' in page.text  # a browser gets a page, in words
    assert "日期格式应为 YYYY-MM-DD" in page.text and "since" not in page.text.split('data-testid="error-page"')[1]
