"""Contracts, milestones and payments through the real app: the whole flow contract →
milestones (reported with evidence by the supplier's staff, accepted or sent back) → payments;
the contract's rules (supplier, value within the budget, term rules) and the milestone's refused
with a field-level 422 and nothing written; wrong states 409; a racing second contract 409; N
racing payments whose sum exceeds the contract value → only those that fit land; who may read
and write what, by role, organisation and district."""

from __future__ import annotations

import concurrent.futures
import importlib
from datetime import date, timedelta

import pytest

from core import db
from core.tables import AuditEvent
from plugins.procurement.delivery_tables import Contract, ContractDocument, DeliveryMilestone, MilestoneEvidence, Payment
from plugins.procurement.tables import PurchaseProject, StageChange
from tests.conftest import OTHER, OWN, bearer_for, run
from tests.plugins.procurement.delivery_support import (
    END,
    PDF,
    START,
    accepted,
    awarded,
    contract_body,
    contracted,
    orgs,
    plan,
    report,
)
from tests.plugins.procurement.test_projects import API, move


def counts() -> tuple[int, ...]:
    return tuple(run(t.count()) for t in (Contract, DeliveryMilestone, Payment, MilestoneEvidence, StageChange,
                                          AuditEvent))


def events(entity: str, entity_id) -> list[str]:
    return [e["action"] for e in run(AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.entity == entity) & (AuditEvent.entity_id == str(entity_id))).order_by(AuditEvent.seq))]


def test_contract_milestones_evidence_and_payments_flow(client, as_role):
    admin, staff = as_role("district_admin"), as_role("org_staff")
    project = contracted(client, admin, "履约全流程测试")
    pid = project["id"]
    assert client.get(f"{API}/{pid}", headers=admin).json()["stage"] == "contracted"
    history = client.get(f"{API}/{pid}", headers=admin).json()["history"]
    assert history[-1]["from_stage"] == "awarded" and "WL-2026-001" in history[-1]["reason"]
    contract = client.get(f"{API}/{pid}/contract", headers=staff).json()  # the supplier's staff see it
    assert contract["value_fen"] == 28_000_000 and contract["organization_id"] == orgs()[0]
    assert events("procurement_contract", contract["id"]) == ["create"]

    first = plan(client, admin, pid)
    assert first.status_code == 201 and first.json()["state"] == "planned", first.text
    assert first.json()["planned_outputs"] == {"服务人次": 600.0}
    second = plan(client, admin, pid, title="第二阶段服务", due_on=str(END), amount_fen=18_000_000).json()
    mid = first.json()["id"]
    assert move(client, admin, pid, "in_delivery").status_code == 200
    file = client.post(f"{API}/{pid}/milestones/{mid}/evidence", headers=staff,
                       files={"file": ("签到表.pdf", PDF, "application/pdf")})
    assert file.status_code == 201 and file.json()["filename"] == "签到表.pdf", file.text
    reported = report(client, staff, pid, mid)
    assert reported.status_code == 200 and reported.json()["state"] == "reported"
    assert reported.json()["delivered_outputs"] == {"服务人次": 610.0} and reported.json()["reported_by"] == f"{OWN}-org"
    back = client.post(f"{API}/{pid}/milestones/{mid}/send-back", headers=admin, json={"reason": "签到表缺少签名"})
    assert back.status_code == 200 and back.json()["state"] == "sent_back"
    assert report(client, staff, pid, mid, note="补充签名后重新报告").json()["state"] == "reported"
    done = client.post(f"{API}/{pid}/milestones/{mid}/accept", headers=admin)
    assert done.status_code == 200 and done.json()["decided_by"] == f"{OWN}-admin"
    assert events("procurement_milestone", mid) == ["create", "report", "send_back", "report", "accept"]

    paid = client.post(f"{API}/{pid}/payments", headers=admin, json={
        "milestone_id": mid, "amount_fen": 6_000_000, "paid_on": str(date.today()), "voucher": "ZF-001"})
    assert paid.status_code == 201 and paid.json()["amount_fen"] == 6_000_000, paid.text
    assert events("procurement_payment", paid.json()["id"]) == ["create"]
    whole = client.get(f"{API}/{pid}/delivery", headers=admin).json()
    assert whole["totals"] == {"value_fen": 28_000_000, "planned_fen": 28_000_000, "paid_fen": 6_000_000,
                               "unpaid_fen": 22_000_000}
    [m1, m2] = whole["milestones"]
    assert (m1["id"], m1["paid_fen"], m2["id"], m2["state"]) == (mid, 6_000_000, second["id"], "planned")
    assert [e["filename"] for e in m1["evidence"]] == ["签到表.pdf"]
    assert whole["catalogue"]["state"] in ("published", "skipped")
    assert whole["hours"] == {"hours": 0.0, "logs": 0, "beneficiaries": 0, "workers": 0}
    evidence = m1["evidence"][0]["id"]
    for who in (admin, staff, as_role("supervisor")):
        got = client.get(f"{API}/{pid}/milestones/{mid}/evidence/{evidence}", headers=who)
        assert got.status_code == 200 and got.content == PDF
    assert client.get(f"{API}/{pid}/payments", headers=staff).json()[0]["voucher"] == "ZF-001"
    assert len(client.get(f"{API}/{pid}/milestones", headers=staff).json()) == 2
    late = client.post(f"{API}/{pid}/milestones/{mid}/evidence", headers=staff, files={"file": ("x.pdf", PDF)})
    assert late.status_code == 409  # accepted: no more evidence


