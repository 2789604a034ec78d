"""Audit campaigns through the real app: reproducible sampling, the whole flow from
draft to closed report, illegal moves refused, evidence checks, who may see and answer
what, and supervisors' reads of personal data in the audit log."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from core import db
from core.codes import make_id_number
from core.tables import AuditEvent, Organization, User
from plugins.supervision import campaigns
from plugins.supervision.tables import Campaign, Evidence, SampleItem
from plugins.talent.services import upsert_worker
from plugins.talent.tables import ServiceLog, SocialWorker
from tests.conftest import OTHER, OWN, bearer_for, login, run

API = f"/api/districts/{OWN}/supervision"
START, END = date(2019, 1, 1), date(2019, 3, 31)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def _prepare() -> dict:
    """Two workers with 2019 logs nobody else uses: the demo worker (who can log in) with
    10 submitted logs, and a worker of the demo organisation with 20; plus drafts."""
    async with db.write_transaction():
        user = await User.select(User.person_id).where(User.username == f"{OWN}-worker").first()
        own = await SocialWorker.select(SocialWorker.id).where(SocialWorker.person_id == user["person_id"]).first()
        org = await Organization.select(Organization.id).where(Organization.district_code == OWN).order_by(
            Organization.id).first()
        person = {"name": "抽查对象", "id_number": make_id_number(OWN, date(1985, 3, 3), 771)}
        other = (await upsert_worker(OWN, "test", person, {
            "post_type": "机构社工", "education": "本科", "status": "在岗", "employer_org_id": org["id"]}))[0]
        existing = await ServiceLog.count().where((ServiceLog.day >= START) & (ServiceLog.day <= END))
        if not existing:
            logs = []
            for i in range(30):
                worker = own["id"] if i < 10 else other
                logs.append(ServiceLog(worker=worker, district_code=OWN, day=date(2019, 1 + i % 3, 1 + i % 28), hours=2,
                                       kind="个案", summary=f"2019年上门探访第{i + 1}次", state="submitted",
                                       submitted_at=datetime(2019, 4, 1, tzinfo=timezone.utc)))
            logs.append(ServiceLog(worker=other, district_code=OWN, day=date(2019, 2, 2), hours=1, kind="个案",
                                   summary="草稿", state="draft"))
            await ServiceLog.insert(*logs)
    return {"own_worker": own["id"], "org_worker": other, "org": org["id"]}


@pytest.fixture(scope="module")
def prepared(ctx):
    return run(_prepare())


def _create(client, headers, **overrides) -> dict:
    body = {"title": "2019年一季度服务记录抽查", "source": "talent.service_logs", "period_start": str(START),
            "period_end": str(END), "sampling": "percent", "sample_size": 25, **overrides}
    response = client.post(f"{API}/campaigns", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def _sampled_ids(client, headers, campaign_id) -> list[str]:
    response = client.post(f"{API}/campaigns/{campaign_id}/sample", headers=headers)
    assert response.status_code == 200, response.text
    return [i["record_id"] for i in client.get(f"{API}/campaigns/{campaign_id}", headers=headers).json()["items"]]


HOSTILE_ANSWER = '=HYPERLINK("http://evil.example/x","照片已补充")'


def test_draw_sizes_and_order():
    records = [{"id": i} for i in range(1, 41)]
    assert len(campaigns.draw(records, "percent", 25, 7)) == 10
    assert len(campaigns.draw(records, "percent", 1, 7)) == 1  # rounds up: never an empty sample
    assert len(campaigns.draw(records, "count", 100, 7)) == 40
    drawn = campaigns.draw(records, "count", 5, 7)
    assert [r["id"] for r in drawn] == sorted(r["id"] for r in drawn)
    assert campaigns.draw(records, "flagged", 0, 7) == records


def test_same_seed_same_sample_other_seed_other_sample(client, as_role, prepared):
    headers = as_role("supervisor")
    first = _create(client, headers, seed=20190101)
    second = _create(client, headers, seed=20190101)
    third = _create(client, headers, seed=424242)
    a, b, c = (_sampled_ids(client, headers, x["id"]) for x in (first, second, third))
    assert len(a) == 8 and a == b  # 25 % of the 30 submitted logs (drafts excluded), rounded up
    assert sorted(a) != sorted(c)
    redraw = client.get(f"{API}/campaigns/{first['id']}/redraw", headers=headers).json()
    assert redraw["same"] is True and redraw["population"] == 30 and sorted(redraw["drawn"]) == sorted(a)


def test_scope_limits_the_population(client, as_role, prepared):
    headers = as_role("supervisor")
    by_org = _create(client, headers, scope="organization", scope_id=prepared["org"], sampling="count",
                     sample_size=100)
    ids = _sampled_ids(client, headers, by_org["id"])
    assert len(ids) == 20
    by_worker = _create(client, headers, scope="worker", scope_id=prepared["own_worker"], sampling="count",
                        sample_size=3)
    items = client.post(f"{API}/campaigns/{by_worker['id']}/sample", headers=headers).json()
    assert items["population"] == 10


def test_bad_campaigns_get_field_errors(client, as_role, prepared):
    headers = as_role("supervisor")
    cases = [({"source": "nope"}, "source"), ({"period_end": "2018-12-31"}, "period_end"),
             ({"sampling": "percent", "sample_size": 0}, "sample_size"), ({"scope": "organization"}, "scope_id"),
             ({"scope": "organization", "scope_id": 999999}, "scope_id"), ({"sampling": "count", "sample_size": 2.5},
                                                                           "sample_size")]
    before = run(Campaign.count())
    for change, field in cases:
        body = {"title": "x", "source": "talent.service_logs", "period_start": str(START), "period_end": str(END),
                **change}
        response = client.post(f"{API}/campaigns", json=body, headers=headers)
        assert response.status_code == 422, (change, response.text)
        assert field in [e["field"] for e in response.json()["errors"]], (change, response.json())
    assert run(Campaign.count()) == before
    empty = _create(client, headers, period_start="2010-01-01", period_end="2010-12-31")
    response = client.post(f"{API}/campaigns/{empty['id']}/sample", headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "empty_sample"
    assert run(Campaign.select(Campaign.state).where(Campaign.id == empty["id"]).first())["state"] == "draft"


def test_campaign_from_sample_to_closed_report(client, as_role, prepared):
    sup, worker, org = as_role("supervisor"), as_role("social_worker"), as_role("org_staff")
    campaign = _create(client, sup, title="全流程抽查", sampling="count", sample_size=30, seed=5)
    client.post(f"{API}/campaigns/{campaign['id']}/sample", headers=sup)
    items = client.get(f"{API}/campaigns/{campaign['id']}", headers=sup).json()["items"]
    assert len(items) == 30 and {i["state"] for i in items} == {"pending"}
    mine = next(i for i in items if i["subject"] == prepared["own_worker"])
    theirs = next(i for i in items if i["subject"] == prepared["org_worker"])
    # Findings are not shown to the worker before a verdict.
    assert mine["id"] not in {f["id"] for f in client.get(f"{API}/findings", headers=worker).json()}

    verdict = client.post(f"{API}/items/{mine['id']}/verdict", headers=sup,
                          json={"verdict": "不合格", "finding": "服务对象签名缺失，时长与活动记录不符"})
    assert verdict.status_code == 200 and verdict.json()["state"] == "open"
    client.post(f"{API}/items/{theirs['id']}/verdict", headers=sup, json={"verdict": "存疑", "finding": "需补充照片"})
    for other in items:
        if other["id"] not in (mine["id"], theirs["id"]):
            assert client.post(f"{API}/items/{other['id']}/verdict", headers=sup,
                               json={"verdict": "合格"}).status_code == 200
            assert client.post(f"{API}/items/{other['id']}/close", headers=sup, json={}).status_code == 200

    # The worker sees only the finding about themself and answers it with evidence.
    seen = [f for f in client.get(f"{API}/findings", headers=worker).json() if f["campaign"] == campaign["id"]]
    assert {f["subject"] for f in seen} == {prepared["own_worker"]}  # only records about themself
    assert len(seen) == 10 and [f["id"] for f in seen if f["state"] == "open"] == [mine["id"]]
    answer = client.post(f"{API}/items/{mine['id']}/answer", headers=worker,
                         json={"response": "已补签名，时长按活动签到表更正"})
    assert answer.status_code == 200 and answer.json()["state"] == "answered"
    upload = client.post(f"{API}/items/{mine['id']}/evidence", headers=worker,
                         files={"file": ("签到表.png", PNG, "image/png")})
    assert upload.status_code == 201, upload.text
    evidence_id = upload.json()["id"]
    assert client.get(f"{API}/evidence/{evidence_id}", headers=sup).content == PNG
    # The organisation answers for its staff member; it cannot answer the worker's own finding.
    assert client.post(f"{API}/items/{mine['id']}/answer", headers=org, json={"response": "x"}).status_code == 404
    assert client.post(f"{API}/items/{theirs['id']}/answer", headers=org,
                       json={"response": HOSTILE_ANSWER}).status_code == 200

    early = client.post(f"{API}/campaigns/{campaign['id']}/close", headers=sup, json={"summary": "完成"})
    assert early.status_code == 409 and early.json()["code"] == "items_open"
    # Found by the fuzzer (tests/test_fuzz.py): an open campaign's report answered 409, undocumented for a GET.
    unready = client.get(f"{API}/campaigns/{campaign['id']}/report.xlsx", headers=sup)
    assert unready.status_code == 409 and unready.json()["code"] == "not_closed"
    assert client.post(f"{API}/items/{mine['id']}/close", headers=sup, json={}).status_code == 422  # needs a note
    for item_id, note in ((mine["id"], "已整改，扣减当月绩效"), (theirs["id"], "材料齐全")):
        assert client.post(f"{API}/items/{item_id}/close", headers=sup, json={"note": note}).status_code == 200
    closed = client.post(f"{API}/campaigns/{campaign['id']}/close", headers=sup,
                         json={"summary": "抽查30条，不合格1条、存疑1条，均已整改"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"

    report = client.get(f"{API}/campaigns/{campaign['id']}/report.xlsx", headers=sup)
    assert report.status_code == 200
    # Found by the fuzzer (tests/test_fuzz.py): the document said JSON for this XLSX answer.
    documented = client.get("/schema/openapi.json").json()["paths"][
        "/api/districts/{code}/supervision/campaigns/{campaign_id}/report.xlsx"]["get"]["responses"]["200"]["content"]
    assert list(documented) == [report.headers["content-type"].split(";")[0]]
    book = load_workbook(io.BytesIO(report.content))
    facts = {row[0]: row[1] for row in book["概况"].iter_rows(values_only=True)}
    assert facts["抽取记录数"] == "30" and "不合格 1 条" in facts["评定结果"] and facts["随机种子"] == "5"
    rows = list(book["抽查明细"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    line = next(r for r in body if r[header.index("记录编号")] == mine["record_id"])
    assert line[header.index("发现的问题")] == "服务对象签名缺失，时长与活动记录不符"
    assert line[header.index("回复")] == "已补签名，时长按活动签到表更正" and line[header.index("佐证材料")] == 1
    # An answer that a spreadsheet would run as a formula is written as text (never a live link).
    column = header.index("回复") + 1
    cells = [row[column - 1] for row in book["抽查明细"].iter_rows(min_row=2)]
    hostile = next(c for c in cells if c.value == HOSTILE_ANSWER)
    assert hostile.data_type == "s"
    assert all(c.data_type != "f" for row in book["抽查明细"].iter_rows() for c in row)
    page = client.get(f"/districts/{OWN}/supervision/campaigns/{campaign['id']}/report", headers=sup)
    assert page.status_code == 200 and "服务对象签名缺失" in page.text and "已补签名" in page.text


def test_states_only_move_forward(client, as_role, prepared):
    sup, worker = as_role("supervisor"), as_role("social_worker")
    campaign = _create(client, sup, scope="worker", scope_id=prepared["own_worker"], sampling="count", sample_size=2)
    assert client.post(f"{API}/campaigns/{campaign['id']}/close", headers=sup,
                       json={"summary": "x"}).status_code == 409  # draft cannot close
    client.post(f"{API}/campaigns/{campaign['id']}/sample", headers=sup)
    again = client.post(f"{API}/campaigns/{campaign['id']}/sample", headers=sup)
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    first, second = client.get(f"{API}/campaigns/{campaign['id']}", headers=sup).json()["items"]
    assert client.post(f"{API}/items/{first['id']}/close", headers=sup, json={"note": "x"}).status_code == 409
    assert client.post(f"{API}/items/{first['id']}/verdict", headers=sup, json={"verdict": "优秀"}).status_code == 422
    assert client.post(f"{API}/items/{first['id']}/verdict", headers=sup, json={"verdict": "存疑"}).status_code == 422
    assert client.post(f"{API}/items/{first['id']}/verdict", headers=sup, json={"verdict": "合格"}).status_code == 200
    twice = client.post(f"{API}/items/{first['id']}/verdict", headers=sup, json={"verdict": "不合格", "finding": "x"})
    assert twice.status_code == 409
    client.post(f"{API}/items/{first['id']}/close", headers=sup, json={})
    late = client.post(f"{API}/items/{first['id']}/answer", headers=worker, json={"response": "x"})
    assert late.status_code == 409  # closed findings take no answer
    assert client.post(f"{API}/items/{second['id']}/answer", headers=worker,
                       json={"response": "x"}).status_code == 409  # no verdict yet
    assert client.post(f"{API}/items/{first['id']}/evidence", headers=sup,
                       files={"file": ("a.png", PNG, "image/png")}).status_code == 409
    moves = run(AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.entity == "supervision_item") & (AuditEvent.entity_id == str(first["id"]))).order_by(
        AuditEvent.seq))
    assert [m["action"] for m in moves] == ["verdict", "close"]


def test_evidence_type_and_size_are_checked(client, as_role, prepared):
    sup = as_role("supervisor")
    campaign = _create(client, sup, sampling="count", sample_size=1, seed=9)
    client.post(f"{API}/campaigns/{campaign['id']}/sample", headers=sup)
    item = client.get(f"{API}/campaigns/{campaign['id']}", headers=sup).json()["items"][0]
    before = run(Evidence.count())
    fake = client.post(f"{API}/items/{item['id']}/evidence", headers=sup,
                       files={"file": ("报告.pdf", b"<html>not a pdf</html>", "application/pdf")})
    assert fake.status_code == 422 and fake.json()["errors"][0]["field"] == "file"
    empty = client.post(f"{API}/items/{item['id']}/evidence", headers=sup, files={"file": ("a.pdf", b"", "application/pdf")})
    assert empty.status_code == 422
    admin = bearer_for(client, "admin")
    assert client.put(f"/api/districts/{OWN}/modules/supervision", headers=admin,
                      json={"enabled": True, "settings": {"evidence_max_mb": 1}}).status_code == 200
    try:
        big = client.post(f"{API}/items/{item['id']}/evidence", headers=sup,
                          files={"file": ("big.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1), "application/pdf")})
        assert big.status_code == 422 and "超过上限 1 MB" in big.json()["errors"][0]["message"]
    finally:
        client.put(f"/api/districts/{OWN}/modules/supervision", headers=admin,
                   json={"enabled": True, "settings": {"evidence_max_mb": 10}})
    assert run(Evidence.count()) == before
    # A file the district allows (10 MB) but beyond the app's general 2 MB body limit is taken.
    scan = client.post(f"{API}/items/{item['id']}/evidence", headers=sup,
                       files={"file": ("扫描件.pdf", b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024), "application/pdf")})
    assert scan.status_code == 201, scan.text
    pdf = client.post(f"{API}/items/{item['id']}/evidence", headers=sup,
                      files={"file": ("../../etc/说明", b"%PDF-1.7\nreal enough", "text/plain")})
    assert pdf.status_code == 201 and pdf.json()["filename"] == "说明.pdf"
    assert pdf.json()["content_type"] == "application/pdf"


def test_other_districts_and_roles_are_refused(client, as_role, prepared):
    sup = as_role("supervisor")
    campaign = _create(client, sup, sampling="count", sample_size=2, seed=11)
    client.post(f"{API}/campaigns/{campaign['id']}/sample", headers=sup)
    item = client.get(f"{API}/campaigns/{campaign['id']}", headers=sup).json()["items"][0]
    client.post(f"{API}/items/{item['id']}/verdict", headers=sup, json={"verdict": "存疑", "finding": "核实"})
    stranger = bearer_for(client, f"{OTHER}-supervisor")
    for method, path, body in (("get", f"{API}/campaigns", None), ("get", f"{API}/campaigns/{campaign['id']}", None),
                               ("post", f"{API}/campaigns", {}), ("post", f"{API}/items/{item['id']}/close", {"note": "x"}),
                               ("get", f"{API}/campaigns/{campaign['id']}/redraw", None)):
        response = getattr(client, method)(path, headers=stranger, **({"json": body} if body is not None else {}))
        assert response.status_code == 403, (path, response.status_code)
    # Their own district does not run supervision: the module is off there.
    assert client.get(f"/api/districts/{OTHER}/supervision/campaigns", headers=stranger).status_code == 404
    for role in ("resident", "social_worker", "org_staff"):
        assert client.get(f"{API}/campaigns", headers=as_role(role)).status_code == 403, role
        assert client.post(f"{API}/items/{item['id']}/verdict", headers=as_role(role),
                           json={"verdict": "合格"}).status_code == 403, role
    assert client.post(f"{API}/items/{item['id']}/answer", headers=as_role("resident"),
                       json={"response": "x"}).status_code == 403
    other_worker = bearer_for(client, f"{OTHER}-worker")
    assert client.post(f"{API}/items/{item['id']}/evidence", headers=other_worker,
                       files={"file": ("a.png", PNG, "image/png")}).status_code in (403, 404)


def test_supervisors_reads_of_personal_data_are_audited(client, as_role, prepared):
    sup = as_role("supervisor")
    campaign = _create(client, sup, scope="worker", scope_id=prepared["own_worker"], sampling="count", sample_size=1)
    client.post(f"{API}/campaigns/{campaign['id']}/sample", headers=sup)
    before = run(AuditEvent.count().where((AuditEvent.action == "read") & (AuditEvent.entity_id == str(campaign["id"]))))
    body = client.get(f"{API}/campaigns/{campaign['id']}", headers=sup).json()
    assert body["items"][0]["person_name"]  # names are shown to supervisors ...
    reads = run(AuditEvent.select().where((AuditEvent.action == "read") & (AuditEvent.entity_id == str(campaign["id"]))))
    assert len(reads) == before + 1 and reads[-1]["actor"] == f"{OWN}-supervisor"  # ... and every read is logged


def test_nothing_in_supervision_can_be_deleted(app):
    deletes = [route.path for route in app.routes for method in getattr(route, "methods", ())
               if method == "DELETE" and ("supervision" in route.path or "audit" in route.path)]
    assert deletes == []


def test_supervision_pages(client, prepared):
    login(client, f"{OWN}-supervisor")
    home = client.get(f"/districts/{OWN}/supervision")
    assert home.status_code == 200 and 'data-testid="new-campaign"' in home.text
    trail = client.get(f"/districts/{OWN}/supervision/audit?entity=supervision_campaign")
    assert trail.status_code == 200 and 'data-testid="chain-ok"' in trail.text and "supervision_campaign" in trail.text
    client.post("/api/auth/logout")
    client.cookies.clear()
    login(client, f"{OWN}-worker")
    findings = client.get(f"/districts/{OWN}/supervision/findings")
    assert findings.status_code == 200 and 'data-testid="findings"' in findings.text
    assert client.get(f"/districts/{OWN}/supervision").status_code == 403
    assert run(SampleItem.count()) > 0
