"""The resident's participation journey in a real browser on a phone (390×844): the demo resident
finds an upcoming activity on the list and signs up there; community staff, in another browser
context, check them in from the activity's sign-up list; the resident rates the activity on its
page, and redeems the points for a reward, seeing the new balance and the ledger in 我的. Every
page fits the phone's width and runs under the CSP without a violation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.auth import principal_for_user
from core.dates import utc_now
from core.tables import User
from plugins.participation import activities, points, rewards
from plugins.participation.activities_schemas import ActivityIn
from plugins.participation.tables import Reward
from tests.conftest import OWN
from tests.e2e.support import fits, in_thread, log_in
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
PHONE = 390
RESIDENT, STAFF = f"{OWN}-resident", f"{OWN}-community-staff"


async def _announce(ctx, title: str) -> dict:
    user = await User.select().where(User.username == STAFF).first()
    staff = await principal_for_user(ctx, user)
    start = utc_now() + timedelta(minutes=30)  # check-in opens an hour before the start
    return await activities.create(OWN, ActivityIn(
        title=title, field="文体教育", place="社区广场", starts_at=start, ends_at=start + timedelta(hours=2),
        capacity=8, service_ref="e2e:service:1", service_title="全民健身指导服务"), staff)


async def _balance_and_bag() -> tuple[int, int]:
    """The resident's balance, and the id of the 环保购物袋 (restocked if other tests emptied it)."""
    user_id = (await User.select(User.id).where(User.username == RESIDENT).first())["id"]
    bag = await Reward.select(Reward.id, Reward.stock).where(
        (Reward.district_code == OWN) & (Reward.name == "环保购物袋")).first()
    if bag["stock"] < 1:
        await rewards.update_reward(OWN, bag["id"], {"stock": 5, "active": True}, "test")
    return await points.balance(OWN, user_id), bag["id"]


def redeem_points(page, server: str, expected: int, bag: int) -> None:
    """The journey's last step: the balance holds the points just earned, and the resident
    redeems them for a bag, seeing the new balance and the redemption in 我的."""
    page.goto(f"{server}/districts/{OWN}/participation/rewards")
    assert page.locator("#balance").inner_text() == str(expected)
    fits(page, PHONE)
    page.locator(f"[data-testid=reward][data-id='{bag}'] button.redeem").click()
    page.locator("[data-testid=notice]").wait_for()
    assert page.locator("#balance").inner_text() == str(expected - 30)
    page.goto(f"{server}/districts/{OWN}/participation/me")
    assert page.locator("[data-testid=me-balance] strong").inner_text() == str(expected - 30)
    assert "环保购物袋" in page.locator("[data-testid=my-redemption]").first.inner_text()
    kinds = page.locator("[data-testid=ledger-entry]").all_inner_texts()
    assert any("认真评价" in k for k in kinds) and any("参加活动" in k for k in kinds)
    fits(page, PHONE)


def test_resident_signs_up_is_checked_in_and_rates_on_a_phone(server, browser, ctx):
    act = in_thread(_announce(ctx, "浏览器测试：广场八段锦"))
    before, bag = in_thread(_balance_and_bag())
    resident = log_in(browser, server, RESIDENT, PHONE)
    resident.goto(f"{server}/districts/{OWN}/participation/activities?when=upcoming")
    item = resident.locator(f"[data-testid=activity][data-id='{act['id']}']")
    item.wait_for()
    assert "余 8 个名额" in item.inner_text()
    fits(resident, PHONE)
    item.locator("[data-testid=signup]").click()
    resident.locator(f"[data-testid=activity][data-id='{act['id']}'] [data-testid=my-state]").wait_for()
    assert "已报名" in resident.locator(f"[data-testid=activity][data-id='{act['id']}']").inner_text()
    fits(resident, PHONE)

    staff = log_in(browser, server, STAFF, PHONE)
    staff.goto(f"{server}/districts/{OWN}/participation/activities/{act['id']}")
    row = staff.locator("[data-testid=signup-row][data-state=signed_up]")
    row.wait_for()
    assert "*" in row.inner_text()  # a masked name
    fits(staff, PHONE)
    row.locator("[data-testid=checkin]").click()
    staff.locator("[data-testid=signup-row][data-state=attended]").wait_for()
    fits(staff, PHONE)

    resident.goto(f"{server}/districts/{OWN}/participation/activities/{act['id']}")
    assert resident.locator("[data-testid=my-state]").get_attribute("data-state") == "attended"
    form = resident.locator("[data-testid=rate-form]")
    form.locator("select[name=attitude]").select_option("4")
    form.locator("textarea[name=comment]").fill("老师示范很细致，动作讲得清楚，下次还想参加。")
    fits(resident, PHONE)
    form.locator("[data-testid=rate-submit]").click()
    resident.locator("[data-testid=rated]").wait_for()
    assert "老师示范很细致" in resident.locator("[data-testid=ratings]").inner_text()
    fits(resident, PHONE)

    # attending (10) and a careful rating (5, its comment long enough) at the default rules; the
    # journey's points top up the demo's so that a bag (30) is within reach
    assert before + 15 >= 30
    redeem_points(resident, server, before + 15, bag)


def test_staff_announce_on_a_phone_with_field_errors(server, browser):
    staff = log_in(browser, server, STAFF, PHONE)
    staff.goto(f"{server}/districts/{OWN}/participation/activities/new")
    form = staff.locator("[data-testid=announce-form]")
    form.locator("input[name=title]").fill("浏览器测试：社区插花课")
    form.locator("input[name=place]").fill("社区活动室")
    form.locator("input[name=starts_at]").fill("2099-05-01T10:00")
    form.locator("input[name=ends_at]").fill("2099-05-01T09:00")  # before the start
    fits(staff, PHONE)
    form.locator("[data-testid=announce-submit]").click()
    error = staff.locator("[data-testid=field-error-ends_at]")
    error.wait_for()
    assert "晚于开始时间" in error.inner_text()
    form.locator("input[name=ends_at]").fill("2099-05-01T12:00")
    form.locator("[data-testid=announce-submit]").click()
    staff.wait_for_url(lambda url: "/activities/new" not in url)
    assert "浏览器测试：社区插花课" in staff.locator("[data-testid=activity-head]").inner_text()
    assert "2099-05-01 10:00" in staff.locator("[data-testid=activity-head]").inner_text()  # Beijing time
    fits(staff, PHONE)
