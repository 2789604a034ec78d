"""Who may do what with an evaluation, and what completed evaluations feed: only the named
evaluator (here the staff of a third-party evaluation organisation) scores the third-party part
— on their own pages, from their workbench card —; the supplier's staff cannot score and see the
evaluation only once completed; another district gets 404. past_scores and the organisation's
record (its own staff: their organisation only) over completed evaluations; the demo's
evaluations; the audit trail in words."""

from __future__ import annotations

import pytest

from core import audit
from core.identity import create_api_token, ensure_user
from core.tables import AuditEvent, Organization
from plugins.procurement import evaluation_record
from plugins.procurement.delivery_tables import Contract
from plugins.procurement.evaluation_tables import ProjectEvaluation
from plugins.procurement.tables import PurchaseProject
from plugins.supervision import trail_words
from tests.conftest import OTHER, OWN, PASSWORD, bearer, run
from tests.plugins.procurement.evaluation_support import FINDINGS, delivering, evaluate, opened, scores, url
from tests.plugins.procurement.delivery_support import orgs

PAGE = f"/districts/{OWN}/procurement"
RECORD = f"/api/districts/{OWN}/procurement/organizations"
HTML = {"Accept": "text/html"}


def staff_of(username: str, organization_id: int) -> dict[str, str]:
    """Bearer headers of an organisation staff user of OWN (made once)."""
    async def make():
        user_id = await ensure_user(username, PASSWORD, [{"role": "org_staff", "district_code": OWN,
                                                          "organization_id": organization_id}],
                                    display_name="第三方评估机构评估员", fast_hash=True, actor="test")
        return (await create_api_token(user_id, username, "tests"))["token"]

    return bearer(run(make()))


@pytest.fixture(scope="module")
def fresh_org() -> int:
    """An organisation of OWN no contract names yet: the supplier whose record the tests build."""
    used = {r["organization_id"] for r in run(Contract.select(Contract.organization_id))}
    return next(o for o in orgs(status="registered")[3:] if o not in used)


def test_only_the_named_evaluator_scores_and_the_supplier_cannot(client, as_role):
    admin, supplier, supervisor = as_role("district_admin"), as_role("org_staff"), as_role("supervisor")
    third_org = orgs()[1]
    evaluator = staff_of(f"{OWN}-evaluator", third_org)
    pid = delivering(client, admin, supplier, "第三方机构评价权限测试")["id"]
    opened(client, admin, pid, f"{OWN}-evaluator")
    cards = client.get(f"/districts/{OWN}/workbench", headers={**evaluator, **HTML}).text
    assert 'data-testid="count-procurement.to_evaluate">1<' in cards
    listed = client.get(f"{PAGE}/evaluations", headers={**evaluator, **HTML})
    assert listed.status_code == 200 and f'data-project="{pid}" data-state="open"' in listed.text
    page = client.get(f"{PAGE}/evaluations/{pid}", headers={**evaluator, **HTML})
    assert page.status_code == 200 and 'data-testid="score-form"' in page.text
    assert 'data-evaluation="evaluation/third-party"' in page.text

    not_named = client.put(url(pid, "/third-party"), headers=supervisor, json=scores())
    assert not_named.status_code == 403 and "只有被指定的第三方评价人" in not_named.json()["detail"]
    assert client.put(url(pid, "/third-party"), headers=supplier, json=scores()).status_code == 404
    assert client.put(url(pid, "/buyer"), headers=evaluator, json=scores()).status_code == 403  # guard
    assert client.get(url(pid), headers=supplier).status_code == 404  # the supplier: not while open
    assert client.get(f"{PAGE}/evaluations/{pid}", headers={**supplier, **HTML}).status_code == 404
    assert client.get(url(pid).replace(OWN, OTHER), headers=as_role("platform_admin")).status_code == 404

    assert client.put(url(pid, "/third-party"), headers=evaluator, json=scores(服务人次=70, 满意度=60)).status_code == 200
    assert 'data-testid="count-procurement.to_evaluate">0<' in client.get(
        f"/districts/{OWN}/workbench", headers={**evaluator, **HTML}).text
    assert client.put(url(pid, "/buyer"), headers=admin, json=scores()).status_code == 200
    assert client.post(url(pid, "/complete"), headers=admin, json={"findings": FINDINGS}).status_code == 200
    seen = client.get(url(pid), headers=supplier)
    assert seen.status_code == 200 and seen.json()["third_party"]["score"] == 65  # completed: the supplier sees it
    assert client.get(url(pid), headers=staff_of(f"{OWN}-other-staff", orgs()[2])).status_code == 404


