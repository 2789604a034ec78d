"""Who takes part: `GET …/participation/stats?year=` (participation.read) and its page with
tables and bar charts. The work is in plugins.participation.stats."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Request, get
from litestar.params import Parameter
from litestar.response import Template

from core.auth import Principal
from core.dates import BEIJING, utc_now
from core.tables import Community
from core.web.pages import render
from plugins.participation.stats import who_takes_part

READ = {"module": "participation", "permission": "participation.read"}
Year = Annotated[int | None, Parameter(ge=2000, le=2100)]


class Group(msgspec.Struct):
    key: str
    participants: int
    attendances: int


class Figures(msgspec.Struct):
    participants: int
    attendances: int
    by_community: list[Group]
    by_field: list[Group]
    by_age: list[Group]
    known_age: int
    share_under_40: float | None


class WhoTakesPart(msgspec.Struct):
    year: int
    current: Figures
    previous: Figures


def _year(year: int | None) -> int:
    return year or utc_now().astimezone(BEIJING).year


@get("/api/districts/{code:str}/participation/stats", opt=READ, tags=["participation"],
     summary="Who takes part: participants and attendances by community, field and age band")
async def stats(code: str, year: Year = None) -> WhoTakesPart:
    """`year` is a Beijing calendar year (default this one); `previous` is the year before, for
    the trend. `share_under_40` is of participants with a known age (null when none)."""
    return msgspec.convert(await who_takes_part(code, _year(year)), WhoTakesPart)


@get("/districts/{code:str}/participation/stats", opt=READ, include_in_schema=False)
async def stats_page(request: Request, code: str, principal: Principal, year: Year = None) -> Template:
    data = await who_takes_part(code, _year(year))
    current, previous = data["current"], data["previous"]
    before = {k: {g["key"]: g["participants"] for g in previous[k]} for k in ("by_age", "by_community", "by_field")}
    charts_rows = {"age": [(g["key"], g["participants"]) for g in current["by_age"]],
                   "field": [(g["key"], g["attendances"]) for g in current["by_field"]]}
    codes = sorted({g["key"] for f in (current, previous) for g in f["by_community"]}) or [""]
    communities = {r["code"]: r["name"] for r in await Community.select(Community.code, Community.name).where(
        (Community.district_code == code) & Community.code.is_in(codes))}
    return render(request, "participation/stats.html", principal, district=request.app.state.ctx.districts[code],
                  s=data, before=before, charts_rows=charts_rows, communities=communities)


ROUTES = [stats, stats_page]
