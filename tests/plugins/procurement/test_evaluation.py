"""Outcome evaluation through the real app: opened on a project in delivery naming the
third-party evaluator, scored by the buyer and the evaluator (each blind to the other's scores
until completion), the service users' ratings from another module (hook `rating_averages`, here
the example plugin's) counted only from the district's minimum — below it their weight is shared
out, recorded —, the weighted total and grade checked against hand-computed figures, completion
moving the project to evaluated in the same transaction; wrong stages 409, bad input 422 with
nothing written."""

from __future__ import annotations

import json

import pytest

from core.plugins import call_async
from core.tables import AuditEvent
from plugins.procurement.evaluation_tables import ProjectEvaluation
from tests.conftest import OWN, run
from tests.example_plugin import RATINGS
from tests.plugins.procurement.evaluation_support import FINDINGS, SUPERVISOR, delivering, opened, scores, url
from tests.plugins.procurement.delivery_support import contracted, orgs
from tests.plugins.procurement.test_projects import API, move

MODULES = f"/api/districts/{OWN}/modules"


@pytest.fixture
def ratings(client, as_role):
    """The example module enabled in OWN, rating what a test puts into RATINGS; both undone after."""
    admin = as_role("district_admin")
    assert client.put(f"{MODULES}/example", json={"enabled": True}, headers=admin).status_code == 200
    yield RATINGS
    RATINGS.clear()
    client.put(f"{MODULES}/example", json={"enabled": False}, headers=admin)


def answers(ctx, ref: str) -> list:
    return [a for a in run(call_async(ctx.pm.hook.rating_averages, ctx=ctx, district_code=OWN, refs=[ref])) if a]


def test_hook_rating_averages(ctx, client, as_role, ratings):
    ratings["procurement:x-1"] = {"average": 4.2, "count": 7}
    assert answers(ctx, "procurement:x-1") == [{"procurement:x-1": {"average": 4.2, "count": 7}}]
    assert answers(ctx, "procurement:unknown") == []  # refs a module knows nothing of are left out
    client.put(f"{MODULES}/example", json={"enabled": False}, headers=as_role("district_admin"))
    assert answers(ctx, "procurement:x-1") == []  # where the module is off it rates nothing


def test_the_whole_evaluation_with_too_few_ratings(client, as_role):
    admin, staff, supervisor = as_role("district_admin"), as_role("org_staff"), as_role("supervisor")
    project = delivering(client, admin, staff, "绩效评价全流程测试")
    pid = project["id"]
    started = opened(client, admin, pid)
    assert started["state"] == "open" and started["evaluator"] == SUPERVISOR
    assert started["weights"] == {"buyer": 30, "users": 30, "third_party": 40} and started["min_ratings"] == 5
    [output, outcome] = started["indicators"]
    assert (output["name"], output["achieved"], output["percent"]) == ("服务人次", 610, 50.8)  # 610 of 1200
    assert outcome["achieved"] is None and started["beneficiaries"]["served"] == 102

    buyer = client.put(url(pid, "/buyer"), headers=admin, json=scores(服务人次=80, 满意度=70))
    assert buyer.status_code == 200 and buyer.json()["buyer"]["score"] == 75
    third = client.put(url(pid, "/third-party"), headers=supervisor, json=scores(服务人次=88, 满意度=92))
    assert third.status_code == 200, third.text
    mine = third.json()  # the evaluator sees their own scores, not the buyer's
    assert mine["third_party"]["score"] == 90 and mine["buyer"] == {**mine["buyer"], "hidden": True, "scores": {}}
    assert mine["me"] == "third_party"
    theirs = client.get(url(pid), headers=admin).json()  # and the buyer sees only that the evaluator scored
    assert theirs["third_party"]["scored"] and theirs["third_party"]["hidden"] and theirs["third_party"]["score"] is None
    assert theirs["users"]["counted"] is False and "评价不足 5 条" in theirs["users"]["note"]

    done = client.post(url(pid, "/complete"), headers=admin, json={"findings": FINDINGS})
    assert done.status_code == 200, done.text
    result = done.json()
    # No ratings: the users' 30 is shared out 3:4 → buyer 300/7 %, third party 400/7 %.
    # Total = 75 × 3/7 + 90 × 4/7 = 585/7 = 83.571… → 83.6, 良好.
    assert result["total"] == 83.6 and result["grade"] == "良好" and result["state"] == "completed"
    assert result["used_weights"] == {"buyer": 42.8571, "users": 0.0, "third_party": 57.1429}
    assert result["third_party"]["scores"]["满意度"] == {"score": 92, "note": "满意度评分说明"}
    assert result["findings"] == FINDINGS and result["users"] == {**result["users"], "count": 0, "counted": False}
    detail = client.get(f"{API}/{pid}", headers=admin).json()
    assert detail["stage"] == "evaluated" and detail["history"][-1]["reason"] == "绩效评价完成：总分83.6，良好"
    actions = [e["action"] for e in run(AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.entity == "procurement_evaluation")
        & (AuditEvent.entity_id == str(result["id"]))).order_by(AuditEvent.seq))]
    assert actions == ["open", "score", "score", "complete"]

    again = client.post(url(pid, "/complete"), headers=admin, json={"findings": FINDINGS})
    assert again.status_code == 409 and again.json()["code"] == "evaluation_completed"
    late = client.put(url(pid, "/buyer"), headers=admin, json=scores())
    assert late.status_code == 409
    assert client.get(url(pid), headers=admin).json()["buyer"]["score"] == 75  # nothing changed
    page = client.get(f"/districts/{OWN}/procurement/projects/{pid}", headers=admin).text
    assert 'data-testid="evaluation-total">83.6<' in page and "良好" in page and FINDINGS in page


