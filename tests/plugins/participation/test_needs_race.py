"""Racing "我也需要": threads, each with its own event loop, call the same one-transaction support
the API runs, as 20 distinct residents plus 10 who press twice at once. The unique index on
(need, user_id) turns a racing duplicate into 409 `already_supported`, and the counter is an
`UPDATE supporters = supporters + 1` inside the same transaction, so it equals the distinct
supporters. Run with DATABASE_URL set for PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from core.errors import ApiError
from plugins.participation import needs
from plugins.participation.tables import Need, NeedSupport
from tests.conftest import OWN, run
from tests.plugins.participation.points_support import new_resident

pytestmark = pytest.mark.usefixtures("ctx")


def _race(need_id: int, users: list[int]) -> Counter:
    """Run the supports from 20 threads at once; count the outcomes."""

    def one(user_id: int) -> str:
        try:
            asyncio.run(needs.support(OWN, need_id, user_id, "race"))
            return "ok"
        except ApiError as error:
            assert error.status_code == 409, error.detail
            return error.code

    with ThreadPoolExecutor(max_workers=20) as pool:
        return Counter(pool.map(one, users))


def test_20_residents_and_10_duplicates_race_to_support_one_need():
    community = next(iter(run(needs.communities(OWN))))
    need = run(needs.create(OWN, SimpleNamespace(community_code=community, field="社区养老",
                                                 title="并发附议：老年助餐点", description="并发测试"),
                            "race", None, None))
    users = [new_resident()[1] for _ in range(20)]
    jobs = [u for pair in zip(users[:10], users[:10], strict=True) for u in pair] + users[10:]  # 10 pressed twice
    assert len(jobs) == 30 and len(set(jobs)) == 20
    outcome = _race(need["id"], jobs)
    assert outcome == Counter({"ok": 20, "already_supported": 10})
    row = run(Need.select(Need.supporters).where(Need.id == need["id"]).first())
    supports = run(NeedSupport.select(NeedSupport.user_id).where(NeedSupport.need == need["id"]))
    assert row["supporters"] == 20 == len(supports)
    assert sorted(s["user_id"] for s in supports) == sorted(users)
