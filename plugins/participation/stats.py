"""Who takes part (参与统计): for a Beijing year, participants (distinct users with an attended
sign-up) and attendances, by community, by field and by age band, and the share of participants
under 40 — beside the same figures for the previous year, so a district sees whether the
"老人团" is getting younger. Ages come from the registry person of the sign-up (Person.birth_date
of Signup.person_id), at the activity's Beijing date; a sign-up without a person counts as "未知".
A participant's band is their age at their first attendance of the year; each attendance uses
its own age. Dates are worked out in Python so SQLite and PostgreSQL agree."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from core import db
from core.dates import BEIJING, beijing_date
from core.tables import Person
from plugins.participation.glossary import AGE_BANDS
from plugins.participation.tables import Signup

UNKNOWN = "未知"
BANDS = (*AGE_BANDS, UNKNOWN)
NO_COMMUNITY = "（未指定社区）"


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def band(age: int | None) -> str:
    if age is None:
        return UNKNOWN
    if age < 30:
        return AGE_BANDS[0]
    return AGE_BANDS[min((age - 30) // 10 + 1, 4)]


async def _attendances(district_code: str, year: int) -> list[dict[str, Any]]:
    start = datetime(year, 1, 1, tzinfo=BEIJING) - timedelta(days=1)
    end = datetime(year + 1, 1, 1, tzinfo=BEIJING) + timedelta(days=1)
    starts = Signup.activity.starts_at
    async with db.read_together():
        rows = await Signup.select(
            Signup.user_id, Signup.person_id, starts.as_alias("starts_at"),
            Signup.activity.community_code.as_alias("community"), Signup.activity.field.as_alias("field")).where(
            (Signup.district_code == district_code) & (Signup.state == "attended") & (starts >= start)
            & (starts < end))
        ids = sorted({r["person_id"] for r in rows if r["person_id"] is not None})
        born = {p["id"]: p["birth_date"] for p in await Person.select(Person.id, Person.birth_date).where(
            Person.id.is_in(ids))} if ids else {}
    out = []
    for r in rows:
        day = beijing_date(r["starts_at"])
        if day.year != year:
            continue
        birth = born.get(r["person_id"])
        out.append({**r, "day": day, "band": band(age_on(birth, day) if birth else None)})
    return out


def _figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    first_band: dict[int, str] = {}
    for r in sorted(rows, key=lambda r: r["day"]):
        first_band.setdefault(r["user_id"], r["band"])
    groups: dict[str, dict[str, tuple[set, list]]] = {k: defaultdict(lambda: (set(), [])) for k in
                                                     ("community", "field")}
    for r in rows:
        for key in ("community", "field"):
            users, hits = groups[key][r[key] or NO_COMMUNITY]
            users.add(r["user_id"])
            hits.append(1)
    by_age = []
    for b in BANDS:
        by_age.append({"key": b, "participants": sum(1 for v in first_band.values() if v == b),
                       "attendances": sum(1 for r in rows if r["band"] == b)})
    known = [v for v in first_band.values() if v != UNKNOWN]
    young = sum(1 for v in known if v in AGE_BANDS[:2])
    return {"participants": len(first_band), "attendances": len(rows),
            "by_community": [{"key": k, "participants": len(u), "attendances": len(h)}
                             for k, (u, h) in sorted(groups["community"].items())],
            "by_field": [{"key": k, "participants": len(u), "attendances": len(h)}
                         for k, (u, h) in sorted(groups["field"].items())],
            "by_age": by_age, "known_age": len(known),
            "share_under_40": round(young / len(known), 4) if known else None}


async def who_takes_part(district_code: str, year: int) -> dict[str, Any]:
    return {"year": year, "current": _figures(await _attendances(district_code, year)),
            "previous": _figures(await _attendances(district_code, year - 1))}