def test_past_scores_and_the_organisations_record(client, as_role, fresh_org):
    admin, supervisor = as_role("district_admin"), as_role("supervisor")
    org_staff = staff_of(f"{OWN}-record-staff", fresh_org)
    assert run(evaluation_record.past_scores(OWN, [fresh_org])) == {}
    first = delivering(client, admin, org_staff, "机构记录测试一", organization_id=fresh_org, number="JL-1")
    second = delivering(client, admin, org_staff, "机构记录测试二", organization_id=fresh_org, number="JL-2")
    third = delivering(client, admin, org_staff, "机构记录测试三", organization_id=fresh_org, number="JL-3")
    # (80 + 70) / 2 = 75 and (90 + 90) / 2 = 90 → 75 × 3/7 + 90 × 4/7 = 83.6 (no ratings)
    evaluate(client, admin, supervisor, first["id"], scores(服务人次=80, 满意度=70), scores(服务人次=90, 满意度=90))
    # 60 × 3/7 + 52 × 4/7 = 388/7 = 55.4 → 不合格
    evaluate(client, admin, supervisor, second["id"], scores(服务人次=60, 满意度=60), scores(服务人次=52, 满意度=52))
    opened(client, admin, third["id"])  # open: never counts
    found = run(evaluation_record.past_scores(OWN, [fresh_org, 999_999]))
    assert list(found) == [fresh_org]
    assert found[fresh_org]["count"] == 2 and found[fresh_org]["mean"] == 69.5
    assert found[fresh_org]["last"]["project"] == second["id"] and found[fresh_org]["last"]["grade"] == "不合格"
    assert run(evaluation_record.past_scores(OTHER, [fresh_org])) == {}

    record = client.get(f"{RECORD}/{fresh_org}/record", headers=admin)
    assert record.status_code == 200, record.text
    body = record.json()
    assert (body["contracts"], body["evaluated"], body["mean_score"]) == (3, 2, 69.5)
    assert body["value_fen"] == 3 * 28_000_000 and body["paid_fen"] == 0
    grades = {i["project_id"]: i["evaluation"] and i["evaluation"]["grade"] for i in body["items"]}
    assert grades == {first["id"]: "良好", second["id"]: "不合格", third["id"]: None}
    assert client.get(f"{RECORD}/{fresh_org}/record", headers=org_staff).status_code == 200  # their own
    assert client.get(f"{RECORD}/{orgs()[0]}/record", headers=org_staff).status_code == 404  # not another's
    other_org = run(Organization.select(Organization.id).where(Organization.district_code == OTHER).first())["id"]
    assert client.get(f"{RECORD}/{other_org}/record", headers=admin).status_code == 404  # across districts
    assert client.get(f"{RECORD}/{fresh_org}/record", headers=as_role("resident")).status_code == 403
    page = client.get(f"{PAGE}/organizations/{fresh_org}", headers={**org_staff, **HTML})
    assert page.status_code == 200 and "机构记录测试二" in page.text and "不合格" in page.text
    assert f"/procurement/delivery/{first['id']}" in page.text  # org staff open the delivery page, not the project


def test_the_demo_evaluations():
    demo = {r["stage"]: r for r in run(PurchaseProject.select().where(
        (PurchaseProject.district_code == OWN) & PurchaseProject.title.like("%（示范）")))}
    found = {stage: run(ProjectEvaluation.select().where(ProjectEvaluation.project == demo[stage]["id"]).first())
             for stage in ("in_delivery", "evaluated", "closed")}
    assert found["evaluated"]["grade"] == "合格" and found["closed"]["grade"] == "良好"
    assert found["evaluated"]["total"] == 72.8 and found["closed"]["total"] == 85.0
    assert found["in_delivery"]["state"] == "open" and found["in_delivery"]["third_party_at"] is None
    supplier = found["closed"]["organization_id"]
    assert run(evaluation_record.past_scores(OWN, [supplier]))[supplier]["count"] >= 2
    assert not run(ProjectEvaluation.exists().where(ProjectEvaluation.district_code == OTHER))


def test_the_evaluation_reads_in_words_on_the_audit_trail(ctx):
    event = run(AuditEvent.select().where((AuditEvent.entity == "procurement_evaluation")
                                          & (AuditEvent.action == "complete")).first())
    [described] = run(trail_words.describe(ctx, [audit.public_event(event)]))
    assert (described["action_label"], described["entity_label"]) == ("完成绩效评价", "绩效评价")
    fields = {c["field"] for c in described["changes"]}
    assert {"评价结论", "实际采用的权重（%）", "服务对象评价条数"} <= fields
    assert {"field": "状态", "old": "进行中", "new": "已完成"} in described["changes"]


def test_the_record_of_an_organisation_that_was_paid(client, as_role):
    """An organisation the demo paid: its record answers (on PostgreSQL the sum of a bigint is a
    numeric, which the answer's integer field refused with a 500) and the paid total is the sum
    of its payments."""
    from plugins.procurement.delivery_tables import Payment

    payments = run(Payment.select(Payment.contract, Payment.amount_fen))
    contracts = {c["id"]: c["organization_id"] for c in run(Contract.select(Contract.id, Contract.organization_id).where(
        Contract.district_code == OWN))}
    paid: dict[int, int] = {}
    for p in payments:
        if p["contract"] in contracts:
            paid[contracts[p["contract"]]] = paid.get(contracts[p["contract"]], 0) + p["amount_fen"]
    assert paid, "the demo pays an organisation in 430702"
    admin = as_role("district_admin")
    for org, total in paid.items():
        record = client.get(f"{RECORD}/{org}/record", headers=admin)
        assert record.status_code == 200, record.text
        assert record.json()["paid_fen"] == total and isinstance(record.json()["paid_fen"], int)
