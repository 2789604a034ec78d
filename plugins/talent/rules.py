"""Supervision rules over worker records, and the records supervisors can sample.

Each rule yields flags (see core.contrib.SupervisionRule) with a stable `key`, so
running it again never raises the same condition twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from core.contrib import AuditableRecords, SupervisionRule
from plugins.talent import education
from plugins.talent.tables import ContinuingEducation, ServiceLog, SocialWorker

DUE_DAYS = 90
IDLE_DAYS = 60
MAX_DAY_HOURS = 12
_LIVE = (ServiceLog.superseded == False)  # noqa: E712 - a corrected log counts through its correction


def _flag(key: str, record_type: str, record_id: Any, worker: dict, severity: str, message: str) -> dict:
    return {"key": key, "record_type": record_type, "record_id": str(record_id), "subject": worker["id"],
            "organization_id": worker["employer_org_id"], "person_id": worker.get("person_id"),
            "severity": severity, "message": message}


async def _workers(district_code: str, *where) -> list[dict]:
    return await SocialWorker.select().where(SocialWorker.district_code == district_code, *where)


async def registration_due(district_code: str, today: date, settings: dict):
    """Certificate registration expired, or expiring within 90 days."""
    for w in await _workers(district_code, SocialWorker.registration_expires.is_not_null(),
                            SocialWorker.status != "离岗"):
        expires = w["registration_expires"]
        if expires < today:
            yield _flag(f"talent.registration:{w['id']}:{expires}:expired", "social_worker", w["id"], w, "high",
                        f"{w['qualification']}登记已于{expires}过期，请尽快办理再登记")
        elif expires <= today + timedelta(days=DUE_DAYS):
            yield _flag(f"talent.registration:{w['id']}:{expires}:due", "social_worker", w["id"], w, "medium",
                        f"{w['qualification']}登记将于{expires}到期（{(expires - today).days}天后），"
                        "可在到期前3个月内申请再登记")


async def education_short(district_code: str, today: date, settings: dict):
    """Continuing-education hours short for the current 3-year registration period (a completed
    social-work degree counts once as 90 hours, see education.py)."""
    workers = await _workers(district_code, SocialWorker.qualification != "无", SocialWorker.status == "在岗",
                             SocialWorker.registered_on.is_not_null())
    records: dict[int, list[dict]] = defaultdict(list)
    for row in await ContinuingEducation.select(ContinuingEducation.id, ContinuingEducation.worker,
                                                ContinuingEducation.kind, ContinuingEducation.day,
                                                ContinuingEducation.hours).where(
            ContinuingEducation.district_code == district_code):
        records[row["worker"]].append(row)
    for w in workers:
        hours = education.summary(w, records[w["id"]], settings, today)
        if hours and hours["short"] and hours["elapsed"] >= 0.5:  # flag once half the period has passed
            start, end, done, required = hours["period_start"], hours["period_end"], hours["hours"], hours["required"]
            yield _flag(f"talent.ce:{w['id']}:{start}", "social_worker", w["id"], w, "medium",
                        f"本登记周期（{start}至{end}）继续教育{done:g}学时，要求{required}学时，尚差{required - done:g}学时")


async def no_recent_log(district_code: str, today: date, settings: dict):
    """No submitted service log for 60 days while in post."""
    workers = await _workers(district_code, SocialWorker.status == "在岗")
    last: dict[int, date] = {}
    for row in await ServiceLog.select(ServiceLog.worker, ServiceLog.day).where(
            (ServiceLog.district_code == district_code) & (ServiceLog.state == "submitted") & _LIVE):
        last[row["worker"]] = max(last.get(row["worker"], date.min), row["day"])
    since = today - timedelta(days=IDLE_DAYS)
    for w in workers:
        latest = last.get(w["id"])
        started = w["start_date"] or date.min
        if (latest is None or latest < since) and started < since:
            period = latest or started
            yield _flag(f"talent.idle:{w['id']}:{period}", "social_worker", w["id"], w, "medium",
                        f"在岗社工已{(today - latest).days if latest else '超过' + str(IDLE_DAYS)}天没有提交服务记录"
                        + (f"（最近一次：{latest}）" if latest else ""))


async def _logs_by_worker_day(district_code: str) -> dict[tuple[int, date], list[dict]]:
    grouped: dict[tuple[int, date], list[dict]] = defaultdict(list)
    for row in await ServiceLog.select().where((ServiceLog.district_code == district_code) & _LIVE):
        grouped[(row["worker"], row["day"])].append(row)
    return grouped


async def long_day(district_code: str, today: date, settings: dict):
    """More than 12 hours logged on one day."""
    workers = {w["id"]: w for w in await _workers(district_code)}
    for (worker_id, day), logs in (await _logs_by_worker_day(district_code)).items():
        total = sum(log["hours"] for log in logs)
        if total > MAX_DAY_HOURS and worker_id in workers:
            yield _flag(f"talent.long_day:{worker_id}:{day}", "service_log", logs[0]["id"], workers[worker_id],
                        "high", f"{day} 共登记服务{total:g}小时，超过{MAX_DAY_HOURS}小时，请核实")


async def duplicate_logs(district_code: str, today: date, settings: dict):
    """The same service logged twice (same day, kind, community, hours and summary)."""
    workers = {w["id"]: w for w in await _workers(district_code)}
    for (worker_id, day), logs in (await _logs_by_worker_day(district_code)).items():
        seen: dict[tuple, int] = {}
        for log in sorted(logs, key=lambda r: r["id"]):
            fingerprint = (log["kind"], log["community_code"], log["hours"], log["summary"].strip())
            if fingerprint in seen and worker_id in workers:
                yield _flag(f"talent.duplicate:{seen[fingerprint]}:{log['id']}", "service_log", log["id"],
                            workers[worker_id], "medium",
                            f"{day} 的服务记录与记录{seen[fingerprint]}完全相同，疑似重复登记")
            seen.setdefault(fingerprint, log["id"])


RULES = [
    SupervisionRule("talent", "talent.registration_due", "职业资格登记过期或即将到期", "high", registration_due),
    SupervisionRule("talent", "talent.education_short", "继续教育学时不足", "medium", education_short),
    SupervisionRule("talent", "talent.no_recent_log", "在岗60天无服务记录", "medium", no_recent_log),
    SupervisionRule("talent", "talent.long_day", "单日服务超过12小时", "high", long_day),
    SupervisionRule("talent", "talent.duplicate_log", "重复的服务记录", "medium", duplicate_logs),
]


async def _service_logs(district_code: str, start: date, end: date):
    workers = {w["id"]: w for w in await _workers(district_code)}
    for row in await ServiceLog.select().where(
            (ServiceLog.district_code == district_code) & (ServiceLog.state == "submitted")
            & (ServiceLog.day >= start) & (ServiceLog.day <= end)).order_by(ServiceLog.id):
        worker = workers.get(row["worker"], {})
        yield {"id": row["id"], "day": row["day"], "subject": row["worker"], "person_id": worker.get("person_id"),
               "organization_id": worker.get("employer_org_id"),
               "summary": f"{row['kind']} {row['hours']:g}小时：{row['summary'][:60]}",
               "correction_of": row["corrects"]}


async def _education(district_code: str, start: date, end: date):
    workers = {w["id"]: w for w in await _workers(district_code)}
    for row in await ContinuingEducation.select().where(
            (ContinuingEducation.district_code == district_code) & (ContinuingEducation.day >= start)
            & (ContinuingEducation.day <= end)).order_by(ContinuingEducation.id):
        worker = workers.get(row["worker"], {})
        yield {"id": row["id"], "day": row["day"], "subject": row["worker"], "person_id": worker.get("person_id"),
               "organization_id": worker.get("employer_org_id"),
               "summary": f"{row['provider']} {row['title']} {row['hours']:g}学时"}


async def _corrections(district_code: str, start: date, end: date):
    async for record in _service_logs(district_code, start, end):
        if record["correction_of"]:
            yield record


SOURCES = [
    AuditableRecords("talent", "talent.service_logs", "社工服务记录", _service_logs, "service_log"),
    AuditableRecords("talent", "talent.continuing_education", "继续教育记录", _education, "continuing_education"),
    AuditableRecords("talent", "talent.corrections", "服务记录更正", _corrections, "service_log"),
]
