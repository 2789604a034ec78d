"""The demo base, as a district admin finds it after `sanshe demo`: teams at every stage
(with their kind of team; residents on site and virtual; the graduate with its 期满 review),
and the one that just applied can be taken all the way to graduation by the demo users,
ending in the registry and the open dataset."""

from __future__ import annotations

from datetime import date

from tests.conftest import OWN, bearer_for

API = f"/api/districts/{OWN}/incubation"


def test_the_demo_base_holds_every_stage(client, as_role):
    rows = client.get(f"{API}/applications", headers=as_role("district_admin")).json()
    items = {r["name"]: r for r in (rows["items"] if isinstance(rows, dict) else rows)}
    demo = {name: r["stage"] for name, r in items.items()}
    assert demo["夕阳红文艺队"] == "graduated"
    assert {items[n]["incubatee_type"] for n in ("夕阳红文艺队", "青苗课业辅导志愿队", "书香亲子阅读会")} == {
        "startup", "sprout", "hub"}
    assert (items["青苗课业辅导志愿队"]["residency"], items["青苗课业辅导志愿队"]["space"]) == ("virtual", "")
    assert items["夕阳红文艺队"]["residency"] == "on_site"
    reviews = client.get(f"{API}/incubatees/{items['夕阳红文艺队']['id']}/reviews", headers=as_role("district_admin"))
    assert "期满" in [r["kind"] for r in reviews.json()]  # graduated under the rule that needs it
    assert demo["邻里守望互助会"] in ("incubating", "graduated")  # the browser test graduates it
    assert demo["书香亲子阅读会"] == "screened" and demo["晨练太极队"] == "rejected"
    graduates = [r["organization_name"] for r in client.get("/opendata/incubation-graduates.json").json()]
    assert "夕阳红文艺队" in graduates


def test_an_admin_runs_the_demo_base_from_application_to_graduation(client, as_role):
    admin = as_role("district_admin")
    reviewer, mentor = bearer_for(client, f"{OWN}-incubation-reviewer"), bearer_for(client, f"{OWN}-incubation-mentor")
    rows = client.get(f"{API}/applications", headers=admin).json()
    team = next(r for r in (rows["items"] if isinstance(rows, dict) else rows) if r["name"] == "乐龄智能手机课堂")
    assert team["stage"] == "applied"
    one = f"{API}/incubatees/{team['id']}"
    assert client.post(f"{one}/screen", headers=admin, json={"passed": True, "reason": "符合条件"}).status_code == 200
    assert client.post(f"{one}/scores", headers=reviewer, json={"score": 80, "comment": "需求大"}).status_code == 200
    assert client.post(f"{one}/scores", headers=admin, json={"score": 70, "comment": "可行"}).status_code == 200
    assert client.post(f"{one}/decide", headers=admin, json={"accept": True, "reason": "通过"}).status_code == 200
    moved = client.post(f"{one}/move-in", headers=admin,
                        json={"mentor": f"{OWN}-incubation-mentor", "residency": "on_site", "space": "B-01"})
    assert moved.status_code == 200, moved.text
    milestones = client.get(one, headers=admin).json()["milestones"]
    assert len(milestones) == 6
    for m in milestones:
        assert client.post(f"{API}/milestones/{m['id']}/submit", headers=admin,
                           json={"evidence": "材料已提交"}).status_code == 200
        assert client.post(f"{API}/milestones/{m['id']}/sign-off", headers=mentor, json={}).status_code == 200
    assert client.post(f"{one}/graduate", headers=admin, json={}).json()["code"] == "final_review_missing"
    assert client.post(f"{one}/reviews", headers=mentor, json={"kind": "期满", "day": str(date.today()),
                                                               "rating": "良好", "summary": "同意出壳"}).status_code == 201
    graduated = client.post(f"{one}/graduate", headers=admin, json={})
    assert graduated.status_code == 200, graduated.text
    org_id = client.get(one, headers=admin).json()["organization_id"]
    org = client.get(f"/api/districts/{OWN}/organizations/{org_id}", headers=admin).json()
    assert org["name"] == "乐龄智能手机课堂" and org["status"] == "filed"
    assert "乐龄智能手机课堂" in [r["organization_name"]
                              for r in client.get("/opendata/incubation-graduates.json").json()]
