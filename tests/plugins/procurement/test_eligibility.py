"""Capacity-based eligibility through the real app: each reason refused on a bid with 422,
its stable code and a Chinese message (and the refusal kept on the record), the staff's dry
run naming the same reasons, a graduated incubatee spared the grade and past-score conditions on
a project for new providers, 3A+ flagged for ranking, and bad terms refused field by field."""

from __future__ import annotations

from datetime import date

import pytest

from core.facts import organization_workers
from core.tables import AuditEvent
from plugins.incubation.tables import Base, Incubatee
from plugins.procurement.tables import Bid, PurchaseProject
from tests.conftest import OTHER, OWN, run
from tests.plugins.procurement.support import bid, new_org, open_tender, past_award, staff_of
from tests.plugins.procurement.test_projects import API, create

def last_year() -> int:
    """Read when the test runs (a run may cross New Year's midnight)."""
    return date.today().year - 1


def refused_for(client, admin, eligibility: dict, org_id: int, code: str, words: str) -> dict:
    project = open_tender(client, admin, f"资格测试：{code}", eligibility)
    bids_before = run(Bid.count().where(Bid.state == "submitted"))
    answer = bid(client, staff_of(org_id), project["id"])
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["code"] == "ineligible" and "不符合本项目的资格条件" in body["detail"]
    assert [e["field"] for e in body["errors"]] == [code], body["errors"]
    assert words in body["errors"][0]["message"]
    # Nothing submitted; the refusal is on the record with the same reason, and audited.
    assert run(Bid.count().where(Bid.state == "submitted")) == bids_before
    kept = run(Bid.select().where((Bid.project == project["id"]) & (Bid.organization_id == org_id)))
    assert [r["state"] for r in kept] == ["refused"] and code in kept[0]["reasons"]
    assert run(AuditEvent.exists().where((AuditEvent.entity == "procurement_bid") & (AuditEvent.action == "refuse")
                                         & (AuditEvent.entity_id == str(kept[0]["id"]))))
    dry = client.get(f"{API}/{project['id']}/eligibility", headers=admin, params={"organization_id": org_id}).json()
    assert dry["eligible"] is False and [r["code"] for r in dry["reasons"]] == [code]
    return body


def test_kind_refused(client, as_role):
    body = refused_for(client, as_role("district_admin"), {"allowed_kinds": ["social_service_institution"]},
                       new_org(legal_type="foundation"), "kind", "本项目只接受：社会服务机构")
    assert "基金会" in body["errors"][0]["message"]


def test_barred_kind_refused_naming_the_article(client, as_role):
    refused_for(client, as_role("district_admin"), {}, new_org(legal_type="public_welfare_1"), "kind",
                "财政部令第102号第八条")


@pytest.mark.parametrize("status", ["filed", "deregistered", "revoked"])
def test_status_refused(client, as_role, status):
    words = "仅备案" if status == "filed" else "登记状态为"
    kind = "community_filed" if status == "filed" else "social_service_institution"
    allowed = ["social_service_institution", "community_filed"]
    refused_for(client, as_role("district_admin"), {"allowed_kinds": allowed}, new_org(legal_type=kind, status=status),
                "status", words)


def test_credit_list_refused(client, as_role):
    refused_for(client, as_role("district_admin"), {}, new_org(credit_list="serious"), "credit", "严重违法失信名单")


def test_grade_refused(client, as_role):
    body = refused_for(client, as_role("district_admin"), {"min_grade": "3A"}, new_org(grade="2A"), "grade",
                       "本项目要求3A及以上")
    assert "评估等级为2A" in body["errors"][0]["message"]
    refused_for(client, as_role("district_admin"), {"min_grade": "1A"}, new_org(grade=None), "grade", "未评估")


def test_workers_refused(client, as_role):
    refused_for(client, as_role("district_admin"), {"min_workers": 2}, new_org(), "workers", "在岗持证社工0人")


def test_inspection_refused(client, as_role):
    refused_for(client, as_role("district_admin"), {}, new_org(failed_year=last_year()), "inspection",
                f"{last_year()}年度年检结论为“不合格”")


def test_an_old_failed_inspection_does_not_count(client, as_role):
    project = open_tender(client, as_role("district_admin"), "资格测试：三年前年检")
    assert bid(client, staff_of(new_org(failed_year=last_year() - 2)), project["id"]).status_code == 201


def test_past_score_refused_and_a_newcomer_passes_unless_required(client, as_role):
    admin = as_role("district_admin")
    low = new_org()
    past_award(low, 72.5)
    refused_for(client, admin, {"min_past_score": 80}, low, "past_score", "平均得分72.5分，本项目要求不低于80分")
    project = open_tender(client, admin, "资格测试：无以往得分", {"min_past_score": 80})
    assert bid(client, staff_of(new_org()), project["id"]).status_code == 201
    refused_for(client, admin, {"min_past_score": 80, "require_past_score": True}, new_org(), "past_score",
                "没有以往项目的绩效评价得分")
    good = new_org()
    past_award(good, 91)
    project = open_tender(client, admin, "资格测试：以往得分高", {"min_past_score": 80})
    assert bid(client, staff_of(good), project["id"]).status_code == 201


