"""The indicator API (two-level governance): a district's indicators and a city's districts side
by side with the city total, at a date (`?at=YYYY-MM-DD`, default today in Beijing). Public: these
are aggregates over registry records and name no person."""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import Request, Response, get

from core.context import AppContext
from core.errors import invalid
from core.indicators import city_indicators, district_indicators
from core.indicators_history import MAX_QUARTERS, district_history
from core.districts import city_members
from core.indicators_xlsx import XLSX, city_workbook, download


class IndicatorValue(msgspec.Struct):
    name: str
    module: str
    module_label: str
    module_label_en: str
    label: str
    label_en: str
    definition: str
    unit: str
    source: str
    target: float | None
    target_basis: str
    direction: str
    enabled: bool
    value: float | None
    numerator: float | None
    denominator: float | None
    gap: float | None
    met: bool | None
    status: str
    """met | unmet | no_target | no_data (denominator 0) | off (module not enabled)"""
    status_label: str
    records_url: str | None = None
    """the page listing the records behind a district's value (None for a city total or where off)"""


class DistrictIndicators(msgspec.Struct):
    code: str
    name: str
    name_en: str
    at: date
    indicators: list[IndicatorValue]


class CityDistrict(msgspec.Struct):
    code: str
    name: str
    name_en: str
    indicators: list[IndicatorValue]


class CityIndicators(msgspec.Struct):
    city_code: str
    city_name: str
    at: date
    districts: list[CityDistrict]
    total: list[IndicatorValue]
    """Σnumerators / Σdenominators over the districts where the indicator is enabled, against the
    default target."""


class HistoryPoint(msgspec.Struct):
    quarter: str
    """"2026Q3": the quarter the date falls in"""
    at: date
    """the quarter's last day, or the requested date for the current quarter"""
    value: float | None
    target: float | None
    met: bool | None
    status: str
    reported: bool = False
    """the district has submitted this quarter (季度报送): its frozen figures, not a computation"""


class IndicatorHistory(msgspec.Struct):
    name: str
    module: str
    label: str
    label_en: str
    unit: str
    direction: str
    enabled: bool
    """enabled on the requested date's module state (module state has no history)"""
    points: list[HistoryPoint]


class QuarterEnd(msgspec.Struct):
    quarter: str
    at: date


class DistrictHistory(msgspec.Struct):
    code: str
    name: str
    name_en: str
    at: date
    quarters: list[QuarterEnd]
    indicators: list[IndicatorHistory]


def _values(rows: list[dict]) -> list[IndicatorValue]:
    return [IndicatorValue(**row) for row in rows]


@get("/api/districts/{code:str}/indicators", opt={"public": True}, tags=["indicators"],
     summary="The district's indicators at a date, with targets, gaps and whether they are met")
async def get_district_indicators(request: Request, code: str, at: date | None = None) -> DistrictIndicators:
    """Every registered indicator: value = numerator / denominator as the records stood on `at`
    (default today, Beijing time); the target is the district file's override or the default;
    an indicator of a module the district has not enabled reads 未启用 (`status` off)."""
    ctx: AppContext = request.app.state.ctx
    day = at or date.today()
    district = ctx.districts[code]
    rows = await district_indicators(ctx, code, day)
    return DistrictIndicators(code, district.name, district.name_en, day, _values(rows))


@get("/api/cities/{city_code:str}/indicators", opt={"public": True}, tags=["indicators"],
     summary="A city's districts' indicators side by side, and the city total")
async def get_city_indicators(request: Request, city_code: str, at: date | None = None) -> CityIndicators:
    """Each district of the city with its indicators at `at` (default today, Beijing time) and the
    city total per indicator (population-weighted where the denominator is population); 404 for a
    city with no district here."""
    ctx: AppContext = request.app.state.ctx
    members = city_members(ctx.districts, city_code)
    day = at or date.today()
    result = await city_indicators(ctx, city_code, day)
    districts = [CityDistrict(d["code"], d["name"], d["name_en"], _values(d["indicators"])) for d in result["districts"]]
    return CityIndicators(city_code, members[0].city_name, day, districts, _values(result["total"]))


@get("/api/districts/{code:str}/indicators/history", opt={"public": True, "errors": (422,)}, tags=["indicators"],
     summary="The district's indicators at each quarter end (quarterly history)")
async def get_district_history(request: Request, code: str, at: date | None = None,
                               quarters: int = 8) -> DistrictHistory:
    """Each indicator's value, target and status at the last `quarters` (1–12) Beijing quarter
    ends up to `at` (default today), oldest first; the current quarter is measured at `at` itself.
    Each point equals `/api/districts/{code}/indicators?at=` for that date."""
    if not 1 <= quarters <= MAX_QUARTERS:
        raise invalid([("quarters", f"季度数应在 1 到 {MAX_QUARTERS} 之间")])
    ctx: AppContext = request.app.state.ctx
    day = at or date.today()
    district = ctx.districts[code]
    history = await district_history(ctx, code, day, quarters)
    return DistrictHistory(
        code, district.name, district.name_en, day, [QuarterEnd(**q) for q in history["quarters"]],
        [IndicatorHistory(**{**row, "points": [HistoryPoint(**p) for p in row["points"]]})
         for row in history["indicators"]])


@get("/api/cities/{city_code:str}/indicators.xlsx", opt={"public": True, "downloads": (XLSX,)}, tags=["indicators"],
     summary="The city's indicators as XLSX, a sheet per indicator (for a report to the city government)")
async def get_city_indicators_xlsx(request: Request, city_code: str, at: date | None = None) -> Response[bytes]:
    """A sheet per indicator: its definition, source, unit and target basis in the header rows, then
    the districts as rows (value, target, gap, status, numerator, denominator) and the city total
    last; 404 for a city with no district here."""
    ctx: AppContext = request.app.state.ctx
    members = city_members(ctx.districts, city_code)
    day = at or date.today()
    body = city_workbook(members[0].city_name, day, await city_indicators(ctx, city_code, day))
    return download(body, f"indicators-{city_code}-{day.isoformat()}", f"{members[0].city_name}指标-{day.isoformat()}")


ROUTES = [get_district_indicators, get_city_indicators, get_district_history, get_city_indicators_xlsx]
