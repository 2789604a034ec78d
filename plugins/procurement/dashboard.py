"""The procurement dashboard (issue 13 item 8): what a district bought and how it went, year by
year — spend by service field, providers and their concentration, on-time milestones, outcome
scores, needs answered — and the projects by stage now. Everything is counted by the database
(GROUP BY queries, a handful per district whatever the number of projects).

Definitions, one place for all of them (issue 15's indicators may reuse `district_parts` and
`figures`):

- years are Beijing years: the last `years` years up to `until` (default this Beijing year);
- contracted: contract values (`value_fen`) by the year of signing (`signed_on`); paid: payments
  by the year paid (`paid_on`); both per service field of the project, in yuan;
- providers: distinct organisations awarded in the year (Beijing year of the award), and the
  share of the year's awarded value (award prices) that went to the three largest of them;
- on time: milestones accepted in the year whose acceptance (Beijing date) is on or before
  their due date; overdue: milestones not accepted whose due date is before today (Beijing);
- outcome scores: evaluations completed in the year, their mean and lowest weighted total;
- a share is 0–1 rounded to 3 decimals, None when there is nothing to divide by.

`district_parts` loads the grouped rows of one district (additive parts); `figures` shapes
parts into the answer, so the city total is `figures(merge(parts of each district))`: sums,
with shares and the mean score recomputed from the summed parts, never averaged."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from piccolo.query.methods.select import Count

from core import db
from core.dates import BEIJING
from core.glossary import SERVICE_FIELDS
from core.tables import Organization
from plugins.procurement import states
from plugins.procurement.glossary import DEFAULT_CATALOGUE
from plugins.procurement.tables import PurchaseProject, StageChange

DEFAULT_YEARS = 5
TOP = 3
NEEDS_OFF = "需求征集（居民参与）模块未启用"


def beijing_today() -> date:
    return datetime.now(BEIJING).date()


def year_window(years: int, until: int | None = None) -> list[int]:
    """The `years` Beijing years ending with `until` (default this year), oldest first."""
    last = until or beijing_today().year
    return list(range(last - years + 1, last + 1))


def share(part: float, whole: float) -> float | None:
    return round(part / whole, 3) if whole else None


def _yuan(fen: int) -> float:
    return round(fen / 100, 2)


def _year(column: str, moment: bool) -> str:
    """SQL: the Beijing year of a date column, or of a stored moment (UTC). On SQLite moments are
    stored as text `YYYY-MM-DD HH:MM:SS…+00:00`: the UTC year, plus one from 16:00 on 31 December
    (midnight in Beijing). Cheap text operations: the dashboard reads thousands of rows."""
    if db.is_postgres():
        return (f"EXTRACT(YEAR FROM ({column} AT TIME ZONE 'UTC') + interval '8 hours')::int" if moment
                else f"EXTRACT(YEAR FROM {column})::int")
    whole = f"CAST(substr({column}, 1, 4) AS INTEGER)"
    return f"({whole} + (substr({column}, 6, 11) >= '12-31 16:00'))" if moment else whole


def _by_year(column: str, years: list[int], moment: bool) -> tuple[str, str, list[Any]]:
    """(the Beijing year of `column`, the condition that it falls in `years`, the condition's arguments):
    from the start of the first year to the start of the year after the last, Beijing midnights for
    moments."""
    first, after = years[0], years[-1] + 1
    bounds = ([datetime(first, 1, 1, tzinfo=BEIJING), datetime(after, 1, 1, tzinfo=BEIJING)] if moment
              else [date(first, 1, 1), date(after, 1, 1)])
    return _year(column, moment), f"{column} >= {{}} AND {column} < {{}}", bounds


async def _raw(sql: str, *args: Any) -> list[dict[str, Any]]:
    return await PurchaseProject.raw(sql, *args)


async def _money(code: str, years: list[int]) -> list[dict[str, Any]]:
    """Contracted and paid fen per (field, year)."""
    out = []
    for kind, table, column, amount in (("contracted_fen", "procurement_contract", "signed_on", "value_fen"),
                                        ("paid_fen", "procurement_payment", "paid_on", "amount_fen")):
        year, window, bounds = _by_year(f"t.{column}", years, moment=False)
        rows = await _raw(f"SELECT p.field AS field, {year} AS year, SUM(t.{amount}) AS fen FROM {table} t "
                          f"JOIN procurement_project p ON p.id = t.project WHERE t.district_code = {{}} AND {window} "
                          "GROUP BY 1, 2", code, *bounds)
        out += [{"field": r["field"], "year": int(r["year"]), kind: int(r["fen"])} for r in rows]
    return out


async def _awards(code: str, years: list[int]) -> list[dict[str, Any]]:
    """Awarded fen per (year, organisation)."""
    year, window, bounds = _by_year("awarded_at", years, moment=True)
    rows = await _raw(f"SELECT {year} AS year, organization_id, SUM(price_fen) AS fen FROM procurement_award "
                      f"WHERE district_code = {{}} AND {window} GROUP BY 1, 2", code, *bounds)
    return [{"year": int(r["year"]), "organization_id": r["organization_id"], "fen": int(r["fen"])} for r in rows]


def _on_time() -> str:
    """SQL: the milestone was accepted on or before its due date, as a Beijing date."""
    if db.is_postgres():
        return "decided_at < ((due_on + 1)::timestamp - interval '8 hours') AT TIME ZONE 'UTC'"
    return "decided_at < due_on || ' 16:00:00'"  # 16:00 UTC on the due day: midnight after it in Beijing


async def _milestones(code: str, years: list[int], today: date) -> tuple[list[dict[str, Any]], int]:
    """Accepted and accepted-on-time milestones per year, and those overdue now."""
    year, window, bounds = _by_year("decided_at", years, moment=True)
    rows = await _raw(f"SELECT {year} AS year, COUNT(*) AS accepted, SUM(CASE WHEN {_on_time()} THEN 1 ELSE 0 END) "
                      f"AS on_time FROM procurement_milestone WHERE district_code = {{}} AND state = 'accepted' "
                      f"AND {window} GROUP BY 1", code, *bounds)
    overdue = await _raw("SELECT COUNT(*) AS n FROM procurement_milestone WHERE district_code = {} "
                         "AND state <> 'accepted' AND due_on < {}", code, today)
    return ([{"year": int(r["year"]), "accepted": int(r["accepted"]), "on_time": int(r["on_time"] or 0)}
             for r in rows], int(overdue[0]["n"]))


async def _outcomes(code: str, years: list[int]) -> list[dict[str, Any]]:
    """Completed evaluations per year: how many, the sum and the lowest of their totals."""
    year, window, bounds = _by_year("completed_at", years, moment=True)
    rows = await _raw(f"SELECT {year} AS year, COUNT(*) AS evaluated, SUM(total) AS score_sum, MIN(total) AS lowest "
                      f"FROM procurement_evaluation WHERE district_code = {{}} AND state = 'completed' "
                      f"AND total IS NOT NULL AND {window} GROUP BY 1", code, *bounds)
    return [{"year": int(r["year"]), "evaluated": int(r["evaluated"]), "score_sum": float(r["score_sum"]),
             "lowest": float(r["lowest"])} for r in rows]


async def _needs_answered(code: str, years: list[int]) -> dict[int, int]:
    """Residents' needs answered per Beijing year: each need ref a project names counts once, in
    the year the first project naming it moved into delivery (few projects name needs, so their
    JSON lists are read here)."""
    named = {r["id"]: json.loads(r["needs"]) for r in await PurchaseProject.select(
        PurchaseProject.id, PurchaseProject.needs).where(
        (PurchaseProject.district_code == code) & (PurchaseProject.needs != "[]"))}  # partial index
    rows = await StageChange.select(StageChange.project, StageChange.at).where(
        (StageChange.to_stage == "in_delivery") & StageChange.project.is_in(list(named) or [0])).order_by(StageChange.at)
    first: dict[str, int] = {}
    for row in rows:
        year = row["at"].astimezone(BEIJING).year
        for ref in named[row["project"]]:
            first.setdefault(ref, year)
    counts = {y: 0 for y in years}
    for year in first.values():
        if year in counts:
            counts[year] += 1
    return counts


async def district_parts(code: str, years: list[int], today: date, needs_on: bool = False) -> dict[str, Any]:
    """The additive parts of one district's dashboard (grouped rows; see the module docstring);
    `needs_on` where a module collecting residents' needs is enabled in the district."""
    milestones, overdue = await _milestones(code, years, today)
    stages = {r["stage"]: r["count"] for r in await PurchaseProject.select(PurchaseProject.stage, Count()).where(
        PurchaseProject.district_code == code).group_by(PurchaseProject.stage)}
    return {"money": await _money(code, years), "awards": await _awards(code, years), "milestones": milestones,
            "overdue": overdue, "outcomes": await _outcomes(code, years), "stages": stages,
            "needs": await _needs_answered(code, years) if needs_on else None}


def merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Several districts' parts as one (rows concatenated, counts added)."""
    stages: dict[str, int] = defaultdict(int)
    for p in parts:
        for stage, n in p["stages"].items():
            stages[stage] += n
    return {"money": [r for p in parts for r in p["money"]], "awards": [r for p in parts for r in p["awards"]],
            "milestones": [r for p in parts for r in p["milestones"]], "overdue": sum(p["overdue"] for p in parts),
            "outcomes": [r for p in parts for r in p["outcomes"]], "stages": dict(stages),
            "needs": _add_needs([p["needs"] for p in parts])}


def _add_needs(counts: list[dict[int, int] | None]) -> dict[int, int] | None:
    """Needs answered of several districts: summed over those where needs are collected."""
    known = [c for c in counts if c is not None]
    if not known:
        return None
    return {y: sum(c.get(y, 0) for c in known) for y in known[0]}


def _field_order(field: str) -> tuple[int, str]:
    return (DEFAULT_CATALOGUE.index(field), "") if field in DEFAULT_CATALOGUE else (len(DEFAULT_CATALOGUE), field)


def _spend(rows: list[dict[str, Any]], years: list[int]) -> dict[str, Any]:
    cells: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: {"contracted_fen": 0, "paid_fen": 0})
    for r in rows:
        for kind in ("contracted_fen", "paid_fen"):
            cells[(r["field"], r["year"])][kind] += r.get(kind, 0)

    def line(pick: list[tuple[str, int]], year: int) -> dict[str, Any]:
        return {"year": year, "contracted_yuan": _yuan(sum(cells[k]["contracted_fen"] for k in pick if k[1] == year)),
                "paid_yuan": _yuan(sum(cells[k]["paid_fen"] for k in pick if k[1] == year))}

    fields = sorted({f for f, _ in cells}, key=_field_order)
    out = []
    for field in fields:
        keys = [k for k in list(cells) if k[0] == field]
        out.append({"field": field, "label_en": SERVICE_FIELDS.get(field, field), "years": [line(keys, y) for y in years],
                    "contracted_yuan": _yuan(sum(cells[k]["contracted_fen"] for k in keys)),
                    "paid_yuan": _yuan(sum(cells[k]["paid_fen"] for k in keys))})
    return {"fields": out, "years": [line(list(cells), y) for y in years]}


