"""Participation demo data: activities. Twelve demo residents (users with random, unusable
passwords, each linked to a registry person of the district, of varied ages) and the demo
resident `<code>-resident`; past activities with sign-ups, check-ins, no-shows and ratings (six
on one service → an average, two on another → "评价不足"), with the points those earn; upcoming
activities (one full with a waiting list; the demo resident signed up for another). The
organisation delivering the district's home-care purchase project (阳光社会工作服务中心, found in the
registry by name) runs the tea party and the demo social worker (`<code>-worker`) leads it, so its
ratings show on that organisation's profile and on the worker's 社工档案 too. Rows are
written directly (past activities cannot be announced through the API). Safe to run twice."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from core import db
from core.dates import BEIJING, utc_now
from core.identity import ensure_user
from core.modules import module_settings
from core.tables import Community, Organization, Person, User
from plugins.participation import points
from plugins.participation.tables import Activity, Rating, Signup

MODULE = "participation"
ACTOR = "demo"
DELIVERER = "阳光社会工作服务中心"  # the demo organisation running activity 0 (registry name suffix)
SERVICES = {1: "长者助餐与陪伴服务", 2: "亲子阅读指导服务", 3: "社区健康管理服务"}
# title, field, days from today, hour, service, capacity, volunteer hours, place
ACTIVITIES = [
    ("重阳节长者茶话会", "社区养老", -8, 14, 1, 20, 0.0, "社区党群服务中心二楼活动室"),
    ("亲子共读绘本会", "婚姻家庭", -15, 10, 2, 12, 2.0, "社区图书角"),
    ("社区义诊进楼栋", "社区养老", 3, 9, 3, 10, 0.0, "3号楼架空层"),
    ("青少年心理沙龙：和压力做朋友", "青少年心理", 6, 19, None, 30, 0.0, "社区青年之家"),
    ("太极拳晨练体验课", "文体教育", 10, 7, None, 15, 1.0, "社区广场"),
]
# rows for the past activities: (resident index, state, rating scores or None, comment)
PAST = {
    0: [(0, "attended", (5, 5, 5, 4), "志愿者很贴心，茶点也照顾到了我们老人家的口味，下次还来。"),
        *[(i, "attended", s, c) for i, s, c in (
            (1, (4, 4, 5, 4), "活动安排得很好，节目丰富。"), (2, (5, 4, 5, 5), ""), (3, (4, 3, 4, 4), "时间有点紧。"),
            (4, (5, 5, 5, 5), "很开心，认识了新邻居，希望以后多办这样的活动。"), (5, (4, 4, 4, 3), ""),
            (6, None, ""), (7, None, ""))],
        (8, "no_show", None, ""), (9, "no_show", None, "")],
    1: [(0, "attended", None, ""), (10, "attended", (5, 5, 4, 5), "孩子很喜欢，老师讲得生动。"),
        (11, "attended", (4, 4, 4, 4), ""), (12, "attended", None, ""), (3, "attended", None, ""),
        (6, "no_show", None, "")],
}
UPCOMING = {2: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 4], 3: [0, 10, 11, 12, 2], 4: [1, 5]}


async def _residents(code: str) -> list[dict]:
    """The demo resident and twelve demo residents linked to people of varied ages."""
    out = [await User.select(User.id, User.username, User.person_id).where(
        User.username == f"{code}-resident").first()]
    people = await Person.select(Person.id, Person.name, Person.birth_date, Person.community_code).where(
        Person.district_code == code).order_by(Person.birth_date).limit(2000)
    linked = {u["person_id"] for u in await User.select(User.person_id).where(User.person_id.is_not_null())}
    free = [p for p in people if p["id"] not in linked or
            await User.exists().where((User.person_id == p["id"]) & User.username.like(f"{code}-jm%"))]
    step = max(1, len(free) // 12)
    for n, person in enumerate(free[::step][:12], start=1):
        user_id = await ensure_user(f"{code}-jm{n:02d}", secrets.token_urlsafe(32),
                                    [{"role": "resident", "district_code": code}], display_name=person["name"],
                                    fast_hash=True, actor=ACTOR, person_id=person["id"])
        out.append({"id": user_id, "username": f"{code}-jm{n:02d}", "person_id": person["id"]})
    return [u for u in out if u]


def _at(days: int, hour: int) -> datetime:
    day = (utc_now().astimezone(BEIJING) + timedelta(days=days)).date()
    return datetime.combine(day, time(hour), tzinfo=BEIJING)


async def load(ctx, district) -> None:
    code = district.code
    if await Activity.exists().where((Activity.district_code == code) & (Activity.title == ACTIVITIES[0][0])):
        return
    rules = await module_settings(ctx, code, MODULE)
    people = await _residents(code)
    community = await Community.select(Community.code).where(
        (Community.district_code == code) & (Community.kind == "community")).order_by(Community.code).first()
    deliverer = await Organization.select(Organization.id).where(
        (Organization.district_code == code) & Organization.name.like(f"%{DELIVERER}")).first()
    worker = await User.select(User.person_id).where(User.username == f"{code}-worker").first()
    leader = worker["person_id"] if worker else None
    async with db.write_transaction():
        for index, (title, field, days, hour, service, capacity, hours, place) in enumerate(ACTIVITIES):
            starts = _at(days, hour)
            act = {"district_code": code, "community_code": community["code"] if community else None, "field": field,
                   "title": title, "description": f"{title}，欢迎居民报名参加。", "place": place, "starts_at": starts,
                   "ends_at": starts + timedelta(hours=2), "capacity": capacity, "target_group": "全体居民",
                   "service_ref": f"demo:service:{service}" if service else None,
                   "service_title": SERVICES.get(service, ""), "volunteer_hours": hours, "announced_by": f"{code}-admin",
                   "organization_id": deliverer["id"] if deliverer and index == 0 else None,
                   "worker_person_id": leader if index == 0 else None}
            act_id = (await Activity.insert(Activity(**act)).returning(Activity.id))[0]["id"]
            act["id"] = act_id
            if index in PAST:
                await _past(code, act, PAST[index], people, rules)
            else:
                await _upcoming(code, act, UPCOMING[index], people)


async def _past(code: str, act: dict, rows: list, people: list[dict], rules: dict) -> None:
    for who, state, scores, comment in rows:
        user = people[who % len(people)]
        checked = act["starts_at"] + timedelta(minutes=5) if state == "attended" else None
        await Signup.insert(Signup(activity=act["id"], district_code=code, user_id=user["id"],
                                   person_id=user["person_id"], state=state, checked_in_at=checked,
                                   checked_in_by=f"{code}-admin" if checked else "",
                                   checked_in_via="list" if checked else "",
                                   created_at=act["starts_at"] - timedelta(days=3)))
        if state == "attended":
            await points.award(code, user["id"], rules["points_attend"], "attend", f"activity:{act['id']}",
                               act["title"], ACTOR)
            await points.award(code, user["id"], round(act["volunteer_hours"] * rules["points_volunteer_hour"]),
                               "volunteer", f"activity:{act['id']}", act["title"], ACTOR)
        if scores:
            careful = len(comment) >= rules["careful_comment_min_chars"]
            rating = (await Rating.insert(Rating(
                district_code=code, subject=f"activity:{act['id']}", user_id=user["id"],
                community_code=act["community_code"], field=act["field"], service_ref=act["service_ref"],
                organization_id=act["organization_id"], worker_person_id=act["worker_person_id"],
                professional=scores[0], timeliness=scores[1], attitude=scores[2], effect=scores[3],
                score=sum(scores) / 4, comment=comment, careful=careful,
                created_at=act["ends_at"] + timedelta(hours=1))).returning(Rating.id))[0]["id"]
            if careful:
                await points.award(code, user["id"], rules["points_careful_rating"], "careful_rating",
                                   f"rating:{rating}", act["title"], ACTOR)
    taken = sum(1 for _, state, _, _ in rows if state in ("attended", "no_show"))
    await Activity.update({Activity.signed_up: taken}).where(Activity.id == act["id"])


async def _upcoming(code: str, act: dict, who: list[int], people: list[dict]) -> None:
    seen: set[int] = set()
    taken = waiting = 0
    for index in who:
        user = people[index % len(people)]
        if user["id"] in seen:
            continue
        seen.add(user["id"])
        state = "signed_up" if taken < act["capacity"] else "waiting"
        taken, waiting = taken + (state == "signed_up"), waiting + (state == "waiting")
        await Signup.insert(Signup(activity=act["id"], district_code=code, user_id=user["id"],
                                   person_id=user["person_id"], state=state))
    await Activity.update({Activity.signed_up: taken, Activity.waiting: waiting}).where(Activity.id == act["id"])