def contract_refusals() -> list[tuple[dict, str, str]]:
    """Read when the test runs, not at import: "tomorrow" must be tomorrow for the server too."""
    return [
        ({"organization_id": None}, "organization_id", "承接主体"),
        ({"organization_id": 999999}, "organization_id", "只能与中标（成交）的社会组织签订"),
        ({"value_fen": 0}, "value_fen", "大于0"),
        ({"value_fen": 30_000_001}, "value_fen", "不能超过项目预算"),
        ({"value_fen": 28_000_001}, "value_fen", "不能超过中标（成交）金额"),
        ({"number": "  "}, "number", "合同编号"),
        ({"signed_on": str(date.today() + timedelta(days=1))}, "signed_on", "不能晚于今天"),
        ({"term_end": str(START - timedelta(days=1))}, "term_end", "不能早于开始日期"),
        ({"term_end": str(END + timedelta(days=1))}, "term_reason", "超过12个月"),
        ({"term_end": str(START + timedelta(days=3 * 366)), "term_reason": "持续性服务"}, "term_end", "不能超过36个月"),
    ]


def test_contract_refused_with_the_field_and_nothing_written(client, as_role):
    admin = as_role("district_admin")
    project = awarded(client, admin, "合同校验测试")
    other_district_org = orgs(OTHER)[0]
    for changes, field, words in [*contract_refusals(),
                                  ({"organization_id": other_district_org}, "organization_id", "只能与中标"),
                                  ({"organization_id": orgs()[-1]}, "organization_id", "只能与中标")]:
        before = counts()
        refused = client.post(f"{API}/{project['id']}/contract", headers=admin, json=contract_body(**changes))
        assert refused.status_code == 422, (changes, refused.text)
        errors = {e["field"]: e["message"] for e in refused.json()["errors"]}
        assert words in errors.get(field, ""), (changes, errors)
        assert counts() == before
    assert client.get(f"{API}/{project['id']}", headers=admin).json()["stage"] == "awarded"
    longer = client.post(f"{API}/{project['id']}/contract", headers=admin,
                         json=contract_body(term_end=str(END + timedelta(days=200)), term_reason="持续性、稳定性服务"))
    assert longer.status_code == 201 and longer.json()["term_reason"] == "持续性、稳定性服务"


def test_a_supplier_deregistered_after_the_award_is_refused(client, as_role):
    from core.tables import Organization
    from tests.plugins.procurement.support import new_org

    admin = as_role("district_admin")
    winner = new_org()
    project = awarded(client, admin, "注销组织签约测试", supplier=winner)
    run(Organization.update({Organization.status: "deregistered"}).where(Organization.id == winner))
    refused = client.post(f"{API}/{project['id']}/contract", headers=admin, json=contract_body(organization_id=winner))
    assert refused.status_code == 422 and "注销" in refused.json()["errors"][0]["message"]


def test_contract_wrong_stage_and_racing_contracts(client, as_role):
    admin = as_role("district_admin")
    from tests.plugins.procurement.test_projects import create

    early = create(client, admin, title="未定标签约测试")
    refused = client.post(f"{API}/{early['id']}/contract", headers=admin, json=contract_body())
    assert refused.status_code == 409 and "计划中" in refused.json()["detail"]
    project = awarded(client, admin, "并发签约测试")
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda n: client.post(f"{API}/{project['id']}/contract", headers=admin,
                                                      json=contract_body(number=f"HT-{n}")), range(3)))
    assert sorted(a.status_code for a in answers) == [201, 409, 409], [a.text for a in answers]
    assert run(Contract.count().where(Contract.project == project["id"])) == 1
    assert run(StageChange.count().where((StageChange.project == project["id"])
                                         & (StageChange.to_stage == "contracted"))) == 1


