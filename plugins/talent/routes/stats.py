"""Workforce statistics: a district's figures as JSON, the city view (each district
the caller may read, side by side), the dashboard page with server-drawn SVG charts
(the roster pages are in roster_pages.py). The numbers come from plugins.talent.stats."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, get
from litestar.response import Template

from core.auth import Principal
from core.context import AppContext
from core.errors import ApiError
from core.modules import enabled_modules
from core.web.pages import language_of, render
from core.views import view
from plugins.talent.glossary import (AGE_BANDS, EDUCATION_LEVELS, NATIONAL_STATES, POST_TYPES, QUALIFICATIONS,
                                     REGISTRATION_STATES, WORKER_STATUSES)
from plugins.talent import schemas as s
from plugins.talent.routes._common import BASE, MODULE
from plugins.talent.stats import combined_stats, district_stats

READ = "talent.stats.read"
STATS_OPT = {**MODULE, "permission": READ}
GENDERS_EN = {"男": "Male", "女": "Female"}


def _ctx(request: Request) -> AppContext:
    return request.app.state.ctx


@get(BASE + "/stats", opt=STATS_OPT, tags=["talent"], summary="Workforce structure statistics of a district")
async def district_statistics(request: Request, code: str, on: dt.date | None = None) -> s.DistrictStatistics:
    """Counts and shares over active (在岗) workers on `on` (default today); see plugins.talent.stats."""
    return view(await district_stats(_ctx(request), code, on or dt.date.today()), s.DistrictStatistics)


async def readable_districts(ctx: AppContext, principal: Principal, city: str | None) -> list[str]:
    """Districts of the city (all cities when None) that enable talent and whose statistics the caller may read."""
    if city is not None and not any(d.city_code == city for d in ctx.districts.values()):
        raise ApiError(404, f"城市代码 {city} 不存在", "unknown_city")
    allowed = principal.districts_where(READ)
    return [code for code, d in ctx.districts.items()
            if (allowed is None or code in allowed) and (city is None or d.city_code == city)
            and "talent" in await enabled_modules(ctx, code)]


@get("/api/talent/stats", opt={"permission": READ, "errors": (404,)}, tags=["talent"],
     summary="Workforce statistics of every district the caller may read, side by side")
async def city_statistics(request: Request, principal: Principal, city: str | None = None,
                          on: dt.date | None = None) -> s.CityStatistics:
    """The districts (in code order) that enable talent and that the caller may read, and their total."""
    ctx = _ctx(request)
    codes = await readable_districts(ctx, principal, city)
    return view({"city": city, **await combined_stats(ctx, codes, on or dt.date.today())}, s.CityStatistics)


# --- pages ---------------------------------------------------------------------------


def _labels(lang: str) -> dict[str, str]:
    """Display label of every stored value the page shows (the value itself in Chinese)."""
    if lang != "en":
        return {}
    return {**EDUCATION_LEVELS, **QUALIFICATIONS, **POST_TYPES, **WORKER_STATUSES, **GENDERS_EN, "未注明": "Not stated",
            **REGISTRATION_STATES, **dict(NATIONAL_STATES.values())}


def trend_chart(points: list[dict[str, Any]], lang: str, width: int = 560, height: int = 220) -> dict[str, Any]:
    """Geometry of the trend line: the axis range and each point's position and label. The axis
    starts near the lowest value so that a change shows; when it does not start at 0 the chart
    says so (`broken`: a break mark on the axis and the words 纵轴未从 0 开始)."""
    left, right, top, bottom = 48, 16, 16, 34
    values = [p["workers"] for p in points]
    low, high = min(values, default=0), max(values, default=0)
    pad = max(1, round((high - low) * 0.25))
    low, high = max(0, low - pad), high + pad
    step = (width - left - right) / max(len(points) - 1, 1)
    out = []
    for i, p in enumerate(points):
        x = left + i * step
        y = top + (high - p["workers"]) / (high - low) * (height - top - bottom)
        month = int(p["month"][5:])
        label = f"{month}月" if lang != "en" else dt.date(2000, month, 1).strftime("%b")
        out.append({**p, "x": round(x, 1), "y": round(y, 1), "label": label})
    return {"width": width, "height": height, "left": left, "top": top, "bottom": height - bottom,
            "right": width - right, "low": low, "high": high, "points": out, "broken": low > 0,
            "note": "纵轴未从 0 开始" if lang != "en" else "Axis does not start at 0",
            "line": " ".join(f"{p['x']},{p['y']}" for p in out)}


@get("/districts/{code:str}/talent/stats", opt=STATS_OPT, include_in_schema=False)
async def stats_page(request: Request, code: str, principal: Principal, on: dt.date | None = None) -> Template:
    """The dashboard: key figures, age pyramid, education, qualification and trend charts, and their tables."""
    ctx = _ctx(request)
    lang = language_of(request)
    stats = await district_stats(ctx, code, on or dt.date.today())
    return render(request, "talent/stats.html", principal, district=ctx.districts[code], stats=stats,
                  labels=_labels(lang), age_bands=list(reversed(AGE_BANDS)), trend=trend_chart(stats["trend"], lang))


ROUTES = [district_statistics, city_statistics, stats_page]
