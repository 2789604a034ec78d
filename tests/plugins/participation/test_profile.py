"""Participation's sections of an organisation's and a person's profile on the demo plus a few
hand-added rows (removed afterwards): the organisation's ratings by dimension only from the
district's `min_ratings` on (comments never shown, another district's ratings never counted) and
its latest activities; the worker's rating roll-up (the demo worker leads the rated tea party) and
the resident's own participation, seen by
the person themself and by staff — a stranger gets 404 from the API and never the section."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.auth import Grant, Principal
from core.dates import utc_now
from core.profiles import may_see, profile
from core.tables import Organization, Person, User
from plugins.participation.tables import Activity, Need, PointBalance, Rating, Signup
from tests.conftest import OTHER, OWN, bearer_for, run

SUBJECT = "profiletest"
SECRET = "只给管理员看的评语"
# (professional, timeliness, attitude, effect) of the organisation's five ratings
ORG_SCORES = [(5, 4, 5, 4), (4, 4, 5, 5), (5, 5, 4, 4), (3, 4, 4, 5), (4, 3, 5, 4)]


def _section(body: dict, name: str) -> dict | None:
    return next((s["data"] for s in body["sections"] if s["name"] == name), None)


def _facts(data: dict) -> dict:
    return dict(map(tuple, data["facts"]))


def _person_of(username: str) -> int:
    return run(User.select(User.person_id).where(User.username == username).first())["person_id"]


async def _rate(district: str, n: int, scores: tuple, **linked) -> None:
    await Rating.insert(Rating(district_code=district, subject=f"{SUBJECT}:{n}", user_id=9_800_000 + n,
                               professional=scores[0], timeliness=scores[1], attitude=scores[2], effect=scores[3],
                               score=sum(scores) / 4, comment=SECRET, **linked))


async def _activity(district: str, title: str, state: str = "published", **linked) -> int:
    when = utc_now() - timedelta(days=2)
    row = Activity(district_code=district, field="社区养老", title=title, place="测试活动室", starts_at=when,
                   ends_at=when + timedelta(hours=1), capacity=10, announced_by=SUBJECT, state=state, **linked)
    return (await Activity.insert(row))[0]["id"]


async def _remove() -> None:
    await Rating.delete().where(Rating.subject.like(f"{SUBJECT}:%"))
    await Activity.delete().where(Activity.announced_by == SUBJECT)


@pytest.fixture(scope="module")
def org_id():
    org = run(Organization.select(Organization.id).where(Organization.district_code == OWN).order_by(
        Organization.id, ascending=False).first())["id"]
    run(_remove())
    yield org
    run(_remove())


def test_organization_ratings_from_min_ratings_on(client, org_id):
    url = f"/api/districts/{OWN}/organizations/{org_id}/profile"
    for n, scores in enumerate(ORG_SCORES[:4]):
        run(_rate(OWN, n, scores, organization_id=org_id))
    run(_rate(OTHER, 90, (1, 1, 1, 1), organization_id=org_id))  # another district's: never counted
    shown = _section(client.get(url).json(), "participation.organization")
    assert shown["facts"] == [["服务评价", "评价不足 5 条"]]  # four here, the district's min_ratings is 5
    run(_rate(OWN, 4, ORG_SCORES[4], organization_id=org_id))
    body = client.get(url).json()
    facts = _facts(_section(body, "participation.organization"))
    # scores 4.5, 4.5, 4.5, 4.0, 4.0 → 4.30; dimensions 21/5, 20/5, 23/5, 22/5
    assert facts["服务评价"] == "4.30 / 5（5 条评价）"
    assert (facts["服务评价（专业性）"], facts["服务评价（及时性）"], facts["服务评价（态度）"], facts["服务评价（效果）"]) == \
        ("4.20 / 5", "4.00 / 5", "4.60 / 5", "4.40 / 5")
    assert SECRET not in str(body)  # comments are never public


def test_organization_latest_activities(client, org_id):
    shown = run(_activity(OWN, "组织画像测试活动", organization_id=org_id))
    run(_activity(OWN, "组织画像已取消活动", state="cancelled", organization_id=org_id))
    run(_activity(OWN, "别家机构的活动", organization_id=org_id + 1000))
    data = _section(client.get(f"/api/districts/{OWN}/organizations/{org_id}/profile").json(),
                    "participation.organization")
    titles = [i["title"] for i in data["items"]]
    assert "组织画像测试活动" in titles and "组织画像已取消活动" not in titles and "别家机构的活动" not in titles
    item = next(i for i in data["items"] if i["title"] == "组织画像测试活动")
    assert item["url"] == f"/districts/{OWN}/participation/activities/{shown}" and "测试活动室" in item["meta"]


def _worker_figures(worker: int) -> tuple[str, str]:
    """带领的活动 and 服务评价 computed by hand from the rows naming the worker."""
    led = run(Activity.count().where((Activity.district_code == OWN) & (Activity.worker_person_id == worker)))
    scores = [r["score"] for r in run(Rating.select(Rating.score).where(
        (Rating.district_code == OWN) & (Rating.worker_person_id == worker)))]
    return f"{led} 场", f"{sum(scores) / len(scores):.2f} / 5（{len(scores)} 条评价）"


def test_worker_sees_their_rating_roll_up(client, as_role, org_id):
    worker = _person_of(f"{OWN}-worker")
    url = f"/api/districts/{OWN}/persons/{worker}/profile"
    mine = bearer_for(client, f"{OWN}-worker")
    # the demo's tea party is led by the demo worker and rated six times
    own = _facts(_section(client.get(url, headers=mine).json(), "participation.person"))
    assert (own["带领的活动"], own["服务评价"]) == _worker_figures(worker)
    assert int(own["服务评价"].split("（")[1].split(" ")[0]) >= 6 and "服务评价（态度）" in own
    run(_activity(OWN, "社工带领的活动", worker_person_id=worker))
    for n, scores in enumerate(ORG_SCORES, start=10):
        run(_rate(OWN, n, scores, worker_person_id=worker))
    own = _section(client.get(url, headers=mine).json(), "participation.person")
    assert (_facts(own)["带领的活动"], _facts(own)["服务评价"]) == _worker_figures(worker)
    assert _facts(own)["带领的活动"] != "1 场"  # the new activity counted
    staff = _section(client.get(url, headers=as_role("district_admin")).json(), "participation.person")
    assert staff == own
    stranger = bearer_for(client, f"{OWN}-resident")
    assert client.get(url, headers=stranger).status_code == 404


def test_a_worker_rated_fewer_than_min_ratings_times_shows_no_average(client, as_role, org_id):
    person = run(Person.select(Person.id).where(Person.district_code == OWN).order_by(
        Person.id, ascending=False).first())["id"]  # a registry person leading nothing in the demo
    url = f"/api/districts/{OWN}/persons/{person}/profile"
    before = _section(client.get(url, headers=as_role("district_admin")).json(), "participation.person")
    assert before is None or "带领的活动" not in _facts(before)
    run(_activity(OWN, "新社工带领的活动", worker_person_id=person))
    for n, scores in enumerate(ORG_SCORES[:2], start=20):
        run(_rate(OWN, n, scores, worker_person_id=person))
    facts = _facts(_section(client.get(url, headers=as_role("district_admin")).json(), "participation.person"))
    assert (facts["带领的活动"], facts["服务评价"]) == ("1 场", "评价不足 5 条")
    assert "服务评价（态度）" not in facts  # no dimension below min_ratings


def test_resident_sees_their_participation(client, as_role):
    person = _person_of(f"{OWN}-resident")
    user = run(User.select(User.id).where(User.username == f"{OWN}-resident").first())["id"]
    url = f"/api/districts/{OWN}/persons/{person}/profile"
    attended = run(Signup.select(Signup.activity).where(
        (Signup.district_code == OWN) & (Signup.user_id == user) & (Signup.state == "attended")))
    balance = run(PointBalance.select(PointBalance.balance).where(
        (PointBalance.district_code == OWN) & (PointBalance.user_id == user)).first())
    posted = run(Need.count().where((Need.district_code == OWN) & (Need.poster_user_id == user)))
    assert attended and balance and posted, "the demo resident took part, earned points and posted needs"
    own = _section(client.get(url, headers=bearer_for(client, f"{OWN}-resident")).json(), "participation.person")
    assert _facts(own) == {"参加活动": f"{len(attended)} 次", "积分余额": f"{balance['balance']} 分",
                           "提出需求": f"{posted} 条"}
    assert sorted(i["url"] for i in own["items"]) == sorted(
        f"/districts/{OWN}/participation/activities/{a['activity']}" for a in attended)
    assert _section(client.get(url, headers=as_role("district_admin")).json(), "participation.person") == own


def test_a_stranger_gets_404_and_never_the_section(client, ctx):
    resident = run(User.select(User.id, User.person_id).where(User.username == f"{OWN}-resident").first())
    other = run(User.select(User.person_id).where(User.username.like(f"{OWN}-jm%") & User.person_id.is_not_null())
                .order_by(User.id).first())["person_id"]
    assert run(Signup.exists().where(Signup.person_id == other))  # another resident who took part
    headers = bearer_for(client, f"{OWN}-resident")
    assert client.get(f"/api/districts/{OWN}/persons/{other}/profile", headers=headers).status_code == 404
    assert client.get(f"/api/districts/{OWN}/persons/{_person_of(f'{OWN}-worker')}/profile",
                      headers=headers).status_code == 404
    stranger = Principal(user_id=resident["id"], username=f"{OWN}-resident", person_id=resident["person_id"],
                         grants=(Grant("resident", "district", district_code=OWN),),
                         permissions_by_role=ctx.contributions.role_permissions)
    section = next(s for s in ctx.contributions.profile_sections if s.name == "participation.person")
    assert section.access == "self" and not may_see(stranger, section, OWN, str(other))
    assert may_see(stranger, section, OWN, str(resident["person_id"]))
    body = run(profile(ctx, OWN, "person", str(other), stranger))
    assert all(s["name"] != "participation.person" for s in body["sections"])


def test_person_without_participation_has_no_section(client, as_role):
    linked = {u["person_id"] for u in run(User.select(User.person_id).where(User.person_id.is_not_null()))}
    rated = {r["worker_person_id"] for r in run(Rating.select(Rating.worker_person_id))}
    led = {a["worker_person_id"] for a in run(Activity.select(Activity.worker_person_id))}
    nobody = next(p["id"] for p in run(Person.select(Person.id).where(Person.district_code == OWN).order_by(Person.id))
                  if p["id"] not in linked | rated | led)
    body = client.get(f"/api/districts/{OWN}/persons/{nobody}/profile", headers=as_role("district_admin")).json()
    assert _section(body, "participation.person") is None and _section(body, "registry.person") is not None
