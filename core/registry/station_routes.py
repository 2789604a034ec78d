"""HTTP API of the street social-work stations (core.registry.stations), under
/api/districts/{code}/streets/{street_code}/station: read public (stations are public service
sites), written with the permission the registry's streets and communities use."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from litestar import Controller, get, patch, post

from core.auth import Principal
from core.registry import stations

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Address = Annotated[str, msgspec.Meta(max_length=200)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]
Workers = Annotated[int, msgspec.Meta(description="驻站社工数: resident social workers recorded, 0–10,000 "
                                      "(checked by the service: 422 naming the field)")]
WRITE = {"permission": stations.WRITE}


class StationCreate(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    name: Name
    opened_on: dt.date
    """建站日期 (no later than today)."""
    address: Address = ""
    resident_workers: Workers = 0
    note: Note = ""
    closed_on: dt.date | None = None
    """Only to record a station that has already closed (history); not before opened_on."""


class StationUpdate(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    name: Name | None = None
    address: Address | None = None
    opened_on: dt.date | None = None
    closed_on: dt.date | None = None
    """撤站: set the day the station closed (not before opened_on, no later than today)."""
    resident_workers: Workers | None = None
    note: Note | None = None


class Station(msgspec.Struct):
    id: int
    street_code: str
    street_name: str
    name: str
    address: str
    opened_on: dt.date
    closed_on: dt.date | None
    open: bool
    status_label: str
    resident_workers: int
    note: str
    updated_at: dt.datetime


class StreetStations(msgspec.Struct):
    street_code: str
    street_name: str
    current: Station | None
    stations: list[Station]


class StreetStation(msgspec.Struct):
    street_code: str
    street_name: str
    station: Station | None
    """the station running today, or None (未建站)"""


class DistrictStations(msgspec.Struct):
    streets: int
    """streets (乡镇/街道) in the district's registry"""
    covered: int
    """streets with a station running today"""
    coverage: float | None
    """covered / streets × 100, one decimal (None without streets): the coverage indicator's value today"""
    resident_workers: int
    """驻站社工数 summed over the running stations"""
    entries: list[StreetStation]
    """every street, those without a station first, then by code"""


@get("/api/districts/{code:str}/stations", opt={"public": True}, tags=["registry"],
     summary="Every street of the district with its running social-work station (未建站 first) and the coverage")
async def district_stations_overview(code: str) -> DistrictStations:
    found = await stations.overview(code)
    entries = [StreetStation(e["street_code"], e["street_name"], Station(**e["station"]) if e["station"] else None)
               for e in found["entries"]]
    return DistrictStations(found["streets"], found["covered"], found["coverage"], found["resident_workers"], entries)


class StationController(Controller):
    """A street's social-work station (乡镇（街道）社工站)."""

    path = "/api/districts/{code:str}/streets/{street_code:str}/station"
    tags = ["registry"]

    @get("/", opt={"public": True, "errors": (422,)},
         summary="The street's social-work station: the open one and every earlier one (422: not a street)")
    async def detail(self, code: str, street_code: str) -> StreetStations:
        found = await stations.stations(code, street_code)
        return StreetStations(street_code=found["street_code"], street_name=found["street_name"],
                              current=Station(**found["current"]) if found["current"] else None,
                              stations=[Station(**v) for v in found["stations"]])

    @post("/", opt=WRITE, summary="Record the street's station (409 while another is open)")
    async def create(self, code: str, street_code: str, data: StationCreate, principal: Principal) -> Station:
        return Station(**await stations.create(code, principal.username, street_code, msgspec.structs.asdict(data)))

    @patch("/", opt=WRITE, summary="Change the open station; closed_on closes it (撤站, never deleted)")
    async def update(self, code: str, street_code: str, data: StationUpdate, principal: Principal) -> Station:
        changes = {f: getattr(data, f) for f in data.__struct_fields__ if getattr(data, f) is not None}
        return Station(**await stations.update(code, principal.username, street_code, changes))


ROUTES = [district_stations_overview, StationController]
