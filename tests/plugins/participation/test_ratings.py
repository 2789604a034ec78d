"""Ratings: only attendees rate (403), a second rating is refused (409), moderation hides the
comment and keeps the row and its score, the careful rule credits points once, the roll-up's
small-sample guard, the rating_averages hook and the supervision rule."""

from __future__ import annotations

from datetime import date, timedelta

from core.tables import AuditEvent
from plugins.participation import ratings
from plugins.participation.tables import PointEntry, Rating
from tests.conftest import OWN, run
from tests.plugins.participation.test_activities import API, new_activity, resident, staff  # noqa: F401

SUMMARY = f"/api/districts/{OWN}/participation/ratings/summary"
GOOD = {"professional": 5, "timeliness": 4, "attitude": 5, "effect": 4}
LONG = "活动组织得很好，老师讲解清楚，志愿者也很耐心。"


def attended(client, staff_headers, numbers, **extra) -> dict:
    """An activity starting soon with these test residents signed up and checked in."""
    act = new_activity(client, staff_headers, capacity=50, starts_in=timedelta(minutes=30), **extra)
    for n in numbers:
        signup = client.post(f"{API}/{act['id']}/signups", headers=resident(client, n)).json()
        assert client.post(f"{API}/{act['id']}/checkins", headers=staff_headers,
                           json={"signup_id": signup["id"]}).status_code == 200
    return act


def test_only_attendees_rate_and_only_once(client, staff):
    act = attended(client, staff, [20])
    one = f"{API}/{act['id']}/ratings"
    client.post(f"{API}/{act['id']}/signups", headers=resident(client, 21))  # signed up, not checked in
    refused = client.post(one, headers=resident(client, 21), json=GOOD)
    assert refused.status_code == 403 and refused.json()["code"] == "not_attended"
    first = client.post(one, headers=resident(client, 20), json={**GOOD, "comment": "好"})
    assert first.status_code == 201, first.text
    assert first.json()["score"] == 4.5 and first.json()["careful"] is False
    second = client.post(one, headers=resident(client, 20), json=GOOD)
    assert second.status_code == 409 and second.json()["code"] == "already_rated"
    assert run(Rating.count().where(Rating.subject == f"activity:{act['id']}")) == 1


def test_bad_scores_are_refused_with_nothing_written(client, staff):
    act = attended(client, staff, [22])
    before = (run(Rating.count()), run(AuditEvent.count()))
    bad = client.post(f"{API}/{act['id']}/ratings", headers=resident(client, 22),
                      json={**GOOD, "effect": 6, "comment": "x" * 1001})
    assert bad.status_code in (400, 422) and bad.json()["errors"]
    assert (run(Rating.count()), run(AuditEvent.count())) == before


def test_careful_rating_earns_points_once_and_outliers_none(client, staff):
    act = attended(client, staff, [23, 24, 25], service_ref="test:service:careful")
    one = f"{API}/{act['id']}/ratings"
    careful = client.post(one, headers=resident(client, 23), json={**GOOD, "comment": LONG}).json()
    assert careful["careful"] is True and careful["points"] == 5
    entries = run(PointEntry.select().where(PointEntry.ref == f"rating:{careful['id']}"))
    assert [e["reason"] for e in entries] == ["careful_rating"]
    outlier = client.post(one, headers=resident(client, 24), json={
        "professional": 1, "timeliness": 1, "attitude": 1, "effect": 1, "comment": LONG}).json()
    assert outlier["careful"] is False and outlier["points"] == 0  # 1.0 against 4.5: further than the gap 2
    assert not run(PointEntry.exists().where(PointEntry.ref == f"rating:{outlier['id']}"))


def test_moderation_keeps_the_record_and_the_score(client, staff, as_role):
    act = attended(client, staff, [26], service_ref="test:service:moderated")
    made = client.post(f"{API}/{act['id']}/ratings", headers=resident(client, 26),
                       json={**GOOD, "comment": "联系电话 13800000000 找张三"}).json()
    hide = f"/api/districts/{OWN}/participation/ratings/{made['id']}/hide"
    assert client.post(hide, headers=as_role("resident"), json={"reason": "x"}).status_code == 403
    assert client.post(hide, headers=staff, json={"reason": " "}).status_code == 422
    done = client.post(hide, headers=staff, json={"reason": "含个人信息"})
    assert done.status_code == 200 and done.json()["hidden_reason"] == "含个人信息"
    assert client.post(hide, headers=staff, json={"reason": "again"}).status_code == 409
    row = run(Rating.select().where(Rating.id == made["id"]).first())
    assert row["comment"].startswith("联系电话") and row["score"] == 4.5 and row["hidden"]
    public = client.get(f"{API}/{act['id']}/ratings").json()["items"]
    assert public[0]["comment"] == "" and public[0]["hidden"] is True and "13800000000" not in str(public)
    staff_list = client.get(f"/api/districts/{OWN}/participation/ratings", headers=staff,
                            params={"service_ref": "test:service:moderated"}).json()["items"]
    assert staff_list[0]["comment"].startswith("联系电话") and staff_list[0]["hidden_reason"] == "含个人信息"
    summary = client.get(SUMMARY, params={"service_ref": "test:service:moderated"}).json()
    assert summary["count"] == 1  # still counted
    assert run(AuditEvent.exists().where((AuditEvent.entity == "rating") & (AuditEvent.action == "hide")
                                         & (AuditEvent.entity_id == str(made["id"]))))


