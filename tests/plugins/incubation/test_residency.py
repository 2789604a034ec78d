"""Residency at the incubation base through the real app: move-in with a mentor and a
space (capacity respected), the milestone plan submitted and signed off, training and
progress reviews, graduation writing the shared registry and the open dataset, extension
and exit; illegal moves refused; who may do what in which district; the overdue rule and
the milestones as auditable records."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from core.identity import create_api_token, ensure_user
from core.registry import services as registry
from core.tables import AuditEvent, Community, Organization, User
from plugins.incubation import glossary, rules
from plugins.incubation.residency import add_months
from plugins.incubation.stats import graduation_times, milestone_completion
from plugins.incubation.tables import Base, Incubatee, Milestone, PanelScore, ProgressReview
from tests.conftest import OTHER, OWN, PASSWORD, bearer, run

API = f"/api/districts/{OWN}/incubation"
TODAY = date.today()  # midnight-safe: `_today` re-reads it before each test


@pytest.fixture(autouse=True)
def _today():
    """Today as each test starts, not as the module was imported (a run crossing midnight)."""
    global TODAY
    TODAY = date.today()
KINDS = list(glossary.MILESTONES)
PHONE = "13811112222"


async def _token(username: str, grants: list[dict] | None = None) -> str:
    if grants is not None:
        await ensure_user(username, PASSWORD, grants, display_name=username, fast_hash=True)
    user = await User.select(User.id).where(User.username == username).first()
    return (await create_api_token(user["id"], username, "tests"))["token"]


@pytest.fixture(scope="module")
def people(ctx) -> dict[str, dict[str, str]]:
    """Bearer headers: two mentors of OWN (a is assigned, b is not), and users of OTHER."""
    mentor = [{"role": "incubation_mentor", "district_code": OWN}]
    return {
        "mentor_a": bearer(run(_token(f"{OWN}-mentor-a", mentor))),
        "mentor_b": bearer(run(_token(f"{OWN}-mentor-b", mentor))),
        "other_admin": bearer(run(_token(f"{OTHER}-admin"))),
        "other_resident": bearer(run(_token(f"{OTHER}-resident"))),
    }


def new_base(capacity: int = 5, name: str = "武陵区社会组织孵化基地") -> int:
    return run(Base.insert(Base(district_code=OWN, name=name, capacity=capacity, address="武陵大道1号"))
               .returning(Base.id))[0]["id"]


def new_incubatee(base_id: int, name: str, stage: str = "accepted", applicant: str = f"{OWN}-resident",
                  **values) -> int:
    values = {"contact_name": "孙联系", "contact_phone": PHONE, **values}
    row = Incubatee(district_code=OWN, base=base_id, name=name, applicant=applicant, stage=stage,
                    fields=json.dumps(["养老服务", "邻里互助"], ensure_ascii=False),
                    members=json.dumps([{"name": "赵秀英", "role": "队长", "retired": True},
                                        {"name": "钱小明", "role": "会计", "retired": False}], ensure_ascii=False),
                    review_score=82.5, **values)
    return run(Incubatee.insert(row).returning(Incubatee.id))[0]["id"]


def move_in(client, headers, incubatee_id: int, mentor: str = f"{OWN}-mentor-a", **body):
    return client.post(f"{API}/incubatees/{incubatee_id}/move-in", headers=headers,
                       json={"mentor": mentor, "residency": "on_site", **body})


def moved_in(client, headers, incubatee_id: int, **body) -> dict:
    response = move_in(client, headers, incubatee_id, **body)
    assert response.status_code == 200, response.text
    return response.json()


def milestones(incubatee_id: int) -> dict[str, dict]:
    rows = run(Milestone.select().where(Milestone.incubatee == incubatee_id).order_by(Milestone.id))
    return {r["kind"]: r for r in rows}


def sign_all_directly(incubatee_id: int, kinds=KINDS) -> None:
    run(Milestone.update({Milestone.state: "signed_off", Milestone.evidence: "已完成",
                          Milestone.submitted_at: datetime.now(timezone.utc), Milestone.signed_off_by: "test"}).where(
        (Milestone.incubatee == incubatee_id) & Milestone.kind.is_in(list(kinds))))


def final_review(incubatee_id: int) -> None:
    """The 期满 review graduation needs, written directly (the API's own path is tested in the lifecycle)."""
    run(ProgressReview.insert(ProgressReview(incubatee=incubatee_id, district_code=OWN, kind="期满", day=TODAY,
                                             reviewer="test", rating="良好", summary="期满评估通过")))


def stage_of(incubatee_id: int) -> str:
    return run(Incubatee.select(Incubatee.stage).where(Incubatee.id == incubatee_id).first())["stage"]


def first_community() -> str:
    return run(Community.select(Community.code).where(
        (Community.district_code == OWN) & (Community.kind == "community")).order_by(Community.code).first())["code"]


# -- the whole residency ------------------------------------------------------------------------


def test_lifecycle_from_move_in_to_graduation(client, as_role, people):
    admin, applicant, mentor = as_role("district_admin"), as_role("resident"), people["mentor_a"]
    base_id = new_base(3, "全流程孵化基地")
    community = first_community()
    iid = new_incubatee(base_id, "夕阳红互助会", community_code=community)
    run(PanelScore.insert(PanelScore(incubatee=iid, reviewer="评审甲", score=85, comment="团队稳定")))
    moved_on = TODAY - timedelta(days=400)

    row = moved_in(client, admin, iid, space="A-01", moved_in_on=str(moved_on))
    assert row["stage"] == "incubating" and row["mentor"] == f"{OWN}-mentor-a" and row["space"] == "A-01"
    assert row["planned_end"] == str(add_months(moved_on, 18))
    plan = milestones(iid)
    assert list(plan) == KINDS and {m["state"] for m in plan.values()} == {"planned"}
    assert plan["members"]["due_on"] == add_months(moved_on, 18) and plan["charter"]["due_on"] == add_months(moved_on, 3)

    detail = client.get(f"{API}/incubatees/{iid}", headers=admin).json()
    assert detail["base_name"] == "全流程孵化基地" and detail["contact_phone"] == PHONE
    assert [n["kind"] for n in detail["graduation_needs"]] == [*KINDS, "final_review"]
    assert [s["reviewer"] for s in detail["panel_scores"]] == ["评审甲"]
    assert detail["days_incubated"] == 400

    # The charter goes back once for more evidence, then every milestone is submitted and signed off.
    charter = plan["charter"]["id"]
    assert client.post(f"{API}/milestones/{charter}/submit", headers=applicant,
                       json={"evidence": "章程草案"}).json()["state"] == "submitted"
    back = client.post(f"{API}/milestones/{charter}/send-back", headers=mentor, json={"note": "缺少成员大会通过的记录"})
    assert back.status_code == 200 and back.json()["state"] == "planned" and back.json()["note"] == "缺少成员大会通过的记录"
    for kind, m in plan.items():
        submitted = client.post(f"{API}/milestones/{m['id']}/submit", headers=applicant,
                                json={"evidence": f"{glossary.MILESTONES[kind][0]}：见附件{m['id']}"})
        assert submitted.status_code == 200 and submitted.json()["state"] == "submitted", submitted.text
        signed = client.post(f"{API}/milestones/{m['id']}/sign-off", headers=mentor, json={"note": "符合要求"})
        assert signed.status_code == 200 and signed.json()["state"] == "signed_off", signed.text
        assert signed.json()["signed_off_by"] == f"{OWN}-mentor-a"

    training = client.post(f"{API}/incubatees/{iid}/trainings", headers=mentor,
                           json={"day": str(TODAY - timedelta(days=30)), "title": "财务制度培训", "hours": 3,
                                 "attendees": 4})
    assert training.status_code == 201, training.text
    review = client.post(f"{API}/incubatees/{iid}/reviews", headers=mentor,
                         json={"kind": "中期", "day": str(TODAY - timedelta(days=10)), "rating": "良好",
                               "summary": "活动稳定，成员增加"})
    assert review.status_code == 201, review.text
    assert [t["title"] for t in client.get(f"{API}/incubatees/{iid}/trainings", headers=admin).json()] == ["财务制度培训"]
    assert [r["rating"] for r in client.get(f"{API}/incubatees/{iid}/reviews", headers=admin).json()] == ["良好"]
    needs = client.get(f"{API}/incubatees/{iid}", headers=admin).json()["graduation_needs"]
    assert [n["kind"] for n in needs] == ["final_review"]  # a 中期 review is not the 期满 one
    final = client.post(f"{API}/incubatees/{iid}/reviews", headers=mentor,
                        json={"kind": "期满", "day": str(TODAY), "rating": "良好", "summary": "能力建设完成，同意出壳"})
    assert final.status_code == 201, final.text
    assert client.get(f"{API}/incubatees/{iid}", headers=admin).json()["graduation_needs"] == []

    orgs_before = run(Organization.count())
    graduated = client.post(f"{API}/incubatees/{iid}/graduate", headers=admin, json={})
    assert graduated.status_code == 200, graduated.text
    body = graduated.json()
    assert body["stage"] == "graduated" and body["graduated_on"] == str(TODAY) and body["organization_id"]
    assert run(Organization.count()) == orgs_before + 1

    org = client.get(f"/api/districts/{OWN}/organizations/{body['organization_id']}").json()
    assert org["name"] == "夕阳红互助会" and org["legal_type"] == "community_filed" and org["status"] == "filed"
    assert org["community_code"] == community

    published = [r for r in client.get("/opendata/incubation-graduates.json").json()
                 if r["organization_id"] == body["organization_id"]]
    assert published == [{"district_code": OWN, "base_name": "全流程孵化基地", "organization_id": body["organization_id"],
                          "organization_name": "夕阳红互助会", "community_code": community,
                          "fields": "养老服务、邻里互助", "graduated_on": str(TODAY)}]

    actions = {(e["entity"], e["action"]) for e in run(AuditEvent.select(AuditEvent.entity, AuditEvent.action).where(
        AuditEvent.entity_id.is_in([str(iid), str(charter), str(body["organization_id"])])))}
    assert {("incubation_incubatee", "move_in"), ("incubation_incubatee", "graduate"),
            ("incubation_milestone", "submit"), ("incubation_milestone", "send_back"),
            ("incubation_milestone", "sign_off"), ("organization", "create")} <= actions

    occupancy = {b["id"]: b for b in client.get(f"{API}/stats", headers=admin).json()["occupancy"]}
    assert occupancy[base_id]["incubating"] == 0 and occupancy[base_id]["capacity"] == 3


def test_graduation_updates_an_existing_organisation_instead_of_duplicating(client, as_role, people):
    admin = as_role("district_admin")
    existing = run(registry.create_organization(OWN, "test", {"name": "旧名：广场舞队", "legal_type": "community_filed",
                                                              "status": "filed"}))
    iid = new_incubatee(new_base(), "阳光广场舞协会", organization_id=existing["id"])
    moved_in(client, admin, iid)
    sign_all_directly(iid)
    final_review(iid)
    before = run(Organization.count())
    body = client.post(f"{API}/incubatees/{iid}/graduate", headers=admin, json={}).json()
    assert body["stage"] == "graduated" and body["organization_id"] == existing["id"]
    assert run(Organization.count()) == before
    org = client.get(f"/api/districts/{OWN}/organizations/{existing['id']}").json()
    assert org["name"] == "阳光广场舞协会" and org["status"] == "filed"
    names = [r["organization_name"] for r in client.get("/opendata/incubation-graduates.json").json()
             if r["organization_id"] == existing["id"]]
    assert names == ["阳光广场舞协会"]


def test_graduation_refused_while_milestones_are_missing(client, as_role, people):
    admin = as_role("district_admin")
    iid = new_incubatee(new_base(), "读书会筹备组")
    moved_in(client, admin, iid)
    sign_all_directly(iid, ["charter", "rules", "finance"])
    before = run(Organization.count())
    refused = client.post(f"{API}/incubatees/{iid}/graduate", headers=admin, json={})
    assert refused.status_code == 409 and refused.json()["code"] == "milestones_missing"
    for title in ("完成登记或备案", "首次提供服务", "吸纳非退休成员"):
        assert title in refused.json()["detail"]
    assert "制定章程" not in refused.json()["detail"]
    assert [e["message"] for e in refused.json()["errors"]] == ["完成登记或备案", "首次提供服务", "吸纳非退休成员"]
    assert stage_of(iid) == "incubating" and run(Organization.count()) == before
    needs = client.get(f"{API}/incubatees/{iid}", headers=admin).json()["graduation_needs"]
    assert [n["kind"] for n in needs] == ["registration", "first_service", "members", "final_review"]


def test_required_milestones_follow_the_district_setting(client, as_role, people):
    admin, platform = as_role("district_admin"), as_role("platform_admin")
    iid = new_incubatee(new_base(), "手工编织小组")
    moved_in(client, admin, iid)
    sign_all_directly(iid, ["charter", "registration"])
    final_review(iid)
    assert client.post(f"{API}/incubatees/{iid}/graduate", headers=admin, json={}).status_code == 409
    change = client.put(f"/api/districts/{OWN}/modules/incubation", headers=platform,
                        json={"enabled": True, "settings": {"required_milestones": ["charter", "registration"]}})
    assert change.status_code == 200, change.text
    try:
        assert client.post(f"{API}/incubatees/{iid}/graduate", headers=admin, json={}).status_code == 200
    finally:
        client.put(f"/api/districts/{OWN}/modules/incubation", headers=platform,
                   json={"enabled": True, "settings": {"required_milestones": KINDS}})
    assert stage_of(iid) == "graduated"


# -- capacity ---------------------------------------------------------------------------------------


def test_a_full_base_refuses_another_move_in(client, as_role, people):
    admin = as_role("district_admin")
    base_id = new_base(1, "单工位孵化点")
    first, second = new_incubatee(base_id, "先入驻的队伍"), new_incubatee(base_id, "后入驻的队伍")
    moved_in(client, admin, first, space="1号工位")
    full = move_in(client, admin, second, space="2号工位")
    assert full.status_code == 409 and full.json()["code"] == "base_full"
    assert "容量1" in full.json()["detail"]
    assert stage_of(second) == "accepted" and milestones(second) == {}
    occupancy = {b["id"]: b for b in client.get(f"{API}/stats", headers=admin).json()["occupancy"]}
    assert (occupancy[base_id]["incubating"], occupancy[base_id]["free"], occupancy[base_id]["share"]) == (1, 0, 1.0)

    # A place comes free when the resident leaves.
    left = client.post(f"{API}/incubatees/{first}/exit", headers=admin, json={"reason": "核心成员搬离社区"})
    assert left.status_code == 200 and left.json()["stage"] == "exited" and left.json()["exit_reason"] == "核心成员搬离社区"
    assert left.json()["exited_on"] == str(TODAY)
    assert moved_in(client, admin, second)["stage"] == "incubating"


def test_move_in_needs_a_mentor_of_the_district_and_a_free_space(client, as_role, people):
    admin = as_role("district_admin")
    base_id = new_base(5)
    a, b = new_incubatee(base_id, "甲队"), new_incubatee(base_id, "乙队")
    for mentor in ("", f"{OWN}-resident", "nobody-at-all"):
        response = move_in(client, admin, a, mentor=mentor)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "mentor", mentor
    moved_in(client, admin, a, space="会议室B")
    taken = move_in(client, admin, b, space="会议室B")
    assert taken.status_code == 409 and taken.json()["code"] == "space_taken"
    assert moved_in(client, admin, b, mentor=f"{OWN}-admin", space="会议室C")["mentor"] == f"{OWN}-admin"


# -- illegal moves ----------------------------------------------------------------------------------


def test_illegal_transitions_are_refused(client, as_role, people):
    admin, applicant, mentor = as_role("district_admin"), as_role("resident"), people["mentor_a"]
    base_id = new_base()
    accepted = new_incubatee(base_id, "尚未入驻的队伍")
    refused = client.post(f"{API}/incubatees/{accepted}/graduate", headers=admin, json={})
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    assert client.post(f"{API}/incubatees/{accepted}/extend", headers=admin,
                       json={"reason": "x"}).status_code == 409
    applied = new_incubatee(base_id, "刚申请的队伍", stage="applied")
    assert move_in(client, admin, applied).json()["code"] == "invalid_transition"

    iid = new_incubatee(base_id, "社区志愿服务队")
    moved_in(client, admin, iid)
    plan = milestones(iid)
    planned = client.post(f"{API}/milestones/{plan['charter']['id']}/sign-off", headers=mentor, json={})
    assert planned.status_code == 409 and planned.json()["code"] == "invalid_transition"
    assert client.post(f"{API}/milestones/{plan['charter']['id']}/send-back", headers=mentor,
                       json={"note": "x"}).status_code == 409
    empty = client.post(f"{API}/milestones/{plan['charter']['id']}/submit", headers=applicant, json={"evidence": " "})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "evidence"
    client.post(f"{API}/milestones/{plan['charter']['id']}/submit", headers=applicant, json={"evidence": "章程"})
    assert client.post(f"{API}/milestones/{plan['charter']['id']}/send-back", headers=mentor,
                       json={"note": ""}).status_code == 422
    assert client.post(f"{API}/milestones/{plan['charter']['id']}/submit", headers=applicant,
                       json={"evidence": "again"}).status_code == 409
    assert milestones(iid)["charter"]["state"] == "submitted"

    # One extension is allowed (the default), the second is refused; a reason is required.
    assert client.post(f"{API}/incubatees/{iid}/extend", headers=admin, json={"reason": ""}).status_code == 422
    end = date.fromisoformat(client.get(f"{API}/incubatees/{iid}", headers=admin).json()["planned_end"])
    extended = client.post(f"{API}/incubatees/{iid}/extend", headers=admin, json={"reason": "登记材料审批中"})
    assert extended.status_code == 200 and extended.json()["extensions"] == 1
    assert extended.json()["planned_end"] == str(add_months(end, 6))
    again = client.post(f"{API}/incubatees/{iid}/extend", headers=admin, json={"reason": "还需要时间"})
    assert again.status_code == 409 and again.json()["code"] == "too_many_extensions"

    sign_all_directly(iid)
    final_review(iid)
    assert client.post(f"{API}/incubatees/{iid}/graduate", headers=admin, json={}).status_code == 200
    for path, body in (("exit", {"reason": "退出"}), ("graduate", {}),
                       ("move-in", {"mentor": f"{OWN}-mentor-a", "residency": "on_site"})):
        response = client.post(f"{API}/incubatees/{iid}/{path}", headers=admin, json=body)
        assert response.status_code == 409 and response.json()["code"] == "invalid_transition", path
    assert stage_of(iid) == "graduated"
    done = client.post(f"{API}/milestones/{plan['charter']['id']}/send-back", headers=mentor, json={"note": "x"})
    assert done.status_code == 409
    assert client.post(f"{API}/incubatees/{accepted}/exit", headers=admin, json={"reason": ""}).status_code == 422
    assert stage_of(accepted) == "accepted"


# -- who may do what --------------------------------------------------------------------------------


def test_access_by_role_and_district(client, as_role, people):
    admin, applicant = as_role("district_admin"), as_role("resident")
    iid = new_incubatee(new_base(), "亲子阅读会", applicant=f"{OWN}-resident")
    others = new_incubatee(new_base(), "别人申请的队伍", applicant="someone-else")
    moved_in(client, admin, iid)
    moved_in(client, admin, others)
    plan, other_plan = milestones(iid), milestones(others)

    # Users of the other district are refused everywhere in this one.
    for headers in (people["other_admin"], people["other_resident"]):
        assert client.get(f"{API}/stats", headers=headers).status_code == 403
        assert client.get(f"{API}/incubatees/{iid}", headers=headers).status_code == 403
        assert move_in(client, headers, iid).status_code == 403
        assert client.post(f"{API}/incubatees/{iid}/graduate", headers=headers, json={}).status_code == 403
        assert client.post(f"{API}/milestones/{plan['charter']['id']}/submit", headers=headers,
                           json={"evidence": "x"}).status_code == 403
    assert client.get(f"/api/districts/{OTHER}/incubation/stats", headers=people["other_admin"]).json()["code"] == \
        "module_not_enabled"
    assert client.get(f"{API}/incubatees/{iid}").status_code == 401

    # A resident submits only their own team's milestones and sees only their own page.
    assert client.post(f"{API}/milestones/{other_plan['charter']['id']}/submit", headers=applicant,
                       json={"evidence": "不是我的"}).status_code == 403
    assert client.get(f"{API}/incubatees/{others}", headers=applicant).status_code == 403
    own = client.get(f"{API}/incubatees/{iid}", headers=applicant)
    assert own.status_code == 200 and own.json()["contact_phone"] == PHONE and own.json()["panel_scores"] == []
    assert client.post(f"{API}/milestones/{plan['charter']['id']}/submit", headers=applicant,
                       json={"evidence": "章程已通过"}).status_code == 200
    assert client.post(f"{API}/incubatees/{iid}/graduate", headers=applicant, json={}).status_code == 403
    assert client.get(f"{API}/stats", headers=applicant).status_code == 403

    # Only the assigned mentor (or a manager) signs off; another mentor is refused.
    refused = client.post(f"{API}/milestones/{plan['charter']['id']}/sign-off", headers=people["mentor_b"], json={})
    assert refused.status_code == 403 and milestones(iid)["charter"]["state"] == "submitted"
    assert client.post(f"{API}/incubatees/{iid}/reviews", headers=people["mentor_b"],
                       json={"kind": "定期", "day": str(TODAY), "rating": "一般", "summary": "x"}).status_code == 403
    assert client.post(f"{API}/milestones/{plan['charter']['id']}/sign-off", headers=people["mentor_a"],
                       json={}).status_code == 200
    assert move_in(client, people["mentor_a"], iid).status_code == 403  # mentors do not manage the base

    # Readers see the phone masked; the supervisor reads but does not act; a worker has no access.
    masked = client.get(f"{API}/incubatees/{iid}", headers=as_role("supervisor")).json()["contact_phone"]
    assert masked != PHONE and masked.endswith(PHONE[-4:])
    assert client.post(f"{API}/incubatees/{iid}/exit", headers=as_role("supervisor"),
                       json={"reason": "x"}).status_code == 403
    assert client.get(f"{API}/stats", headers=as_role("social_worker")).status_code == 403


def test_pages_show_the_actions_the_viewer_may_take(client, as_role, people):
    admin, applicant = as_role("district_admin"), as_role("resident")
    iid = new_incubatee(new_base(), "楼道自治小组")
    page = client.get(f"/districts/{OWN}/incubation/incubatees/{iid}", headers=admin)
    assert page.status_code == 200 and 'data-testid="move-in-form"' in page.text and f"{OWN}-mentor-a" in page.text
    moved_in(client, admin, iid)
    mine = client.get(f"/districts/{OWN}/incubation/incubatees/{iid}", headers=applicant)
    assert mine.status_code == 200 and "楼道自治小组" in mine.text and "/submit" in mine.text
    assert 'data-testid="graduate-form"' not in mine.text and 'data-testid="move-in-form"' not in mine.text
    for m in milestones(iid).values():
        client.post(f"{API}/milestones/{m['id']}/submit", headers=applicant, json={"evidence": "完成"})
    mentor_page = client.get(f"/districts/{OWN}/incubation/incubatees/{iid}", headers=people["mentor_a"]).text
    assert mentor_page.count("/sign-off") == len(KINDS) and 'data-testid="review-form"' in mentor_page
    english = client.get(f"/districts/{OWN}/incubation/incubatees/{iid}?lang=en", headers=admin).text
    assert "Capacity milestones" in english and "A financial system" in english
    assert client.get(f"/districts/{OWN}/incubation/incubatees/{iid}",
                      headers=people["other_resident"]).status_code == 403
    applied = new_incubatee(new_base(), "刚递交申请的小组", stage="applied")
    intake = client.get(f"/districts/{OWN}/incubation/incubatees/{applied}", headers=admin).text
    assert 'data-testid="screen-form"' in intake and 'data-testid="move-in-form"' not in intake
    stats = client.get(f"/districts/{OWN}/incubation/stats", headers=as_role("supervisor"))
    assert stats.status_code == 200 and 'data-testid="table-occupancy"' in stats.text and "楼道" not in stats.text
    assert "Occupancy by base" in client.get(f"/districts/{OWN}/incubation/stats?lang=en", headers=admin).text
    assert client.get(f"/districts/{OWN}/incubation/stats", headers=applicant).status_code == 403


# -- dashboards, open data, supervision --------------------------------------------------------------


def test_dashboard_figures():
    rows = [{"stage": "graduated", "moved_in_on": date(2024, 1, 1), "graduated_on": date(2024, 1, 11)},
            {"stage": "graduated", "moved_in_on": date(2024, 1, 1), "graduated_on": date(2024, 1, 31)},
            {"stage": "graduated", "moved_in_on": date(2024, 1, 1), "graduated_on": date(2024, 4, 10)},
            {"stage": "incubating", "moved_in_on": date(2024, 1, 1), "graduated_on": None}]
    assert graduation_times(rows) == {"count": 3, "timed": 3, "median_days": 30, "mean_days": 46.7, "min_days": 10,
                                      "max_days": 100}
    assert graduation_times([])["median_days"] is None
    done = milestone_completion([{"kind": "charter", "state": "signed_off"}, {"kind": "charter", "state": "planned"},
                                 {"kind": "finance", "state": "submitted"}])
    assert (done["total"], done["signed_off"], done["share"]) == (3, 1, 0.3333)
    by_kind = {k["kind"]: k for k in done["by_kind"]}
    assert by_kind["charter"]["share"] == 0.5 and by_kind["finance"]["submitted"] == 1 and by_kind["members"]["total"] == 0


def test_stats_api_counts_stages(client, as_role, people):
    admin = as_role("district_admin")
    before = {s["stage"]: s["count"] for s in client.get(f"{API}/stats", headers=admin).json()["by_stage"]}
    base_id = new_base(4, "统计用孵化基地")
    iid = new_incubatee(base_id, "统计甲")
    new_incubatee(base_id, "统计乙", stage="applied")
    moved_in(client, admin, iid)
    stats = client.get(f"{API}/stats", headers=admin).json()
    after = {s["stage"]: s["count"] for s in stats["by_stage"]}
    assert after["incubating"] == before["incubating"] + 1 and after["applied"] == before["applied"] + 1
    assert after["accepted"] == before["accepted"]
    occupancy = next(b for b in stats["occupancy"] if b["id"] == base_id)
    assert (occupancy["incubating"], occupancy["free"], occupancy["share"]) == (1, 3, 0.25)
    assert stats["milestones"]["total"] >= len(KINDS)


def test_the_open_dataset_holds_no_personal_data(client, as_role, people):
    admin = as_role("district_admin")
    iid = new_incubatee(new_base(), "隐私检查互助社", contact_phone="13900001234")
    moved_in(client, admin, iid)
    sign_all_directly(iid)
    final_review(iid)
    assert client.post(f"{API}/incubatees/{iid}/graduate", headers=admin, json={}).status_code == 200
    catalogue = {d["name"]: d for d in client.get("/opendata/datasets.json").json()}["incubation-graduates"]
    assert catalogue["title"] == "孵化出壳的社会组织" and catalogue["districts"] == [OWN]
    assert catalogue["row_count"] == run(Incubatee.count().where(
        (Incubatee.stage == "graduated") & (Incubatee.district_code == OWN)))
    columns = {c["name"] for c in catalogue["columns"]}
    assert not columns & {"contact_name", "contact_phone", "members", "applicant", "mentor"}
    for fmt in ("json", "csv"):
        text = client.get(f"/opendata/incubation-graduates.{fmt}").content.decode("utf-8-sig")
        assert "隐私检查互助社" in text
        for secret in ("13900001234", PHONE, "孙联系", "赵秀英", "钱小明", f"{OWN}-resident", f"{OWN}-mentor-a"):
            assert secret not in text, (fmt, secret)


def test_overdue_rule_flags_exactly_the_overdue_incubation(ctx, client, as_role, people):
    admin = as_role("district_admin")
    base_id = new_base(10)
    late, on_time, finished = (new_incubatee(base_id, n) for n in ("超期的队伍", "按期的队伍", "已出壳的队伍"))
    moved_in(client, admin, late, moved_in_on=str(TODAY - timedelta(days=600)))
    moved_in(client, admin, on_time, moved_in_on=str(TODAY - timedelta(days=30)))
    moved_in(client, admin, finished, moved_in_on=str(TODAY - timedelta(days=600)))
    sign_all_directly(finished)
    final_review(finished)
    assert client.post(f"{API}/incubatees/{finished}/graduate", headers=admin, json={}).status_code == 200
    rule = next(r for r in ctx.contributions.supervision_rules if r.name == "incubation.overdue")

    async def flags():
        return [f async for f in rule.check(OWN, TODAY, {})]

    mine = {late, on_time, finished}
    found = [f for f in run(flags()) if f["subject"] in mine]
    planned_end = add_months(TODAY - timedelta(days=600), 18)
    days = (TODAY - planned_end).days
    assert [(f["record_id"], f["key"], f["severity"]) for f in found] == [
        (str(late), f"incubation.overdue:{late}:{planned_end}", "medium")]
    assert f"已超期{days}天" in found[0]["message"] and "超期的队伍" in found[0]["message"]
    assert [f["key"] for f in run(flags()) if f["subject"] in mine] == [found[0]["key"]]  # stable
    assert [f for f in run(flags()) if f["subject"] == late][0]["record_type"] == rules.INCUBATEE_RECORD

    # After an extension the incubation is within its period again.
    assert client.post(f"{API}/incubatees/{late}/extend", headers=admin, json={"reason": "补充登记材料"}).status_code == 200
    still = [f for f in run(flags()) if f["subject"] == late]
    assert (add_months(planned_end, 6) < TODAY) == bool(still)


def test_milestones_are_auditable_records(ctx, client, as_role, people):
    admin, applicant, mentor = as_role("district_admin"), as_role("resident"), people["mentor_a"]
    iid = new_incubatee(new_base(), "抽查用队伍")
    moved_in(client, admin, iid)
    plan = milestones(iid)
    client.post(f"{API}/milestones/{plan['charter']['id']}/submit", headers=applicant, json={"evidence": "章程文本"})
    client.post(f"{API}/milestones/{plan['finance']['id']}/submit", headers=applicant, json={"evidence": "财务制度"})
    client.post(f"{API}/milestones/{plan['finance']['id']}/sign-off", headers=mentor, json={})
    source = next(s for s in ctx.contributions.auditable_records if s.name == "incubation.milestones")
    assert source.record_type == "incubation_milestone" and source.title == "孵化能力建设事项"

    async def fetch(start, end):
        return [r async for r in source.fetch(OWN, start, end)]

    records = [r for r in run(fetch(TODAY - timedelta(days=1), TODAY + timedelta(days=1))) if r["subject"] == iid]
    assert sorted(r["id"] for r in records) == sorted([plan["charter"]["id"], plan["finance"]["id"]])
    for record in records:
        assert record["person_id"] is None and record["organization_id"] is None
        assert record["day"] in (TODAY, TODAY + timedelta(days=1)) and "抽查用队伍" in record["summary"]
    assert "已确认" in next(r for r in records if r["id"] == plan["finance"]["id"])["summary"]
    assert [r for r in run(fetch(TODAY - timedelta(days=30), TODAY - timedelta(days=2))) if r["subject"] == iid] == []
