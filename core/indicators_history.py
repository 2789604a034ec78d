"""Quarterly history of the indicators: the value of each indicator at each Beijing quarter end up
to a date, computed from the data, except a quarter the district has submitted (季度报送,
core.indicator_reports), which keeps the figures it was submitted with.

`quarter_ends(at, n)` are the last `n` quarter ends up to `at`, oldest first; the current
(unfinished) quarter is measured at `at` itself, so the last entry is always `at` (a quarter end
when `at` is one). Dates are civil dates in Beijing, like every `at` (core.dates). Each unreported
point is exactly what `district_indicators(ctx, code, end)` gives for that date.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from core.dates import quarter_end, quarter_ends, quarter_label
from core.indicator_reports import frozen_quarters
from core.indicators import district_indicators, scope

if TYPE_CHECKING:
    from core.context import AppContext

MAX_QUARTERS = 12


async def district_history(ctx: AppContext, code: str, at: date, n: int = 8) -> dict[str, Any]:
    """The district's indicators at each of `quarter_ends(at, n)`:
    `{"quarters": [{"quarter", "at"}], "indicators": [{name, label, …, "points": [{"quarter",
    "at", "value", "target", "met", "status", "reported"}]}]}` (indicators in registry order, points
    oldest first). A quarter the district has submitted (core.indicator_reports) takes its latest
    report's frozen figures instead of a computation (`reported` True); an indicator the report
    lacks (registered later) is computed."""
    ends = quarter_ends(at, n)
    snapshots: list[dict[str, dict[str, Any]]] = []
    reported: list[set[str]] = []
    with scope():
        frozen = await frozen_quarters(code)
        for end in ends:
            rows = frozen.get(quarter_label(end)) if end == quarter_end(end) else None
            by_name = {row["name"]: row for row in rows or ()}
            reported.append(set(by_name))
            if any(name not in by_name for name in ctx.contributions.indicators):
                live = {row["name"]: row for row in await district_indicators(ctx, code, end)}
                by_name = {**live, **by_name}
            snapshots.append(by_name)
    indicators = []
    for name in ctx.contributions.indicators:
        row = snapshots[-1][name]
        points = [{"quarter": quarter_label(end), "at": end, "value": snap[name]["value"],
                   "target": snap[name]["target"], "met": snap[name]["met"], "status": snap[name]["status"],
                   "reported": name in names} for end, snap, names in zip(ends, snapshots, reported)]
        indicators.append({key: row[key] for key in ("name", "module", "label", "label_en", "unit", "direction",
                                                     "enabled")} | {"points": points})
    return {"quarters": [{"quarter": quarter_label(end), "at": end} for end in ends], "indicators": indicators}


def sparkline(values: list[float | None], width: int = 96, height: int = 24, pad: int = 3) -> dict[str, Any]:
    """A tiny SVG line through the values (None: a gap) for a card: `points` (the polyline's
    attribute, one per run of known values) and the last dot; empty when fewer than 2 known values."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return {"lines": [], "dot": None, "width": width, "height": height}
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        y = height - pad - ((v - low) / span * (height - 2 * pad) if high != low else (height - 2 * pad) / 2)
        return round(pad + i * step, 1), round(y, 1)

    lines, run = [], []
    for i, v in enumerate(values):
        if v is None:
            if len(run) > 1:
                lines.append(" ".join(f"{x},{y}" for x, y in run))
            run = []
        else:
            run.append(xy(i, v))
    if len(run) > 1:
        lines.append(" ".join(f"{x},{y}" for x, y in run))
    last = next(((i, v) for i, v in reversed(list(enumerate(values))) if v is not None))
    return {"lines": lines, "dot": xy(*last), "width": width, "height": height}
