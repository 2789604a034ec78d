"""Residents' needs (需求征集): posting, the public list and need (no poster), "我也需要" once,
triage rules, tenancy, the `offer_needs` hook and the need page showing the purchase project
that answers it (named through procurement's own API)."""

from __future__ import annotations

import pytest

from core.identity import ensure_user
from core.plugins import call_async
from plugins.participation.tables import Need, NeedSupport
from tests.conftest import OTHER, OWN, PASSWORD, bearer_for, run
from tests.plugins.procurement.test_projects import communities, create

API = f"/api/districts/{OWN}/participation/needs"
PAGE = f"/districts/{OWN}/participation/needs"
MODULES = f"/api/districts/{OWN}/modules"


def body(**changes) -> dict:
    return {"community_code": communities()[0], "field": "社区养老", "title": "希望社区有老年助餐点",
            "description": "楼里独居老人多，做饭不方便", **changes}


def post(client, headers, **changes) -> dict:
    answer = client.post(API, headers=headers, json=body(**changes))
    assert answer.status_code == 201, answer.text
    return answer.json()


TOKENS: dict[str, dict[str, str]] = {}


def headers_of(client, username: str) -> dict[str, str]:
    """Bearer headers for a user, made once per test module."""
    if username not in TOKENS:
        TOKENS[username] = bearer_for(client, username)
    return TOKENS[username]


@pytest.fixture
def staff(client):
    """The demo community staff of OWN (participation.manage)."""
    return headers_of(client, f"{OWN}-community-staff")


@pytest.fixture
def neighbour(client):
    """A second resident of OWN."""
    run(ensure_user(f"{OWN}-resident-needs2", PASSWORD, [{"role": "resident", "district_code": OWN}],
                    fast_hash=True, actor="tests"))
    return headers_of(client, f"{OWN}-resident-needs2")


def test_post_list_and_detail_without_the_poster(client, as_role, staff):
    resident = as_role("resident")
    need = post(client, resident, title="需求：助餐点")
    assert need["state"] == "open" and need["state_label"] == "待处理" and need["supporters"] == 0
    assert need["ref"] == f"participation:need:{need['id']}" and need["url"] == f"{PAGE}/{need['id']}"
    listed = client.get(f"{API}?state=open&community={communities()[0]}&per_page=200").json()
    assert need["id"] in [n["id"] for n in listed["items"]] and listed["page"] == 1
    detail = client.get(f"{API}/{need['id']}")
    assert detail.status_code == 200 and detail.json()["answers"] == []
    for text in (detail.text, client.get(API).text, client.get(f"{PAGE}/{need['id']}").text):
        assert f"{OWN}-resident" not in text and "poster" not in text.replace('"poster": null', "")
    stored = run(Need.select(Need.posted_by, Need.poster_user_id).where(Need.id == need["id"]).first())
    assert stored["posted_by"] == f"{OWN}-resident" and stored["poster_user_id"] is not None
    staff = client.post(f"{API}/staff", headers=staff, json=body(title="需求：代登记"))
    assert staff.status_code == 201 and staff.json()["state"] == "open"
    assert client.post(f"{API}/staff", headers=as_role("resident"), json=body()).status_code == 403


def test_list_most_supported_first(client, as_role, neighbour):
    a = post(client, as_role("resident"), title="需求：排序甲", field="残障康复")
    b = post(client, as_role("resident"), title="需求：排序乙", field="残障康复")
    assert client.post(f"{API}/{b['id']}/supports", headers=neighbour).status_code == 201
    ids = [n["id"] for n in client.get(f"{API}?field=残障康复&per_page=200").json()["items"]]
    assert ids.index(b["id"]) < ids.index(a["id"])


@pytest.mark.parametrize(("changes", "fields"), [
    ({"community_code": "999999999999", "field": "没有的领域", "title": " "}, {"community_code", "field", "title"}),
    ({"title": "长" * 121}, {"title"}),
])
def test_bad_input_422_by_field_nothing_written(client, as_role, changes, fields):
    before = run(Need.count())
    answer = client.post(API, headers=as_role("resident"), json=body(**changes))
    assert answer.status_code == 422, answer.text
    assert {e["field"] for e in answer.json()["errors"]} == fields
    assert run(Need.count()) == before


def test_a_street_is_not_a_community(client, as_role):
    street = communities(kind="street")[0]
    answer = client.post(API, headers=as_role("resident"), json=body(community_code=street))
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "community_code"


