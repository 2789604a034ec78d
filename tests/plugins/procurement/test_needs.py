"""The residents' needs a purchase project answers, through the two core hooks: a module
collecting needs offers them (`offer_needs`; here the example module, as participation will),
a project names the linkable ones (422 naming the field otherwise, nothing written), and
procurement answers `need_answers` — which projects answer a need and since when a service is
delivered. Pages: the new-project form offers the open needs, the project page lists its own."""

from __future__ import annotations

import pytest

from core.plugins import call_async
from plugins.procurement.tables import PurchaseProject, StageChange
from tests.conftest import OTHER, OWN, run
from tests.example_plugin import NEEDS
from tests.plugins.procurement.delivery_support import contracted
from tests.plugins.procurement.test_projects import API, PAGE, body, communities, create, move

MODULES = f"/api/districts/{OWN}/modules"


def need(n: int, **changes) -> dict:
    return {"ref": f"example:need:{n}", "title": f"老人助餐需求{n}", "community": communities()[0], "field": "社区养老",
            "status": "accepted", "status_label": "已受理", "supporters": n, "linkable": True, **changes}


@pytest.fixture(autouse=True)
def participation_off(client, as_role):
    """These tests use the example module's NEEDS alone: participation (which really collects
    needs, and is on in OWN) is turned off for each test and back on after, whatever happens."""
    admin = as_role("district_admin")
    assert client.put(f"{MODULES}/participation", json={"enabled": False}, headers=admin).status_code == 200
    try:
        yield
    finally:
        assert client.put(f"{MODULES}/participation", json={"enabled": True}, headers=admin).status_code == 200


@pytest.fixture
def needs(client, as_role):
    """The example module enabled in OWN, offering what a test puts into NEEDS; undone after."""
    admin = as_role("district_admin")
    assert client.put(f"{MODULES}/example", json={"enabled": True}, headers=admin).status_code == 200
    NEEDS[OWN] = [need(1), need(2, field="残障康复"), need(3, linkable=False, status="declined", status_label="未采纳"),
                  need(4, community=communities()[1])]
    yield NEEDS
    NEEDS.clear()
    client.put(f"{MODULES}/example", json={"enabled": False}, headers=admin)


def offered(ctx, code: str = OWN, **kwargs) -> list:
    args = {"refs": None, "field": None, "community": None, **kwargs}
    return [a for a in run(call_async(ctx.pm.hook.offer_needs, ctx=ctx, district_code=code, **args)) if a is not None]


def test_hook_offer_needs(ctx, client, as_role, needs):
    [linkable] = offered(ctx)
    assert [n["ref"] for n in linkable] == ["example:need:4", "example:need:2", "example:need:1"]  # most supported first
    assert [n["ref"] for n in offered(ctx, field="社区养老", community=communities()[0])[0]] == ["example:need:1"]
    assert [n["status"] for n in offered(ctx, refs=["example:need:3"])[0]] == ["declined"]  # by ref, whatever its status
    assert offered(ctx, OTHER) == []  # the example module is off in the other district
    client.put(f"{MODULES}/example", json={"enabled": False}, headers=as_role("district_admin"))
    assert offered(ctx) == []


def test_hook_need_answers(ctx, client, as_role, needs):
    admin = as_role("district_admin")
    planning = create(client, admin, title="需求：助餐计划", needs=["example:need:1"])
    delivering = contracted(client, admin, "需求：助餐实施")
    run(PurchaseProject.update({PurchaseProject.needs: '["example:need:1", "example:need:4"]'}).where(
        PurchaseProject.id == delivering["id"]))  # as if named while planning
    assert move(client, admin, delivering["id"], "in_delivery").status_code == 200

    def answers(refs: list[str]) -> dict:
        [answer] = [a for a in run(call_async(ctx.pm.hook.need_answers, ctx=ctx, district_code=OWN, refs=refs)) if a]
        return answer

    found = answers(["example:need:1", "example:need:4", "example:need:2", 'x"'])
    assert set(found) == {"example:need:1", "example:need:4"}  # refs no project names are left out
    first = found["example:need:1"]
    assert [(a["title"], a["stage"]) for a in first] == [("需求：助餐计划", "planning"), ("需求：助餐实施", "in_delivery")]
    assert first[0]["delivering_since"] is None and first[1]["delivering_since"] is not None
    assert first[1]["url"] == f"{PAGE}/projects/{delivering['id']}" and first[1]["ref"] == f"procurement:{delivering['ocid']}"
    assert [a["title"] for a in found["example:need:4"]] == ["需求：助餐实施"]
    assert not [a for a in run(call_async(ctx.pm.hook.need_answers, ctx=ctx, district_code=OTHER,
                                          refs=["example:need:1"])) if a]  # procurement is off there
    assert planning["needs"] == ["example:need:1"]


