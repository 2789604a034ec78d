"""Supervision flags: scanning the modules' rules (each talent rule raises exactly its
flags on prepared data, never twice; a failing rule does not stop the others),
resolving and dismissing with a note, district scoping, the dashboard, the CLI
command and the scheduled scan's lease."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, time, timedelta, timezone

import pytest
from litestar.testing import TestClient

from core import db
from core.codes import make_id_number
from core.contrib import SupervisionRule
from core.errors import ApiError
from core.tables import AuditEvent, Organization
from plugins.supervision import flags
from plugins.supervision.tables import Flag, ScanRun
from plugins.talent.services import upsert_worker
from plugins.talent.tables import ContinuingEducation, ServiceLog
from tests.conftest import OTHER, OWN, login, run

TODAY = date(2026, 6, 30)
API = f"/api/districts/{OWN}/supervision"
TALENT_RULES = ("talent.registration_due", "talent.education_short", "talent.no_recent_log", "talent.long_day",
                "talent.duplicate_log")


# -- prepared data ------------------------------------------------------------------------------


async def _workers(org_a: int, org_b: int) -> dict[str, int]:
    async def worker(seq, org, **profile):
        person = {"name": f"预警{seq}", "id_number": make_id_number(OWN, date(1976, 3, seq), 700 + seq)}
        base = {"post_type": "社区专职工作者", "education": "本科", "status": "在岗", "start_date": date(2020, 1, 1),
                "employer_org_id": org}
        return (await upsert_worker(OWN, "test", person, {**base, **profile}))[0]

    return {
        "expired": await worker(1, org_a, qualification="社会工作师", certificate_no="F1", registered_on=date(2023, 5, 1)),
        "due": await worker(2, org_a, qualification="助理社会工作师", certificate_no="F2",
                            registered_on=date(2023, 8, 15)),
        "fine": await worker(3, org_b, qualification="助理社会工作师", certificate_no="F3",
                             registered_on=date(2025, 1, 10)),
        "idle": await worker(4, org_b),
        "busy": await worker(5, org_b),
    }


def _log(worker_id: int, day: date, hours: float, summary: str = "入户走访") -> ServiceLog:
    return ServiceLog(worker=worker_id, district_code=OWN, day=day, hours=hours, kind="走访", summary=summary,
                      state="submitted")


async def _prepare() -> dict:
    orgs = await Organization.select(Organization.id, Organization.name).where(
        Organization.district_code == OWN).order_by(Organization.id).limit(2)
    async with db.write_transaction():
        ids = await _workers(orgs[0]["id"], orgs[1]["id"])
        await ContinuingEducation.insert(  # "fine" has done its hours, "due" is short (10 of 72)
            ContinuingEducation(worker=ids["fine"], district_code=OWN, day=date(2025, 6, 1), provider="x", hours=80),
            ContinuingEducation(worker=ids["due"], district_code=OWN, day=date(2024, 6, 1), provider="x", hours=10))
        recent = TODAY - timedelta(days=5)
        await ServiceLog.insert(
            _log(ids["idle"], TODAY - timedelta(days=90), 2),
            _log(ids["busy"], recent, 8), _log(ids["busy"], recent, 5, "小组活动"),  # 13 hours on one day
            _log(ids["busy"], recent - timedelta(days=1), 2), _log(ids["busy"], recent - timedelta(days=1), 2),
            *[_log(ids[k], recent, 1, f"日常{k}") for k in ("expired", "due", "fine")])
    return {"ids": ids, "orgs": orgs}


def scan(ctx, code=OWN, **kwargs) -> dict:
    return run(flags.scan(ctx, code, today=kwargs.pop("today", TODAY), actor="test", **kwargs))


def scan_events(code: str = OWN) -> list[dict]:
    return run(AuditEvent.select().where((AuditEvent.entity == "supervision_scan")
                                         & (AuditEvent.district_code == code)).order_by(AuditEvent.seq))


@pytest.fixture(scope="module")
def prepared(ctx):
    """Scan once before the data exists (so only the prepared data is new), prepare it, scan again."""
    scan(ctx)
    data = run(_prepare())
    data["first"] = scan(ctx)
    return data


def my_flags(prepared) -> list[dict]:
    return run(Flag.select().where(Flag.subject.is_in(list(prepared["ids"].values()))).order_by(Flag.id))


def one_flag(prepared, rule: str, worker: str) -> dict:
    return next(f for f in my_flags(prepared) if f["rule"] == rule and f["subject"] == prepared["ids"][worker])


# -- scanning --------------------------------------------------------------------------------------


def test_scan_raises_each_talent_rule_flags_exactly_once(ctx, prepared):
    ids, (org_a, org_b) = prepared["ids"], [o["id"] for o in prepared["orgs"]]
    first = prepared["first"]
    assert {name: first["rules"][name]["raised"] for name in TALENT_RULES} == {
        "talent.registration_due": 2, "talent.education_short": 1, "talent.no_recent_log": 1,
        "talent.long_day": 1, "talent.duplicate_log": 1}
    assert first["raised"] == 6 and first["errors"] == {}
    rows = my_flags(prepared)
    assert {(f["rule"], f["subject"], f["severity"], f["organization_id"]) for f in rows} == {
        ("talent.registration_due", ids["expired"], "high", org_a),
        ("talent.registration_due", ids["due"], "medium", org_a),
        ("talent.education_short", ids["due"], "medium", org_a),
        ("talent.no_recent_log", ids["idle"], "medium", org_b),
        ("talent.long_day", ids["busy"], "high", org_b),
        ("talent.duplicate_log", ids["busy"], "medium", org_b),
    }
    assert len(rows) == 6 and all(f["state"] == "open" and f["district_code"] == OWN for f in rows)
    assert all(f["dedupe"] == f"{OWN}:{f['key']}" for f in rows)
    assert "13小时" in one_flag(prepared, "talent.long_day", "busy")["message"]
    assert "尚差62学时" in one_flag(prepared, "talent.education_short", "due")["message"]

    events_before = len(scan_events())
    second = scan(ctx)
    assert second["raised"] == 0 and all(r["raised"] == 0 for r in second["rules"].values())
    assert second["seen"] == first["raised"] + first["seen"]
    again = my_flags(prepared)
    assert [f["id"] for f in again] == [f["id"] for f in rows]  # no new row
    assert all(a["last_seen_at"] >= r["last_seen_at"] and a["raised_at"] == r["raised_at"]
               for a, r in zip(again, rows))
    events = scan_events()
    assert len(events) == events_before + 1  # one audit event per scan, not per flag
    assert '"raised":0' in events[-1]["after"] and events[-1]["actor"] == "test"
    last = run(flags.last_run(OWN))
    assert (last["raised"], last["seen"], last["error"]) == (0, second["seen"], "")
    assert last["finished_at"] >= last["started_at"]


def test_a_failing_rule_does_not_stop_the_others(ctx, prepared, monkeypatch):
    key = f"test.good:{uuid.uuid4().hex}"
    received = {}

    async def broken(code, today, settings):
        raise RuntimeError("规则故障")
        yield  # pragma: no cover - makes this an async generator

    async def good(code, today, settings):
        received.update(settings)
        yield {"key": key, "record_type": "test", "record_id": 1, "subject": None, "organization_id": None,
               "severity": "low", "message": "测试预警"}

    async def never(code, today, settings):  # its module is not enabled in the district
        raise AssertionError("must not run")
        yield  # pragma: no cover

    rules = [SupervisionRule("supervision", "test.broken", "故障规则", "high", broken),
             SupervisionRule("supervision", "test.good", "正常规则", "low", good),
             SupervisionRule("example", "test.other_module", "未启用模块的规则", "low", never),
             *ctx.contributions.supervision_rules]
    monkeypatch.setattr(ctx.contributions, "supervision_rules", rules)
    result = scan(ctx)
    assert "规则故障" in result["errors"]["test.broken"] and list(result["errors"]) == ["test.broken"]
    assert result["rules"]["test.good"]["raised"] == 1 and "test.other_module" not in result["rules"]
    assert all(result["rules"][name]["error"] == "" for name in TALENT_RULES)
    assert received["scan_interval_hours"] == 24  # the module's effective settings
    assert "test.broken" in run(flags.last_run(OWN))["error"]
    assert run(Flag.count().where(Flag.dedupe == f"{OWN}:{key}")) == 1
    assert "规则故障" in scan_events()[-1]["after"]


def test_scan_refuses_a_district_without_supervision(ctx):
    with pytest.raises(ApiError) as refused:
        scan(ctx, OTHER)
    assert refused.value.status_code == 404 and refused.value.code == "module_not_enabled"


# -- handling flags over HTTP ---------------------------------------------------------------------------


def test_resolve_and_dismiss_need_a_note_and_move_only_forward(client, as_role, prepared):
    supervisor = as_role("supervisor")
    resolved = one_flag(prepared, "talent.registration_due", "expired")
    dismissed = one_flag(prepared, "talent.duplicate_log", "busy")
    for body in ({"note": "  "}, {}):
        r = client.post(f"{API}/flags/{resolved['id']}/resolve", json=body, headers=supervisor)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "note", r.text
    r = client.post(f"{API}/flags/{resolved['id']}/resolve", json={"note": "已督促办理再登记"}, headers=supervisor)
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["note"], r.json()["handled_by"]) == ("resolved", "已督促办理再登记",
                                                                              f"{OWN}-supervisor")
    r = client.post(f"{API}/flags/{dismissed['id']}/dismiss", json={"note": "系统重复导入，已核实"}, headers=supervisor)
    assert r.status_code == 200 and r.json()["state"] == "dismissed"
    for flag, action in ((resolved, "resolve"), (resolved, "dismiss"), (dismissed, "resolve")):
        r = client.post(f"{API}/flags/{flag['id']}/{action}", json={"note": "再处理"}, headers=supervisor)
        assert r.status_code == 409 and r.json()["code"] == "invalid_transition", r.text
    events = run(AuditEvent.select().where((AuditEvent.entity == "supervision_flag") & AuditEvent.entity_id.is_in(
        [str(resolved["id"]), str(dismissed["id"])])).order_by(AuditEvent.seq))
    assert [(e["action"], e["actor"]) for e in events] == [("resolve", f"{OWN}-supervisor"),
                                                           ("dismiss", f"{OWN}-supervisor")]
    assert '"state":"open"' in events[0]["before"] and '"note":"已督促办理再登记"' in events[0]["after"]


def test_a_handled_condition_is_not_raised_again(ctx, prepared):
    flag = one_flag(prepared, "talent.education_short", "due")
    if flag["state"] == "open":
        run(flags.handle(ctx, OWN, flag["id"], "dismiss", "已参加培训，证明待补", "test"))
    handled = [(f["id"], f["state"]) for f in my_flags(prepared) if f["state"] != "open"]
    result = scan(ctx)
    assert result["raised"] == 0 and result["rules"]["talent.education_short"]["seen"] >= 1
    assert [(f["id"], f["state"]) for f in my_flags(prepared) if f["state"] != "open"] == handled
    assert (flag["id"], "dismissed") in handled


def test_list_filters_and_pages(client, as_role, prepared):
    ids, org_b = prepared["ids"], prepared["orgs"][1]["id"]
    headers = as_role("district_admin")
    r = client.get(f"{API}/flags", params={"rule": "talent.long_day", "organization": org_b, "severity": "high",
                                          "state": "open"}, headers=headers)
    assert r.status_code == 200, r.text
    items = [f for f in r.json()["items"] if f["subject"] == ids["busy"]]
    assert len(items) == 1 and items[0]["rule_title"] == "单日服务超过12小时"
    assert items[0]["organization_name"] == prepared["orgs"][1]["name"] and "dedupe" not in items[0]
    assert all(f["rule"] == "talent.long_day" and f["severity"] == "high" for f in r.json()["items"])
    page = client.get(f"{API}/flags", params={"per_page": 2, "page": 2}, headers=headers).json()
    assert page["per_page"] == 2 and len(page["items"]) == 2 and page["total"] >= 6
    assert client.get(f"{API}/flags", params={"state": "closed"}, headers=headers).status_code == 400


def test_the_page_shows_dashboard_list_and_buttons(client, prepared):
    login(client, f"{OWN}-supervisor")
    page = client.get(f"/districts/{OWN}/supervision/flags", params={"rule": "talent.long_day"})
    assert page.status_code == 200 and "自动预警" in page.text
    assert 'data-testid="by-rule"' in page.text and 'data-testid="by-age"' in page.text
    assert "单日服务超过12小时" in page.text and 'data-action="resolve"' in page.text and "X-CSRF-Token" in page.text
    english = client.get(f"/districts/{OWN}/supervision/flags", params={"lang": "en"})
    assert "Automatic flags" in english.text and "Scan now" in english.text


# -- who may do what ------------------------------------------------------------------------------------


def test_workers_and_residents_cannot_see_or_handle_flags(client, as_role, prepared):
    flag = one_flag(prepared, "talent.long_day", "busy")
    for role in ("social_worker", "resident", "org_staff"):
        headers = as_role(role)
        assert client.get(f"{API}/flags", headers=headers).status_code == 403
        assert client.get(f"{API}/flags/dashboard", headers=headers).status_code == 403
        assert client.post(f"{API}/flags/{flag['id']}/resolve", json={"note": "x"}, headers=headers).status_code == 403
        assert client.post(f"{API}/scan", headers=headers).status_code == 403
    admin = as_role("district_admin")  # reads, but does not handle
    assert client.get(f"{API}/flags/dashboard", headers=admin).status_code == 200
    assert client.post(f"{API}/flags/{flag['id']}/resolve", json={"note": "x"}, headers=admin).status_code == 403
    assert run(Flag.select(Flag.state).where(Flag.id == flag["id"]).first())["state"] == "open"


@pytest.fixture
def supervision_in_other(client, as_role):
    """Supervision enabled in 430703 for the test, then as before."""
    admin = as_role("platform_admin")
    url = f"/api/districts/{OTHER}/modules/supervision"
    assert client.put(url, json={"enabled": True}, headers=admin).status_code == 200
    yield
    assert client.put(url, json={"enabled": False}, headers=admin).status_code == 200


def test_supervisors_act_only_in_their_district(client, as_role, prepared, supervision_in_other):
    flag = one_flag(prepared, "talent.no_recent_log", "idle")
    login(client, f"{OTHER}-supervisor")
    assert client.get(f"{API}/flags").status_code == 403
    assert client.post(f"{API}/flags/{flag['id']}/resolve", json={"note": "越权"}).status_code == 403
    assert client.post(f"{API}/scan").status_code == 403
    other_api = f"/api/districts/{OTHER}/supervision"
    assert all(f["district_code"] == OTHER for f in client.get(f"{other_api}/flags").json()["items"])
    r = client.post(f"{other_api}/flags/{flag['id']}/dismiss", json={"note": "越权"})
    assert r.status_code == 404, r.text  # a flag of another district does not exist here
    platform = as_role("platform_admin")
    assert client.post(f"{other_api}/flags/{flag['id']}/resolve", json={"note": "x"},
                       headers=platform).status_code == 404
    assert run(Flag.select(Flag.state).where(Flag.id == flag["id"]).first())["state"] == "open"


def test_nobody_can_delete_a_flag_or_an_audit_event(client, as_role, prepared):
    flag = one_flag(prepared, "talent.long_day", "busy")
    for role in ("platform_admin", "supervisor"):
        headers = as_role(role)
        assert client.delete(f"{API}/flags/{flag['id']}", headers=headers).status_code in (404, 405)
        assert client.delete("/api/audit", headers=headers).status_code in (404, 405)
    assert run(Flag.exists().where(Flag.id == flag["id"]))


def test_scan_over_http(client, as_role, prepared):
    r = client.post(f"{API}/scan", headers=as_role("supervisor"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(TALENT_RULES) <= set(body["rules"]) and body["district_code"] == OWN
    assert scan_events()[-1]["actor"] == f"{OWN}-supervisor"


# -- the dashboard ----------------------------------------------------------------------------------------


def _at(days_ago: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), time(12), flags.CHINA_TIME)


def _board_counts(board: dict) -> tuple[dict, dict, dict]:
    return ({r["rule"]: r["count"] for r in board["by_rule"]},
            {r["organization_id"]: r["count"] for r in board["by_organization"]},
            {r["bucket"]: r["count"] for r in board["by_age"]})


def _delta(after: dict, before: dict) -> dict:
    return {k: after.get(k, 0) - before.get(k, 0) for k in after.keys() | before.keys()
            if after.get(k, 0) != before.get(k, 0)}


def test_dashboard_counts_open_flags_by_rule_organisation_and_age(ctx, client, as_role, prepared):
    org_a, org_b = (o["id"] for o in prepared["orgs"])
    before = _board_counts(run(flags.dashboard(ctx, OWN, TODAY)))
    tag = uuid.uuid4().hex
    planned = [  # (rule, organisation, days ago, state)
        ("talent.long_day", org_a, 0, "open"), ("talent.long_day", org_a, 6, "open"),
        ("talent.long_day", org_b, 7, "open"), ("test.dashboard", org_b, 30, "open"),
        ("test.dashboard", None, 31, "open"), ("test.dashboard", None, 90, "open"),
        ("test.dashboard", org_a, 91, "open"), ("test.dashboard", org_a, 400, "open"),
        ("test.dashboard", org_a, 3, "resolved"), ("talent.long_day", org_b, 200, "dismissed"),
    ]
    run(Flag.insert(*[Flag(district_code=OWN, dedupe=f"{OWN}:dash:{tag}:{i}", key=f"dash:{tag}:{i}", module="test",
                           rule=rule, record_type="test", record_id=str(i), organization_id=org, severity="low",
                           message="看板测试", state=state, raised_at=_at(days), last_seen_at=_at(days))
                      for i, (rule, org, days, state) in enumerate(planned)]))
    board = run(flags.dashboard(ctx, OWN, TODAY))
    after = _board_counts(board)
    assert _delta(after[0], before[0]) == {"talent.long_day": 3, "test.dashboard": 5}
    assert _delta(after[1], before[1]) == {org_a: 4, org_b: 2, None: 2}
    assert _delta(after[2], before[2]) == {"lt7": 2, "7to30": 2, "31to90": 2, "gt90": 2}
    assert board["open"] == sum(after[0].values()) == sum(after[2].values())
    titles = {r["rule"]: r["title"] for r in board["by_rule"]}
    assert titles["talent.long_day"] == "单日服务超过12小时" and titles["test.dashboard"] == "test.dashboard"
    names = {r["organization_id"]: r["name"] for r in board["by_organization"]}
    assert names[org_a] == prepared["orgs"][0]["name"]
    r = client.get(f"{API}/flags/dashboard", params={"on": TODAY.isoformat()}, headers=as_role("supervisor"))
    assert r.status_code == 200 and r.json() == board


def test_age_buckets_at_their_edges():
    assert [flags.age_bucket(_at(days), TODAY) for days in (0, 6, 7, 30, 31, 90, 91)] == [
        "lt7", "lt7", "7to30", "7to30", "31to90", "31to90", "gt90"]
    early_morning = datetime(2026, 6, 23, 22, 0, tzinfo=timezone.utc)  # 24 June in China: 6 days, not 7
    assert flags.age_bucket(early_morning, TODAY) == "lt7"


# -- the command ------------------------------------------------------------------------------------------


def sanshe(*args: str) -> int:
    from core.cli import main

    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_cli_scan(capsys, ctx, prepared):
    assert sanshe("supervision", "scan", "--district", OWN, "--today", TODAY.isoformat()) == 0
    out = capsys.readouterr().out
    rules = len(run(flags.district_rules(ctx, OWN)))
    assert out.strip().splitlines() == [f"武陵区（{OWN}）：运行 {rules} 条规则，新增预警 0 条，再次发现 "
                                        f"{run(flags.last_run(OWN))['seen']} 条"]
    assert scan_events()[-1]["actor"] == "cli"
    assert sanshe("supervision", "scan", "--today", TODAY.isoformat()) == 0
    out = capsys.readouterr().out
    assert f"武陵区（{OWN}）" in out and OTHER not in out  # only districts that enable supervision


@pytest.mark.parametrize("args, message", [
    (("--district", "999999"), "区县代码 999999 不存在"),
    (("--district", OTHER), "未启用“监管”模块"),
    (("--today", "2026-13-01"), "日期格式应为 YYYY-MM-DD"),
])
def test_cli_scan_usage_errors(capsys, ctx, args, message):
    events = len(scan_events(OTHER))
    assert sanshe("supervision", "scan", *args) == 2
    assert message in capsys.readouterr().err
    assert len(scan_events(OTHER)) == events


# -- the scheduled scan --------------------------------------------------------------------------------------


def _last_scan_started(at: datetime) -> None:
    run(ScanRun.update({ScanRun.started_at: at}).where(ScanRun.district_code == OWN))


def test_only_one_of_two_concurrent_scheduled_attempts_scans(ctx, prepared):
    now = datetime.combine(TODAY, time(12), flags.CHINA_TIME)
    _last_scan_started(now - timedelta(days=2))
    events = len(scan_events())

    async def twice():
        return await asyncio.gather(flags.run_due_scans(ctx, now), flags.run_due_scans(ctx, now))

    first, second = run(twice())
    assert (first + second).count(OWN) == 1
    assert len(scan_events()) == events + 1 and scan_events()[-1]["actor"] == "scheduler"
    assert run(flags.last_run(OWN))["started_at"] == now
    assert OWN not in run(flags.run_due_scans(ctx, now + timedelta(hours=23)))  # not due again yet
    assert OWN in run(flags.run_due_scans(ctx, now + timedelta(hours=24)))


def test_lease_is_taken_once(prepared):
    now = datetime.combine(TODAY, time(12), flags.CHINA_TIME) + timedelta(days=5)
    _last_scan_started(now - timedelta(hours=30))

    async def race():
        return await asyncio.gather(*(flags.claim(OWN, now, 24) for _ in range(3)))

    assert sorted(run(race())) == [False, False, True]


def test_a_district_with_interval_zero_is_not_scanned_on_schedule(ctx, client, as_role, prepared):
    admin, url = as_role("platform_admin"), f"/api/districts/{OWN}/modules/supervision"
    now = datetime.combine(TODAY, time(12), flags.CHINA_TIME) + timedelta(days=10)
    _last_scan_started(now - timedelta(days=3))
    off = client.put(url, json={"enabled": True, "settings": {"scan_interval_hours": 0}}, headers=admin)
    assert off.status_code == 200, off.text
    try:
        assert OWN not in run(flags.run_due_scans(ctx, now))
    finally:
        client.put(url, json={"enabled": True, "settings": {"scan_interval_hours": 24}}, headers=admin)
    assert run(flags.last_run(OWN))["started_at"] == now - timedelta(days=3)


def test_scheduler_keeps_going_after_a_failed_round(ctx, monkeypatch):
    rounds: list[int] = []

    async def go():
        third = asyncio.Event()

        async def flaky(context, now=None):
            rounds.append(len(rounds))
            if len(rounds) == 1:
                raise RuntimeError("数据库暂时不可用")
            if len(rounds) == 3:
                third.set()
            return []

        monkeypatch.setattr(flags, "run_due_scans", flaky)
        task = asyncio.create_task(flags._scheduler(ctx, 0, 0))
        await asyncio.wait_for(third.wait(), timeout=30)  # a guard against hanging, not a timing
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(go())
    assert len(rounds) >= 3


def test_the_app_starts_the_scheduler_and_stops_it(app, monkeypatch):
    with TestClient(app=app):
        task = flags.scheduler_task(app)
        assert task is not None and not task.done()
    assert task.done()  # cancelled when the app stopped
    monkeypatch.setenv(flags.SCHEDULER_ENV, "0")
    with TestClient(app=app):
        assert flags.scheduler_task(app) is None
