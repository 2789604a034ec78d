"""Flags: running the modules' supervision rules, handling what they find, and the
dashboard of open flags.

A scan runs, for one district that enables supervision, every rule contributed
through `register_supervision_rules` whose module the district enables, with that
module's effective settings. Each flag's `dedupe` is `{district}:{rule key}` and is
unique, so a condition is raised once whatever happens to its flag later; a flag
found again only gets a newer `last_seen_at`. A rule that fails is recorded (in the
result and the district's ScanRun row) and the other rules still run. Each scan
writes one audit event.

The app also scans on a schedule (`start_scheduler`): every few minutes, after a
first delay of some minutes, each district whose `scan_interval_hours` has passed
since its last scan is scanned by whichever app worker first takes the lease on
its ScanRun row (a conditional UPDATE). `SANSHE_SUPERVISION_SCHEDULER=0` turns the
scheduled scan off in a process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count

from core import audit, db
from core.dates import BEIJING as CHINA_TIME
from core.dates import utc_now
from core.context import AppContext
from core.contrib import SupervisionRule
from core.errors import ApiError, invalid, not_found
from core.modules import enabled_modules, module_settings
from core.tables import Organization
from plugins.supervision.states import FLAG, LABELS, check
from plugins.supervision.tables import Flag, ScanRun

MODULE = "supervision"
SEVERITIES = {"high": "高", "medium": "中", "low": "低"}
AGE_BUCKETS = (  # (name, label, label_en, oldest age in days; None: no limit)
    ("lt7", "7天以内", "Under 7 days", 6),
    ("7to30", "7–30天", "7–30 days", 30),
    ("31to90", "31–90天", "31–90 days", 90),
    ("gt90", "90天以上", "Over 90 days", None),
)
ACTIONS = {"resolve": "resolved", "dismiss": "dismissed"}
_CHUNK = 200

log = logging.getLogger("sanshe.supervision")
Progress = Callable[[int, int, str], None]


def china_today() -> date:
    return datetime.now(CHINA_TIME).date()


def _chunks(items: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# -- which rules run -------------------------------------------------------------------------


async def ensure_scannable(ctx: AppContext, district_code: str) -> None:
    """404 (in the API's shape) unless the district exists and enables supervision."""
    if district_code not in ctx.districts:
        known = "、".join(ctx.districts)
        raise ApiError(404, f"区县代码 {district_code} 不存在（已配置：{known}）", "unknown_district")
    if MODULE not in await enabled_modules(ctx, district_code):
        name = ctx.districts[district_code].name
        raise ApiError(404, f"{name}（{district_code}）未启用“监管”模块（{MODULE}）", "module_not_enabled")


async def district_rules(ctx: AppContext, district_code: str) -> list[SupervisionRule]:
    """The rules with a check whose module the district enables, in registration order."""
    enabled = set(await enabled_modules(ctx, district_code))
    return [r for r in ctx.contributions.supervision_rules if r.check is not None and r.module in enabled]


def rule_titles(ctx: AppContext) -> dict[str, str]:
    return {r.name: r.title for r in ctx.contributions.supervision_rules}


# -- scanning ------------------------------------------------------------------------------------


def _row(district_code: str, rule: SupervisionRule, found: dict, now: datetime) -> Flag:
    key = str(found.get("key") or "")
    if not key or len(key) > Flag.key.length:
        raise ValueError(f"规则返回的 key 为空或超过 {Flag.key.length} 个字符：{key[:40]!r}")
    severity = found.get("severity") if found.get("severity") in SEVERITIES else rule.severity
    return Flag(district_code=district_code, dedupe=f"{district_code}:{key}", key=key, module=rule.module,
                rule=rule.name, record_type=str(found.get("record_type") or ""),
                record_id=str(found.get("record_id") or ""), subject=found.get("subject"),
                organization_id=found.get("organization_id"), person_id=found.get("person_id"), severity=severity,
                message=str(found.get("message") or rule.title), state="open", raised_at=now, last_seen_at=now)


async def _store(rows: list[Flag], now: datetime) -> tuple[int, int]:
    """Insert the new flags, touch the ones raised before; (raised, seen)."""
    unique = list({row.dedupe: row for row in rows}.values())
    raised = seen = 0
    async with db.write_transaction():
        for chunk in _chunks(unique):
            stored = {r["dedupe"]: r["person_id"] for r in await Flag.select(Flag.dedupe, Flag.person_id).where(
                Flag.dedupe.is_in([row.dedupe for row in chunk]))}
            existing = set(stored)
            if existing:
                await Flag.update({Flag.last_seen_at: now}).where(Flag.dedupe.is_in(list(existing)))
            await _name_people(chunk, stored)
            new = [row for row in chunk if row.dedupe not in existing]
            if new:  # a concurrent scan may have raised one meanwhile: the unique dedupe keeps it single
                inserted = await Flag.insert(*new).on_conflict(target=Flag.dedupe, action="DO NOTHING").returning(
                    Flag.id)
                raised += len(inserted)
                seen += len(new) - len(inserted)
            seen += len(existing)
    return raised, seen


async def _name_people(chunk: list[Flag], stored: dict[str, int | None]) -> None:
    """Flags raised before rules named the person (`person_id`) learn it when seen again."""
    learnt: dict[int, list[str]] = {}
    for row in chunk:
        if row.person_id is not None and row.dedupe in stored and stored[row.dedupe] is None:
            learnt.setdefault(row.person_id, []).append(row.dedupe)
    for person_id, dedupes in learnt.items():
        await Flag.update({Flag.person_id: person_id}).where(Flag.dedupe.is_in(dedupes) & Flag.person_id.is_null())


async def _run_rule(ctx: AppContext, district_code: str, rule: SupervisionRule, today: date) -> dict:
    """One rule's counts; its error (any exception) is reported instead of raised."""
    try:
        settings = await module_settings(ctx, district_code, rule.module)
        now = utc_now()
        rows = [_row(district_code, rule, found, now) async for found in rule.check(district_code, today, settings)]
        raised, seen = await _store(rows, now)
        return {"title": rule.title, "raised": raised, "seen": seen, "error": ""}
    except Exception as exc:  # noqa: BLE001 - one broken rule must not stop the others
        log.exception("supervision rule %s failed for %s", rule.name, district_code)
        return {"title": rule.title, "raised": 0, "seen": 0, "error": f"{type(exc).__name__}: {exc}"}


async def _begin_run(district_code: str, started_at: datetime) -> None:
    await ScanRun.insert(ScanRun(district_code=district_code, started_at=started_at)).on_conflict(
        target=ScanRun.district_code, action="DO UPDATE", values=[ScanRun.started_at])


async def _finish_run(district_code: str, result: dict, actor: str) -> None:
    error = "\n".join(f"{name}: {message}" for name, message in result["errors"].items())
    async with db.write_transaction():
        await ScanRun.update({ScanRun.finished_at: utc_now(), ScanRun.raised: result["raised"],
                              ScanRun.seen: result["seen"], ScanRun.error: error}).where(
            ScanRun.district_code == district_code)
        await audit.record(actor=actor, action="scan", entity="supervision_scan", entity_id=district_code,
                           district_code=district_code, after=result)


async def scan(ctx: AppContext, district_code: str, *, today: date | None = None, progress: Progress | None = None,
               actor: str = "system", started_at: datetime | None = None) -> dict:
    """Run the district's rules; {district_code, today, raised, seen, rules: {name: counts}, errors}.

    `progress(done, total, title)` is called before each rule and once at the end."""
    await ensure_scannable(ctx, district_code)
    today = today or china_today()
    rules = await district_rules(ctx, district_code)
    await _begin_run(district_code, started_at or utc_now())
    per_rule: dict[str, dict] = {}
    for done, rule in enumerate(rules):
        if progress:
            progress(done, len(rules), rule.title)
        per_rule[rule.name] = await _run_rule(ctx, district_code, rule, today)
    if progress:
        progress(len(rules), len(rules), "")
    result = {"district_code": district_code, "today": today.isoformat(),
              "raised": sum(r["raised"] for r in per_rule.values()),
              "seen": sum(r["seen"] for r in per_rule.values()), "rules": per_rule,
              "errors": {name: r["error"] for name, r in per_rule.items() if r["error"]}}
    await _finish_run(district_code, result, actor)
    return result


async def last_run(district_code: str) -> dict | None:
    return await ScanRun.select().where(ScanRun.district_code == district_code).first()


# -- handling a flag -------------------------------------------------------------------------------


async def _flag_row(district_code: str, flag_id: int) -> dict:
    row = await Flag.select().where((Flag.id == flag_id) & (Flag.district_code == district_code)).first()
    if row is None:
        raise not_found("预警")
    return row


async def handle(ctx: AppContext, district_code: str, flag_id: int, action: str, note: str, actor: str) -> dict:
    """Resolve or dismiss an open flag with the supervisor's note (audited with before/after)."""
    target = ACTIONS[action]
    row = await _flag_row(district_code, flag_id)
    note = (note or "").strip()
    if not note:
        raise invalid([("note", "请填写处理说明")])
    check(FLAG, row["state"], target, "预警")
    before = {k: row[k] for k in ("state", "note", "handled_by", "handled_at")}
    after = {"state": target, "note": note, "handled_by": actor, "handled_at": utc_now()}
    async with db.write_transaction():
        moved = await Flag.update({getattr(Flag, k): v for k, v in after.items()}).where(
            (Flag.id == flag_id) & (Flag.state == row["state"])).returning(Flag.id)
        if not moved:  # someone else handled it between our read and this write
            raise ApiError(409, "该预警刚被他人处理，请刷新后查看", "invalid_transition")
        await audit.record(actor=actor, action=action, entity="supervision_flag", entity_id=flag_id,
                           district_code=district_code, before=before, after=after)
    return (await views(ctx, [await _flag_row(district_code, flag_id)]))[0]


# -- reading ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagFilter:
    state: str | None = None
    rule: str | None = None
    organization: int | None = None
    severity: str | None = None

    def where(self, district_code: str):
        condition = Flag.district_code == district_code
        for column, value in ((Flag.state, self.state), (Flag.rule, self.rule),
                              (Flag.organization_id, self.organization), (Flag.severity, self.severity)):
            if value is not None:
                condition &= column == value
        return condition


async def organization_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = await Organization.select(Organization.id, Organization.name).where(Organization.id.is_in(wanted))
    return {r["id"]: r["name"] for r in rows}


async def views(ctx: AppContext, rows: list[dict]) -> list[dict]:
    """Flags as the API shows them: with the rule's title, the organisation's name and the state's label."""
    titles = rule_titles(ctx)
    names = await organization_names(r["organization_id"] for r in rows)
    return [{**{k: v for k, v in r.items() if k != "dedupe"}, "rule_title": titles.get(r["rule"], r["rule"]),
             "organization_name": names.get(r["organization_id"], ""),
             "state_label": LABELS.get(r["state"], r["state"]),
             "severity_label": SEVERITIES.get(r["severity"], r["severity"])} for r in rows]


async def list_flags(ctx: AppContext, district_code: str, filters: FlagFilter, page: int = 1,
                     per_page: int = 20) -> dict:
    """Newest first: {total, page, per_page, items}."""
    where = filters.where(district_code)
    total = await Flag.count().where(where)
    rows = await Flag.select().where(where).order_by(Flag.raised_at, Flag.id, ascending=False).limit(
        per_page).offset((page - 1) * per_page)
    return {"total": total, "page": page, "per_page": per_page, "items": await views(ctx, rows)}


def age_bucket(raised_at: datetime, today: date) -> str:
    """The bucket of a flag raised at `raised_at`, its age counted in days (China time) on `today`."""
    days = (today - raised_at.astimezone(CHINA_TIME).date()).days
    return next(name for name, _, _, oldest in AGE_BUCKETS if oldest is None or days <= oldest)


async def dashboard(ctx: AppContext, district_code: str, today: date | None = None) -> dict:
    """Open flags counted by rule (with its title), by organisation (with its name) and by age."""
    today = today or china_today()
    is_open = (Flag.district_code == district_code) & (Flag.state == "open")
    titles = rule_titles(ctx)
    by_rule = await Flag.select(Flag.rule, Count()).where(is_open).group_by(Flag.rule)
    by_org = await Flag.select(Flag.organization_id, Count()).where(is_open).group_by(Flag.organization_id)
    names = await organization_names(r["organization_id"] for r in by_org)
    ages = Counter(age_bucket(r["raised_at"], today) for r in await Flag.select(Flag.raised_at).where(is_open))
    return {
        "today": today.isoformat(),
        "open": sum(r["count"] for r in by_rule),
        "by_rule": sorted(({"rule": r["rule"], "title": titles.get(r["rule"], r["rule"]), "count": r["count"]}
                           for r in by_rule), key=lambda r: (-r["count"], r["rule"])),
        "by_organization": sorted(({"organization_id": r["organization_id"],
                                    "name": names.get(r["organization_id"], "") if r["organization_id"] else "",
                                    "count": r["count"]} for r in by_org),
                                  key=lambda r: (-r["count"], r["organization_id"] or 0)),
        "by_age": [{"bucket": name, "label": label, "label_en": label_en, "count": ages.get(name, 0)}
                   for name, label, label_en, _ in AGE_BUCKETS],
    }


# -- the scheduled scan ---------------------------------------------------------------------------

SCHEDULER_ENV = "SANSHE_SUPERVISION_SCHEDULER"
FIRST_DELAY_SECONDS = 10 * 60  # after start-up: a short-lived app (tests, a restart loop) never scans
CHECK_SECONDS = 5 * 60
_STATE_KEY = "supervision_scheduler"


async def claim(district_code: str, now: datetime, interval_hours: int) -> bool:
    """Take the district's scan lease when its last scan started `interval_hours` or more before `now`.

    One conditional UPDATE: of several workers trying at once, exactly one matches the row."""
    await ScanRun.insert(ScanRun(district_code=district_code)).on_conflict(
        target=ScanRun.district_code, action="DO NOTHING")
    due = now - timedelta(hours=interval_hours)
    won = await ScanRun.update({ScanRun.started_at: now}).where(
        (ScanRun.district_code == district_code)
        & (ScanRun.started_at.is_null() | (ScanRun.started_at <= due))).returning(ScanRun.id)
    return bool(won)


async def _due_interval(ctx: AppContext, district_code: str) -> int:
    """The district's scan interval in hours; 0 when it does not scan on a schedule."""
    if MODULE not in await enabled_modules(ctx, district_code):
        return 0
    return (await module_settings(ctx, district_code, MODULE))["scan_interval_hours"]


async def run_due_scans(ctx: AppContext, now: datetime | None = None) -> list[str]:
    """Scan each district that is due and whose lease this call takes; the codes scanned."""
    now = now or utc_now()
    scanned = []
    for code in ctx.districts:
        try:
            hours = await _due_interval(ctx, code)
            if hours > 0 and await claim(code, now, hours):
                await scan(ctx, code, today=now.astimezone(CHINA_TIME).date(), actor="scheduler", started_at=now)
                scanned.append(code)
        except Exception:  # noqa: BLE001 - the next round tries again; the app keeps serving
            log.exception("scheduled supervision scan of %s failed", code)
    return scanned


async def _scheduler(ctx: AppContext, first_delay: float, every: float) -> None:
    await asyncio.sleep(first_delay)
    while True:
        try:
            await run_due_scans(ctx)
        except Exception:  # noqa: BLE001 - never let the loop die
            log.exception("supervision scheduler round failed")
        await asyncio.sleep(every)


def scheduler_enabled() -> bool:
    return os.environ.get(SCHEDULER_ENV, "1").strip().lower() not in {"0", "false", "no", "off"}


async def start_scheduler(app: Any, first_delay: float = FIRST_DELAY_SECONDS, every: float = CHECK_SECONDS) -> None:
    """Start the scheduled scan on the running loop; the task lives in `app.state` and the
    plugin's `shutdown` hook cancels it (before the database pool closes)."""
    await stop_scheduler(app)
    if not scheduler_enabled():
        return
    app.state[_STATE_KEY] = asyncio.get_running_loop().create_task(
        _scheduler(app.state.ctx, first_delay, every), name="supervision-scheduler")


async def stop_scheduler(app: Any) -> None:
    """Cancel the scheduled scan started on this loop (a task of an earlier loop is already over)."""
    task = app.state.get(_STATE_KEY)
    app.state[_STATE_KEY] = None
    if task is None or task.done() or task.get_loop() is not asyncio.get_running_loop():
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def scheduler_task(app: Any) -> asyncio.Task | None:
    return app.state.get(_STATE_KEY)
