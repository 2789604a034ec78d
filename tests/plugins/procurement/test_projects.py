"""Purchase projects through the real app: the lifecycle planning → closed with its stage
history and audit events; every rule on create and update refused with a field-level 422
and nothing written; illegal moves and edits outside planning 409; two racing moves → one
wins; who may read and write in which district; the pages in Beijing time; the demo."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import date

import pytest

from core.tables import AuditEvent, Community
from plugins.procurement import projects, states
from plugins.procurement.tables import Award, PurchaseProject, StageChange
from tests.conftest import OTHER, OWN, bearer_for, run

API = f"/api/districts/{OWN}/procurement/projects"
PAGE = f"/districts/{OWN}/procurement"
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def communities(code: str = OWN, kind: str = "community") -> list[str]:
    return [r["code"] for r in run(Community.select(Community.code).where(
        (Community.district_code == code) & (Community.kind == kind)).order_by(Community.code))]


def body(**changes) -> dict:
    good = {"title": "居家养老上门服务", "buyer": "武陵区民政局", "field": "社区养老", "target_group": "老年人",
            "communities": communities()[:2], "budget_fen": 30_000_000, "period_start": "2027-01-01",
            "period_end": "2027-12-31", "method": "公开招标", "subject_kind": "service",
            "indicators": [{"name": "服务人次", "unit": "人次", "target": 1200, "kind": "output"},
                           {"name": "满意度", "unit": "%", "target": 90, "kind": "outcome"}]}
    return {**good, **changes}


def create(client, headers, **changes) -> dict:
    response = client.post(API, headers=headers, json=body(**changes))
    assert response.status_code == 201, response.text
    return response.json()


def move(client, headers, project_id: int, to: str, reason: str = ""):
    return client.post(f"{API}/{project_id}/moves", headers=headers, json={"to": to, "reason": reason})


def contract(project: dict, **changes) -> dict:
    """A good contract for `project`: with the organisation it was awarded to, at the awarded price, over its term."""
    won = run(Award.select().where(Award.project == project["id"]).first())
    return {"organization_id": won["organization_id"], "number": f"HT-{project['id']}", "value_fen": won["price_fen"],
            "signed_on": min(project["period_start"], str(date.today())), "term_start": project["period_start"],
            "term_end": project["period_end"], **changes}


def counts() -> tuple[int, int, int]:
    return run(PurchaseProject.count()), run(StageChange.count()), run(AuditEvent.count())


def test_lifecycle_planning_to_closed_with_history_and_audit(client, as_role):
    admin = as_role("district_admin")
    project = create(client, admin)
    assert project["stage"] == "planning" and project["ocid"] == f"ocds-sanshe-{OWN}-{project['id']}"
    assert project["budget_fen"] == 30_000_000 and project["method_ocds"] == "open"
    assert [i["target"] for i in project["indicators"]] == [1200, 90]
    assert project["next_stages"] == ["tender", "cancelled"]
    for stage in states.ORDER[1:]:
        if stage == "awarded":  # through the evaluation and the award, not a plain move
            assert move(client, admin, project["id"], stage, "直接确定").json()["code"] == "award_required"
            award_the_only_bid(client, admin, project["id"], "推进到awarded")
            continue
        if stage == "contracted":  # only recording the contract moves a project there (test_delivery.py)
            assert move(client, admin, project["id"], stage).json()["code"] == "contract_required"
            signed = client.post(f"{API}/{project['id']}/contract", headers=admin, json=contract(project))
            assert signed.status_code == 201, signed.text
            continue
        if stage == "evaluated":  # only completing the evaluation moves a project there (test_evaluation.py)
            from tests.plugins.procurement.evaluation_support import evaluate

            assert move(client, admin, project["id"], stage).json()["code"] == "evaluation_required"
            evaluate(client, admin, as_role("supervisor"), project["id"])
            continue
        moved = move(client, admin, project["id"], stage, f"推进到{stage}")
        assert moved.status_code == 200, moved.text
        assert moved.json()["stage"] == stage
        if stage == "tender":  # a bid, then the deadline passes
            from tests.plugins.procurement.support import bid, deadline_passes, new_org, staff_of

            from datetime import datetime, timezone

            run(PurchaseProject.update({PurchaseProject.bid_deadline: datetime(2099, 1, 1, tzinfo=timezone.utc)}).where(
                PurchaseProject.id == project["id"]))
            assert bid(client, staff_of(new_org()), project["id"]).status_code == 201
            deadline_passes(project["id"])
    done = client.get(f"{API}/{project['id']}", headers=admin).json()
    assert done["stage"] == "closed" and done["next_stages"] == []
    assert [(h["from_stage"], h["to_stage"]) for h in done["history"]] == list(zip(states.ORDER, states.ORDER[1:]))
    assert all(h["actor"] == f"{OWN}-admin" for h in done["history"])
    events = run(AuditEvent.select(AuditEvent.action, AuditEvent.before, AuditEvent.after).where(
        (AuditEvent.entity == "procurement_project") & (AuditEvent.entity_id == str(project["id"])))
        .order_by(AuditEvent.seq))
    assert [e["action"] for e in events] == ["create"] + ["move"] * 7
    assert json.loads(events[-1]["before"]) == {"stage": "evaluated"}
    assert json.loads(events[-1]["after"]) == {"stage": "closed", "reason": "推进到closed"}
    assert json.loads(events[0]["after"])["field"] == "社区养老"


def award_the_only_bid(client, admin, project_id: int, reason: str) -> None:
    """The panel (one member, no conflict) scores the project's one bid; the admin awards it."""
    from tests.plugins.procurement.support import declare, panelist, score

    member = panelist(9)
    assert client.post(f"{API}/{project_id}/panel", headers=admin,
                       json={"username": f"{OWN}-panelist-9"}).status_code == 201
    assert declare(client, member, project_id).status_code == 201
    only = client.get(f"{API}/{project_id}/bids", headers=admin).json()["items"][0]["id"]
    assert score(client, member, project_id, only, 85).status_code == 200
    awarded = client.post(f"{API}/{project_id}/award", headers=admin, json={"bid_id": only, "reason": reason})
    assert awarded.status_code == 201, awarded.text


