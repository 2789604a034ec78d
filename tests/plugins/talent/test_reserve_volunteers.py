"""Reserve pool (入库 → 实习 → 录用 / 退出, placing creates the profile) and
社工+志愿者 teams with hours per member."""

from __future__ import annotations

from datetime import date, timedelta

from core.codes import make_id_number
from core.tables import Person
from plugins.talent.tables import SocialWorker
from tests.conftest import OWN, bearer, run

BASE = f"/api/districts/{OWN}/talent"


def test_a_candidate_moves_forward_and_placing_creates_the_worker(client, tokens):
    admin = bearer(tokens["district_admin"])
    college = client.post(f"{BASE}/colleges", json={"school": "湖南文理学院", "signed_on": "2025-09-01",
                                                    "yearly_quota": 20}, headers=admin).json()
    candidate = client.post(f"{BASE}/candidates", headers=admin, json={
        "name": "储备甲", "school": "湖南文理学院", "major": "社会工作", "graduation_year": 2026,
        "college_id": college["id"], "intended_field": "社区养老"}).json()
    assert candidate["status"] == "入库"
    assert client.patch(f"{BASE}/candidates/{candidate['id']}", json={"status": "实习"}, headers=admin).json()[
        "status"] == "实习"
    illegal = client.patch(f"{BASE}/candidates/{candidate['id']}", json={"status": "入库"}, headers=admin)
    assert illegal.status_code == 409 and illegal.json()["code"] == "illegal_transition"
    id_number = make_id_number(OWN, date(2003, 9, 9), 611)
    placed = client.post(f"{BASE}/candidates/{candidate['id']}/place", headers=admin, json={
        "id_number": id_number, "education": "本科", "post_type": "社区专职工作者"})
    assert placed.status_code == 201, placed.text
    assert placed.json()["status"] == "录用"
    worker = run(SocialWorker.select().where(SocialWorker.id == placed.json()["worker_id"]).first())
    assert worker["social_work_major"] is True and worker["status"] == "在岗"
    assert client.post(f"{BASE}/candidates/{candidate['id']}/place", headers=admin, json={
        "id_number": id_number, "education": "本科", "post_type": "社区专职工作者"}).status_code == 409


def test_volunteer_team_hours(client, tokens):
    admin = bearer(tokens["district_admin"])
    leader = run(SocialWorker.select(SocialWorker.id).where(SocialWorker.district_code == OWN).first())["id"]
    team = client.post(f"{BASE}/teams", json={"name": "银龄互助队", "leader_worker_id": leader}, headers=admin)
    assert team.status_code == 201, team.text
    team_id = team.json()["id"]
    people = [p["id"] for p in run(Person.select(Person.id).where(Person.district_code == OWN).limit(2))]
    joined = (date.today() - timedelta(days=30)).isoformat()  # hours are recorded from the day a member joined
    for person_id in people:
        assert client.post(f"{BASE}/teams/{team_id}/members", json={"person_id": person_id, "joined_on": joined},
                           headers=admin).status_code == 201
    assert client.post(f"{BASE}/teams/{team_id}/members", json={"person_id": people[0]},
                       headers=admin).status_code == 409
    day = (date.today() - timedelta(days=3)).isoformat()
    activity = client.post(f"{BASE}/teams/{team_id}/activities", headers=admin, json={
        "day": day, "title": "重阳节探访", "hours": [{"person_id": people[0], "hours": 3},
                                                    {"person_id": people[1], "hours": 1.5}]})
    assert activity.status_code == 201, activity.text
    stranger = client.post(f"{BASE}/teams/{team_id}/activities", headers=admin, json={
        "day": day, "title": "外人", "hours": [{"person_id": 999999, "hours": 1}]})
    assert stranger.status_code == 422 and stranger.json()["errors"][0]["field"] == "hours[0].person_id"
    detail = client.get(f"{BASE}/teams/{team_id}", headers=admin).json()
    assert detail["total_hours"] == 4.5
    assert {m["person_id"]: m["hours"] for m in detail["members"]} == {people[0]: 3, people[1]: 1.5}


def test_a_social_worker_manages_only_teams_they_lead(client, tokens):
    admin = bearer(tokens["district_admin"])
    worker = bearer(tokens["social_worker"])
    from core.tables import User

    mine = run(User.select(User.person_id).where(User.username == f"{OWN}-worker").first())["person_id"]
    someone = run(SocialWorker.select(SocialWorker.id, SocialWorker.person_id).where(
        (SocialWorker.district_code == OWN) & (SocialWorker.person_id != mine)).first())
    team = client.post(f"{BASE}/teams", json={"name": "别人的队", "leader_worker_id": someone["id"]}, headers=admin).json()
    person = run(Person.select(Person.id).where(Person.district_code == OWN).first())["id"]
    refused = client.post(f"{BASE}/teams/{team['id']}/members", json={"person_id": person}, headers=worker)
    assert refused.status_code == 403
