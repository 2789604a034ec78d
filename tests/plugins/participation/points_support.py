"""Helpers of the points tests: fresh residents, points given through the ledger, rewards, and
the ledger's sum beside the kept balance."""

from __future__ import annotations

import uuid

from core import db
from core.identity import ensure_user
from core.tables import User
from plugins.participation import points
from plugins.participation.tables import PointBalance, PointEntry, Redemption, Reward
from tests.conftest import OWN, PASSWORD, run


def new_resident(district: str = OWN, person_id: int | None = None) -> tuple[str, int]:
    username = f"pt-{uuid.uuid4().hex[:10]}"
    run(ensure_user(username, PASSWORD, [{"role": "resident", "district_code": district}], fast_hash=True,
                    display_name="测试居民"))
    user = run(User.select(User.id).where(User.username == username).first())
    if person_id is not None:
        run(User.update({User.person_id: person_id}).where(User.id == user["id"]))
    return username, user["id"]


def give(user_id: int, amount: int, district: str = OWN, reason: str = "volunteer") -> int:
    async def go():
        async with db.write_transaction():
            return await points.award(district, user_id, amount, reason, f"test:{uuid.uuid4().hex}", "测试", "test")

    return run(go())


def new_reward(cost: int, stock: int, district: str = OWN, active: bool = True) -> int:
    row = run(Reward.insert(Reward(district_code=district, name=f"奖品{uuid.uuid4().hex[:4]}", cost=cost,
                                   stock=stock, active=active, created_by="test")))
    return row[0]["id"]


def stock(reward_id: int) -> int:
    return run(Reward.select(Reward.stock).where(Reward.id == reward_id).first())["stock"]


def balance(user_id: int, district: str = OWN) -> int:
    return run(points.balance(district, user_id))


def ledger_sum(user_id: int, district: str = OWN) -> int:
    rows = run(PointEntry.select(PointEntry.amount).where(
        (PointEntry.user_id == user_id) & (PointEntry.district_code == district)))
    return sum(r["amount"] for r in rows)


def entries(user_id: int) -> int:
    return run(PointEntry.count().where(PointEntry.user_id == user_id))


def redemptions(user_id: int) -> int:
    return run(Redemption.count().where(Redemption.user_id == user_id))


def balances_never_negative() -> bool:
    return run(PointBalance.count().where(PointBalance.balance < 0)) == 0
