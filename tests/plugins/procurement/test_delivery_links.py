"""Delivery joined to the other modules, through hooks only: a supplier's social workers may
name its contracted projects on their service logs and the hours roll up on the project (talent);
a project in delivery is published in the service catalogue and suspended when it closes
(public search); late and short milestones raise supervision flags and milestones and payments
can be sampled (supervision's scan and campaigns); the pages, the workbench and the demo."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.plugins import call_async
from core.tables import User
from plugins.procurement.delivery_tables import Contract, DeliveryMilestone, MilestoneEvidence, Payment
from plugins.procurement.tables import PurchaseProject
from plugins.supervision.tables import SampleItem
from plugins.talent.tables import SocialWorker
from tests.conftest import OWN, index_now, login, run
from tests.plugins.procurement.delivery_support import accepted, contracted, orgs, plan, report
from tests.plugins.procurement.evaluation_support import evaluate
from tests.plugins.procurement.test_projects import API, PAGE, move

SUPERVISION = f"/api/districts/{OWN}/supervision"


def refs(ctx, organization_id: int) -> list[dict]:
    answers = run(call_async(ctx.pm.hook.offer_delivery_refs, ctx=ctx, district_code=OWN,
                             organization_id=organization_id))
    return [ref for answer in answers if answer for ref in answer if ref["ref"].startswith("ocds-")]


@pytest.fixture
def employed_worker():
    """The demo social worker, employed by the demo organisation staff's organisation meanwhile."""
    person = run(User.select(User.person_id).where(User.username == f"{OWN}-worker").first())["person_id"]
    worker = run(SocialWorker.select().where(SocialWorker.person_id == person).first())
    run(SocialWorker.update({SocialWorker.employer_org_id: orgs()[0]}).where(SocialWorker.id == worker["id"]))
    yield worker
    run(SocialWorker.update({SocialWorker.employer_org_id: worker["employer_org_id"]}).where(
        SocialWorker.id == worker["id"]))


def test_service_logs_count_as_delivery_evidence(ctx, client, as_role, employed_worker):
    admin = as_role("district_admin")
    project = contracted(client, admin, "社工服务记录佐证测试")
    ocid = project["ocid"]
    assert {"ref": ocid, "title": project["title"]} in refs(ctx, orgs()[0])
    assert all(r["ref"] != ocid for r in refs(ctx, orgs()[1]))  # another organisation's staff may not
    login(client, f"{OWN}-worker")
    assert ocid in {r["ref"] for r in client.get(f"/api/districts/{OWN}/talent/me/delivery-refs").json()}
    logged = client.post(f"/api/districts/{OWN}/talent/me/logs", json={
        "day": date.today().isoformat(), "hours": 2.5, "kind": "个案", "beneficiaries": 4, "delivery_ref": ocid})
    assert logged.status_code == 201, logged.text
    assert client.post(f"/api/districts/{OWN}/talent/me/logs/{logged.json()['id']}/submit").status_code == 200
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    hours = client.get(f"{API}/{project['id']}/delivery", headers=admin).json()["hours"]
    assert hours == {"hours": 2.5, "logs": 1, "beneficiaries": 4, "workers": 1}
    page = client.get(f"{PAGE}/projects/{project['id']}", headers=admin).text
    assert "社工 1 人登记服务 1 条、2.5 小时，服务 4 人次" in page
    assert move(client, admin, project["id"], "in_delivery").status_code == 200
    evaluate(client, admin, as_role("supervisor"), project["id"])
    assert all(r["ref"] != ocid for r in refs(ctx, orgs()[0]))  # evaluated: no longer offered


def search_names(client, q: str) -> set[str]:
    answer = client.get("/api/search/services", params={"q": q, "per_page": 50})
    assert answer.status_code == 200, answer.text
    return {h["name"] for h in answer.json()["hits"]}