def test_summary_guard_hook_and_supervision_rule(client, staff, ctx, as_role):
    ref = "test:service:low"
    act = attended(client, staff, [30, 31, 32, 33, 34], service_ref=ref)
    one = f"{API}/{act['id']}/ratings"
    low = {"professional": 2, "timeliness": 3, "attitude": 2, "effect": 3}
    for n in (30, 31, 32, 33):
        assert client.post(one, headers=resident(client, n), json=low).status_code == 201
    few = client.get(SUMMARY, params={"service_ref": ref}).json()
    assert few["count"] == 4 and few["average"] is None and few["enough"] is False and few["label"] == "评价不足 5 条"
    assert few["dimensions"]["attitude"] is None
    assert run(ratings.averages_for_refs(ctx, OWN, [ref, "nobody:rated"])) == {ref: {"average": 2.5, "count": 4}}
    flags = run(_flags(ctx))
    assert not [f for f in flags if f["record_id"] == ref]  # four ratings: below the guard, no flag
    assert client.post(one, headers=resident(client, 34), json=low).status_code == 201
    enough = client.get(SUMMARY, params={"service_ref": ref}).json()
    assert enough["average"] == 2.5 and enough["enough"] and enough["dimensions"]["professional"] == 2.0
    flags = [f for f in run(_flags(ctx)) if f["record_id"] == ref]
    assert len(flags) == 1 and flags[0]["key"] == f"participation.low_rating:{ref}"
    # the supervision module's scan stores it as a flag its supervisors see (and the page shows it)
    supervisor = as_role("supervisor")
    scan = client.post(f"/api/districts/{OWN}/supervision/scan", headers=supervisor)
    assert scan.status_code == 200 and not scan.json()["rules"]["participation.low_rating"]["error"], scan.text
    stored = client.get(f"/api/districts/{OWN}/supervision/flags", headers=supervisor,
                        params={"rule": "participation.low_rating", "per_page": 200}).json()["items"]
    assert [f["record_id"] for f in stored].count(ref) == 1
    page = client.get(f"/districts/{OWN}/supervision/flags", headers=supervisor, params={"rule": "participation.low_rating"})
    assert page.status_code == 200 and "服务评价平均分低于阈值" in page.text
    assert client.get(f"/api/districts/430703/participation/ratings/summary").status_code == 404


async def _flags(ctx):
    from core.modules import module_settings

    settings = await module_settings(ctx, OWN, "participation")
    return [f async for f in ratings.low_ratings(OWN, date.today(), settings)]


def test_demo_has_an_average_and_a_guarded_service(client):
    enough = client.get(SUMMARY, params={"service_ref": "demo:service:1"}).json()
    few = client.get(SUMMARY, params={"service_ref": "demo:service:2"}).json()
    assert enough["enough"] and enough["average"] is not None
    assert few["count"] == 2 and few["label"] == "评价不足 5 条"


def test_service_use_is_rated_once_by_its_user_only(client, staff):
    uses = f"/api/districts/{OWN}/participation/service-uses"
    bad = client.post(uses, headers=staff, json={"username": "nobody-here", "service_ref": "test:service:use",
                                                 "used_on": "2099-01-01"})
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"username", "used_on"}
    resident(client, 40)
    made = client.post(uses, headers=staff, json={"username": f"{OWN}-tr040", "service_ref": "test:service:use",
                                                  "service_title": "居家上门助浴", "used_on": "2026-11-20"})
    assert made.status_code == 201, made.text
    one = f"{uses}/{made.json()['id']}/ratings"
    assert client.post(one, headers=resident(client, 41), json=GOOD).status_code == 403  # not their use
    assert client.post(one, headers=resident(client, 40), json=GOOD).status_code == 201
    assert client.post(one, headers=resident(client, 40), json=GOOD).status_code == 409
    mine = client.get(f"{uses}/mine", headers=resident(client, 40)).json()["items"]
    assert mine[0]["rated"] is True and mine[0]["service_title"] == "居家上门助浴"
    assert client.get(SUMMARY, params={"service_ref": "test:service:use"}).json()["count"] == 1