def _providers(rows: list[dict[str, Any]], years: list[int]) -> list[dict[str, Any]]:
    out = []
    for year in years:
        per_org: dict[int, int] = defaultdict(int)
        for r in rows:
            if r["year"] == year:
                per_org[r["organization_id"]] += r["fen"]
        total = sum(per_org.values())
        top = sorted(per_org.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
        top_fen = sum(fen for _, fen in top)
        out.append({"year": year, "providers": len(per_org), "awarded_yuan": _yuan(total), "top3_yuan": _yuan(top_fen),
                    "top3_share": share(top_fen, total),
                    "top3": [{"organization_id": org, "name": "", "awarded_yuan": _yuan(fen),
                              "share": share(fen, total)} for org, fen in top]})
    return out


def _yearly(rows: list[dict[str, Any]], years: list[int], keys: tuple[str, ...]) -> dict[int, dict[str, float]]:
    sums = {y: {k: 0 for k in keys} for y in years}
    for r in rows:
        for k in keys:
            sums[r["year"]][k] += r[k]
    return sums


def _mean(total: float, n: int) -> float | None:
    return round(total / n, 1) if n else None


def _summary(parts: dict[str, Any]) -> dict[str, Any]:
    """The whole window at once (providers counted once however many years they won)."""
    whole = _providers([{**r, "year": 0} for r in parts["awards"]], [0])[0]
    accepted = sum(r["accepted"] for r in parts["milestones"])
    on_time = sum(r["on_time"] for r in parts["milestones"])
    evaluated = sum(r["evaluated"] for r in parts["outcomes"])
    return {"contracted_yuan": _yuan(sum(r.get("contracted_fen", 0) for r in parts["money"])),
            "paid_yuan": _yuan(sum(r.get("paid_fen", 0) for r in parts["money"])),
            "providers": whole["providers"], "awarded_yuan": whole["awarded_yuan"], "top3_share": whole["top3_share"],
            "accepted": accepted, "on_time": on_time, "on_time_share": share(on_time, accepted),
            "evaluated": evaluated, "mean_score": _mean(sum(r["score_sum"] for r in parts["outcomes"]), evaluated),
            "lowest_score": min((r["lowest"] for r in parts["outcomes"]), default=None)}


def figures(parts: dict[str, Any], years: list[int], today: date) -> dict[str, Any]:
    """The dashboard's figures from (possibly merged) parts; the top providers' names are filled
    by `named`."""
    done = _yearly(parts["milestones"], years, ("accepted", "on_time"))
    scored = _yearly(parts["outcomes"], years, ("evaluated", "score_sum"))
    lowest = {y: min((r["lowest"] for r in parts["outcomes"] if r["year"] == y), default=None) for y in years}
    stages = parts["stages"]
    return {
        "years": years, "today": today.isoformat(),
        "spend": _spend(parts["money"], years),
        "providers": _providers(parts["awards"], years),
        "milestones": {"years": [{"year": y, "accepted": int(done[y]["accepted"]), "on_time": int(done[y]["on_time"]),
                                  "on_time_share": share(done[y]["on_time"], done[y]["accepted"])} for y in years],
                       "overdue": parts["overdue"]},
        "outcomes": [{"year": y, "evaluated": int(scored[y]["evaluated"]),
                      "mean_score": _mean(scored[y]["score_sum"], int(scored[y]["evaluated"])),
                      "lowest_score": lowest[y]} for y in years],
        "needs": {"available": False, "reason": NEEDS_OFF, "answered": None, "years": []} if parts["needs"] is None
        else {"available": True, "reason": "", "answered": sum(parts["needs"].values()),
              "years": [{"year": y, "answered": parts["needs"][y]} for y in years]},
        "stages": [{"stage": s, "label": states.LABELS[s], "label_en": states.LABELS_EN[s], "projects": stages.get(s, 0)}
                   for s in states.STAGES],
        "projects": sum(stages.values()),
        "summary": _summary(parts),
    }


async def named(result: dict[str, Any]) -> dict[str, Any]:
    """The figures with the top providers' names (organisations are public registry entries)."""
    top = [entry for year in result["providers"] for entry in year["top3"]]
    if top:
        names = {r["id"]: r["name"] for r in await Organization.select(Organization.id, Organization.name).where(
            Organization.id.is_in(sorted({e["organization_id"] for e in top})))}
        for entry in top:
            entry["name"] = names.get(entry["organization_id"], "")
    return result


async def district_dashboard(code: str, years: list[int], today: date, needs_on: bool = False) -> dict[str, Any]:
    """One district's figures over `years` (its reads on one connection)."""
    async with db.read_together():
        return await named(figures(await district_parts(code, years, today, needs_on), years, today))


async def combined_dashboard(codes: list[str], years: list[int], today: date, needs_on: set[str] | None = None
                             ) -> dict[str, Any]:
    """Each district's figures and the total over all of them, from the same parts; `needs_on`:
    the districts where residents' needs are collected."""
    async with db.read_together():
        parts = {code: await district_parts(code, years, today, code in (needs_on or set())) for code in codes}
        return {"districts": {code: await named(figures(p, years, today)) for code, p in parts.items()},
                "total": await named(figures(merge(list(parts.values())), years, today))}
