"""Volunteer hours rules: at most 24 hours per person per day summed over every activity (of every
team), the activity's community a registered community of the district, no hours before the
member joined. Each refusal is a 422 naming the field and the rule, with nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.codes import make_id_number
from core.tables import AuditEvent, Community
from plugins.talent.tables import SocialWorker, VolunteerActivity, VolunteerHours
from tests.conftest import OTHER, OWN, bearer, run

BASE = f"/api/districts/{OWN}/talent"


def counts() -> tuple[int, int, int]:
    return run(VolunteerActivity.count()), run(VolunteerHours.count()), run(AuditEvent.count())


def community(district: str) -> str:
    return run(Community.select(Community.code).where(
        (Community.district_code == district) & (Community.kind == "community")).order_by(Community.code).first())["code"]


@pytest.fixture(scope="module")
def setup(app, tokens) -> dict:
    """Two teams sharing a volunteer who joined 10 days ago; a second volunteer who joined 2 days ago.
    Every test's days count from the `today` this fixture used, so a run crossing midnight (Beijing
    time) keeps the joining days and the activity days the same distance apart."""
    from litestar.testing import TestClient

    today = date.today()

    admin = bearer(tokens["district_admin"])
    leader = run(SocialWorker.select(SocialWorker.id).where(SocialWorker.district_code == OWN).first())["id"]
    with TestClient(app=app) as client:
        people = []
        for seq in (1, 2):
            person = client.post(f"/api/districts/{OWN}/persons", headers=admin, json={
                "name": f"志愿者{seq}", "id_number": make_id_number(OWN, date(1966, 6, seq), 810 + seq)})
            assert person.status_code == 201, person.text
            people.append(person.json()["id"])
        teams = []
        for name in ("晚霞志愿队", "护河志愿队"):
            team = client.post(f"{BASE}/teams", json={"name": name, "leader_worker_id": leader,
                                                      "community_code": community(OWN)}, headers=admin)
            assert team.status_code == 201, team.text
            teams.append(team.json()["id"])
            for person_id, joined in ((people[0], 10), (people[1], 2)):
                member = client.post(f"{BASE}/teams/{teams[-1]}/members", headers=admin, json={
                    "person_id": person_id, "joined_on": (today - timedelta(days=joined)).isoformat()})
                assert member.status_code == 201, member.text
    return {"people": people, "teams": teams, "admin": admin, "today": today, "day": today - timedelta(days=5)}


def activity(client, setup, team: int, hours: list[tuple[int, float]], day: date | None = None, **extra):
    return client.post(f"{BASE}/teams/{setup['teams'][team]}/activities", headers=setup["admin"], json={
        "day": (day or setup["day"]).isoformat(), "title": "社区志愿服务",
        "hours": [{"person_id": p, "hours": h} for p, h in hours], **extra})


def refused(response, before, field: str, words: str) -> None:
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field] and words in errors[0]["message"], errors
    assert counts() == before


def test_at_most_24_hours_a_day_across_activities_and_teams(client, setup):
    volunteer = setup["people"][0]
    assert activity(client, setup, 0, [(volunteer, 10)]).status_code == 201
    before = counts()
    over = activity(client, setup, 1, [(volunteer, 15)])  # another team's activity, the same day
    refused(over, before, "hours[0].hours", "每人每天志愿服务不超过24小时")
    assert "已登记10小时" in over.json()["errors"][0]["message"]
    assert activity(client, setup, 1, [(volunteer, 14)]).status_code == 201  # 24 hours exactly
    before = counts()
    refused(activity(client, setup, 0, [(volunteer, 0.5)]), before, "hours[0].hours", "合计24.5小时")
    assert activity(client, setup, 0, [(volunteer, 8)], day=setup["day"] - timedelta(days=1)).status_code == 201


def test_no_hours_before_the_member_joined(client, setup):
    newcomer = setup["people"][1]
    before = counts()
    refused(activity(client, setup, 0, [(newcomer, 2)], day=setup["today"] - timedelta(days=3)), before,
            "hours[0].person_id", "入队")
    assert activity(client, setup, 0, [(newcomer, 2)], day=setup["today"] - timedelta(days=2)).status_code == 201


def test_the_activity_community_is_a_registered_community_of_the_district(client, setup):
    volunteer = setup["people"][0]
    day = setup["day"] - timedelta(days=2)
    for code in (community(OTHER), f"{OWN}999999"):
        before = counts()
        refused(activity(client, setup, 0, [(volunteer, 1)], day=day, community_code=code), before,
                "community_code", "社区不在本区县的社区登记中")
    accepted = activity(client, setup, 0, [(volunteer, 1)], day=day, community_code=community(OWN))
    assert accepted.status_code == 201 and accepted.json()["community_code"] == community(OWN)


def test_every_broken_rule_is_named_at_once(client, setup):
    volunteer, newcomer = setup["people"]
    before = counts()
    response = activity(client, setup, 0, [(volunteer, 24), (newcomer, 1)], community_code="000000000000")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"community_code", "hours[0].hours", "hours[1].person_id"}
    assert counts() == before
