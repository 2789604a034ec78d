"""Workforce structure statistics (人才队伍结构统计): how many social workers a district
has for its population, their qualifications, education, age and posts, and how the
active roster moved over the last twelve months.

The computation is pure functions over plain rows (`structure`, `trend`), so a test
can compute the expected numbers by hand; `district_stats` and `combined_stats` load
the rows and call them. Definitions, one place for all of them:

- *active* means status 在岗 now; every count and share below is over active workers;
- `on` (default today) is the reference date for ages, the registration window and
  the trend's last point; the other profile fields have no history, so they are the
  current roster's values;
- a share is a count divided by the active workers, 0–1 rounded to 3 decimals, and 0
  when there are no active workers; `per_10k_residents` is 0 when the population is 0;
- ages are whole years on `on` from the person's birth date (a birthday on `on` counts);
- a worker's community is `employer_community_code`, else the employing organisation's
  community, else none (reported under the code `null`);
- `trend` gives the active workers at the end of each of the 12 months ending with
  `on`'s month (the last point is `on` itself), from the status history (see `status_on`).
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from core.context import AppContext
from core.tables import Community, Organization, Person
from plugins.talent.glossary import AGE_BANDS, EDUCATION_LEVELS, POST_TYPES, QUALIFICATIONS, VOCATIONAL_OR_BELOW
from plugins.talent.services import age_on
from plugins.talent.tables import SocialWorker, StatusChange

ACTIVE = "在岗"
GENDERS = ("男", "女")
DUE_WITHIN_DAYS = 90
TREND_MONTHS = 12


def age_band(age: int) -> str:
    """One of AGE_BANDS: <30, 30-39, 40-49, 50+."""
    return "<30" if age < 30 else "30-39" if age < 40 else "40-49" if age < 50 else "50+"


def share(part: int, whole: int) -> float:
    """part / whole rounded to 3 decimals; 0 when there is nothing to divide by."""
    return round(part / whole, 3) if whole else 0.0


def per_10k(workers: int, population: int) -> float:
    """Workers per 10,000 residents, 2 decimals; 0 when the population is unknown."""
    return round(workers * 10000 / population, 2) if population else 0.0


def _ordered(counts: Counter, vocabulary: Iterable[str]) -> dict[str, int]:
    """Every glossary value in glossary order (zeros kept), then any value outside it."""
    out = {value: counts.get(value, 0) for value in vocabulary}
    out.update({value: n for value, n in sorted(counts.items(), key=lambda kv: str(kv[0])) if value not in out})
    return out


def structure(workers: Iterable[dict[str, Any]], on: date, population: int) -> dict[str, Any]:
    """The structure of the active roster on `on`.

    Each worker row needs: status, qualification, education, social_work_major, post_type,
    community_code, gender, birth_date, registration_expires.
    """
    active = [w for w in workers if w["status"] == ACTIVE]
    total = len(active)
    bands = [age_band(age_on(w["birth_date"], on)) for w in active]
    pyramid = {band: {g: 0 for g in GENDERS} for band in AGE_BANDS}
    for band, w in zip(bands, active):
        pyramid[band][w["gender"]] = pyramid[band].get(w["gender"], 0) + 1
    certified = sum(1 for w in active if w["qualification"] != "无")
    vocational = sum(1 for w in active if w["education"] in VOCATIONAL_OR_BELOW)
    aged_40_plus = sum(1 for band in bands if band in ("40-49", "50+"))
    due_by = on + timedelta(days=DUE_WITHIN_DAYS)
    expiries = [w["registration_expires"] for w in active if w["registration_expires"] is not None]
    major = sum(1 for w in active if w["social_work_major"])
    return {
        "on": on.isoformat(),
        "workers": total,
        "population": population,
        "per_10k_residents": per_10k(total, population),
        "certified": certified,
        "share_certified": share(certified, total),
        "by_qualification": _ordered(Counter(w["qualification"] for w in active), QUALIFICATIONS),
        "by_education": _ordered(Counter(w["education"] for w in active), EDUCATION_LEVELS),
        "share_vocational_or_below": share(vocational, total),
        "by_age_band": _ordered(Counter(bands), AGE_BANDS),
        "by_age_band_gender": pyramid,
        "share_40_plus": share(aged_40_plus, total),
        "social_work_major": major,
        "share_social_work_major": share(major, total),
        "by_post_type": _ordered(Counter(w["post_type"] for w in active), POST_TYPES),
        "by_gender": _ordered(Counter(w["gender"] for w in active), GENDERS),
        "community_counts": dict(Counter(w["community_code"] for w in active)),
        "registrations_due_90_days": sum(1 for d in expiries if on <= d <= due_by),
        "registrations_expired": sum(1 for d in expiries if d < on),
    }


def status_on(worker: dict[str, Any], changes: list[dict[str, Any]], day: date) -> str | None:
    """The worker's status on `day`, or None before they began work.

    The history is the worker's StatusChange rows. The creation row (from_status None)
    is dated when the profile was entered, not when the status began: its status is
    taken to hold from `start_date` (or, without one, from the creation date). Later
    rows are transitions: on a day after one, its to_status holds; before the first,
    its from_status held.
    """
    created = [c["changed_on"] for c in changes if c["from_status"] is None]
    begin = worker.get("start_date") or (min(created) if created else None)
    if begin is not None and day < begin:
        return None
    moves = sorted((c for c in changes if c["from_status"] is not None), key=lambda c: (c["changed_on"], c["id"]))
    past = [c for c in moves if c["changed_on"] <= day]
    if past:
        return past[-1]["to_status"]
    if moves:
        return moves[0]["from_status"]
    first = min((c for c in changes if c["from_status"] is None), key=lambda c: (c["changed_on"], c["id"]),
                default=None)
    return first["to_status"] if first else worker["status"]


def month_ends(on: date, months: int = TREND_MONTHS) -> list[date]:
    """The last day of each of the `months` months ending with on's month; the last is `on`."""
    out = []
    year, month = on.year, on.month
    for _ in range(months):
        out.append(date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    out.reverse()
    out[-1] = on
    return out


def trend(workers: Iterable[dict[str, Any]], changes: Iterable[dict[str, Any]], on: date) -> list[dict[str, Any]]:
    """Active workers at each month end: [{"month": "2026-05", "date": "2026-05-31", "workers": n}, ...]."""
    by_worker: dict[int, list[dict[str, Any]]] = {}
    for change in changes:
        by_worker.setdefault(change["worker"], []).append(change)
    workers = list(workers)
    return [{"month": f"{day:%Y-%m}", "date": day.isoformat(),
             "workers": sum(1 for w in workers if status_on(w, by_worker.get(w["id"], []), day) == ACTIVE)}
            for day in month_ends(on)]


# --- loading ---------------------------------------------------------------------------


async def roster_rows(codes: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(workers, status changes) of the districts, workers joined with their person and community."""
    if not codes:
        return [], []
    in_districts = SocialWorker.district_code.is_in(codes)
    workers = await SocialWorker.select(
        SocialWorker.id, SocialWorker.district_code, SocialWorker.person_id, SocialWorker.employer_org_id,
        SocialWorker.employer_community_code, SocialWorker.status, SocialWorker.qualification,
        SocialWorker.education, SocialWorker.social_work_major, SocialWorker.post_type, SocialWorker.start_date,
        SocialWorker.registration_expires).where(in_districts)
    people = {p["id"]: p for p in await Person.select(Person.id, Person.gender, Person.birth_date).where(
        Person.id.is_in(SocialWorker.select(SocialWorker.person_id).where(in_districts)))}
    org_community = {o["id"]: o["community_code"] for o in await Organization.select(
        Organization.id, Organization.community_code).where(Organization.district_code.is_in(codes))}
    for w in workers:
        person = people[w["person_id"]]
        w["gender"], w["birth_date"] = person["gender"], person["birth_date"]
        w["community_code"] = w["employer_community_code"] or org_community.get(w["employer_org_id"]) or None
    changes = await StatusChange.select(StatusChange.id, StatusChange.worker, StatusChange.from_status,
                                        StatusChange.to_status, StatusChange.changed_on).where(
        StatusChange.district_code.is_in(codes))
    return workers, changes


async def community_names(codes: list[str]) -> dict[str, str]:
    return {c["code"]: c["name"] for c in await Community.select(Community.code, Community.name).where(
        Community.district_code.is_in(codes or [""]))}


def _finish(result: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """Replace the raw community counts with a list ordered by code (no community last)."""
    counts = result.pop("community_counts")
    result["by_community"] = [{"code": code, "name": names.get(code, "") if code else "未注明", "workers": n}
                              for code, n in sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))]
    return result


async def district_stats(ctx: AppContext, code: str, on: date) -> dict[str, Any]:
    """The statistics of one district on `on`."""
    workers, changes = await roster_rows([code])
    district = ctx.districts[code]
    result = structure(workers, on, district.population)
    result["trend"] = trend(workers, changes, on)
    return {"district_code": code, "district_name": district.name, "district_name_en": district.name_en,
            **_finish(result, await community_names([code]))}


async def combined_stats(ctx: AppContext, codes: list[str], on: date) -> dict[str, Any]:
    """Each district side by side, and the same statistics over all of them together."""
    workers, changes = await roster_rows(codes)
    names = await community_names(codes)
    districts = []
    for code in codes:
        mine = [w for w in workers if w["district_code"] == code]
        ids = {w["id"] for w in mine}
        result = structure(mine, on, ctx.districts[code].population)
        result["trend"] = trend(mine, [c for c in changes if c["worker"] in ids], on)
        districts.append({"district_code": code, "district_name": ctx.districts[code].name,
                          "district_name_en": ctx.districts[code].name_en, **_finish(result, names)})
    total = structure(workers, on, sum(ctx.districts[c].population for c in codes))
    total["trend"] = trend(workers, changes, on)
    return {"on": on.isoformat(), "districts": districts, "total": _finish(total, names)}
