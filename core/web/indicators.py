"""The indicator pages (two-level governance): a district's dashboard
(`/districts/{code}/indicators?at=`, a card per indicator grouped by module: value, target with its
basis, gap, status, definition and source) and the city view (`/cities/{city}/indicators?at=`, the
districts side by side with the city total, a row per indicator — a card per indicator on a
phone), with each district's submission (季度报送) of the last closed quarter. Each district
card shows the indicator's trend over the last quarters
(core.indicators_history: a tiny server-drawn SVG line and the values as a list, no script; a
submitted quarter's point is marked 已报送) and the 季度报送 block: the submitted quarters and,
for a viewer holding indicators.report.submit, the form (static/indicator_report.js). Public,
like their API (core.api.indicators): aggregates that name no person."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any

from litestar import Request, get
from litestar.response import Template

from core import indicator_reports
from core.auth import Principal
from core.context import AppContext
from core.districts import city_members
from core.errors import ApiError
from core.indicators import STATUS_LABELS, city_indicators, district_indicators, scope
from core.indicators_history import district_history, sparkline
from core.web.pages import render


def number(value: float | None, signed: bool = False) -> str:
    """A figure as read: thousands separators, no trailing zeros ("1.33", "10", "+0.5"); "—" for none."""
    if value is None:
        return "—"
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    text = "0" if text in ("-0", "") else text
    return f"+{text}" if signed and value > 0 else text.replace("-", "−")


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    """An indicator entry plus its display strings."""
    return {**row, "value_text": number(row["value"]), "target_text": number(row["target"]),
            "gap_text": number(row["gap"], signed=True),
            "sign": "≥" if row["direction"] == "at_least" else "≤"}


TREND_QUARTERS = 8


def _trend(history_row: dict[str, Any]) -> dict[str, Any]:
    """A card's trend: the points with display text, and the sparkline through their values."""
    points = [{**p, "value_text": number(p["value"])} for p in history_row["points"]]
    return {"points": points, "line": sparkline([p["value"] for p in points])}


def _day(at: date | None) -> date:
    return at or date.today()


@get("/districts/{code:str}/indicators", opt={"public": True}, include_in_schema=False)
async def district_indicators_page(request: Request, code: str, principal: Principal,
                                   at: date | None = None) -> Template:
    """指标监测: every indicator of the district at the date `at` (default today), grouped by module."""
    ctx: AppContext = request.app.state.ctx
    day = _day(at)
    with scope():  # the trend's last point and today's values read the same records once
        history = await district_history(ctx, code, day, TREND_QUARTERS)
        trends = {row["name"]: _trend(row) for row in history["indicators"]}
        rows = [_shown(row) | {"trend": trends[row["name"]]} for row in await district_indicators(ctx, code, day)]
    groups = [(key, list(items)) for key, items in groupby(rows, key=lambda r: (r["module_label"], r["module_label_en"]))]
    district = ctx.districts[code]
    return render(request, "indicators.html", principal, district=district, at=day, groups=groups,
                  city_code=district.city_code, reports=await _reports(code, principal))


async def _reports(code: str, principal: Principal) -> dict[str, Any]:
    """The 季度报送 block: the submitted quarters (latest versions), the closed quarters the form
    offers (the latest not yet submitted first), the last closed quarter when it is not submitted
    (`due`, shown to everyone) and whether the viewer may submit."""
    submitted = await indicator_reports.reports(code)
    done = {r["quarter"]: r for r in submitted}
    closed = indicator_reports.closed_quarters()
    choices = [{"quarter": q, "report": done.get(q)} for q in closed]
    first = next((c for c in choices if c["report"] is None), choices[0])
    return {"submitted": submitted, "choices": [first, *[c for c in choices if c is not first]],
            "due": None if closed[0] in done else closed[0],
            "can_submit": principal.can(indicator_reports.SUBMIT, code)}


@get("/cities/{city_code:str}/indicators", opt={"public": True}, include_in_schema=False)
async def city_indicators_page(request: Request, city_code: str, principal: Principal,
                               at: date | None = None) -> Template:
    """全市指标对比: the city's districts side by side with the city total, a row per indicator."""
    ctx: AppContext = request.app.state.ctx
    members = city_members(ctx.districts, city_code)
    day = _day(at)
    result = await city_indicators(ctx, city_code, day)
    districts = result["districts"]
    rows = [{"total": _shown(total), "cells": [_shown(d["indicators"][i]) for d in districts]}
            for i, total in enumerate(result["total"])]
    quarter = indicator_reports.last_closed_quarter()
    return render(request, "indicators_city.html", principal, city_code=city_code,
                  city_name=members[0].city_name, at=day, districts=districts, rows=rows,
                  report_quarter=quarter, report_status=await indicator_reports.city_status(ctx, city_code, quarter))


@get("/districts/{code:str}/indicators/reports/{quarter:str}", opt={"public": True}, include_in_schema=False)
async def report_page(request: Request, code: str, quarter: str, principal: Principal) -> Template:
    """One submitted quarter (季度报送) as the city reads it: the frozen figures of its latest version
    against their targets, and every version with who submitted it, when, and the correction's reason."""
    found = await indicator_reports.report(code, quarter)
    rows = [_shown({**row, "status_label": STATUS_LABELS.get(row["status"], "")}) for row in found["values"]]
    return render(request, "indicator_report.html", principal, district=request.app.state.ctx.districts[code],
                  report=found, rows=rows)


@get("/cities/{city_code:str}/indicators/reports/{quarter:str}", opt={"public": True}, include_in_schema=False)
async def city_report_page(request: Request, city_code: str, quarter: str, principal: Principal) -> Template:
    """全市季度报送对比: the districts' submitted figures of a closed quarter side by side (未报送 where a
    district has not submitted), with the total over the districts that did."""
    ctx: AppContext = request.app.state.ctx
    members = [d for d in ctx.districts.values() if d.city_code == city_code]
    if not members or indicator_reports.end_of(quarter) is None:
        raise ApiError(404, f"{city_code} {quarter} 不存在", "not_found")
    found = await indicator_reports.city_submitted(ctx, city_code, quarter)
    districts = found["districts"]
    rows = [{"total": _shown(total),
             "cells": [_shown(d["indicators"][total["name"]]) if d["indicators"] and total["name"] in d["indicators"]
                       else None for d in districts]} for total in found["total"]]
    return render(request, "indicators_city_report.html", principal, city_code=city_code,
                  city_name=members[0].city_name, quarter=quarter, districts=districts, rows=rows,
                  quarters=indicator_reports.closed_quarters())


ROUTES = [district_indicators_page, city_indicators_page, report_page, city_report_page]