def test_enough_ratings_count_with_their_weight(client, as_role, ratings):
    admin, staff, supervisor = as_role("district_admin"), as_role("org_staff"), as_role("supervisor")
    project = delivering(client, admin, staff, "服务对象评价计入测试")
    pid, ref = project["id"], f"procurement:{project['ocid']}"
    opened(client, admin, pid)
    ratings[ref] = {"average": 4.5, "count": 4}
    users = client.get(url(pid), headers=admin).json()["users"]
    assert users == {"average": 4.5, "count": 4, "score": None, "counted": False, "note": users["note"]}
    ratings[ref] = {"average": 4.5, "count": 6}  # now 6 ≥ 5
    users = client.get(url(pid), headers=admin).json()["users"]
    assert users["counted"] and users["score"] == 90 and users["note"] == ""
    assert client.put(url(pid, "/buyer"), headers=admin, json=scores(服务人次=80, 满意度=80)).status_code == 200
    assert client.put(url(pid, "/third-party"), headers=supervisor, json=scores(服务人次=90, 满意度=90)).status_code == 200
    result = client.post(url(pid, "/complete"), headers=admin, json={"findings": FINDINGS}).json()
    # 80 × 30% + 4.5 × 20 × 30% + 90 × 40% = 24 + 27 + 36 = 87.0 → 良好
    assert (result["total"], result["grade"]) == (87.0, "良好")
    assert result["used_weights"] == {"buyer": 30.0, "users": 30.0, "third_party": 40.0}
    ratings[ref] = {"average": 1.0, "count": 100}  # later ratings never change a completed evaluation
    assert client.get(url(pid), headers=admin).json()["users"] == {**users, "average": 4.5, "count": 6}