def test_a_project_in_delivery_is_in_the_catalogue_until_it_closes(ctx, client, as_role):
    admin = as_role("district_admin")
    project = contracted(client, admin, "银发助浴上门服务交付测试")
    pid, title = project["id"], project["title"]
    assert client.get(f"{API}/{pid}/delivery", headers=admin).json()["catalogue"] is None
    assert move(client, admin, pid, "in_delivery").status_code == 200
    answer = client.get(f"{API}/{pid}/delivery", headers=admin).json()["catalogue"]
    assert answer["state"] == "published" and answer["service_id"], answer
    index_now(ctx)
    assert title in search_names(client, "助浴")
    page = client.get(f"{PAGE}/projects/{pid}", headers=admin).text
    assert "已发布" in page
    evaluate(client, admin, as_role("supervisor"), pid)
    assert move(client, admin, pid, "closed").status_code == 200
    assert client.get(f"{API}/{pid}/delivery", headers=admin).json()["catalogue"]["state"] == "suspended"
    index_now(ctx)
    assert title not in search_names(client, "助浴")


def test_the_catalogue_answer_when_it_is_off(ctx, client, as_role):
    admin = as_role("district_admin")
    project = contracted(client, admin, "目录停用时的交付测试")
    assert client.put(f"/api/districts/{OWN}/modules/catalogue", json={"enabled": False}, headers=admin).status_code == 200
    try:
        assert move(client, admin, project["id"], "in_delivery").status_code == 200
    finally:
        client.put(f"/api/districts/{OWN}/modules/catalogue", json={"enabled": True}, headers=admin)
    answer = client.get(f"{API}/{project['id']}/delivery", headers=admin).json()["catalogue"]
    assert answer["state"] == "off" and "未启用服务目录" in answer["reason"]


def test_late_and_short_milestones_raise_flags_and_can_be_sampled(client, as_role):
    admin, staff, supervisor = as_role("district_admin"), as_role("org_staff"), as_role("supervisor")
    project = contracted(client, admin, "监管预警测试")
    pid, today = project["id"], date.today()
    unreported = plan(client, admin, pid, title="逾期未报告", due_on=str(today - timedelta(days=10)),
                      amount_fen=0).json()["id"]
    reported_late = plan(client, admin, pid, title="逾期报告", due_on=str(today - timedelta(days=5)),
                         amount_fen=0).json()["id"]
    assert report(client, staff, pid, reported_late).status_code == 200
    short = accepted(client, admin, staff, pid, title="完成量不足", amount_fen=0,
                     planned_outputs={"服务人次": 700})["id"]  # 610 delivered: 12.9% short
    enough = accepted(client, admin, staff, pid, title="基本完成", amount_fen=0,
                      planned_outputs={"服务人次": 670})["id"]  # 610: 9.0% short, within 10%
    scan = client.post(f"{SUPERVISION}/scan", headers=supervisor)
    assert scan.status_code == 200 and not scan.json()["errors"], scan.text

    def flagged(rule: str) -> dict[str, dict]:
        found = client.get(f"{SUPERVISION}/flags", headers=supervisor, params={"rule": rule, "per_page": 200}).json()
        return {f["record_id"]: f for f in found["items"] if f["record_type"] == "procurement_milestone"}

    late = flagged("procurement.milestone_late")
    assert late[str(unreported)]["severity"] == "high" and "仍未报告" in late[str(unreported)]["message"]
    assert "逾期5天" in late[str(reported_late)]["message"]
    assert late[str(unreported)]["organization_id"] == orgs()[0]
    shortfalls = flagged("procurement.milestone_short")
    assert str(short) in shortfalls and str(enough) not in shortfalls
    assert "服务人次计划700、实际610" in shortfalls[str(short)]["message"]
    again = client.post(f"{SUPERVISION}/scan", headers=supervisor).json()
    assert again["rules"]["procurement.milestone_late"]["raised"] == 0  # stable keys: never raised twice

    campaign = client.post(f"{SUPERVISION}/campaigns", headers=supervisor, json={
        "title": "购买服务履约抽查", "source": "procurement.milestones", "period_start": str(today),
        "period_end": str(today), "sampling": "flagged"})
    assert campaign.status_code == 201, campaign.text
    sampled = client.post(f"{SUPERVISION}/campaigns/{campaign.json()['id']}/sample", headers=supervisor)
    assert sampled.status_code == 200, sampled.text
    items = run(SampleItem.select().where(SampleItem.campaign == campaign.json()["id"]))
    assert {str(reported_late), str(short)} <= {i["record_id"] for i in items}
    assert str(enough) not in {i["record_id"] for i in items}
    assert all(i["organization_id"] == orgs()[0] for i in items)