def test_every_reason_at_once_in_the_dry_run(client, as_role):
    admin = as_role("district_admin")
    org = new_org(legal_type="foundation", status="deregistered", grade="1A", credit_list="abnormal",
                  failed_year=last_year())
    past_award(org, 50)
    project = open_tender(client, admin, "资格测试：全部不符", {
        "allowed_kinds": ["social_group"], "min_grade": "4A", "min_workers": 1, "min_past_score": 60})
    dry = client.get(f"{API}/{project['id']}/eligibility", headers=admin, params={"organization_id": org})
    assert dry.status_code == 200
    assert [r["code"] for r in dry.json()["reasons"]] == ["kind", "status", "credit", "grade", "workers", "inspection",
                                                          "past_score"]
    assert dry.json()["past_score"] == 50 and dry.json()["past_projects"] == 1


def test_a_graduated_incubatee_may_bid_on_a_project_for_new_providers(client, as_role):
    admin = as_role("district_admin")
    org = new_org(grade=None)
    base = run(Base.insert(Base(district_code=OWN, name="测试孵化基地", capacity=3)).returning(Base.id))[0]["id"]
    run(Incubatee.insert(Incubatee(district_code=OWN, base=base, name="出壳团队", organization_id=org,
                                   applicant="test", stage="graduated", graduated_on=date.today())))
    terms = {"min_grade": "3A", "min_past_score": 80, "require_past_score": True}
    plain = open_tender(client, admin, "资格测试：非新承接方项目", terms)
    assert [e["field"] for e in bid(client, staff_of(org), plain["id"]).json()["errors"]] == ["grade", "past_score"]
    fresh = open_tender(client, admin, "资格测试：面向新承接方", {**terms, "for_new_providers": True})
    dry = client.get(f"{API}/{fresh['id']}/eligibility", headers=admin, params={"organization_id": org}).json()
    assert dry["eligible"] and dry["incubation_graduate"] and dry["new_provider_exemption"]
    assert bid(client, staff_of(org), fresh["id"]).status_code == 201
    # Not a graduate: the same project still asks for the grade.
    assert bid(client, staff_of(new_org(grade=None)), fresh["id"]).json()["errors"][0]["field"] == "grade"


def test_certified_workers_counted_by_the_talent_module(client, as_role, ctx):
    admin = as_role("district_admin")
    org_id = run(PurchaseProject.raw("SELECT id FROM organization WHERE name LIKE '%阳光社会工作服务中心' "
                                     "AND district_code = {}", OWN))[0]["id"]
    certified = run(organization_workers(ctx, OWN, org_id))
    assert certified and all(w["qualification"] != "无" for w in certified)
    project = open_tender(client, admin, "资格测试：持证社工", {"min_workers": len(certified), "min_grade": "3A"})
    dry = client.get(f"{API}/{project['id']}/eligibility", headers=admin, params={"organization_id": org_id}).json()
    assert dry["eligible"] and dry["certified_workers"] == len(certified) and dry["priority_grade"]
    more = open_tender(client, admin, "资格测试：持证社工不足", {"min_workers": len(certified) + 1})
    dry = client.get(f"{API}/{more['id']}/eligibility", headers=admin, params={"organization_id": org_id}).json()
    assert [r["code"] for r in dry["reasons"]] == ["workers"]


def test_dry_run_access_and_other_districts(client, as_role):
    admin = as_role("district_admin")
    project = open_tender(client, admin, "资格测试：访问")
    url = f"{API}/{project['id']}/eligibility"
    assert client.get(url, headers=as_role("supervisor"), params={"organization_id": new_org()}).status_code == 200
    assert client.get(url, headers=as_role("org_staff"), params={"organization_id": new_org()}).status_code == 403
    other_org = new_org(code=OTHER)
    assert client.get(url, headers=admin, params={"organization_id": other_org}).status_code == 404
    assert client.get(url, headers=admin, params={"organization_id": 0}).status_code == 400


BAD_TERMS = [
    ({"eligibility": {"allowed_kinds": ["mass_organization"]}}, "eligibility.allowed_kinds", "第102号第八条"),
    ({"eligibility": {"allowed_kinds": []}}, "eligibility.allowed_kinds", "至少选择"),
    ({"eligibility": {"min_grade": "6A"}}, "eligibility.min_grade", "评估等级"),
    ({"eligibility": {"min_workers": -1}}, "eligibility.min_workers", "0到1000"),
    ({"eligibility": {"min_past_score": 120}}, "eligibility.min_past_score", "0到100"),
    ({"eligibility": {"require_past_score": True}}, "eligibility.min_past_score", "须填写最低分"),
    ({"weights": {"price": 30, "plan": 40, "capacity": 20, "past": 20}}, "weights", "之和应为100"),
    ({"weights": {"price": 50, "plan": 50}}, "weights", "只包括"),
    ({"bid_deadline": "2020-01-01T10:00:00+08:00"}, "bid_deadline", "晚于现在"),
]


@pytest.mark.parametrize(("body", "field", "words"), BAD_TERMS, ids=[b[1] + str(i) for i, b in enumerate(BAD_TERMS)])
def test_bad_terms_422_and_nothing_written(client, as_role, body, field, words):
    admin = as_role("district_admin")
    project = create(client, admin, title="条件测试项目")["id"]
    before = run(PurchaseProject.select(PurchaseProject.eligibility, PurchaseProject.weights,
                                        PurchaseProject.bid_deadline).where(PurchaseProject.id == project))
    answer = client.put(f"{API}/{project}/terms", headers=admin, json=body)
    assert answer.status_code == 422, answer.text
    assert any(e["field"] == field and words in e["message"] for e in answer.json()["errors"]), answer.json()
    assert run(PurchaseProject.select(PurchaseProject.eligibility, PurchaseProject.weights,
                                      PurchaseProject.bid_deadline).where(PurchaseProject.id == project)) == before
