"""The panel and the award through the real app: members named by the district admin (users
holding procurement.score), conflict-of-interest declarations before scoring (recused for some
bidders or altogether), scores on the hand-scored criteria with the price score computed by the
lowest-price formula, totals as the mean over members not recused, 3A+ ranked first where the
district says so, the award (reason required off the top rank) moving the project to awarded,
two awards at once (one wins, 409 for the other), bad input 422 with nothing written."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from core.tables import AuditEvent
from plugins.procurement import award, tally
from plugins.procurement.tables import Award, PanelMember, PurchaseProject, Score, StageChange
from tests.conftest import OWN, run
from tests.plugins.procurement.support import declare, in_evaluation, new_org, panelist, score
from tests.plugins.procurement.test_projects import API


def evaluation(client, headers, project_id: int) -> dict:
    answer = client.get(f"{API}/{project_id}/ranking", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_recusal_totals_and_an_award_off_the_top_rank(client, as_role):
    admin = as_role("district_admin")
    project, (cheap, dear, third), orgs, (m0, m1, m2) = in_evaluation(
        client, admin, "评审：回避与授予", [10_000_000, 12_500_000, 20_000_000], members=3)
    pid = project["id"]
    early = score(client, m0, pid, cheap, 80)
    assert early.status_code == 409 and early.json()["code"] == "declaration_required"
    assert declare(client, m0, pid).status_code == 201
    recused_one = declare(client, m1, pid, "some", [orgs[1]], "近三年曾在该机构任职")
    assert recused_one.status_code == 201 and recused_one.json()["conflict_orgs"] == [orgs[1]]
    assert declare(client, m2, pid, "all", statement="与采购人存在利害关系").status_code == 201
    assert declare(client, m0, pid).json()["code"] == "already_declared"
    # Recused members may not score the bids they are recused for.
    assert score(client, m1, pid, dear, 90).json()["code"] == "recused"
    assert score(client, m2, pid, cheap, 90).json()["code"] == "recused"
    assert score(client, m0, pid, cheap, 70).status_code == 200
    incomplete = evaluation(client, admin, pid)
    assert not incomplete["complete"] and incomplete["recommended_bid"] is None
    assert any("尚未为" in m for m in incomplete["missing"])
    early_award = client.post(f"{API}/{pid}/award", headers=admin, json={"bid_id": cheap})
    assert early_award.status_code == 409 and early_award.json()["code"] == "evaluation_incomplete"
    for member, bid_id, plan in ((m0, dear, 80), (m0, third, 60), (m1, cheap, 74), (m1, third, 62)):
        assert score(client, member, pid, bid_id, plan).status_code == 200
    rescored = score(client, m1, pid, cheap, 72)  # replaces m1's first score of this bid
    assert rescored.status_code == 200 and run(Score.count().where(Score.bid == cheap)) == 2
    result = evaluation(client, admin, pid)
    assert result["complete"] and result["missing"] == []
    rows = {r["bid_id"]: r for r in result["bids"]}
    # Price: lowest / price × 100. Weights 30/40/20/10.
    assert [rows[b]["price_score"] for b in (cheap, dear, third)] == [100, 80, 50]
    m0_cheap = (30 * 100 + 40 * 70 + 20 * 80 + 10 * 80) / 100
    m1_cheap = (30 * 100 + 40 * 72 + 20 * 80 + 10 * 80) / 100
    assert rows[cheap]["member_scores"] == [m0_cheap, m1_cheap]
    assert rows[cheap]["total"] == round((m0_cheap + m1_cheap) / 2, 2)
    assert rows[dear]["scored_by"] == 1 and rows[dear]["recused"] == 2  # m1 for this bidder, m2 altogether
    assert rows[dear]["total"] == (30 * 80 + 40 * 80 + 20 * 80 + 10 * 80) / 100
    assert [r["bid_id"] for r in result["bids"]] == [cheap, dear, third] and result["recommended_bid"] == cheap
    # Another bid than the first needs a reason; nothing written without one.
    before = run(Award.count()), run(StageChange.count())
    bare = client.post(f"{API}/{pid}/award", headers=admin, json={"bid_id": dear})
    assert bare.status_code == 422 and bare.json()["errors"][0]["field"] == "reason"
    assert (run(Award.count()), run(StageChange.count())) == before
    done = client.post(f"{API}/{pid}/award", headers=admin, json={"bid_id": dear, "reason": "第一名放弃承接资格"})
    assert done.status_code == 201, done.text
    assert done.json()["top_ranked"] is False and done.json()["reason"] == "第一名放弃承接资格"
    assert done.json()["organization_id"] == orgs[1] and done.json()["price_fen"] == 12_500_000
    detail = client.get(f"{API}/{pid}", headers=admin).json()
    assert detail["stage"] == "awarded" and "第一名放弃承接资格" in detail["history"][-1]["reason"]
    assert run(AuditEvent.exists().where((AuditEvent.entity == "procurement_award") & (AuditEvent.action == "award")))
    assert evaluation(client, admin, pid)["award"]["bid"] == dear
    # After the award: no more scores, declarations or awards.
    assert score(client, m0, pid, cheap, 99).json()["code"] == "not_in_evaluation"
    assert client.post(f"{API}/{pid}/award", headers=admin, json={"bid_id": cheap, "reason": "再次"}).status_code == 409


def test_the_top_ranked_bid_needs_no_reason(client, as_role):
    admin = as_role("district_admin")
    project, (only,), _, (member,) = in_evaluation(client, admin, "评审：排名第一", [9_000_000], members=1)
    assert declare(client, member, project["id"]).status_code == 201
    assert score(client, member, project["id"], only, 88, 90, 70).status_code == 200
    done = client.post(f"{API}/{project['id']}/award", headers=admin, json={"bid_id": only})
    assert done.status_code == 201 and done.json()["top_ranked"] and "评审排名第一" in done.json()["reason"]


def test_rank_3a_first(client, as_role):
    admin = as_role("district_admin")
    project, bid_ids, orgs, (member,) = in_evaluation(client, admin, "评审：3A优先", [8_000_000, 8_000_000], members=1)
    run(PurchaseProject.raw("UPDATE organization SET grade = {} WHERE id = {}", "2A", orgs[0]))
    assert declare(client, member, project["id"]).status_code == 201
    assert score(client, member, project["id"], bid_ids[0], 95).status_code == 200  # 2A, higher score
    assert score(client, member, project["id"], bid_ids[1], 70).status_code == 200  # 4A
    row = run(PurchaseProject.select().where(PurchaseProject.id == project["id"]).first())
    assert [r["bid_id"] for r in run(tally.results(row, True))["bids"]] == [bid_ids[1], bid_ids[0]]
    assert [r["bid_id"] for r in run(tally.results(row, False))["bids"]] == [bid_ids[0], bid_ids[1]]
    assert evaluation(client, admin, project["id"])["recommended_bid"] == bid_ids[1]  # the district default: on


def test_two_awards_at_once_one_wins(client, as_role, ctx):
    admin = as_role("district_admin")
    project, (a, b), _, (member,) = in_evaluation(client, admin, "评审：并发授予", [7_000_000, 7_500_000], members=1)
    pid = project["id"]
    assert declare(client, member, pid).status_code == 201
    for bid_id in (a, b):
        assert score(client, member, pid, bid_id, 80).status_code == 200

    async def race():
        return await asyncio.gather(
            award.award(ctx, OWN, pid, "racer-a", award.AwardIn(bid_id=a)),
            award.award(ctx, OWN, pid, "racer-b", award.AwardIn(bid_id=b, reason="并发测试")), return_exceptions=True)

    results = run(race())
    won = [r for r in results if isinstance(r, dict)]
    lost = [r for r in results if not isinstance(r, dict)]
    assert len(won) == 1 and len(lost) == 1 and lost[0].status_code == 409, results
    assert run(Award.count().where(Award.project == pid)) == 1
    assert run(StageChange.count().where((StageChange.project == pid) & (StageChange.to_stage == "awarded"))) == 1


def test_two_awards_at_once_through_the_api(client, as_role):
    admin = as_role("district_admin")
    project, (a,), _, (member,) = in_evaluation(client, admin, "评审：并发授予二", [7_000_000], members=1)
    assert declare(client, member, project["id"]).status_code == 201
    assert score(client, member, project["id"], a, 80).status_code == 200
    url = f"{API}/{project['id']}/award"
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: client.post(url, headers=admin, json={"bid_id": a}), range(2)))
    assert sorted(r.status_code for r in answers) == [201, 409], [r.text for r in answers]
    assert run(Award.count().where(Award.project == project["id"])) == 1


def test_naming_the_panel(client, as_role):
    admin = as_role("district_admin")
    project, _, _, (member,) = in_evaluation(client, admin, "评审：组建评审小组", [5_000_000], members=1)
    url = f"{API}/{project['id']}/panel"
    panelist(0)
    assert client.post(url, headers=admin, json={"username": f"{OWN}-panelist-0"}).json()["code"] == "already_member"
    before = run(PanelMember.count())
    for username, words in ((f"{OWN}-supervisor", "没有本区县的评审权限"), ("nobody-at-all", "没有这个用户")):
        answer = client.post(url, headers=admin, json={"username": username})
        assert answer.status_code == 422 and words in answer.json()["errors"][0]["message"]
    assert client.post(url, headers=as_role("supervisor"), json={"username": f"{OWN}-admin"}).status_code == 403
    assert run(PanelMember.count()) == before
    # The admin (the buyer's representative) may sit on the panel: district admins hold procurement.score.
    assert client.post(url, headers=admin, json={"username": f"{OWN}-admin"}).status_code == 201


BAD_DECLARATIONS = [
    ({"conflict": "maybe"}, "conflict"),
    ({"conflict": "some", "statement": "有关系"}, "organization_ids"),
    ({"conflict": "none", "organization_ids": [1]}, "organization_ids"),
    ({"conflict": "all"}, "statement"),
]


@pytest.mark.parametrize(("body", "field"), BAD_DECLARATIONS, ids=[b[1] for b in BAD_DECLARATIONS])
def test_bad_declarations_422_and_nothing_written(client, as_role, body, field):
    admin = as_role("district_admin")
    project, _, _, (member,) = in_evaluation(client, admin, f"评审：错误声明{field}", [5_000_000], members=1)
    answer = client.post(f"{API}/{project['id']}/declarations", headers=member,
                         json={"organization_ids": [], "statement": "", **body})
    assert answer.status_code == 422 and field in [e["field"] for e in answer.json()["errors"]], answer.text
    assert run(PanelMember.select(PanelMember.declared_at).where(PanelMember.project == project["id"]).first()
               )["declared_at"] is None


def test_a_conflict_with_an_organisation_that_did_not_bid_is_refused(client, as_role):
    admin = as_role("district_admin")
    project, _, _, (member,) = in_evaluation(client, admin, "评审：非投标人", [5_000_000], members=1)
    answer = declare(client, member, project["id"], "some", [new_org()], "亲属任职")
    assert answer.status_code == 422 and "没有对本项目投标" in answer.json()["errors"][0]["message"]


BAD_SCORES = [({"plan": 101}, "plan"), ({"capacity": -1}, "capacity"), ({"past": None}, "past"),
              ({"bid_id": None}, "bid_id"), ({"bid_id": 999_999}, "bid_id")]


@pytest.mark.parametrize(("changes", "field"), BAD_SCORES, ids=[b[1] + str(i) for i, b in enumerate(BAD_SCORES)])
def test_bad_scores_422_and_nothing_written(client, as_role, changes, field):
    admin = as_role("district_admin")
    project, (only,), _, (member,) = in_evaluation(client, admin, f"评审：错误评分{field}", [5_000_000], members=1)
    assert declare(client, member, project["id"]).status_code == 201
    body = {"bid_id": only, "plan": 80, "capacity": 80, "past": 80, **changes}
    answer = client.post(f"{API}/{project['id']}/scores", headers=member, json=body)
    assert answer.status_code == 422 and field in [e["field"] for e in answer.json()["errors"]], answer.text
    assert run(Score.count().where(Score.project == project["id"])) == 0


def test_declarations_only_in_evaluation_and_only_by_members(client, as_role):
    admin = as_role("district_admin")
    project, (only,), _, (member,) = in_evaluation(client, admin, "评审：只限成员", [5_000_000], members=1)
    outsider = panelist(7)
    assert declare(client, outsider, project["id"]).status_code == 403
    assert client.get(f"{API}/{project['id']}/panel/me", headers=outsider).status_code == 403
    assert declare(client, as_role("org_staff"), project["id"]).status_code == 403
    sheet = client.get(f"{API}/{project['id']}/panel/me", headers=member).json()
    assert sheet["member"]["declared_at"] is None and sheet["rows"] == []  # bids hidden until declared
    assert declare(client, member, project["id"]).status_code == 201
    rows = client.get(f"{API}/{project['id']}/panel/me", headers=member).json()["rows"]
    assert [r["bid"]["id"] for r in rows] == [only] and rows[0]["score"] is None and not rows[0]["recused"]
    assert all("*" in m["name"] for r in rows for m in r["bid"]["team"])
    assert client.get(f"{API}/{project['id']}/ranking", headers=as_role("supervisor")).status_code == 200
    assert client.get(f"{API}/{project['id']}/ranking", headers=as_role("org_staff")).status_code == 403