def test_wrong_stages_are_409(client, as_role):
    admin, staff, supervisor = as_role("district_admin"), as_role("org_staff"), as_role("supervisor")
    early = contracted(client, admin, "未实施项目的评价测试")
    refused = client.post(url(early["id"]), headers=admin, json={"evaluator": SUPERVISOR})
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    project = delivering(client, admin, staff, "阶段冲突测试")
    pid = project["id"]
    direct = move(client, admin, pid, "evaluated")
    assert direct.status_code == 409 and direct.json()["code"] == "evaluation_required"
    assert client.get(url(pid), headers=admin).status_code == 404  # not opened yet
    opened(client, admin, pid)
    assert client.post(url(pid), headers=admin, json={"evaluator": SUPERVISOR}).status_code == 409  # one per project
    assert client.put(url(pid, "/buyer"), headers=admin, json=scores()).status_code == 200
    early_end = client.post(url(pid, "/complete"), headers=admin, json={"findings": FINDINGS})
    assert early_end.status_code == 409 and early_end.json()["code"] == "scores_missing"
    assert "第三方评价尚未评分" in early_end.json()["detail"]
    assert client.get(f"{API}/{pid}", headers=admin).json()["stage"] == "in_delivery"
    assert client.put(url(pid, "/third-party"), headers=supervisor, json=scores()).status_code == 200
    assert move(client, admin, pid, "evaluated").json()["code"] == "evaluation_required"  # still only by completing


def _state(pid: int) -> tuple:
    rows = run(ProjectEvaluation.select().where(ProjectEvaluation.project == pid))
    return [(r["state"], r["buyer_scores"], r["third_party_scores"], r["findings"]) for r in rows], run(
        AuditEvent.count().where(AuditEvent.entity == "procurement_evaluation"))


@pytest.mark.parametrize("evaluator, words", [
    ("", "请指定第三方评价人"), ("nobody-here", "没有可用的用户"), (f"{OWN}-admin", "购买主体一方"),
    (f"{OWN}-org", "承接主体的工作人员"), (f"{OWN}-worker", "本区县的监管人员或第三方评价机构"),
    ("430703-supervisor", "本区县的监管人员或第三方评价机构"),
])
def test_opening_refuses_who_may_not_evaluate(client, as_role, evaluator, words):
    admin = as_role("district_admin")
    title = f"评价人资格测试{len(evaluator)}"  # never the account name itself: titles are published
    project = delivering(client, admin, as_role("org_staff"), title, organization_id=orgs()[0])
    before = _state(project["id"])
    answer = client.post(url(project["id"]), headers=admin, json={"evaluator": evaluator})
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["errors"]
    assert error["field"] == "evaluator" and words in error["message"]
    assert _state(project["id"]) == before == ([], before[1])


@pytest.mark.parametrize("given, words", [
    ({"服务人次": 80}, "还有指标没有评分：满意度"),
    ({"服务人次": 80, "满意度": 101}, "“满意度”的得分应在0到100之间"),
    ({"服务人次": -1, "满意度": 80}, "“服务人次”的得分应在0到100之间"),
    ({"服务人次": 80, "满意度": 80, "出勤率": 80}, "“出勤率”不是本项目的绩效指标"),
])
def test_bad_scores_are_422_with_nothing_written(client, as_role, given, words):
    admin, staff, supervisor = as_role("district_admin"), as_role("org_staff"), as_role("supervisor")
    pid = delivering(client, admin, staff, f"评分校验测试{len(given)}{words[:4]}")["id"]
    opened(client, admin, pid)
    before = _state(pid)
    for path, headers in (("/buyer", admin), ("/third-party", supervisor)):
        answer = client.put(url(pid, path), headers=headers, json=scores(**given))
        assert answer.status_code == 422, answer.text
        assert any(e["field"] == "scores" and words in e["message"] for e in answer.json()["errors"])
    twice = {"scores": [*scores()["scores"], {"indicator": "满意度", "score": 60, "note": ""}]}
    assert "“满意度”评了两次" in client.put(url(pid, "/buyer"), headers=admin, json=twice).text
    assert client.put(url(pid, "/buyer"), headers=admin, json={"scores": [{"score": "八十"}]}).status_code == 400
    no_findings = client.post(url(pid, "/complete"), headers=admin, json={"findings": "  "})
    assert no_findings.status_code == 422 and no_findings.json()["errors"][0]["field"] == "findings"
    assert _state(pid) == before
    assert json.loads(before[0][0][1]) == {} and before[0][0][0] == "open"
