"""Supervision's profile sections: an organisation's grades in public (no findings), its findings
and open flags to supervision readers, a worker's own findings to the worker and to staff holding
supervision.read (read audited) — staff also see the open flags the rules raised about the person,
the person does not — 404 for another resident, nothing where supervision is off."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from core import db
from core.dates import beijing_time
from core.tables import AuditEvent, Organization, Person, User
from plugins.supervision.flags import scan
from plugins.supervision.tables import Assessment, Campaign, Flag, SampleItem
from plugins.talent.tables import ServiceLog, SocialWorker
from tests.conftest import OTHER, OWN, bearer_for, run

DAY, ORG_DAY = date(2011, 2, 14), date(2011, 8, 14)  # a year no other test or the demo uses


def _section(body: dict, name: str) -> dict | None:
    return next((s["data"] for s in body["sections"] if s["name"] == name), None)


def _facts(data: dict) -> dict:
    return dict(map(tuple, data["facts"]))


def _org_url(org_id: int, code: str = OWN) -> str:
    return f"/api/districts/{code}/organizations/{org_id}/profile"


def _assessed_org() -> dict:
    row = run(Organization.select(Organization.id, Organization.grade).where(
        (Organization.district_code == OWN) & Organization.name.like("%阳光社会工作服务中心")).first())
    assert row and row["grade"] == "4A", "the demo assesses 阳光社会工作服务中心 at 4A"
    return row


def test_public_sees_grades_not_findings(client, as_role):
    org = _assessed_org()
    assessments = run(Assessment.select().where(Assessment.organization_id == org["id"]))
    body = client.get(_org_url(org["id"])).json()
    grades = _section(body, "supervision.grades")
    assert grades is not None and _section(body, "supervision.findings") is None
    facts = _facts(grades)
    assert facts["当前等级"] == "4A" and facts["参加评估"] == f"{len(assessments)} 次"
    first = assessments[0]
    item = next(i for i in grades["items"] if i["title"] == f"{first['assessed_on'].year} 年评估：4A")
    assert f"总分 {first['total']:g} / 1000" in item["meta"] and "url" not in item
    assert "demo" not in str(grades) and "示例数据" not in str(grades)  # no assessor, no note in public
    page = client.get(f"/districts/{OWN}/organizations/{org['id']}/profile")
    assert page.status_code == 200 and "评估等级" in page.text and "督导发现" not in page.text
    staff_page = client.get(f"/districts/{OWN}/organizations/{org['id']}/profile", headers=as_role("supervisor"))
    assert "督导发现" in staff_page.text and f"/districts/{OWN}/supervision/assessment" in staff_page.text
    # An organisation never assessed has no grade section.
    assessed = {a["organization_id"] for a in run(Assessment.select(Assessment.organization_id))}
    other = next(o for o in run(Organization.select(Organization.id).where(Organization.district_code == OWN))
                 if o["id"] not in assessed)
    assert _section(client.get(_org_url(other["id"])).json(), "supervision.grades") is None
    # Staff without supervision.read (the organisation's own staff) see no findings either.
    assert _section(client.get(_org_url(org["id"]), headers=as_role("org_staff")).json(),
                    "supervision.findings") is None


async def _logs() -> dict:
    """A February 2011 service log of the demo worker and an August 2011 one of a worker employed by an
    organisation, for campaigns built through the API."""
    async with db.write_transaction():
        user = await User.select(User.person_id).where(User.username == f"{OWN}-worker").first()
        worker = await SocialWorker.select(SocialWorker.id).where(SocialWorker.person_id == user["person_id"]).first()
        flagged = await Flag.select(Flag.organization_id).where(
            (Flag.district_code == OWN) & (Flag.state == "open") & Flag.organization_id.is_not_null()).first()
        assert flagged, "the demo scan raises an open flag about an organisation"
        employed = await SocialWorker.select(SocialWorker.id, SocialWorker.employer_org_id).where(
            (SocialWorker.district_code == OWN) & (SocialWorker.employer_org_id == flagged["organization_id"])).order_by(
            SocialWorker.id).first()
        for who, day in ((worker["id"], DAY), (employed["id"], ORG_DAY)):
            if not await ServiceLog.exists().where((ServiceLog.worker == who) & (ServiceLog.day == day)):
                await ServiceLog.insert(ServiceLog(worker=who, district_code=OWN, day=day, hours=2, kind="个案",
                                                   summary="入户探访（档案测试）", state="submitted",
                                                   submitted_at=datetime(day.year, 3, 1, tzinfo=timezone.utc)))
    return {"person_id": user["person_id"], "worker": worker["id"], "org": employed["employer_org_id"]}


def _judge(client, sup, title: str, month: date, scope: str, scope_id: int, verdict: str, finding: str) -> dict:
    api = f"/api/districts/{OWN}/supervision"
    created = client.post(f"{api}/campaigns", headers=sup, json={
        "title": title, "source": "talent.service_logs", "period_start": str(month.replace(day=1)),
        "period_end": str(month.replace(day=28)), "scope": scope, "scope_id": scope_id, "sampling": "count",
        "sample_size": 1})
    assert created.status_code == 201, created.text
    assert client.post(f"{api}/campaigns/{created.json()['id']}/sample", headers=sup).status_code == 200
    item = run(SampleItem.select().where(SampleItem.campaign == created.json()["id"]).first())
    given = client.post(f"{api}/items/{item['id']}/verdict", headers=sup, json={"verdict": verdict, "finding": finding})
    assert given.status_code == 200, given.text
    return given.json()


_JUDGED: dict = {}


@pytest.fixture
def judged(client, as_role):
    """Built once per module run (the client fixture is per test)."""
    if _JUDGED:
        return _JUDGED
    prepared = run(_logs())
    sup = as_role("supervisor")
    mine = _judge(client, sup, "档案测试抽查", DAY, "worker", prepared["worker"], "不合格", "档案测试：服务对象未签字")
    assert mine["person_id"] == prepared["person_id"]
    theirs = _judge(client, sup, "机构档案测试抽查", ORG_DAY, "organization", prepared["org"], "存疑",
                    "档案测试：签到表时间不一致")
    assert theirs["organization_id"] == prepared["org"]
    _JUDGED.update(prepared, campaign=mine["campaign"], org_item=theirs)
    return _JUDGED


def test_worker_sees_own_findings(client, as_role, judged):
    url = f"/api/districts/{OWN}/persons/{judged['person_id']}/profile"
    own = _section(client.get(url, headers=bearer_for(client, f"{OWN}-worker")).json(), "supervision.person")
    assert own is not None
    rows = run(SampleItem.select().where((SampleItem.district_code == OWN) & (SampleItem.person_id == judged["person_id"])
                                         & (SampleItem.state != "pending")))
    assert _facts(own)["被抽查记录"] == f"{len(rows)} 条"
    item = next(i for i in own["items"] if "档案测试：服务对象未签字" in i["meta"])
    assert item["title"] == "档案测试抽查" and "不合格" in item["meta"] and "未回复" in item["meta"]
    assert f"记录日期 {DAY.isoformat()}" in item["meta"]
    assert item["url"] == f"/districts/{OWN}/supervision/findings"
    # Staff with supervision.read see it too (linked to the campaign), and the read is audited.
    before = run(AuditEvent.count().where((AuditEvent.entity == "person") & (AuditEvent.action == "read")
                                          & (AuditEvent.entity_id == str(judged["person_id"]))))
    staff = _section(client.get(url, headers=as_role("supervisor")).json(), "supervision.person")
    assert any(i.get("url") == f"/districts/{OWN}/supervision/campaigns/{judged['campaign']}" for i in staff["items"])
    after = run(AuditEvent.select().where((AuditEvent.entity == "person") & (AuditEvent.action == "read")
                                          & (AuditEvent.entity_id == str(judged["person_id"]))).order_by(
        AuditEvent.seq, ascending=False))
    assert len(after) == before + 1 and after[0]["actor"] == f"{OWN}-supervisor"
    # Another resident: the profile does not exist for them.
    assert client.get(url, headers=as_role("resident")).status_code == 404
    assert client.get(url).status_code == 401


def test_supervisor_sees_findings_and_open_flags(client, as_role, judged):
    problem = run(SampleItem.select().where(SampleItem.id == judged["org_item"]["id"]).first())
    org_id = problem["organization_id"]
    rows = run(SampleItem.select().where((SampleItem.district_code == OWN) & (SampleItem.organization_id == org_id)))
    flags = run(Flag.select().where((Flag.district_code == OWN) & (Flag.organization_id == org_id)
                                    & (Flag.state == "open")))
    data = _section(client.get(_org_url(org_id), headers=as_role("supervisor")).json(), "supervision.findings")
    assert data is not None
    facts = _facts(data)
    assert facts["被抽查记录"] == f"{len(rows)} 条"
    for verdict in ("合格", "存疑", "不合格"):
        assert facts[verdict] == f"{sum(1 for r in rows if r['verdict'] == verdict)} 条"
    assert flags and facts["未处理预警"] == f"{len(flags)} 条"
    campaign = run(Campaign.select(Campaign.title).where(Campaign.id == problem["campaign"]).first())
    item = next(i for i in data["items"] if i["url"] == f"/districts/{OWN}/supervision/campaigns/{problem['campaign']}"
                and problem["finding"] in i["meta"])
    assert item["title"] == campaign["title"] and problem["verdict"] in item["meta"]
    assert ("已结束" if problem["state"] == "closed" else "未结束") in item["meta"]
    flag_items = [i for i in data["items"] if i["url"] == f"/districts/{OWN}/supervision/flags?organization={org_id}"]
    assert len(flag_items) == len(flags)
    for flag in flags:
        assert any(flag["message"] in i["meta"] and beijing_time(flag["raised_at"]) in i["meta"] for i in flag_items)
    # The public view of the same organisation: no findings.
    assert _section(client.get(_org_url(org_id)).json(), "supervision.findings") is None


def test_supervisors_see_the_open_flags_about_a_person(client, as_role, ctx):
    flag = run(Flag.select().where((Flag.district_code == OWN) & (Flag.module == "talent") & (Flag.state == "open")
                                   & Flag.person_id.is_not_null()).first())
    assert flag, "the demo scan names the person of a talent rule's flag"
    person = flag["person_id"]
    worker = run(SocialWorker.select(SocialWorker.id).where(SocialWorker.person_id == person).first())
    assert worker and flag["subject"] == worker["id"]  # the person is the flagged worker
    url = f"/api/districts/{OWN}/persons/{person}/profile"
    open_flags = run(Flag.select().where((Flag.district_code == OWN) & (Flag.person_id == person)
                                         & (Flag.state == "open")))
    data = _section(client.get(url, headers=as_role("supervisor")).json(), "supervision.person")
    assert _facts(data)["未处理预警"] == f"{len(open_flags)} 条"
    sampled = run(SampleItem.count().where(SampleItem.person_id == person))
    assert ("被抽查记录" in _facts(data)) == bool(sampled)  # no empty sampling counts for a person only flagged
    for f in open_flags:
        assert any(f["message"] in i["meta"] and i["url"] == f"/districts/{OWN}/supervision/flags"
                   for i in data["items"])
    read = run(AuditEvent.select().where((AuditEvent.entity == "person") & (AuditEvent.entity_id == str(person))
                                         & (AuditEvent.action == "read")).order_by(AuditEvent.seq, ascending=False).first())
    assert flag["id"] in json.loads(read["after"])["flags"]  # the supervisor's read is audited, flags named
    # A flag raised before rules named the person learns it when the scan sees it again.
    run(Flag.update({Flag.person_id: None}).where(Flag.id == flag["id"]))
    run(scan(ctx, OWN))
    assert run(Flag.select(Flag.person_id).where(Flag.id == flag["id"]).first())["person_id"] == person


def test_a_worker_does_not_see_flags_about_themself(client, as_role, judged):
    flag = run(Flag.insert(Flag(district_code=OWN, dedupe=f"{OWN}:profiletest:own", key="profiletest:own",
                                module="talent", rule="talent.registration", record_type="social_worker",
                                record_id=str(judged["worker"]), subject=judged["worker"],
                                person_id=judged["person_id"], severity="high", message="档案测试预警：登记已过期")))
    try:
        url = f"/api/districts/{OWN}/persons/{judged['person_id']}/profile"
        own = _section(client.get(url, headers=bearer_for(client, f"{OWN}-worker")).json(), "supervision.person")
        assert "未处理预警" not in _facts(own) and "档案测试预警" not in str(own)
        staff = _section(client.get(url, headers=as_role("supervisor")).json(), "supervision.person")
        assert any("档案测试预警：登记已过期" in i["meta"] for i in staff["items"])
    finally:
        run(Flag.delete().where(Flag.id == flag[0]["id"]))


def test_person_without_findings_has_no_section(client, as_role):
    sampled = {r["person_id"] for r in run(SampleItem.select(SampleItem.person_id))}
    sampled |= {r["person_id"] for r in run(Flag.select(Flag.person_id).where(Flag.state == "open"))}
    other = next(p for p in run(Person.select(Person.id).where(Person.district_code == OWN)) if p["id"] not in sampled)
    body = client.get(f"/api/districts/{OWN}/persons/{other['id']}/profile", headers=as_role("supervisor")).json()
    assert _section(body, "supervision.person") is None and body["sections"]


def test_supervision_off_in_430703(client, as_role):
    platform = as_role("platform_admin")
    org = run(Organization.select(Organization.id).where(Organization.district_code == OTHER).first())
    body = client.get(_org_url(org["id"], OTHER), headers=platform).json()
    assert not any(s["module"] == "supervision" for s in body["sections"])
    assert "监管" in body["modules_off"] and "Supervision" in body["modules_off_en"]
    person = run(Person.select(Person.id).where(Person.district_code == OTHER).first())
    body = client.get(f"/api/districts/{OTHER}/persons/{person['id']}/profile", headers=platform).json()
    assert not any(s["module"] == "supervision" for s in body["sections"]) and "监管" in body["modules_off"]
    # An 430702 organisation asked for under 430703: 404.
    assert client.get(_org_url(_assessed_org()["id"], OTHER)).status_code == 404
