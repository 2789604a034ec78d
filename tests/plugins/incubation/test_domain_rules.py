"""The incubation base's domain rules through the real app: graduation needs the 期满 review
and an organisation on neither credit list (checked again at that moment); the way of
residency (实体入驻/虚拟入驻) is chosen at move-in, a virtual resident has no space and fills
no place; the kind of team and the residency show in the API and on the incubatee page.
Each refusal names the rule and writes nothing."""

from __future__ import annotations

from datetime import date

from core.registry import credit
from core.registry import services as registry
from core.tables import AuditEvent, Organization
from plugins.incubation.tables import Incubatee, Milestone, ProgressReview
from tests.conftest import OWN, run
from tests.plugins.incubation.test_residency import (
    API,
    TODAY,
    final_review,
    milestones,
    move_in,
    moved_in,
    new_base,
    new_incubatee,
    people,  # noqa: F401 - the fixture, used by name
    sign_all_directly,
    stage_of,
)


def written() -> tuple[int, int, int, int]:
    async def count():
        return (await Organization.count(), await AuditEvent.count(), await ProgressReview.count(),
                await Milestone.count())

    return run(count())


def test_graduation_needs_the_final_review(client, as_role, people):  # noqa: F811
    admin, mentor = as_role("district_admin"), people["mentor_a"]
    iid = new_incubatee(new_base(), "期满评估测试队")
    moved_in(client, admin, iid)
    sign_all_directly(iid)
    mid = client.post(f"{API}/incubatees/{iid}/reviews", headers=mentor,
                      json={"kind": "中期", "day": str(TODAY), "rating": "良好", "summary": "进展顺利"})
    assert mid.status_code == 201
    before = written()
    refused = client.post(f"{API}/incubatees/{iid}/graduate", headers=admin, json={})
    assert refused.status_code == 409 and refused.json()["code"] == "final_review_missing"
    assert "期满评估" in refused.json()["detail"] and refused.json()["errors"][0]["field"] == "reviews"
    assert stage_of(iid) == "incubating" and written() == before
    page = client.get(f"/districts/{OWN}/incubation/incubatees/{iid}", headers=admin).text
    assert 'data-kind="final_review"' in page and "记录期满评估" in page

    final = client.post(f"{API}/incubatees/{iid}/reviews", headers=mentor,
                        json={"kind": "期满", "day": str(TODAY), "rating": "良好", "summary": "同意出壳"})
    assert final.status_code == 201
    assert client.post(f"{API}/incubatees/{iid}/graduate", headers=admin, json={}).status_code == 200
    assert stage_of(iid) == "graduated"


def test_graduation_rechecks_the_credit_lists(client, as_role, people):  # noqa: F811
    admin = as_role("district_admin")
    org = run(registry.create_organization(OWN, "test", {"name": "信用复核互助会", "legal_type": "community_filed",
                                                         "status": "filed"}))
    iid = new_incubatee(new_base(), "信用复核互助会", organization_id=org["id"])
    moved_in(client, admin, iid)
    sign_all_directly(iid)
    final_review(iid)
    # Listed while incubating: screening saw a clean record, graduation must look again.
    entry = run(credit.add(OWN, "test", org["id"], "serious", date(2025, 9, 1), "受到较大数额罚款的行政处罚"))
    before, stored = written(), run(Organization.select().where(Organization.id == org["id"]).first())
    refused = client.post(f"{API}/incubatees/{iid}/graduate", headers=admin, json={})
    assert refused.status_code == 409 and refused.json()["code"] == "credit_listed"
    assert "严重违法失信名单" in refused.json()["detail"]
    assert refused.json()["errors"][0]["field"] == "organization_id"
    assert stage_of(iid) == "incubating" and written() == before
    assert run(Organization.select().where(Organization.id == org["id"]).first()) == stored
    needs = client.get(f"{API}/incubatees/{iid}", headers=admin).json()["graduation_needs"]
    assert [(n["kind"], n["title"]) for n in needs] == [("credit", "移出严重违法失信名单")]

    run(credit.remove(OWN, "test", org["id"], entry["id"], None, "处罚决定已撤销"))
    assert client.post(f"{API}/incubatees/{iid}/graduate", headers=admin, json={}).status_code == 200


def test_residency_is_chosen_at_move_in_and_a_virtual_resident_takes_no_place(client, as_role, people):  # noqa: F811
    admin = as_role("district_admin")
    base_id = new_base(1, "单工位虚拟孵化点")
    on_site, virtual, bad = (new_incubatee(base_id, n) for n in ("实体入驻队", "虚拟入驻队", "未选方式队"))
    moved_in(client, admin, on_site, space="1号工位")
    before = written()
    for body, field, words in (({"residency": ""}, "residency", "实体入驻或虚拟入驻"),
                               ({"residency": "hybrid"}, "residency", "入驻方式"),
                               ({"residency": "virtual", "space": "2号工位"}, "space", "虚拟入驻不占用场地")):
        response = move_in(client, admin, bad, **body)
        assert response.status_code == 422, (body, response.text)
        assert words in {e["field"]: e["message"] for e in response.json()["errors"]}[field]
    full = move_in(client, admin, bad, residency="on_site", space="2号工位")
    assert full.status_code == 409 and full.json()["code"] == "base_full" and "虚拟入驻" in full.json()["detail"]
    assert stage_of(bad) == "accepted" and milestones(bad) == {} and written() == before

    row = moved_in(client, admin, virtual, residency="virtual")  # the base is full, but no desk is needed
    assert (row["stage"], row["residency"], row["space"]) == ("incubating", "virtual", "")
    occupancy = {b["id"]: b for b in client.get(f"{API}/stats", headers=admin).json()["occupancy"]}[base_id]
    assert (occupancy["incubating"], occupancy["virtual"], occupancy["free"]) == (1, 1, 0)
    bases = {b["id"]: b for b in client.get(f"{API}/bases", headers=admin).json()}
    assert bases[base_id]["occupancy"] == 1
    detail = client.get(f"{API}/incubatees/{virtual}", headers=admin).json()
    assert detail["residency_label"] == "虚拟入驻"


def test_the_kind_of_team_and_the_residency_show_on_the_page(client, as_role, people):  # noqa: F811
    admin = as_role("district_admin")
    iid = new_incubatee(new_base(), "枢纽型联合会", incubatee_type="hub")
    page = client.get(f"/districts/{OWN}/incubation/incubatees/{iid}", headers=admin).text
    assert 'data-testid="incubatee-type" data-value="hub"' in page and "枢纽型" in page
    assert 'name="residency"' in page and "虚拟入驻" in page  # the move-in form asks how
    moved_in(client, admin, iid, space="C-01")
    page = client.get(f"/districts/{OWN}/incubation/incubatees/{iid}", headers=admin).text
    assert 'data-testid="residency" data-value="on_site"' in page and "实体入驻" in page
    english = client.get(f"/districts/{OWN}/incubation/incubatees/{iid}?lang=en", headers=admin).text
    assert "Hub" in english and "On site" in english
    assert run(Incubatee.select(Incubatee.incubatee_type).where(Incubatee.id == iid).first())["incubatee_type"] == "hub"
