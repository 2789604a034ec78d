"""Bids, the panel and the award in a real browser. On a phone (390 px) the organisation's staff
bid: a price above the budget is refused next to the price field, the corrected bid with a team
member is submitted and then withdrawn through the in-page question. At 1280 px (and checked at
390) the panel member declares no conflict and scores both bids on the sheet, and the district
admin awards the second-ranked bid: refused without a reason, then recorded with it. Every page
runs under the CSP without a violation and never scrolls sideways."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.dates import utc_now
from core.facts import organization_workers
from core.tables import Organization
from plugins.procurement import bids, demo_tender, panel, projects, terms
from plugins.procurement.tables import PurchaseProject
from tests.conftest import OWN
from tests.e2e.support import fits, in_thread, log_in
from tests.e2e.test_browser import browser, no_csp_violations, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
PHONE, DESK = 390, 1280
PANELIST = f"{OWN}-procurement-panelist"


async def _tender(ctx, title: str) -> dict:
    created = await projects.create(ctx, OWN, "test", projects.ProjectIn(
        title=title, buyer="武陵区民政局", field="婚姻家庭", budget_fen=8_000_000, period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31), method="询价"))
    await terms.update(OWN, created["id"], "test", terms.TermsIn(bid_deadline=utc_now() + timedelta(days=2)))
    return await projects.move(OWN, created["id"], "tender", "采购公告已发布", "test")


async def _in_evaluation(ctx, title: str) -> dict:
    project = await _tender(ctx, title)
    for n, price in enumerate((6_000_000, 7_000_000)):
        org = (await Organization.insert(Organization(
            district_code=OWN, name=f"浏览器测试社工中心{title[-2:]}{n}", legal_type="social_service_institution",
            status="registered", grade="4A")).returning(Organization.id))[0]["id"]
        await bids.submit(ctx, OWN, project["id"], demo_tender.staff(ctx, OWN, org),
                          bids.BidIn(price_fen=price, plan="入户走访与小组活动"))
    await PurchaseProject.update({PurchaseProject.bid_deadline: utc_now() - timedelta(hours=1)}).where(
        PurchaseProject.id == project["id"])
    await projects.move(OWN, project["id"], "evaluation", "投标截止", "test")
    await panel.name(ctx, OWN, project["id"], "test", panel.MemberIn(username=PANELIST))
    return project


def test_organisation_staff_bid_and_withdraw_on_a_phone(server, browser, ctx):
    project = in_thread(_tender(ctx, "浏览器测试：婚姻家庭辅导投标"))
    org = in_thread(Organization.select(Organization.id).where(Organization.district_code == OWN).order_by(
        Organization.id).first())["id"]
    worker = in_thread(organization_workers(ctx, OWN, org))[0]
    page = log_in(browser, server, f"{OWN}-org", PHONE)
    page.goto(f"{server}/districts/{OWN}/procurement/tenders")
    page.locator(f"[data-testid=tender][data-id='{project['id']}'] a").click()
    page.wait_for_selector("[data-testid=bid-form]")
    fits(page, PHONE)
    assert page.locator("[data-testid=own-eligibility]").get_attribute("data-eligible") == "yes"
    form = page.locator("[data-testid=bid-form]")
    form.locator("input[name=price_fen]").fill("90000")  # above the 80,000 yuan budget
    form.locator(f"input[name=worker][value='{worker['worker_id']}']").check()
    form.locator("textarea[name=plan]").fill("开展婚姻家庭纠纷调解、家庭教育讲座和个案辅导")
    form.locator("button[type=submit]").click()
    error = page.locator("[data-testid=field-error-price_fen]")
    error.wait_for()
    assert "不能高于项目预算" in error.inner_text()
    assert "投标报价" in page.locator("#bid-errors").inner_text()
    fits(page, PHONE)
    form.locator("input[name=price_fen]").fill("75000.50")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=my-bid][data-state=submitted]")
    mine = page.locator("[data-testid=my-bid]").inner_text()
    assert "75,000.50" in mine and worker["name"] in mine  # the bidder sees the full name
    fits(page, PHONE)
    upload = page.locator("[data-testid=bid-document-form]")
    upload.locator("input[type=file]").set_input_files(
        {"name": "服务方案.txt", "mimeType": "text/plain", "buffer": "不是PDF".encode()})
    upload.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=field-error-file]")  # the type is read from the content
    upload.locator("input[type=file]").set_input_files(
        {"name": "资质证明.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"})
    upload.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=bid-document]")
    assert page.locator("[data-testid=bid-document]").inner_text() == "资质证明.pdf"
    fits(page, PHONE)
    page.locator("[data-testid=withdraw]").click()
    page.locator("dialog[data-testid=ask] button[value=ok]").click()
    page.wait_for_selector("[data-testid=my-bid][data-state=withdrawn]")
    assert page.locator("[data-testid=bid-form]").count() == 1  # a new bid may be made
    fits(page, PHONE)


def test_a_panel_member_scores_and_the_admin_awards(server, browser, ctx):
    project = in_thread(_in_evaluation(ctx, "浏览器测试：评审授予"))
    member = log_in(browser, server, PANELIST, DESK)
    member.goto(f"{server}/districts/{OWN}/procurement/projects/{project['id']}")
    member.locator("[data-testid=sheet-link]").click()
    member.wait_for_selector("[data-testid=declaration-form]")
    member.wait_for_load_state()  # sheet.js handles the form: a click before it runs would submit natively
    member.locator("[data-testid=declaration-form] button[type=submit]").click()  # 无利益冲突 is checked
    member.wait_for_selector("[data-testid=declaration][data-declared=yes]")
    rows = member.locator("[data-testid=score-row]")
    assert rows.count() == 2
    for i, plan in enumerate(("90", "70")):
        row = rows.nth(i)
        row.locator("input[name=plan]").fill(plan)
        row.locator("input[name=capacity]").fill("80")
        row.locator("input[name=past]").fill("101")  # out of range: refused next to the field
        row.locator("button[type=submit]").click()
        row.locator("[data-testid=field-error-past]").wait_for()
        row.locator("input[name=past]").fill("80")
        row.locator("button[type=submit]").click()
        row.locator("[data-testid=saved]").wait_for()
    fits(member, DESK)

    admin = log_in(browser, server, f"{OWN}-admin", DESK)
    admin.goto(f"{server}/districts/{OWN}/procurement/projects/{project['id']}")
    admin.wait_for_selector("[data-testid=award-form]")
    assert admin.locator("[data-testid=ranked-bid]").count() == 2
    second = admin.locator("[data-testid=ranked-bid]").nth(1).get_attribute("data-bid")
    form = admin.locator("[data-testid=award-form]")
    form.locator("select[name=bid_id]").select_option(second)
    form.locator("button[type=submit]").click()
    error = admin.locator("[data-testid=field-error-reason]")
    error.wait_for()
    assert "须说明理由" in error.inner_text()
    form.locator("textarea[name=reason]").fill("排名第一的投标人书面放弃")
    form.locator("button[type=submit]").click()
    admin.wait_for_selector("[data-testid=award]")
    assert "排名第一的投标人书面放弃" in admin.locator("[data-testid=award-reason]").inner_text()
    assert admin.locator("[data-testid=project]").get_attribute("data-stage") == "awarded"
    fits(admin, DESK)
    admin.set_viewport_size({"width": PHONE, "height": 844})
    fits(admin, PHONE)