def test_milestone_rules_and_states(client, as_role):
    admin, staff = as_role("district_admin"), as_role("org_staff")
    project = awarded(client, admin, "履约节点校验测试")
    assert plan(client, admin, project["id"]).status_code == 409  # no contract yet
    signed = client.post(f"{API}/{project['id']}/contract", headers=admin, json=contract_body(value_fen=10_000_000))
    assert signed.status_code == 201
    pid = project["id"]
    for changes, field in [({"due_on": str(END + timedelta(days=1))}, "due_on"), ({"due_on": None}, "due_on"),
                           ({"planned_outputs": {"满意度": 90}}, "planned_outputs"),  # an outcome indicator
                           ({"planned_outputs": {"服务人次": -1}}, "planned_outputs"), ({"title": ""}, "title"),
                           ({"amount_fen": 10_000_001}, "amount_fen"), ({"planned_beneficiaries": -3},
                                                                        "planned_beneficiaries")]:
        before = counts()
        refused = plan(client, admin, pid, **changes)
        assert refused.status_code == 422 and field in {e["field"] for e in refused.json()["errors"]}, refused.text
        assert counts() == before
    mid = plan(client, admin, pid, amount_fen=6_000_000).json()["id"]
    over = plan(client, admin, pid, amount_fen=4_000_001)
    assert over.status_code == 422 and "40,000.00元" in over.json()["errors"][0]["message"]
    assert client.post(f"{API}/{pid}/milestones/{mid}/accept", headers=admin).status_code == 409  # not reported
    for changes, field in [({"delivered_beneficiaries": None}, "delivered_beneficiaries"),
                           ({"delivered_on": str(date.today() + timedelta(days=1))}, "delivered_on"),
                           ({"delivered_outputs": {"别的指标": 3}}, "delivered_outputs")]:
        refused = report(client, staff, pid, mid, **changes)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == field
    assert report(client, staff, pid, mid).status_code == 200
    again = report(client, staff, pid, mid)
    assert again.status_code == 409 and "待验收" in again.json()["detail"]
    no_reason = client.post(f"{API}/{pid}/milestones/{mid}/send-back", headers=admin, json={"reason": " "})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    assert client.post(f"{API}/{pid}/milestones/{mid}/accept", headers=admin).status_code == 200
    assert client.post(f"{API}/{pid}/milestones/{mid}/send-back", headers=admin,
                       json={"reason": "晚了"}).status_code == 409
    assert client.post(f"{API}/{pid}/milestones/999999/accept", headers=admin).status_code == 404


