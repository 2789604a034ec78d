"""The procurement dashboard: a district's figures (API and page) and the city view — each
district of the city the caller may read, side by side, with their total (API and page). The
figures and their definitions are in plugins.procurement.dashboard; charts are drawn on the
server (core's charts.html), each with the same numbers in a table."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import Parameter
from litestar.response import Template

from core.auth import Principal
from core.context import AppContext
from core.errors import ApiError, refused
from core.modules import enabled_modules
from core.views import view
from core.web.pages import language_of, render
from plugins.procurement import MODULE, dashboard, needs
from plugins.procurement import dashboard_schemas as s

READ = "procurement.read"
DISTRICT_OPT = {"module": MODULE, "permission": READ}
CITY_OPT = {"permission": READ, "errors": (404,)}
TAGS = ["procurement"]
OFF = "未启用"
Years = Annotated[int, Parameter(ge=1, le=20, description="How many Beijing years, ending with `until`")]
Until = Annotated[int | None, Parameter(ge=2000, le=2100, description="The last year (default: this Beijing year)")]


def _ctx(request: Request) -> AppContext:
    return request.app.state.ctx


def _district(ctx: AppContext, code: str) -> dict[str, str]:
    d = ctx.districts[code]
    return {"district_code": code, "district_name": d.name, "district_name_en": d.name_en or d.name}


async def district_view(ctx: AppContext, code: str, years: int, until: int | None) -> dict[str, Any]:
    window = dashboard.year_window(years, until)
    needs_on = await needs.offered(ctx, code, []) is not None
    return {**_district(ctx, code), **await dashboard.district_dashboard(code, window, dashboard.beijing_today(),
                                                                         needs_on)}


async def city_view(ctx: AppContext, principal: Principal, city: str, years: int, until: int | None
                    ) -> dict[str, Any]:
    """The city's districts the caller may read (404 for an unknown city, 403 when none), those
    enabling procurement with their figures and the others marked 未启用, and the total."""
    districts = [d for d in ctx.districts.values() if d.city_code == city]
    if not districts:
        raise ApiError(404, f"城市代码 {city} 不存在", "unknown_city")
    allowed = principal.districts_where(READ)
    readable = [d.code for d in districts if allowed is None or d.code in allowed]
    if not readable:
        raise refused("只能查看本市的政府购买服务统计")
    enabled = [code for code in readable if MODULE in await enabled_modules(ctx, code)]
    window = dashboard.year_window(years, until)
    needs_on = {code for code in enabled if await needs.offered(ctx, code, []) is not None}
    found = await dashboard.combined_dashboard(enabled, window, dashboard.beijing_today(), needs_on)
    return {"city_code": city, "city_name": districts[0].city_name, "years": window, "total": found["total"],
            "districts": [{**_district(ctx, code), "enabled": code in enabled, "status": "" if code in enabled else OFF,
                           "figures": found["districts"].get(code)} for code in readable]}


@get("/api/districts/{code:str}/procurement/dashboard", opt=DISTRICT_OPT, tags=TAGS,
     summary="The district's procurement dashboard: spend by field and year, providers and their concentration, "
             "on-time milestones, outcome scores, needs answered, projects by stage")
async def district_dashboard(request: Request, code: str, years: Years = dashboard.DEFAULT_YEARS,
                             until: Until = None) -> s.ProcurementDashboard:
    return view(await district_view(_ctx(request), code, years, until), s.ProcurementDashboard)


@get("/api/procurement/dashboard", opt=CITY_OPT, tags=TAGS,
     summary="The city view: each district of the city the caller may read side by side (未启用 where procurement "
             "is off) with their total")
async def city_dashboard(request: Request, principal: Principal, city: Annotated[str, Parameter(max_length=6)],
                         years: Years = dashboard.DEFAULT_YEARS, until: Until = None) -> s.CityProcurementDashboard:
    return view(await city_view(_ctx(request), principal, city, years, until), s.CityProcurementDashboard)


# --- pages ---------------------------------------------------------------------------


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def chart_rows(board: dict[str, Any], zh: bool) -> dict[str, list[tuple[str, Any]]]:
    """The (label, value) rows of each chart: money in 万元, shares in per cent."""
    def year(y: int) -> str:
        return f"{y}年" if zh else str(y)

    def wan(yuan: float) -> float:
        return round(yuan / 10000, 2)

    spend = board["spend"]
    return {
        "contracted": [(year(r["year"]), wan(r["contracted_yuan"])) for r in spend["years"]],
        "paid": [(year(r["year"]), wan(r["paid_yuan"])) for r in spend["years"]],
        "fields": [(f["field"] if zh else f["label_en"], wan(f["contracted_yuan"])) for f in spend["fields"]],
        "providers": [(year(r["year"]), r["providers"]) for r in board["providers"]],
        "concentration": [(year(r["year"]), _percent(r["top3_share"])) for r in board["providers"]],
        "on_time": [(year(r["year"]), _percent(r["on_time_share"])) for r in board["milestones"]["years"]],
        "scores": [(year(r["year"]), r["mean_score"]) for r in board["outcomes"]],
        "stages": [(r["label"] if zh else r["label_en"], r["projects"]) for r in board["stages"]],
    }


def _page(request: Request, name: str, principal: Principal, board: dict[str, Any], **context: Any) -> Template:
    return render(request, name, principal, board=board, rows=chart_rows(board, language_of(request) != "en"),
                  **context)


@get("/districts/{code:str}/procurement/dashboard", opt=DISTRICT_OPT, include_in_schema=False)
async def district_page(request: Request, code: str, principal: Principal, years: Years = dashboard.DEFAULT_YEARS,
                        until: Until = None) -> Template:
    """The district's dashboard: key figures, charts and their tables."""
    ctx = _ctx(request)
    return _page(request, "procurement/dashboard.html", principal, await district_view(ctx, code, years, until),
                 district=ctx.districts[code])


@get("/cities/{city_code:str}/procurement", opt={"permission": READ}, include_in_schema=False)
async def city_page(request: Request, city_code: str, principal: Principal, years: Years = dashboard.DEFAULT_YEARS,
                    until: Until = None) -> Template:
    """The city view: districts side by side and the city total."""
    city = await city_view(_ctx(request), principal, city_code, years, until)
    return _page(request, "procurement/dashboard_city.html", principal, city["total"], city=city)


ROUTES = [district_dashboard, city_dashboard, district_page, city_page]
