"""A real browser (Debian's Chromium, driven by Playwright) against the app served
by `sanshe serve` on a free local port: log in as a district admin, see the
district home in Chinese, switch to English."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import OWN, PASSWORD
from tests.served import Server

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(ctx):
    """`sanshe serve` in a subprocess on the test database; stopped afterwards."""
    with Server(dict(os.environ), Path(os.environ["SANSHE_DATA_DIR"]) / "e2e-server.log") as served:
        yield served.url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing at /usr/bin/chromium: CI must install Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium fonts-noto-cjk); ./dev test installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                           "--disable-component-update", "--no-first-run"])
        yield WatchedBrowser(chromium)
        chromium.close()


class WatchedBrowser:
    """The browser, with every page it opens watched for Content-Security-Policy violations
    (Chromium reports each on the console) and for uncaught script errors."""

    def __init__(self, chromium) -> None:
        self.chromium = chromium
        self.problems: list[str] = []

    def _watch(self, page):
        page.on("console", lambda m: "Content Security Policy" in m.text and self.problems.append(f"{page.url}: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"{page.url}: {e}"))
        return page

    def new_page(self, **options):
        return self._watch(self.chromium.new_page(**options))

    def new_context(self, **options):
        context = self.chromium.new_context(**options)
        context.on("page", self._watch)
        return context


@pytest.fixture(autouse=True)
def no_csp_violations(request):
    """Every browser test also asserts the pages ran under the CSP without a violation."""
    if "browser" not in request.fixturenames:
        yield
        return
    watched = request.getfixturevalue("browser")
    watched.problems.clear()
    yield
    assert watched.problems == []


def test_the_browser_enforces_the_csp_and_the_watch_sees_violations(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/services")
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.injected = true"; document.body.append(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected") is None
    assert any("Content Security Policy" in problem for problem in browser.problems)
    browser.problems.clear()


def test_pages_whose_scripts_moved_out_run_them(server, browser):
    admin = _log_in(browser, server, f"{OWN}-admin", phone=True)
    # apply.js draws the first member rows from the page data (the district's minimum team size).
    admin.goto(f"{server}/districts/{OWN}/incubation/apply")
    assert admin.locator("#member-rows .member").count() >= 1
    admin.click("#add-member")
    rows = admin.locator("#member-rows .member").count()
    admin.locator("#member-rows .remove-member").first.click()
    assert admin.locator("#member-rows .member").count() == rows - 1
    # home.js: the eligibility check lists the API's answer.
    admin.goto(f"{server}/districts/{OWN}/incubation")
    admin.locator("button.check-eligibility").first.click()
    admin.wait_for_selector("ul.eligibility:not([hidden]) li")
    # manage.js is loaded; app.js submits the status filter when it changes (was an onchange= handler).
    admin.goto(f"{server}/districts/{OWN}/catalogue")
    with admin.expect_navigation():
        admin.locator("select[name=status]").select_option("draft")
    assert "status=draft" in admin.url
    # assessment.js (the supervisor scores): a row's score button picks the organisation in the form.
    sup = _log_in(browser, server, f"{OWN}-supervisor", phone=True)
    sup.goto(f"{server}/districts/{OWN}/supervision/assessment")
    pick = sup.locator("button[data-pick]").last
    pick.click()
    assert sup.locator("#score-form select[name=organization_id]").input_value() == pick.get_attribute("data-pick")
    # flags.js: resolving asks for a note first, in the page (no prompt()); cancelling sends nothing.
    sup.goto(f"{server}/districts/{OWN}/supervision/flags")
    native = []
    sup.on("dialog", lambda dialog: (native.append(dialog.message), dialog.dismiss()))
    open_before = sup.locator("button[data-action=resolve]").count()
    sup.locator("button[data-action=resolve]").first.click()
    ask = sup.locator("dialog[data-testid=ask]")
    assert ask.is_visible() and "请填写处理说明（已采取的措施）：" in ask.inner_text()
    ask.locator("button.secondary").click()
    ask.wait_for(state="detached")  # removed when its close event has run, not at the click itself
    assert native == []
    sup.reload()
    assert sup.locator("button[data-action=resolve]").count() == open_before


def test_swagger_ui_runs_under_the_csp(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/schema/swagger")
    # Swagger UI 5 (served by the app, no CDN) reads our OpenAPI 3.1 document and lists its operations.
    page.wait_for_selector("#swagger-ui .opblock", timeout=20_000)
    assert "Sanshe API" in page.locator("#swagger-ui .info").inner_text()
    assert page.locator("#swagger-ui .opblock").count() > 100
    assert "Unable to render" not in page.content()


def test_district_admin_logs_in_and_sees_the_district_home_in_chinese(server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(f"{server}/")
    page.click("[data-testid=login-link]")
    page.fill("input[name=username]", f"{OWN}-admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{server}/districts/{OWN}/workbench")  # login lands on the workbench
    page.goto(f"{server}/districts/{OWN}")
    assert page.locator("[data-testid=district-name]").inner_text() == "常德市 武陵区"
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "已启用模块" in page.content() and "模块管理" in page.content()
    assert page.locator("[data-testid=who]").inner_text() == "武陵区管理员"
    page.screenshot(path=str(Path(os.environ["SANSHE_DATA_DIR"]) / "e2e-district-home.png"), full_page=True)
    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state()
    assert "Enabled modules" in page.content() and "Wuling District" in page.content()


def test_wrong_password_shows_the_error_in_the_page(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/login")
    page.fill("input[name=username]", f"{OWN}-admin")
    page.fill("input[name=password]", "wrong-password")
    page.click("[data-testid=login-submit]")
    assert page.locator("[data-testid=login-error]").inner_text().startswith("用户名或密码错误")
    assert page.input_value("input[name=username]") == f"{OWN}-admin"  # kept: only the password is typed again
    assert page.evaluate("document.activeElement.name") == "password"


def test_a_resident_searches_as_they_type_on_a_phone(server, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{server}/services")
    page.wait_for_selector("[data-testid=result-card]")  # the empty query lists everything first
    page.fill("[data-testid=search-box]", "养老")
    page.wait_for_selector("[data-testid=result-card] mark")
    status = page.locator("[data-testid=result-status]").inner_text()
    assert status.startswith("找到") and "项服务" in status
    first = page.locator("[data-testid=result-card]").first
    assert "养老" in first.inner_text() and first.locator("mark").count() > 0
    page.screenshot(path=str(Path(os.environ["SANSHE_DATA_DIR"]) / "e2e-search.png"), full_page=False)
    before = int("".join(ch for ch in status if ch.isdigit()))
    page.click("[data-facet=fee][data-value=free]")
    page.wait_for_function("(n) => !document.querySelector('[data-testid=result-status]').innerText.includes(n)",
                           arg=str(before))
    page.fill("[data-testid=search-box]", "火星移民")
    page.wait_for_function("() => document.querySelector('[data-testid=result-status]').innerText.includes('试试')")
    page.fill("[data-testid=search-box]", "心理")
    page.wait_for_selector("[data-testid=result-card] >> text=心理")
    page.locator("[data-testid=result-card] h2 a").first.click()
    page.wait_for_selector("[data-testid=service-detail]")
    assert page.locator("[data-testid=provider]").inner_text()


def _log_in(browser, server, username, phone=False):
    page = browser.new_context(viewport={"width": 390, "height": 844} if phone else None).new_page()
    page.goto(f"{server}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{server}/districts/{OWN}/workbench")
    return page


async def _worker_with_2018_logs() -> tuple[int, str]:
    """The demo worker (who can log in) with three submitted logs in 2018, a year nothing else uses."""
    from datetime import date, datetime, timezone

    from core.tables import Person, User
    from plugins.talent.tables import ServiceLog, SocialWorker

    person = (await User.select(User.person_id).where(User.username == f"{OWN}-worker").first())["person_id"]
    worker = (await SocialWorker.select(SocialWorker.id).where(SocialWorker.person_id == person).first())["id"]
    if not await ServiceLog.count().where((ServiceLog.worker == worker) & (ServiceLog.day < date(2019, 1, 1))):
        await ServiceLog.insert(*[ServiceLog(worker=worker, district_code=OWN, day=date(2018, 5, d), hours=2,
                                             kind="个案", summary=f"入户走访{d}", state="submitted",
                                             submitted_at=datetime(2018, 6, 1, tzinfo=timezone.utc))
                                  for d in (3, 4, 5)])
    return worker, (await Person.select(Person.name).where(Person.id == person).first())["name"]


def test_a_supervisor_runs_a_campaign_and_the_worker_answers(server, browser):
    from concurrent.futures import ThreadPoolExecutor

    from tests.conftest import run

    with ThreadPoolExecutor(1) as pool:  # Playwright's loop runs in this thread
        worker, worker_name = pool.submit(run, _worker_with_2018_logs()).result()
    sup = _log_in(browser, server, f"{OWN}-supervisor")
    sup.goto(f"{server}/districts/{OWN}/supervision")
    form = sup.locator("[data-testid=new-campaign]")
    form.locator("input[name=title]").fill("浏览器测试抽查")
    form.locator("select[name=source]").select_option("talent.service_logs")
    form.locator("input[name=period_start]").fill("2018-01-01")
    form.locator("input[name=period_end]").fill("2018-12-31")
    form.locator("select[name=scope]").select_option("worker")
    sup.locator("[data-testid=scope-q]").fill(worker_name[:2])  # the worker is picked by name
    sup.locator("[data-testid=scope-suggestion]", has_text=worker_name).first.click()
    assert form.locator("input[name=scope_id]").input_value() == str(worker)
    form.locator("select[name=sampling]").select_option("count")
    form.locator("input[name=sample_size]").fill("2")
    form.locator("input[name=seed]").fill("7")
    form.locator("button[type=submit]").click()
    sup.wait_for_selector("[data-testid=campaign][data-state=draft]")
    sup.click("[data-testid=sample]")
    sup.wait_for_selector("[data-testid=campaign][data-state=sampled]")
    assert sup.locator("[data-testid=item]").count() == 2
    first = sup.locator("[data-testid=item]").first
    first.locator("select[name=verdict]").select_option("存疑")
    first.locator("textarea[name=finding]").fill("走访记录缺少服务对象签字")
    first.locator("form.verdict button").click()
    sup.wait_for_selector("[data-testid=item][data-state=open]")
    verdict = sup.locator("[data-testid=item][data-state=open] [data-testid=verdict]")
    assert verdict.inner_text() == "存疑" and "wait" in verdict.get_attribute("class")  # amber, and the word
    assert verdict.evaluate("t => getComputedStyle(t).backgroundColor") == "rgb(254, 243, 199)"
    redraw = sup.locator("[data-testid=redraw]")  # a link-styled button: it was white on a white card
    colour, card = redraw.evaluate(
        "b => [getComputedStyle(b).color, getComputedStyle(b.closest('.card') || document.body).backgroundColor]")
    assert colour != card and colour not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), (colour, card)
    sup.click("[data-testid=redraw]")
    sup.wait_for_function("() => document.querySelector('[data-testid=redraw-result]').innerText.includes('一致')")

    me = _log_in(browser, server, f"{OWN}-worker", phone=True)
    me.goto(f"{server}/districts/{OWN}/supervision/findings")
    finding = me.locator("[data-testid=finding][data-state=open]", has_text="走访记录缺少服务对象签字")
    finding.locator("textarea[name=response]").fill("已补签字，附签到表")
    finding.locator("form.answer button").click()
    me.wait_for_selector("[data-testid=finding][data-state=answered] >> text=已补签字，附签到表")

    sup.reload()
    assert "已补签字，附签到表" in sup.locator("[data-testid=item][data-state=answered]").inner_text()


def test_a_district_admin_graduates_a_team_of_the_demo_base(server, browser):
    admin = _log_in(browser, server, f"{OWN}-admin", phone=True)
    admin.goto(f"{server}/districts/{OWN}/incubation")
    admin.click("text=邻里守望互助会")
    admin.wait_for_selector("[data-testid=incubatee] [data-testid=stage]")
    assert "入驻培育" in admin.locator("[data-testid=stage]").inner_text()

    def act(selector: str, fill: dict[str, str] | None = None) -> None:
        form = admin.locator(selector).first
        for name, value in (fill or {}).items():
            form.locator(f"[name={name}]").fill(value)
        with admin.expect_navigation():
            form.locator("button[type=submit]").click()

    # The mentor's work, done here by the admin (who may): sign off what was submitted,
    # report and sign off what is left, then graduate.
    while admin.locator("[data-testid=milestone][data-state=submitted]").count():
        act("[data-testid=milestone][data-state=submitted] form[data-url$=sign-off]")
    while admin.locator("[data-testid=milestone][data-state=planned]").count():
        act("[data-testid=milestone][data-state=planned] form[data-url$=submit]", {"evidence": "理事会决议及附件"})
        act("[data-testid=milestone][data-state=submitted] form[data-url$=sign-off]")
    assert admin.locator("[data-testid=milestone][data-state=signed_off]").count() == 6
    # Graduation needs the 期满 (final) review on record first.
    review = admin.locator("[data-testid=review-form]")
    review.locator("select[name=kind]").select_option("期满")
    review.locator("select[name=rating]").select_option("良好")
    act("[data-testid=review-form]", {"summary": "章程、制度齐备，服务稳定，同意出壳"})
    assert "期满" in admin.locator("[data-testid=reviews]").inner_text()
    act("[data-testid=graduate-form]")
    assert "已出壳" in admin.locator("[data-testid=stage]").inner_text()
    admin.click("[data-testid=organization-link]")
    admin.wait_for_load_state()
    assert "邻里守望互助会" in admin.content()


def test_switching_a_module_off_asks_first_in_the_page(server, browser):
    admin = _log_in(browser, server, f"{OWN}-admin", phone=True)
    native = []
    admin.on("dialog", lambda dialog: (native.append(dialog.message), dialog.dismiss()))
    admin.goto(f"{server}/districts/{OWN}")
    switch = admin.locator("button.toggle[data-module=catalogue]")
    assert switch.get_attribute("data-enabled") == "true" and "danger" in switch.get_attribute("class")
    switch.click()
    ask = admin.locator("dialog[data-testid=ask]")
    assert "停用「服务目录」后" in ask.inner_text() and "武陵区" in ask.inner_text()
    box = ask.bounding_box()
    assert box["width"] <= 390  # fits a phone
    ask.locator("button.secondary").click()  # cancel: nothing changes
    admin.reload()
    assert admin.locator("button.toggle[data-module=catalogue]").get_attribute("data-enabled") == "true"
    admin.locator("button.toggle[data-module=catalogue]").click()
    with admin.expect_navigation():
        admin.locator("dialog[data-testid=ask] button.danger").click()
    assert admin.locator("button.toggle[data-module=catalogue]").get_attribute("data-enabled") == "false"
    with admin.expect_navigation():  # switching on needs no question
        admin.locator("button.toggle[data-module=catalogue]").click()
    assert admin.locator("button.toggle[data-module=catalogue]").get_attribute("data-enabled") == "true"
    assert native == []


def test_phone_tables_keep_every_column_and_scroll(server, browser):
    """No rule hides a column on a phone (the 3rd was hidden everywhere, on the report it was the
    verdict): a wide table scrolls sideways inside a focusable region instead."""
    sup = _log_in(browser, server, f"{OWN}-supervisor", phone=True)
    sup.goto(f"{server}/districts/{OWN}/supervision/audit")
    region = sup.locator(".table-scroll").first
    assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label")
    headers = region.locator("th")
    assert headers.count() >= 4
    hidden = [headers.nth(i).inner_text() for i in range(headers.count())
              if headers.nth(i).evaluate("th => getComputedStyle(th).display") == "none"]
    assert hidden == []
    heights = {round(headers.nth(i).bounding_box()["height"]) for i in range(headers.count())}
    assert max(heights) - min(heights) <= 2, heights  # every header on one line (no 区/县 over two)
    assert sup.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself does not scroll sideways
    mine = sup.locator("[data-testid=my-home]")  # the header leads back to the user's own workbench
    assert mine.get_attribute("href") == f"/districts/{OWN}/workbench"


def test_a_form_error_names_the_field_as_the_page_does_next_to_the_field(server, browser):
    sup = _log_in(browser, server, f"{OWN}-supervisor", phone=True)
    sup.goto(f"{server}/districts/{OWN}/supervision")
    form = sup.locator("[data-testid=new-campaign]")
    form.locator("input[name=title]").fill("日期颠倒的抽查")
    form.locator("input[name=period_start]").fill("2026-06-30")
    form.locator("input[name=period_end]").fill("2026-01-01")
    form.locator("button[type=submit]").click()
    summary = sup.locator("#form-errors")
    summary.wait_for(state="visible")
    assert "结束日期：结束日期不能早于开始日期" in summary.inner_text()
    assert "period_end" not in sup.locator("main").inner_text()  # never the API's field name
    note = sup.locator("[data-testid=field-error-period_end]")
    assert note.inner_text() == "结束日期不能早于开始日期"
    assert form.locator("input[name=period_end]").get_attribute("aria-invalid") == "true"
    field_box, note_box = form.locator("input[name=period_end]").bounding_box(), note.bounding_box()
    assert 0 <= note_box["y"] - (field_box["y"] + field_box["height"]) < 40  # right under the field