def test_support_once_then_409(client, as_role, neighbour, staff):
    need = post(client, as_role("resident"))
    first = client.post(f"{API}/{need['id']}/supports", headers=neighbour)
    assert first.status_code == 201 and first.json()["supporters"] == 1
    second = client.post(f"{API}/{need['id']}/supports", headers=neighbour)
    assert second.status_code == 409 and second.json()["code"] == "already_supported"
    assert run(NeedSupport.count().where(NeedSupport.need == need["id"])) == 1
    assert client.get(f"{API}/{need['id']}").json()["supporters"] == 1
    assert client.post(f"{API}/{need['id']}/supports", headers=staff).status_code == 403


def triage(client, headers, need_id: int, **data):
    return client.post(f"{API}/{need_id}/triage", headers=headers, json=data)


def test_triage_rules(client, as_role, neighbour, staff):
    need = post(client, as_role("resident"))
    refused = triage(client, staff, need["id"], state="declined")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "reason"
    assert triage(client, staff, need["id"], state="merged").json()["errors"][0]["field"] == "merged_into"
    itself = triage(client, staff, need["id"], state="merged", merged_into=need["id"])
    assert itself.status_code == 422 and itself.json()["errors"][0]["field"] == "merged_into"
    assert triage(client, staff, need["id"], state="merged", merged_into=10**9).status_code == 404
    assert triage(client, as_role("resident"), need["id"], state="accepted").status_code == 403
    accepted = triage(client, staff, need["id"], state="accepted", expected_state="open")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    stale = triage(client, staff, need["id"], state="answered", expected_state="open")
    assert stale.status_code == 409 and stale.json()["code"] == "stale_state"
    declined = triage(client, staff, need["id"], state="declined", reason="已有同类服务覆盖")
    assert declined.json()["reason"] == "已有同类服务覆盖"
    assert triage(client, staff, need["id"], state="accepted").status_code == 409  # final
    assert client.post(f"{API}/{need['id']}/supports", headers=neighbour).json()["code"] == "need_closed"


def test_merge_adds_supporters_to_the_target(client, as_role, neighbour, staff):
    source, target = post(client, as_role("resident")), post(client, as_role("resident"))
    client.post(f"{API}/{source['id']}/supports", headers=neighbour)
    client.post(f"{API}/{source['id']}/supports", headers=as_role("resident"))
    merged = triage(client, staff, source["id"], state="merged", merged_into=target["id"])
    assert merged.status_code == 200 and merged.json()["merged_into_url"].endswith(f"/{target['id']}")
    assert client.get(f"{API}/{target['id']}").json()["supporters"] == 2
    assert 'data-testid="merged-into"' in client.get(f"{PAGE}/{source['id']}").text
    into_merged = triage(client, staff, target["id"], state="merged", merged_into=source["id"])
    assert into_merged.status_code == 422


def test_other_district_404(client, as_role, bearer_for_other):
    need = post(client, as_role("resident"))
    assert client.get(f"/api/districts/{OTHER}/participation/needs/{need['id']}").status_code == 404
    admin_other = bearer_for_other
    assert client.post(f"/api/districts/{OTHER}/participation/needs", headers=admin_other,
                       json=body()).status_code == 404  # the module is off there
    assert client.post(f"{API}/{need['id']}/triage", headers=admin_other, json={"state": "accepted"}).status_code == 403


@pytest.fixture
def bearer_for_other(client):
    return headers_of(client, f"{OTHER}-admin")


def test_merge_into_a_need_of_another_district_404(client, as_role, staff):
    need = post(client, as_role("resident"))
    other = run(Need.insert(Need(district_code=OTHER, community_code="x", field="社区养老", title="别区需求",
                                 posted_by="tests")))[0]["id"]
    answer = triage(client, staff, need["id"], state="merged", merged_into=other)
    assert answer.status_code == 404 and answer.json()["errors"][0]["field"] == "merged_into"
    assert client.get(f"{API}/{other}").status_code == 404


def offered(ctx, code: str = OWN, **kwargs):
    args = {"refs": None, "field": None, "community": None, **kwargs}
    from plugins.participation.needs import offer
    return run(offer(ctx, code, args["refs"], args["field"], args["community"]))