@pytest.mark.parametrize(("refs", "words"), [
    (["example:need:99"], "本区县没有这些需求：example:need:99"),
    (["example:need:3"], "这些需求已不能关联：老人助餐需求3（未采纳）"),
    (["not a ref"], "needs"),
])
def test_bad_needs_422_and_nothing_written(client, as_role, needs, refs, words):
    before = run(PurchaseProject.count())
    answer = client.post(API, headers=as_role("district_admin"), json=body(needs=refs))
    assert answer.status_code in (400, 422), answer.text
    assert words in answer.text and run(PurchaseProject.count()) == before


def test_needs_refused_where_no_module_collects_them(client, as_role):
    answer = client.post(API, headers=as_role("district_admin"), json=body(needs=["example:need:1"]))
    assert answer.status_code == 422 and answer.json()["errors"] == [
        {"field": "needs", "message": "需求征集（居民参与）模块未启用，不能关联需求"}]


def test_edit_checks_only_a_changed_list(client, as_role, needs):
    admin = as_role("district_admin")
    project = create(client, admin, title="需求：修改", needs=["example:need:2"])
    changed = client.patch(f"{API}/{project['id']}", headers=admin, json={"needs": ["example:need:2", "example:need:1"]})
    assert changed.status_code == 200 and changed.json()["needs"] == ["example:need:2", "example:need:1"]
    refused = client.patch(f"{API}/{project['id']}", headers=admin, json={"needs": ["example:need:3"]})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "needs"
    NEEDS[OWN][1]["linkable"] = False  # need 2 is merged meanwhile: other edits still pass
    assert client.patch(f"{API}/{project['id']}", headers=admin, json={"title": "需求：修改后"}).status_code == 200


def test_the_api_and_pages_offer_and_show_needs(client, as_role, needs):
    admin = as_role("district_admin")
    listed = client.get(f"/api/districts/{OWN}/procurement/needs?field=社区养老", headers=admin).json()
    assert listed["available"] is True and [n["ref"] for n in listed["items"]] == ["example:need:4", "example:need:1"]
    assert client.get(f"/api/districts/{OWN}/procurement/needs", headers=as_role("supervisor")).status_code == 403
    form = client.get(PAGE, headers=admin).text
    assert 'value="example:need:2"' in form and 'value="example:need:3"' not in form
    project = create(client, admin, title="需求：页面", needs=["example:need:2"])
    page = client.get(f"{PAGE}/projects/{project['id']}", headers=admin).text
    assert 'data-testid="linked-need"' in page and "老人助餐需求2" in page and "2 人需要" in page


def test_without_a_needs_module_the_api_and_form_say_so(client, as_role):
    admin = as_role("district_admin")
    assert client.get(f"/api/districts/{OWN}/procurement/needs", headers=admin).json() == {"available": False,
                                                                                          "items": []}
    assert "需求征集（居民参与）模块未启用" in client.get(PAGE, headers=admin).text


def test_the_dashboard_counts_needs_answered_once_in_the_year_delivery_started(client, as_role, needs):
    """Need 2 is answered by two projects: counted once, in the first's Beijing year; need 4 is
    named by a project never in delivery: not answered."""
    from datetime import datetime, timezone

    admin = as_role("district_admin")
    made = [create(client, admin, title=f"需求统计{n}", needs=refs)["id"]
            for n, refs in enumerate((["example:need:2"], ["example:need:1", "example:need:2"], ["example:need:4"]))]
    moments = (datetime(2019, 12, 31, 16, 30, tzinfo=timezone.utc), datetime(2020, 3, 1, tzinfo=timezone.utc))
    run(StageChange.insert(*[StageChange(project=pid, from_stage="contracted", to_stage="in_delivery", actor="test",
                                         at=at) for pid, at in zip(made, moments)]))
    try:
        board = client.get(f"/api/districts/{OWN}/procurement/dashboard", params={"years": 2, "until": 2020},
                           headers=admin).json()["needs"]
        # 2019-12-31 16:30 UTC is 2020-01-01 in Beijing: both needs of the first project start in 2020.
        assert board == {"available": True, "reason": "", "answered": 2,
                         "years": [{"year": 2019, "answered": 0}, {"year": 2020, "answered": 2}]}
        page = client.get(f"{PAGE}/dashboard", params={"years": 2, "until": 2020}, headers=admin).text
        assert 'data-testid="needs-answered"' in page and "已有服务项目回应的居民需求：2 条" in page
    finally:
        run(StageChange.delete().where(StageChange.project.is_in(made)))
        run(PurchaseProject.delete().where(PurchaseProject.id.is_in(made)))