def test_update_in_planning_is_audited_and_refused_later(client, as_role):
    admin = as_role("district_admin")
    project = create(client, admin, title="待修改的项目")
    changed = client.patch(f"{API}/{project['id']}", headers=admin, json={"budget_fen": 25_000_000,
                                                                          "title": "修改后的项目"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["budget_fen"] == 25_000_000 and changed.json()["title"] == "修改后的项目"
    event = run(AuditEvent.select().where((AuditEvent.entity == "procurement_project")
                                          & (AuditEvent.entity_id == str(project["id"]))
                                          & (AuditEvent.action == "update")).first())
    assert json.loads(event["before"]) == {"budget_fen": 30_000_000, "title": "待修改的项目"}
    bad = client.patch(f"{API}/{project['id']}", headers=admin, json={"field": "汽车维修"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "field"
    assert move(client, admin, project["id"], "tender").status_code == 200
    late = client.patch(f"{API}/{project['id']}", headers=admin, json={"title": "招标后再改"})
    assert late.status_code == 409 and "招标/采购公告" in late.json()["detail"]
    assert client.get(f"{API}/{project['id']}", headers=admin).json()["title"] == "修改后的项目"


REFUSALS = [
    ({"field": "汽车维修"}, "field", ["汽车维修", "指导性目录"]),
    ({"subject_kind": "works"}, "subject_kind", ["工程", "负面清单", "财政部令第102号"]),
    ({"subject_kind": "goods"}, "subject_kind", ["货物", "负面清单"]),
    ({"subject_kind": "financing"}, "subject_kind", ["融资", "负面清单"]),
    ({"subject_kind": "staffing"}, "subject_kind", ["购买主体自身用人", "负面清单"]),
    ({"method": "单一来源", "method_reason": ""}, "method_reason", ["单一来源", "理由"]),
    ({"method": "拍卖"}, "method", ["采购方式"]),
    ({"period_end": "2026-12-31"}, "period_end", ["不能早于"]),
    ({"period_end": "2028-06-30"}, "term_reason", ["超过12个月", "理由"]),
    ({"period_end": "2030-01-01", "term_reason": "持续性服务"}, "period_end", ["不能超过36个月"]),
    ({"budget_fen": 0}, "budget_fen", ["大于0"]),
    ({"budget_fen": -5}, "budget_fen", ["大于0"]),
    ({"budget_fen": 10**12}, "budget_fen", ["100亿元"]),
    ({"budget_fen": None}, "budget_fen", ["预算"]),
    ({"communities": ["430703001001"]}, "communities", ["430703001001", "不在本区县"]),
    ({"buyer_community_code": "430703001"}, "buyer_community_code", ["不是本区县登记的街道"]),
    ({"indicators": [{"name": f"指标{i}", "unit": "", "target": i, "kind": "output"} for i in range(21)]},
     "indicators", ["最多20项"]),
    ({"indicators": [{"name": "", "unit": "", "target": 1, "kind": "output"}]}, "indicators", ["缺少名称"]),
    ({"indicators": [{"name": "满意度", "unit": "%", "target": None, "kind": "outcome"}]}, "indicators",
     ["满意度", "目标值应为数字"]),
    ({"indicators": [{"name": "满意度", "unit": "%", "target": 90, "kind": "impact"}]}, "indicators", ["类型"]),
    ({"title": ""}, "title", ["项目名称"]),
    ({"buyer": "  "}, "buyer", ["购买主体"]),
    ({"needs": ["participation:need:999999"]}, "needs", ["没有这些需求", "participation:need:999999"]),
]


@pytest.mark.parametrize(("changes", "field", "words"), REFUSALS, ids=[r[1] + str(i) for i, r in enumerate(REFUSALS)])
def test_create_refused_naming_the_field_and_nothing_written(client, as_role, changes, field, words):
    before = counts()
    response = client.post(API, headers=as_role("district_admin"), json=body(**changes))
    assert response.status_code == 422, response.text
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert field in errors, errors
    assert all(w in errors[field] for w in words), errors[field]
    assert counts() == before


def test_a_long_term_with_a_reason_and_single_source_with_a_reason_are_accepted(client, as_role):
    project = create(client, as_role("district_admin"), period_end="2029-06-30", term_reason="持续性、稳定性服务",
                     method="单一来源", method_reason="唯一具备资质的承接主体")
    assert project["term_reason"] == "持续性、稳定性服务" and project["method_ocds"] == "direct"


def test_street_buyer_and_catalogue_from_settings(client, as_role, ctx):
    street = communities(kind="street")[0]
    project = create(client, as_role("district_admin"), buyer="某街道办事处", buyer_community_code=street)
    assert project["buyer_community_code"] == street
    settings = run(projects.settings_of(ctx, OWN))
    assert settings["guidance_catalogue"][:5] == ["社区养老", "残障康复", "社区矫正", "婚姻家庭", "青少年心理"]
    assert settings["max_term_months"] == 12 and settings["max_term_months_with_reason"] == 36


def test_illegal_moves_409_and_reasons_required(client, as_role):
    admin = as_role("district_admin")
    project = create(client, admin, title="非法推进测试")
    before = counts()
    skipped = move(client, admin, project["id"], "awarded")
    assert skipped.status_code == 409 and skipped.json()["code"] == "invalid_transition"
    assert "计划中" in skipped.json()["detail"]
    unsuccessful = move(client, admin, project["id"], "unsuccessful", "无人投标")
    assert unsuccessful.status_code == 409  # only from tender or evaluation
    no_reason = move(client, admin, project["id"], "cancelled")
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    unknown = move(client, admin, project["id"], "bogus")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "to"
    assert counts() == before
    cancelled = move(client, admin, project["id"], "cancelled", "预算调整，终止采购")
    assert cancelled.status_code == 200 and cancelled.json()["stage_reason"] == "预算调整，终止采购"
    again = move(client, admin, project["id"], "tender")
    assert again.status_code == 409 and "已终止" in again.json()["detail"]


def test_unsuccessful_from_tender(client, as_role):
    admin = as_role("district_admin")
    project = create(client, admin, title="流标测试")
    assert move(client, admin, project["id"], "tender").status_code == 200
    failed = move(client, admin, project["id"], "unsuccessful", "投标人不足三家，采购失败")
    assert failed.status_code == 200 and failed.json()["stage"] == "unsuccessful"


def test_two_racing_moves_one_wins(client, as_role):
    admin = as_role("district_admin")
    project = create(client, admin, title="并发推进测试")

    async def race():
        return await asyncio.gather(
            projects.move(OWN, project["id"], "tender", "", "racer-a"),
            projects.move(OWN, project["id"], "tender", "", "racer-b"), return_exceptions=True)

    results = run(race())
    won = [r for r in results if isinstance(r, dict)]
    lost = [r for r in results if not isinstance(r, dict)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].status_code == 409 and "招标/采购公告" in lost[0].detail  # names the stage it found
    assert len(run(StageChange.select().where(StageChange.project == project["id"]))) == 1


def test_racing_moves_through_the_api(client, as_role):
    """The same race through the HTTP client in two threads: one 200, one 409."""
    import concurrent.futures

    admin = as_role("district_admin")
    project = create(client, admin, title="并发推进测试二")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda to: move(client, admin, project["id"], to, "并发"), ["tender", "tender"]))
    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]


@pytest.mark.parametrize("role", ["district_admin", "supervisor", "city_admin", "platform_admin"])
def test_readers(client, as_role, role):
    listed = client.get(API, headers=as_role(role))
    assert listed.status_code == 200 and listed.json()["total"] >= 8
    assert client.get(PAGE, headers=as_role(role)).status_code == 200


@pytest.mark.parametrize("role", ["org_staff", "resident", "social_worker"])
def test_organisation_staff_and_residents_are_refused(client, as_role, role):
    headers = as_role(role)
    assert client.get(API, headers=headers).status_code == 403
    assert client.post(API, headers=headers, json=body()).status_code == 403


@pytest.mark.parametrize("role", ["supervisor", "city_admin"])
def test_readers_cannot_write(client, as_role, role):
    before = counts()
    assert client.post(API, headers=as_role(role), json=body()).status_code == 403
    assert counts() == before


def test_other_district(client, as_role):
    other = client.get(f"/api/districts/{OTHER}/procurement/projects", headers=as_role("platform_admin"))
    assert other.status_code == 404 and other.json()["code"] == "module_not_enabled"
    page = client.get(f"/districts/{OTHER}/procurement", headers=as_role("platform_admin"))
    assert page.status_code == 404
    project = create(client, as_role("district_admin"), title="跨区访问测试")
    # The project's id under the other district's path is not found there.
    assert client.get(f"/api/districts/{OTHER}/procurement/projects/{project['id']}",
                      headers=as_role("platform_admin")).status_code == 404
    # The other district's admin may neither read nor write this district's projects.
    other_admin = bearer_for(client, f"{OTHER}-admin")
    assert client.get(API, headers=other_admin).status_code == 403
    assert client.get(f"{API}/{project['id']}", headers=other_admin).status_code == 403
    assert move(client, other_admin, project["id"], "tender").status_code == 403
    assert client.get(f"{API}/{project['id']}", headers=as_role("district_admin")).json()["stage"] == "planning"


def test_list_filters_and_paging(client, as_role):
    admin = as_role("district_admin")
    create(client, admin, title="筛选测试矫正项目", field="社区矫正")
    by_field = client.get(API, headers=admin, params={"field": "社区矫正", "q": "筛选测试"}).json()
    assert by_field["total"] == 1 and by_field["items"][0]["title"] == "筛选测试矫正项目"
    assert by_field["stage_counts"]["planning"] == 1
    in_tender = client.get(API, headers=admin, params={"stage": "tender"}).json()
    assert in_tender["items"] and all(p["stage"] == "tender" for p in in_tender["items"])
    paged = client.get(API, headers=admin, params={"per_page": 2, "page": 2}).json()
    assert len(paged["items"]) == 2 and paged["page"] == 2
    assert client.get(API, headers=admin, params={"stage": "bogus"}).status_code == 400


def test_demo_projects(client, as_role):
    rows = run(PurchaseProject.select().where((PurchaseProject.district_code == OWN)
                                              & PurchaseProject.title.like("%（示范）")))
    assert len(rows) >= 8
    stages = {r["stage"] for r in rows}
    assert {"planning", "tender", "evaluation", "awarded", "contracted", "in_delivery", "evaluated",
            "cancelled"} <= stages
    assert {r["field"] for r in rows} >= {"社区养老", "残障康复", "社区矫正", "婚姻家庭", "青少年心理"}
    assert all(json.loads(r["indicators"]) for r in rows)
    cancelled = next(r for r in rows if r["stage"] == "cancelled")
    assert cancelled["stage_reason"]
    delivering = next(r for r in rows if r["stage"] == "in_delivery")
    assert len(run(StageChange.select().where(StageChange.project == delivering["id"]))) == 5
    assert not run(PurchaseProject.exists().where(PurchaseProject.district_code == OTHER))


def test_demo_runs_twice(ctx):
    from plugins.procurement.demo import load

    before = run(PurchaseProject.count())
    run(load(ctx.districts[OWN], ctx))
    assert run(PurchaseProject.count()) == before


def test_pages_render_in_beijing_time(client, as_role):
    admin = as_role("district_admin")
    project = create(client, admin, title="页面测试项目")
    assert move(client, admin, project["id"], "tender", "采购公告已发布").status_code == 200
    home = client.get(PAGE, headers=admin)
    assert home.status_code == 200 and "页面测试项目" in home.text
    assert 'data-testid="new-project"' in home.text and 'data-testid="stage-chip"' in home.text
    assert not ISO_TIME.search(home.text)
    page = client.get(f"{PAGE}/projects/{project['id']}", headers=admin)
    assert page.status_code == 200 and "服务人次" in page.text and "采购公告已发布" in page.text
    assert 'data-testid="move-evaluation"' in page.text and 'data-testid="move-cancelled"' in page.text
    assert "300,000.00" in page.text
    assert not ISO_TIME.search(page.text), ISO_TIME.findall(page.text)
    stamp = run(StageChange.select(StageChange.at).where(StageChange.project == project["id"]).first())["at"]
    from core.dates import beijing_time

    assert beijing_time(stamp) in page.text
    reader = client.get(f"{PAGE}/projects/{project['id']}", headers=as_role("supervisor"))
    assert reader.status_code == 200 and 'data-testid="moves"' not in reader.text
    assert 'data-testid="new-project"' not in client.get(PAGE, headers=as_role("supervisor")).text
    english = client.get(f"{PAGE}?lang=en", headers=admin)
    assert "Government purchase of services" in english.text and "New project" in english.text
    assert client.get(f"{PAGE}/projects/999999", headers=admin).status_code == 404


def test_nav_item_for_readers(client, as_role):
    home = client.get(f"/districts/{OWN}", headers=as_role("supervisor"))
    assert home.status_code == 200 and f"/districts/{OWN}/procurement" in home.text
    assert f"/districts/{OWN}/procurement" not in client.get(f"/districts/{OWN}", headers=as_role("resident")).text