def test_offer_needs(ctx, client, as_role, staff):
    open_need = post(client, as_role("resident"), field="社区矫正")
    declined = post(client, as_role("resident"), field="社区矫正")
    triage(client, staff, declined["id"], state="declined", reason="不属于本社区")
    refs = [n["ref"] for n in offered(ctx, field="社区矫正")]
    assert open_need["ref"] in refs and declined["ref"] not in refs
    [by_ref] = offered(ctx, refs=[declined["ref"]])
    assert by_ref["linkable"] is False and by_ref["status"] == "declined" and by_ref["url"].endswith(str(declined["id"]))
    assert offered(ctx, refs=["participation:need:abc", "other:need:1"]) == []
    assert offered(ctx, OTHER) is None  # the module is off there
    answers = run(call_async(ctx.pm.hook.offer_needs, ctx=ctx, district_code=OWN, refs=[open_need["ref"]],
                             field=None, community=None))
    assert [[n["ref"] for n in a] for a in answers if a] == [[open_need["ref"]]]


def test_offer_is_none_when_turned_off(ctx, client, as_role):
    admin = as_role("district_admin")
    assert client.put(f"{MODULES}/participation", json={"enabled": False}, headers=admin).status_code == 200
    try:
        assert offered(ctx) is None
    finally:
        assert client.put(f"{MODULES}/participation", json={"enabled": True}, headers=admin).status_code == 200
    assert offered(ctx) is not None


def test_the_need_page_shows_the_answering_project(client, as_role, neighbour, staff):
    need = post(client, as_role("resident"), title="需求：残障康复站")
    project = create(client, as_role("district_admin"), title="回应需求：康复站", needs=[need["ref"]])
    detail = client.get(f"{API}/{need['id']}").json()
    assert [a["title"] for a in detail["answers"]] == ["回应需求：康复站"]
    assert detail["answers"][0]["url"].endswith(f"/procurement/projects/{project['id']}")
    page = client.get(f"{PAGE}/{need['id']}", headers=neighbour).text
    assert 'data-testid="answer"' in page and "回应需求：康复站" in page and 'data-testid="support"' in page
    staff_page = client.get(f"{PAGE}/{need['id']}", headers=staff).text
    assert 'data-testid="triage-form"' in staff_page and 'data-testid="support"' not in staff_page
    listing = client.get(PAGE, headers=neighbour).text
    assert 'data-testid="need-form"' in listing and "需求：残障康复站" in listing


def test_demo_needs_loaded_once(ctx):
    from plugins.participation import demo_needs

    def state() -> list:
        return run(Need.select(Need.title, Need.state, Need.supporters, Need.reason, Need.community_code).where(
            (Need.district_code == OWN) & Need.title.is_in([n[2] for n in demo_needs.NEEDS])).order_by(Need.id))

    before = state()
    run(demo_needs.load(ctx, ctx.districts[OWN]))
    assert state() == before and len(before) == len(demo_needs.NEEDS)
    assert {n["state"] for n in before} == {"open", "accepted", "merged", "declined"}
    assert len({n["community_code"] for n in before}) >= 3 and any(n["supporters"] for n in before)
    assert [n["reason"] for n in before if n["state"] == "declined"] == [demo_needs.DECLINE_REASON]


def test_demo_needs_are_answered_by_demo_projects_in_delivery(ctx, client):
    """The procurement demo (loaded after participation's) names demo needs on its projects in
    delivery: the need's public answer shows the project and since when it delivers; loading the
    demo again adds no second project."""
    from plugins.participation import demo_needs
    from plugins.procurement import demo as procurement_demo

    def answered() -> dict[str, list]:
        rows = run(Need.select(Need.id, Need.title).where(
            (Need.district_code == OWN) & Need.title.is_in([n[2] for n in demo_needs.NEEDS])))
        found = {row["title"]: client.get(f"{API}/{row['id']}").json()["answers"] for row in rows}
        return {title: answers for title, answers in found.items() if answers}

    before = answered()
    assert before, "no demo need in 430702 has an answering project"
    for answers in before.values():
        assert all(a["stage"] in ("in_delivery", "evaluated", "closed") for a in answers)
        assert all(a["delivering_since"] and a["url"].startswith(f"/districts/{OWN}/procurement/projects/")
                   for a in answers)
    assert "希望在小区附近设老年助餐点" in before
    run(procurement_demo.load(ctx.districts[OWN], ctx))
    assert answered() == before
