"""Sixty residents race for twenty places, each in its own thread with its own event loop, calling
the sign-up service: exactly twenty signed up and forty waiting, and the activity's counters
equal the rows (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from core.auth import principal_for_user
from core.identity import ensure_user
from core.tables import User
from plugins.participation import activities_signups
from plugins.participation.tables import Activity, Signup
from tests.conftest import OWN, PASSWORD, run

RESIDENTS, PLACES = 60, 20


def test_sixty_residents_race_for_twenty_places(ctx):
    names = [f"{OWN}-race{n:03d}" for n in range(RESIDENTS)]
    for name in names:
        run(ensure_user(name, PASSWORD, [{"role": "resident", "district_code": OWN}], fast_hash=True))
    users = run(User.select().where(User.username.is_in(names)))
    principals = [run(principal_for_user(ctx, u)) for u in users]
    start = datetime.now(timezone.utc) + timedelta(days=1)
    activity_id = run(Activity.insert(Activity(
        district_code=OWN, field="社区养老", title="抢名额测试", place="活动室", starts_at=start,
        ends_at=start + timedelta(hours=2), capacity=PLACES, announced_by="test")).returning(Activity.id))[0]["id"]

    def one(principal):
        return asyncio.run(activities_signups.sign_up(OWN, activity_id, principal))["state"]

    with ThreadPoolExecutor(max_workers=12) as pool:
        states = list(pool.map(one, principals))

    assert states.count("signed_up") == PLACES and states.count("waiting") == RESIDENTS - PLACES
    rows = run(Signup.select(Signup.state, Signup.user_id).where(Signup.activity == activity_id))
    assert len({r["user_id"] for r in rows}) == RESIDENTS
    counters = run(Activity.select(Activity.signed_up, Activity.waiting).where(Activity.id == activity_id).first())
    assert counters == {"signed_up": sum(r["state"] == "signed_up" for r in rows),
                        "waiting": sum(r["state"] == "waiting" for r in rows)} == {"signed_up": PLACES,
                                                                                   "waiting": RESIDENTS - PLACES}