@pytest.mark.parametrize("racers", [6])
def test_racing_payments_never_exceed_the_contract_value(client, as_role, racers):
    admin, staff = as_role("district_admin"), as_role("org_staff")
    project = contracted(client, admin, "并发支付测试", value_fen=1_000_000)
    milestone = accepted(client, admin, staff, project["id"], amount_fen=1_000_000)
    pay = {"milestone_id": milestone["id"], "amount_fen": 300_000, "paid_on": str(date.today())}
    with concurrent.futures.ThreadPoolExecutor(racers) as pool:
        answers = list(pool.map(lambda n: client.post(f"{API}/{project['id']}/payments", headers=admin,
                                                      json={**pay, "voucher": f"R{n}"}), range(racers)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] * 3 + [409] * (racers - 3), [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"over_contract_value"}
    rows = run(Payment.select().where(Payment.project == project["id"]))
    assert sum(r["amount_fen"] for r in rows) == 900_000 and len(rows) == 3
    rest = client.post(f"{API}/{project['id']}/payments", headers=admin, json={**pay, "amount_fen": 100_000})
    assert rest.status_code == 201
    assert client.post(f"{API}/{project['id']}/payments", headers=admin,
                       json={**pay, "amount_fen": 1}).json()["code"] == "over_contract_value"


def test_payment_refusals(client, as_role):
    admin, staff = as_role("district_admin"), as_role("org_staff")
    project = contracted(client, admin, "支付校验测试")
    pid = project["id"]
    open_one = plan(client, admin, pid, amount_fen=5_000_000).json()
    done = accepted(client, admin, staff, pid, amount_fen=2_000_000)
    base = {"milestone_id": done["id"], "amount_fen": 1_000_000, "paid_on": str(date.today())}
    before = counts()
    for changes, status, code in [({"milestone_id": open_one["id"]}, 409, "milestone_not_accepted"),
                                  ({"amount_fen": 2_000_001}, 409, "over_milestone_amount"),
                                  ({"amount_fen": 0}, 422, "invalid"), ({"milestone_id": 999999}, 422, "invalid"),
                                  ({"paid_on": str(date.today() + timedelta(days=2))}, 422, "invalid"),
                                  ({"milestone_id": None}, 422, "invalid")]:
        refused = client.post(f"{API}/{pid}/payments", headers=admin, json={**base, **changes})
        assert (refused.status_code, refused.json()["code"]) == (status, code), (changes, refused.text)
    assert counts() == before


def test_access_by_role_organisation_and_district(client, as_role):
    admin = as_role("district_admin")
    theirs = contracted(client, admin, "他人承接的项目", supplier=orgs()[1])
    pid = theirs["id"]
    mid = plan(client, admin, pid).json()["id"]
    staff = as_role("org_staff")  # staff of orgs()[0], not the supplier
    for path in ("contract", "delivery", "milestones", "payments"):
        assert client.get(f"{API}/{pid}/{path}", headers=staff).status_code == 404, path
        assert client.get(f"{API}/{pid}/{path}", headers=as_role("supervisor")).status_code == 200, path
    assert report(client, staff, pid, mid).status_code == 404
    assert client.post(f"{API}/{pid}/milestones/{mid}/evidence", headers=staff,
                       files={"file": ("x.pdf", PDF)}).status_code == 404
    assert client.get(f"/districts/{OWN}/procurement/delivery/{pid}", headers=staff).status_code == 404
    assert report(client, admin, pid, mid).status_code == 403  # only the supplier's staff report
    for role in ("supervisor", "city_admin", "org_staff"):
        assert plan(client, as_role(role), pid).status_code == 403
    assert client.get(f"{API}/{pid}/delivery", headers=as_role("resident")).status_code == 403
    other_admin = bearer_for(client, f"{OTHER}-admin")
    assert client.get(f"{API}/{pid}/contract", headers=other_admin).status_code == 403
    assert client.get(f"/api/districts/{OTHER}/procurement/projects/{pid}/contract",
                      headers=as_role("platform_admin")).status_code == 404
    assert run(PurchaseProject.select(PurchaseProject.stage).where(PurchaseProject.id == pid).first())["stage"] == \
        "contracted"


def test_each_attaching_of_the_contract_document_is_kept(client, as_role):
    """Attach, then replace: the contract names the newest upload and the download serves it;
    both attachings stay in the history the OCDS releases read, each audited."""
    admin = as_role("district_admin")
    pid = contracted(client, admin, "合同文本替换测试")["id"]
    first = client.post(f"{API}/{pid}/contract/document", headers=admin, files={"file": ("合同.pdf", PDF, "application/pdf")})
    assert first.status_code == 201, first.text
    second = client.post(f"{API}/{pid}/contract/document", headers=admin,
                         files={"file": ("合同-盖章版.pdf", PDF + b"\n% stamped", "application/pdf")})
    assert second.status_code == 201, second.text
    contract = run(Contract.select().where(Contract.project == pid).first())
    rows = run(ContractDocument.select().where(ContractDocument.contract == contract["id"]).order_by(ContractDocument.id))
    assert len(rows) == 2 and rows[-1]["upload"] == contract["document"] != rows[0]["upload"]
    assert rows[0]["attached_at"] <= rows[1]["attached_at"]
    download = client.get(f"{API}/{pid}/contract/document", headers=admin)
    assert download.status_code == 200 and download.content.endswith(b"% stamped")
    assert events("procurement_contract", contract["id"])[-2:] == ["attach", "attach"]


def test_the_migration_fills_the_history_from_the_documents_attached_before_it(client, as_role):
    """procurement migration 2026-12-02T03:19:07 on data from before the history: one row per
    contract with a document, at its upload's time (run, checked and rolled back)."""
    admin = as_role("district_admin")
    pid = contracted(client, admin, "合同文本迁移测试")["id"]
    assert client.post(f"{API}/{pid}/contract/document", headers=admin,
                       files={"file": ("合同.pdf", PDF, "application/pdf")}).status_code == 201
    module = importlib.import_module("plugins.procurement.piccolo_migrations.procurement_2026_12_02t03_19_07_000000")

    class Undo(Exception):
        pass

    async def scenario():
        manager = await module.forwards()
        async with db.write_transaction():
            await ContractDocument.delete().where(ContractDocument.id > 0)  # as before the history existed
            current = await Contract.select(Contract.id, Contract.document, Contract.document.uploaded_at.as_alias(
                "at")).where(Contract.document.is_not_null())
            for step in manager.raw:
                await step()
            filled = await ContractDocument.select(ContractDocument.contract, ContractDocument.upload,
                                                   ContractDocument.attached_at)
            raise Undo(current, filled)

    with pytest.raises(Undo) as undone:
        run(scenario())
    current, filled = undone.value.args
    mine = run(Contract.select(Contract.id).where(Contract.project == pid).first())["id"]
    assert sorted((c["id"], c["document"], c["at"]) for c in current) == sorted(
        (f["contract"], f["upload"], f["attached_at"]) for f in filled)
    assert mine in {f["contract"] for f in filled}
    assert run(ContractDocument.count()) >= 1  # rolled back: the rows from before are still there
