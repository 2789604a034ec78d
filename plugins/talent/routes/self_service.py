"""Social-worker self-service pages (phone first): "我的档案" — my profile (identity masked),
registration state, this period's continuing-education hours against the rule, my service logs
(file a draft, edit it, submit it, correct a submitted one) and my training records; and
"本机构社工" — an organisation's staff list their own workers and open the same view, read-only.
The pages write through the existing JSON API (static/me.js); they read what the API reads."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, get
from litestar.response import Template

from core.auth import Principal
from core.context import AppContext
from core.modules import enabled_modules
from core.tables import Community
from core.web.pages import render
from plugins.talent import delivery, glossary, services
from plugins.talent.routes.records import OWN, own_worker
from plugins.talent.routes.staff import STAFF, staff_rows, staff_worker, worker_bundle

PAGE = "/districts/{code:str}/talent"
FINDINGS = "supervision.finding.respond"  # a permission name only: the supervision module is never imported
REGISTRATION_TONE = {"有效": "ok", "即将到期": "wait", "已过期": "bad", "未登记": "done"}
LOG_STATES = {**glossary.RECORD_STATES, "superseded": ("已被更正", "Corrected")}
LOG_TONE = {"draft": "wait", "submitted": "ok", "superseded": "done"}
WORDS = {"log_kinds": glossary.LOG_KINDS, "ce_kinds": glossary.CE_KINDS, "posts": glossary.POST_TYPES,
         "qualifications": glossary.QUALIFICATIONS, "registration": glossary.REGISTRATION_STATES,
         "statuses": glossary.WORKER_STATUSES, "log_states": LOG_STATES, "log_tone": LOG_TONE,
         "registration_tone": REGISTRATION_TONE}


async def _communities(code: str) -> list[dict[str, Any]]:
    return await Community.select(Community.code, Community.name).where(
        (Community.district_code == code) & (Community.kind == "community")).order_by(Community.code)


def _log_state(log: dict[str, Any]) -> str:
    return "superseded" if log["superseded"] else log["state"]


async def _page(request: Request, principal: Principal, code: str, row: dict[str, Any], *, own: bool) -> Template:
    ctx: AppContext = request.app.state.ctx
    bundle = await worker_bundle(request, code, row)
    communities = await _communities(code)
    names = {c["code"]: c["name"] for c in communities}
    refs = await delivery.offered_refs(ctx, code, row) if own else []
    titles = {r["ref"]: r["title"] for r in refs}
    logs = [{**log, "shown_state": _log_state(log), "community": names.get(log["community_code"] or "", ""),
             "delivery_title": titles.get(log["delivery_ref"] or "", log["delivery_ref"])}
            for log in bundle["logs"]]
    # what the form needs to edit a draft or correct a submitted log (page data is JSON: dates as text)
    editable = {log["id"]: {"day": str(log["day"]), "hours": log["hours"], "kind": log["kind"],
                            "community_code": log["community_code"] or "", "beneficiaries": log["beneficiaries"],
                            "summary": log["summary"], "delivery_ref": log["delivery_ref"] or ""}
                for log in logs if own and log["shown_state"] in ("draft", "submitted")}
    findings = FINDINGS if "supervision" in await enabled_modules(ctx, code) and principal.can(FINDINGS, code) else None
    return render(request, "talent/me.html", principal, district=ctx.districts[code], worker=bundle,
                  ce=bundle["continuing_education"], logs=logs, education=bundle["education"],
                  communities=communities, delivery_refs=refs, own=own, words=WORDS, editable=editable, today=date.today(),
                  findings_url=f"/districts/{code}/supervision/findings" if findings else None)


@get(PAGE + "/me", opt=OWN, include_in_schema=False)
async def my_page(request: Request, code: str, principal: Principal) -> Template:
    """My profile, hours and records, with the forms to file logs and training."""
    return await _page(request, principal, code, await own_worker(code, principal), own=True)


@get(PAGE + "/staff", opt=STAFF, include_in_schema=False)
async def staff_page(request: Request, code: str, principal: Principal) -> Template:
    """The caller's organisation's social workers, each opening their view."""
    ctx: AppContext = request.app.state.ctx
    workers = await services.worker_view(await staff_rows(code, principal))
    return render(request, "talent/staff.html", principal, district=ctx.districts[code], workers=workers, words=WORDS)


@get(PAGE + "/staff/{worker_id:int}", opt=STAFF, include_in_schema=False)
async def staff_worker_page(request: Request, code: str, worker_id: int, principal: Principal) -> Template:
    """One of the organisation's workers, as the worker sees themselves (read-only: the API lets
    staff read, not write, a worker's records)."""
    return await _page(request, principal, code, await staff_worker(code, principal, worker_id), own=False)


ROUTES = [my_page, staff_page, staff_worker_page]
