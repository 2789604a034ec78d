"""Flags: the open list with filters, the dashboard, resolving or dismissing a flag
with a note, scanning now, and the page that shows them. The work is in
plugins.supervision.flags."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from litestar import Request, get, post
from litestar.params import Parameter, QueryParameter
from litestar.response import Template

from core.auth import Principal
from core.context import AppContext
from core.web.pages import language_of, render
from core.views import view
from core.paging import PageNo
from plugins.supervision import flags
from plugins.supervision import schemas as s
from plugins.supervision.states import FLAG, LABELS

BASE = "/api/districts/{code:str}/supervision"
READ = {"module": "supervision", "permission": "supervision.read"}
MANAGE = {"module": "supervision", "permission": "supervision.flag.manage"}
PAGE_SIZE = 30
State = Literal["open", "resolved", "dismissed"]
Severity = Literal["high", "medium", "low"]
StateParam = Annotated[State | None, QueryParameter(name="state")]  # `state` is a name Litestar reserves
PerPage = Annotated[int, Parameter(ge=1, le=200)]
STATES_EN = {"open": "Open", "resolved": "Resolved", "dismissed": "Dismissed"}
SEVERITIES_EN = {"high": "High", "medium": "Medium", "low": "Low"}


class NoteIn(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


def _ctx(request: Request) -> AppContext:
    return request.app.state.ctx


@get(BASE + "/flags", opt=READ, tags=["supervision"], summary="Flags raised by the rules, newest first")
async def list_flags(request: Request, code: str, flag_state: StateParam = None, rule: str | None = None,
                     organization: int | None = None, severity: Severity | None = None, page: PageNo = 1,
                     per_page: PerPage = 20) -> s.FlagPage:
    """Filter by state, rule name, organisation id and severity; {total, page, per_page, items}."""
    filters = flags.FlagFilter(flag_state, rule, organization, severity)
    return view(await flags.list_flags(_ctx(request), code, filters, page, per_page), s.FlagPage)


@get(BASE + "/flags/dashboard", opt=READ, tags=["supervision"],
     summary="Open flags counted by rule, by organisation and by age")
async def flag_dashboard(request: Request, code: str, on: dt.date | None = None) -> s.FlagDashboard:
    """Ages are counted in days up to `on` (default today, China time): <7, 7–30, 31–90, >90."""
    return view(await flags.dashboard(_ctx(request), code, on), s.FlagDashboard)


async def _handle(request: Request, code: str, flag_id: int, action: str, data: NoteIn,
                  principal: Principal) -> s.FlagView:
    return view(await flags.handle(_ctx(request), code, flag_id, action, data.note, principal.username), s.FlagView)


@post(BASE + "/flags/{flag_id:int}/resolve", opt=MANAGE, tags=["supervision"], status_code=200,
      summary="Resolve an open flag, with a note on what was done")
async def resolve_flag(request: Request, code: str, flag_id: int, data: NoteIn, principal: Principal) -> s.FlagView:
    return await _handle(request, code, flag_id, "resolve", data, principal)


@post(BASE + "/flags/{flag_id:int}/dismiss", opt=MANAGE, tags=["supervision"], status_code=200,
      summary="Dismiss an open flag (not a real problem), with a note saying why")
async def dismiss_flag(request: Request, code: str, flag_id: int, data: NoteIn, principal: Principal) -> s.FlagView:
    return await _handle(request, code, flag_id, "dismiss", data, principal)


@post(BASE + "/scan", opt=MANAGE, tags=["supervision"], status_code=200,
      summary="Run the district's supervision rules now")
async def scan_now(request: Request, code: str, principal: Principal) -> s.ScanResult:
    """{district_code, today, raised, seen, rules: {name: {title, raised, seen, error}}, errors}."""
    return view(await flags.scan(_ctx(request), code, actor=principal.username), s.ScanResult)


# --- the page ------------------------------------------------------------------------------


def _day(moment: dt.datetime | None) -> str:
    return moment.astimezone(flags.CHINA_TIME).strftime("%Y-%m-%d %H:%M") if moment else ""


def _choice(value: str | None, allowed) -> str | None:
    return value if value in allowed else None


@get("/districts/{code:str}/supervision/flags", opt=READ, include_in_schema=False)
async def flags_page(request: Request, code: str, principal: Principal,
                     flag_state: Annotated[str | None, QueryParameter(name="state")] = "open",
                     rule: str | None = None, organization: int | None = None, severity: str | None = None,
                     page: PageNo = 1) -> Template:
    """Dashboard, the filtered list and, for supervisors, resolve / dismiss / scan buttons."""
    ctx = _ctx(request)
    rules = await flags.district_rules(ctx, code)
    filters = flags.FlagFilter(_choice(flag_state, FLAG), rule or None, organization,
                               _choice(severity, flags.SEVERITIES))
    found = await flags.list_flags(ctx, code, filters, page, PAGE_SIZE)
    for item in found["items"]:
        item["raised_on"] = _day(item["raised_at"])
    last_run = await flags.last_run(code)
    if last_run:
        last_run["finished_on"] = _day(last_run["finished_at"])
    english = language_of(request) == "en"
    return render(request, "supervision/flags.html", principal, district=ctx.districts[code], filters=filters,
                  board=await flags.dashboard(ctx, code), found=found, rules=rules, last_run=last_run,
                  pages=max(1, -(-found["total"] // PAGE_SIZE)), can_manage=principal.can(MANAGE["permission"], code),
                  state_labels=STATES_EN if english else {s: LABELS[s] for s in FLAG},
                  severity_labels=SEVERITIES_EN if english else flags.SEVERITIES)


ROUTES = [list_flags, flag_dashboard, resolve_flag, dismiss_flag, scan_now, flags_page]
