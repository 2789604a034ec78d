"""Points and rewards in a real browser. On a phone (390×844) the demo resident redeems a
环保购物袋 on the rewards page, sees the new balance and the message, and finds the redemption
and its ledger entry under 我的; a reward the points do not cover and one that ran out while
the page was open each show their own clear message. Community staff (1280 px) mark the bag
collected on the redemptions page; on a phone they cancel a redemption only once they confirm it
(the points go back, the stock is restored). The district admin's 参与统计 fits at 390 and 1280. Every
page runs under the CSP without a violation, never scrolls sideways, and is photographed at
390 px into /tmp/shots-p/ (for a person to look at)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from core import db
from core.tables import Person, User
from plugins.participation import points, rewards
from plugins.participation.tables import Activity, Reward, Signup
from tests.conftest import OWN
from tests.e2e.support import fits, in_thread, log_in
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
PHONE, DESK = 390, 1280
SHOTS = Path("/tmp/shots-p")
BAG = "环保购物袋"
STATS_YEAR = 2032


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def _ready() -> dict:
    """The resident holds enough for a bag (whatever other tests spent), the bag is in stock,
    and two test rewards exist: one costing more than the resident could hold, one with a
    single piece left (taken away while the page is open)."""
    user_id = (await User.select(User.id).where(User.username == f"{OWN}-resident").first())["id"]
    async with db.write_transaction():
        await points.award(OWN, user_id, 40, "volunteer", f"e2e:{uuid.uuid4().hex}", "浏览器测试补录", "test")
    bag = await Reward.select(Reward.id, Reward.stock).where(
        (Reward.district_code == OWN) & (Reward.name == BAG)).first()
    if bag["stock"] < 2:
        await rewards.update_reward(OWN, bag["id"], {"stock": 5, "active": True}, "test")
    tag = uuid.uuid4().hex[:6]
    dear = await rewards.create_reward(OWN, {"name": f"测试·电饭煲{tag}", "cost": 99999, "stock": 3}, "test")
    last = await rewards.create_reward(OWN, {"name": f"测试·最后一把雨伞{tag}", "cost": 1, "stock": 1}, "test")
    return {"bag": bag["id"], "dear": dear["id"], "last": last["id"],
            "balance": await points.balance(OWN, user_id)}


def test_a_resident_redeems_a_bag_on_a_phone_and_staff_mark_it_collected(server, browser, ctx):
    ready = in_thread(_ready())
    page = log_in(browser, server, f"{OWN}-resident", PHONE)
    page.goto(f"{server}/districts/{OWN}/participation/rewards")
    assert page.locator("#balance").inner_text() == str(ready["balance"])
    fits(page, PHONE)
    bag = page.locator(f"[data-testid=reward][data-id='{ready['bag']}']")
    stock = int(bag.locator("[data-testid=stock]").inner_text())
    bag.locator("button.redeem").click()
    notice = page.locator("[data-testid=notice]")
    notice.wait_for()
    left = ready["balance"] - 30
    assert BAG in notice.inner_text() and str(left) in notice.inner_text() and "领取" in notice.inner_text()
    assert page.locator("#balance").inner_text() == str(left)
    assert bag.locator("[data-testid=stock]").inner_text() == str(stock - 1)
    fits(page, PHONE)
    shot(page, "rewards-resident-redeemed")

    # Not enough points: the message says so, and the balance stays.
    page.locator(f"[data-testid=reward][data-id='{ready['dear']}'] button.redeem").click()
    errors = page.locator("[data-testid=errors]")
    errors.wait_for()
    assert "积分不足" in errors.inner_text()
    assert notice.is_hidden() and page.locator("#balance").inner_text() == str(left)
    fits(page, PHONE)
    shot(page, "rewards-resident-insufficient")
    # The last umbrella goes while the page is open: out of stock, said as much.
    in_thread(Reward.update({Reward.stock: 0}).where(Reward.id == ready["last"]))
    page.locator(f"[data-testid=reward][data-id='{ready['last']}'] button.redeem").click()
    page.wait_for_function("() => document.querySelector('[data-testid=errors]').textContent.includes('兑完')")
    assert "兑完" in errors.inner_text() and page.locator("#balance").inner_text() == str(left)
    fits(page, PHONE)

    page.goto(f"{server}/districts/{OWN}/participation/me")
    assert page.locator("[data-testid=me-balance] strong").inner_text() == str(left)
    mine = page.locator("[data-testid=my-redemption]").first
    assert BAG in mine.inner_text() and mine.get_attribute("data-state") == "issued" and "待领取" in mine.inner_text()
    entry = page.locator("[data-testid=ledger-entry]").first
    assert "-30" in entry.inner_text() and "兑换奖品" in entry.inner_text() and BAG in entry.inner_text()
    fits(page, PHONE)
    shot(page, "me-resident")
    redemption = mine.get_attribute("data-id")

    staff = log_in(browser, server, f"{OWN}-community-staff", DESK)
    staff.goto(f"{server}/districts/{OWN}/participation/redemptions")
    row = staff.locator(f"[data-testid=redemption][data-id='{redemption}']")
    assert row.get_attribute("data-state") == "issued"
    assert "居民" not in row.inner_text() and "**" in row.inner_text()  # the resident's name is masked
    fits(staff, DESK)
    row.locator("button.collect").click()
    staff.wait_for_selector(f"[data-testid=redemption][data-id='{redemption}'][data-state=collected]")
    assert row.locator("button.collect").count() == 0 and "已领取" in row.inner_text()
    fits(staff, DESK)
    staff.set_viewport_size({"width": PHONE, "height": 844})
    fits(staff, PHONE)
    shot(staff, "redemptions-staff")
    staff.goto(f"{server}/districts/{OWN}/participation/rewards")  # staff's view: add and change rewards
    fits(staff, PHONE)
    shot(staff, "rewards-staff")

    page.reload()
    assert page.locator(f"[data-testid=my-redemption][data-id='{redemption}']").get_attribute("data-state") == "collected"


async def _attendances() -> None:
    """Two activities in STATS_YEAR (no demo activity falls in it), attended by registry persons."""
    if await Activity.exists().where((Activity.district_code == OWN) & (Activity.title == "浏览器测试·统计")):
        return
    people = await Person.select(Person.id).where((Person.district_code == OWN) & Person.birth_date.is_not_null()
                                                  ).order_by(Person.id).limit(6)
    users = await User.select(User.id).order_by(User.id).limit(6)
    for n, (community, field) in enumerate((("430702001001", "为老服务"), ("430702001002", "青少年服务"))):
        when = datetime(STATS_YEAR, 5 + n, 1, 2, 0, tzinfo=timezone.utc)
        activity = (await Activity.insert(Activity(
            district_code=OWN, community_code=community, field=field, title="浏览器测试·统计", place="活动室",
            starts_at=when, ends_at=when + timedelta(hours=1), capacity=50, announced_by="test")))[0]["id"]
        for person, user in zip(people, users):
            await Signup.insert(Signup(activity=activity, district_code=OWN, user_id=user["id"],
                                       person_id=person["id"], state="attended"))


def test_the_admin_sees_who_takes_part_at_both_widths(server, browser):
    in_thread(_attendances())
    admin = log_in(browser, server, f"{OWN}-admin", DESK)
    admin.goto(f"{server}/districts/{OWN}/participation/stats?year={STATS_YEAR}")
    admin.wait_for_selector("[data-testid=stats-page]")
    assert "%" in admin.locator("[data-testid=share-under-40]").inner_text()
    assert admin.locator("[data-testid=by-community] tbody tr").count() == 2
    assert admin.locator("[data-testid=chart-age]").count() == 1
    fits(admin, DESK)
    admin.set_viewport_size({"width": PHONE, "height": 844})
    admin.reload()
    fits(admin, PHONE)
    shot(admin, "stats-admin")


async def _issued_redemption() -> dict:
    """The demo resident redeems a test reward (points topped up first): an issued redemption."""
    user_id = (await User.select(User.id).where(User.username == f"{OWN}-resident").first())["id"]
    async with db.write_transaction():
        await points.award(OWN, user_id, 5, "volunteer", f"e2e:{uuid.uuid4().hex}", "浏览器测试补录", "test")
    reward = await rewards.create_reward(OWN, {"name": f"测试·退分毛巾{uuid.uuid4().hex[:6]}", "cost": 5, "stock": 2},
                                         "test")
    made = await rewards.redeem(OWN, reward["id"], user_id, f"{OWN}-resident")
    return {"id": made["id"], "user_id": user_id, "reward": reward["id"], "balance": await points.balance(OWN, user_id)}


def test_staff_cancel_a_redemption_only_after_confirming(server, browser):
    made = in_thread(_issued_redemption())
    staff = log_in(browser, server, f"{OWN}-community-staff", PHONE)
    staff.goto(f"{server}/districts/{OWN}/participation/redemptions")
    row = staff.locator(f"[data-testid=redemption][data-id='{made['id']}']")
    row.locator("button.cancel").click()
    ask = staff.locator("dialog[data-testid=ask]")
    assert "退回" in ask.inner_text()
    ask.locator("button.secondary").click()  # changed their mind: nothing happens
    ask.wait_for(state="detached")
    staff.reload()
    assert row.get_attribute("data-state") == "issued"
    assert in_thread(points.balance(OWN, made["user_id"])) == made["balance"]
    row.locator("button.cancel").click()
    ask.locator("button[value=ok]").click()
    staff.wait_for_selector(f"[data-testid=redemption][data-id='{made['id']}'][data-state=cancelled]")
    assert in_thread(points.balance(OWN, made["user_id"])) == made["balance"] + 5  # the points went back
    stock = in_thread(Reward.select(Reward.stock).where(Reward.id == made["reward"]).first())["stock"]
    assert stock == 2  # and the stock is restored
    fits(staff, PHONE)
