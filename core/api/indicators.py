"""The indicator API (two-level governance): a district's indicators and a city's districts side
by side with the city total, at a date (`?at=YYYY-MM-DD`, default today in Beijing). Public: these
are aggregates over registry records and name no person."""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import Request, get

from core.context import AppContext
from core.errors import ApiError
from core.indicators import city_indicators, district_indicators


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
    members = [d for d in ctx.districts.values() if d.city_code == city_code]
    if not members:
        raise ApiError(404, f"市级代码 {city_code} 不存在", "unknown_city")
    day = at or date.today()
    result = await city_indicators(ctx, city_code, day)
    districts = [CityDistrict(d["code"], d["name"], d["name_en"], _values(d["indicators"])) for d in result["districts"]]
    return CityIndicators(city_code, members[0].city_name, day, districts, _values(result["total"]))


ROUTES = [get_district_indicators, get_city_indicators]