def test_payments_are_auditable_records(ctx, client, as_role):
    admin, staff = as_role("district_admin"), as_role("org_staff")
    project = contracted(client, admin, "支付抽查测试")
    milestone = accepted(client, admin, staff, project["id"], amount_fen=1_000_000)
    paid = client.post(f"{API}/{project['id']}/payments", headers=admin, json={
        "milestone_id": milestone["id"], "amount_fen": 500_000, "paid_on": str(date.today()), "voucher": "ZF-抽查"})
    source = {s.name: s for s in ctx.contributions.auditable_records}["procurement.payments"]
    assert source.record_type == "procurement_payment"

    async def fetch():
        return [r async for r in source.fetch(OWN, date.today(), date.today())]

    records = {r["id"]: r for r in run(fetch())}
    record = records[paid.json()["id"]]
    assert record["organization_id"] == orgs()[0] and record["person_id"] is None
    assert "5,000.00元" in record["summary"] and "ZF-抽查" in record["summary"]


def test_pages_for_the_buyer_and_the_supplier(client, as_role):
    admin, staff = as_role("district_admin"), as_role("org_staff")
    project = contracted(client, admin, "页面履约测试")
    pid = project["id"]
    mid = plan(client, admin, pid).json()["id"]
    page = client.get(f"{PAGE}/projects/{pid}", headers=admin).text
    for testid in ("contract", "milestones", "payments", "milestone-form", "contract-document-form", "hours"):
        assert f'data-testid="{testid}"' in page, testid
    assert "report-form" not in page and "/static/procurement/delivery.js" in page
    listed = client.get(f"{PAGE}/delivery", headers=staff)
    assert listed.status_code == 200 and "页面履约测试" in listed.text
    mine = client.get(f"{PAGE}/delivery/{pid}", headers=staff)
    assert mine.status_code == 200 and 'data-testid="report-form"' in mine.text
    assert 'data-testid="evidence-form"' in mine.text and 'data-testid="milestone-form"' not in mine.text
    assert client.get(f"{PAGE}/projects/{pid}", headers=staff).status_code == 403  # the project page is the buyer's
    bench = client.get(f"/districts/{OWN}/workbench", headers=staff).text
    assert 'data-testid="todo-procurement.to_report"' in bench
    assert report(client, staff, pid, mid).status_code == 200
    assert 'data-testid="todo-procurement.to_accept"' in client.get(f"/districts/{OWN}/workbench", headers=admin).text
    assert 'data-testid="accept"' in client.get(f"{PAGE}/projects/{pid}", headers=admin).text
    awarded_page = client.get(f"{PAGE}/projects/{run(awarded_demo())}", headers=admin).text
    assert 'data-testid="contract-form"' in awarded_page


async def awarded_demo() -> int:
    return (await PurchaseProject.select(PurchaseProject.id).where(
        (PurchaseProject.district_code == OWN) & (PurchaseProject.stage == "awarded")
        & PurchaseProject.title.like("%（示范）")).first())["id"]


def test_demo_delivery():
    demo = {r["stage"]: r for r in run(PurchaseProject.select().where(
        (PurchaseProject.district_code == OWN) & PurchaseProject.title.like("%（示范）")))}
    for stage in ("contracted", "in_delivery", "evaluated", "closed"):
        assert run(Contract.exists().where(Contract.project == demo[stage]["id"])), stage
    assert not run(Contract.exists().where(Contract.project == demo["awarded"]["id"]))
    delivering = run(DeliveryMilestone.select().where(DeliveryMilestone.project == demo["in_delivery"]["id"]))
    assert {m["state"] for m in delivering} == {"accepted", "planned", "reported"}
    assert any(m["state"] == "planned" and m["due_on"] < date.today() for m in delivering)  # the late one
    assert run(MilestoneEvidence.count().where(MilestoneEvidence.milestone.is_in([m["id"] for m in delivering]))) == 1
    closed = run(Contract.select().where(Contract.project == demo["closed"]["id"]).first())
    paid = sum(p["amount_fen"] for p in run(Payment.select().where(Payment.contract == closed["id"])))
    assert paid == closed["value_fen"] and '"suspended"' in closed["catalogue"]
