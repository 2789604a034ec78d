"""The "我的" view shows the caller's own sign-ups (upcoming first), check-ins, ratings (a hidden
comment is not shown, and says so), points, redemptions and needs — never another resident's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.dates import utc_now
from plugins.participation.tables import Activity, Need, Rating, Signup
from tests.conftest import OWN, bearer_for, run
from tests.plugins.participation.points_support import give, new_resident

API = f"/api/districts/{OWN}/participation/me"
pytestmark = pytest.mark.usefixtures("ctx")


def _activity(title: str, days: int) -> int:
    start = utc_now() + timedelta(days=days)
    row = run(Activity.insert(Activity(district_code=OWN, field="养老服务", title=title, place="社区活动室",
                                       starts_at=start, ends_at=start + timedelta(hours=2), capacity=10,
                                       announced_by="test")))
    return row[0]["id"]


def _signup(activity: int, user_id: int, state: str) -> None:
    run(Signup.insert(Signup(activity=activity, district_code=OWN, user_id=user_id, state=state,
                             checked_in_at=utc_now() if state == "attended" else None)))


def _rating(user_id: int, subject: str, hidden: bool) -> None:
    run(Rating.insert(Rating(district_code=OWN, subject=subject, user_id=user_id, professional=4, timeliness=4,
                             attitude=5, effect=3, score=4.0, comment="老师讲得很清楚，很有用", hidden=hidden,
                             hidden_reason="含个人信息" if hidden else "")))


def test_me_shows_only_my_records_upcoming_first(client, as_role):
    username, user_id = new_resident()
    _, other_id = new_resident()
    past, soon, later = _activity("往期健康讲座", -5), _activity("下周书法课", 3), _activity("下月义诊", 30)
    _signup(past, user_id, "attended")
    _signup(later, user_id, "signed_up")
    _signup(soon, user_id, "waiting")
    _signup(soon, other_id, "signed_up")
    _rating(user_id, f"activity:{past}", hidden=True)
    _rating(other_id, f"activity:{past}", hidden=False)
    give(user_id, 15)
    give(other_id, 99)
    run(Need.insert(Need(district_code=OWN, community_code="430702001001", field="养老服务", title="想要老年食堂",
                         posted_by=username, poster_user_id=user_id)))
    run(Need.insert(Need(district_code=OWN, community_code="430702001001", field="养老服务", title="别人的需求",
                         posted_by="x", poster_user_id=other_id)))
    answer = client.get(API, headers=bearer_for(client, username))
    assert answer.status_code == 200, answer.text
    me = answer.json()
    assert [a["title"] for a in me["activities"]] == ["下周书法课", "下月义诊", "往期健康讲座"]
    assert me["activities"][0]["state_label"] == "候补中"
    assert [c["activity_id"] for c in me["checkins"]] == [past]
    assert len(me["ratings"]) == 1 and me["ratings"][0]["comment"] == "" and "隐藏" in me["ratings"][0]["note"]
    assert me["balance"] == 15 and [e["amount"] for e in me["entries"]] == [15]
    assert [n["title"] for n in me["needs"]] == ["想要老年食堂"]
    assert me["redemptions"] == [] and me["proposals"] == []
    page = client.get(f"/districts/{OWN}/participation/me", headers=bearer_for(client, username))
    assert page.status_code == 200 and "下周书法课" in page.text and "别人的需求" not in page.text


@pytest.mark.parametrize("role", ["district_admin", "org_staff", "supervisor"])
def test_me_is_for_residents(client, as_role, role):
    assert client.get(API, headers=as_role(role)).status_code == 403
    assert client.get(API).status_code == 401
