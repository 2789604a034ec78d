"""Racing redemptions never overdraw: threads, each with its own event loop, call the same
one-transaction redemption the API runs (SQLite queues the writers; on PostgreSQL the
conditional UPDATEs re-check their WHERE on the newest row). Run with DATABASE_URL set for
PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.errors import ApiError
from plugins.participation import rewards
from tests.conftest import OWN
from tests.plugins.participation.points_support import (balance, balances_never_negative, give, ledger_sum,
                                                        new_resident, new_reward, redemptions, stock)

pytestmark = pytest.mark.usefixtures("ctx")


def _race(jobs: list[tuple[int, int]]) -> Counter:
    """Run (reward, user) redemptions from 8 threads at once; count the outcomes."""

    def one(job):
        reward, user_id = job
        try:
            asyncio.run(rewards.redeem(OWN, reward, user_id, "race"))
            return "ok"
        except ApiError as error:
            assert error.status_code == 409, error.detail
            return error.code

    with ThreadPoolExecutor(max_workers=8) as pool:
        return Counter(pool.map(one, jobs))


def test_100_racing_redemptions_by_residents_whose_points_cover_30():
    reward = new_reward(10, 1000)
    users = [new_resident()[1] for _ in range(10)]
    for user_id in users:
        give(user_id, 30)  # three redemptions each
    outcome = _race([(reward, user_id) for _ in range(10) for user_id in users])
    assert outcome == Counter({"ok": 30, "insufficient_points": 70})
    assert stock(reward) == 1000 - 30
    for user_id in users:
        assert balance(user_id) == 0 == ledger_sum(user_id)
        assert redemptions(user_id) == 3
    assert balances_never_negative()


def test_40_covered_requests_race_for_a_stock_of_7():
    reward = new_reward(5, 7)
    users = [new_resident()[1] for _ in range(10)]
    for user_id in users:
        give(user_id, 100)
    outcome = _race([(reward, users[i % 10]) for i in range(40)])
    assert outcome == Counter({"out_of_stock": 33, "ok": 7})
    assert stock(reward) == 0
    assert sum(redemptions(u) for u in users) == 7
    assert sum(100 - balance(u) for u in users) == 7 * 5
    assert all(balance(u) == ledger_sum(u) for u in users)
