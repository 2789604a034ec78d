"""Participation demo data: points and rewards (safe to run twice). Two rewards with small
stocks; the demo resident `<district>-resident` ends with at least 60 points (a recorded
"志愿服务（补录）" entry tops up what the activities gave) and has one past redemption, collected."""

from __future__ import annotations

from core import db
from core.tables import User
from plugins.participation import points, rewards
from plugins.participation.tables import Redemption, Reward

ACTOR = "demo"
REWARDS = (("环保购物袋", "可重复使用的帆布购物袋，到社区服务中心领取", 30, 20),
           ("社区理发券", "社区便民理发点的一次理发", 50, 5))
KEEP = 60


async def load(ctx, district) -> None:
    code = district.code
    ids = {}
    for name, description, cost, stock in REWARDS:
        row = await Reward.select(Reward.id).where((Reward.district_code == code) & (Reward.name == name)).first()
        if row is None:
            row = await rewards.create_reward(code, {"name": name, "description": description, "cost": cost,
                                                     "stock": stock}, ACTOR)
        ids[name] = row["id"]
    user = await User.select(User.id).where(User.username == f"{code}-resident").first()
    if user is None:
        return
    user_id = user["id"]
    done = await Redemption.exists().where((Redemption.district_code == code) & (Redemption.user_id == user_id))
    bag_cost = REWARDS[0][2]
    need = KEEP + (0 if done else bag_cost) - await points.balance(code, user_id)
    if need > 0:
        async with db.write_transaction():
            await points.award(code, user_id, need, "volunteer", "demo:volunteer", "志愿服务（补录）", ACTOR)
    if not done and await points.balance(code, user_id) >= bag_cost:
        redemption = await rewards.redeem(code, ids["环保购物袋"], user_id, f"{code}-resident")
        await rewards.collect(code, redemption["id"], ACTOR)
