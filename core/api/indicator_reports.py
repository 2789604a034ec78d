"""The quarterly-submission API (季度报送, core.indicator_reports): a district submits a closed
quarter's indicator figures to the city (frozen; a correction is a new version with a reason);
anyone reads a district's submissions and a city's submission status per district — the same
public aggregates as the dashboard; the submitter is shown only as a masked name."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar import Request, Response, get, post

from core import indicator_reports as reports
from core.auth import Principal
from core.context import AppContext
from core.errors import invalid
from core.districts import city_members
from core.indicators_xlsx import XLSX, download, submitted_workbook

Text = Annotated[str, msgspec.Meta(max_length=2000)]
Quarter = Annotated[str, msgspec.Meta(max_length=16, description="季度, YYYYQn such as 2026Q3 (a closed quarter "
                                      "of the last 12; checked by the service: 422 naming the field)")]


class ReportSubmit(msgspec.Struct, forbid_unknown_fields=True):
    quarter: Quarter
    note: Text = ""
    """说明 sent with the figures (optional)."""
    reason: Text = ""
    """更正原因: required when the quarter has already been submitted (the new report is the next version)."""


class ReportValue(msgspec.Struct):
    """One indicator as submitted (the dashboard's figure on the quarter's last day)."""

    name: str
    module: str
    label: str
    label_en: str
    unit: str
    direction: str
    value: float | None
    numerator: float | None
    denominator: float | None
    target: float | None
    target_basis: str
    gap: float | None
    met: bool | None
    status: str
    enabled: bool


class ReportVersion(msgspec.Struct):
    version: int
    """1 = the first submission, 2+ = corrections"""
    submitted_by: str
    """the submitter's masked name (张*)"""
    submitted_at: datetime
    """UTC"""
    reason: str
    note: str


class IndicatorReport(msgspec.Struct):
    """A quarter's latest version with its figures, and every version, newest first."""

    district_code: str
    quarter: str
    quarter_end: date
    version: int
    submitted_by: str
    submitted_at: datetime
    reason: str
    note: str
    values: list[ReportValue]
    versions: list[ReportVersion]


class ReportSummary(msgspec.Struct):
    quarter: str
    quarter_end: date
    version: int
    """the latest version"""
    versions: int
    """how many versions were submitted"""
    submitted_by: str
    submitted_at: datetime
    reason: str
    note: str


class DistrictReports(msgspec.Struct):
    code: str
    name: str
    name_en: str
    reports: list[ReportSummary]
    """every submitted quarter, newest first"""
    unsubmitted: list[str]
    """the closed quarters that may still be submitted (the last 12), newest first"""


class CityReportDistrict(msgspec.Struct):
    code: str
    name: str
    name_en: str
    submitted: bool
    status_label: str
    """已报送 | 未报送"""
    version: int | None = None
    submitted_at: datetime | None = None
    values: list[ReportValue] | None = None


class CityReports(msgspec.Struct):
    city_code: str
    city_name: str
    quarter: str
    quarter_end: date
    districts: list[CityReportDistrict]


def _report(found: dict) -> IndicatorReport:
    return IndicatorReport(**{**found, "values": [ReportValue(**v) for v in found["values"]],
                              "versions": [ReportVersion(**v) for v in found["versions"]]})


BASE = "/api/districts/{code:str}/indicators/reports"


@post(BASE, opt={"permission": reports.SUBMIT, "errors": (409, 422)}, tags=["indicators"],
      summary="Submit a closed quarter's indicator figures to the city (季度报送), or correct them with a reason")
async def submit_report(request: Request, code: str, data: ReportSubmit, principal: Principal) -> IndicatorReport:
    """Freezes the district's indicators on the quarter's last day as a report; a quarter already
    submitted needs `reason` and becomes the next version (nothing is overwritten). 422 names the
    field (quarter not YYYYQn, not closed, older than 12 quarters; reason missing); 409 when another
    submission of the quarter was stored at the same moment."""
    ctx: AppContext = request.app.state.ctx
    return _report(await reports.submit(ctx, code, principal.username, data.quarter, data.note, data.reason))


@get(BASE, opt={"public": True}, tags=["indicators"],
     summary="The district's submitted quarters (latest version of each) and the quarters not yet submitted")
async def list_reports(request: Request, code: str) -> DistrictReports:
    """Every quarter's latest version, newest first, with the number of versions."""
    ctx: AppContext = request.app.state.ctx
    district = ctx.districts[code]
    found = await reports.reports(code)
    done = {r["quarter"] for r in found}
    return DistrictReports(code, district.name, district.name_en, [ReportSummary(**r) for r in found],
                           [q for q in reports.closed_quarters() if q not in done])


@get(BASE + "/{quarter:str}", opt={"public": True}, tags=["indicators"],
     summary="A quarter's submitted figures (latest version) and its versions (404: never submitted)")
async def get_report(code: str, quarter: str) -> IndicatorReport:
    """The latest version's figures, and who (masked) submitted each version, when (UTC) and why."""
    return _report(await reports.report(code, quarter))


@get("/api/cities/{city_code:str}/indicators/reports", opt={"public": True, "errors": (422,)}, tags=["indicators"],
     summary="Each district of the city: the quarter submitted (version, time, figures) or 未报送")
async def city_reports(request: Request, city_code: str, quarter: str | None = None) -> CityReports:
    """`quarter` (YYYYQn) defaults to the last closed quarter; 404 for a city with no district here."""
    ctx: AppContext = request.app.state.ctx
    city_name, chosen, end = _city_quarter(ctx, city_code, quarter)
    rows = await reports.city_status(ctx, city_code, chosen)
    districts = [CityReportDistrict(**{**r, "values": [ReportValue(**v) for v in r["values"]] if r["values"] else None})
                 for r in rows]
    return CityReports(city_code, city_name, chosen, end, districts)


def _city_quarter(ctx: AppContext, city_code: str, quarter: str | None) -> tuple[str, str, date]:
    """(the city's name, the quarter asked or the last closed one, its last day); 404 for a city with
    no district here, 422 on `quarter` when it is not YYYYQn."""
    members = city_members(ctx.districts, city_code)
    chosen = quarter or reports.last_closed_quarter()
    end = reports.end_of(chosen)
    if end is None:
        raise invalid([("quarter", "季度格式应为 YYYYQn，如 2026Q3")])
    return members[0].city_name, chosen, end


@get("/api/cities/{city_code:str}/indicators/reports.xlsx", opt={"public": True, "errors": (422,), "downloads": (XLSX,)},
     tags=["indicators"], summary="The districts' submitted figures of a quarter as XLSX, a sheet per indicator")
async def city_reports_xlsx(request: Request, city_code: str, quarter: str | None = None) -> Response[bytes]:
    """The report to the city government from what the districts submitted (季度报送): a sheet per
    indicator with each district's frozen figures, status and version (未报送 rows empty) and the
    total of the districts that submitted. `quarter` defaults to the last closed quarter."""
    ctx: AppContext = request.app.state.ctx
    city_name, chosen, end = _city_quarter(ctx, city_code, quarter)
    body = submitted_workbook(city_name, chosen, end, await reports.city_submitted(ctx, city_code, chosen))
    return download(body, f"indicator-reports-{city_code}-{chosen}", f"{city_name}季度报送-{chosen}")


ROUTES = [submit_report, list_reports, get_report, city_reports, city_reports_xlsx]
