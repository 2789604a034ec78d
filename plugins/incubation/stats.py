"""The incubation dashboard of a district: incubatees in each stage, graduations and the
time they took (days from move-in to graduation), milestone completion overall and per
kind, occupancy of each base (places taken by on-site residents; virtual ones beside them),
and incubations past their planned period."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date
from typing import Any

from plugins.incubation import glossary, states
from plugins.incubation.common import takes_a_place
from plugins.incubation.tables import Base, Incubatee, Milestone


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def graduation_times(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Count of graduates and the median, mean, shortest and longest days from move-in to graduation."""
    graduates = [r for r in rows if r["stage"] == "graduated"]
    days = sorted((r["graduated_on"] - r["moved_in_on"]).days for r in graduates
                  if r["graduated_on"] and r["moved_in_on"])
    return {"count": len(graduates), "timed": len(days),
            "median_days": statistics.median(days) if days else None,
            "mean_days": round(statistics.fmean(days), 1) if days else None,
            "min_days": days[0] if days else None, "max_days": days[-1] if days else None}


def milestone_completion(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Signed off / total overall and per kind (kinds in glossary order, then any others)."""
    total, signed, submitted = Counter(), Counter(), Counter()
    for r in rows:
        total[r["kind"]] += 1
        signed[r["kind"]] += r["state"] == "signed_off"
        submitted[r["kind"]] += r["state"] == "submitted"
    kinds = [k for k in glossary.MILESTONES] + sorted(k for k in total if k not in glossary.MILESTONES)
    titles = {k: glossary.MILESTONES.get(k, (k, k)) for k in kinds}
    by_kind = [{"kind": k, "title": titles[k][0], "title_en": titles[k][1], "total": total[k],
                "submitted": submitted[k], "signed_off": signed[k], "share": _share(signed[k], total[k])} for k in kinds]
    all_total, all_signed = sum(total.values()), sum(signed.values())
    return {"total": all_total, "signed_off": all_signed, "submitted": sum(submitted.values()),
            "share": _share(all_signed, all_total), "by_kind": by_kind}


async def district_stats(code: str, today: date | None = None) -> dict[str, Any]:
    today = today or date.today()
    rows = await Incubatee.select(Incubatee.id, Incubatee.base, Incubatee.stage, Incubatee.moved_in_on,
                                  Incubatee.planned_end, Incubatee.graduated_on, Incubatee.residency).where(
        Incubatee.district_code == code)
    by_stage = dict.fromkeys(states.STAGES, 0)
    for r in rows:
        by_stage[r["stage"]] = by_stage.get(r["stage"], 0) + 1
    # Places are taken by on-site residents; virtual ones are counted beside them.
    incubating = Counter(r["base"] for r in rows if r["stage"] == "incubating" and takes_a_place(r))
    virtual = Counter(r["base"] for r in rows if r["stage"] == "incubating" and not takes_a_place(r))
    bases = await Base.select(Base.id, Base.name, Base.capacity, Base.active).where(
        Base.district_code == code).order_by(Base.id)
    occupancy = [{"id": b["id"], "name": b["name"], "active": b["active"], "capacity": b["capacity"],
                  "incubating": incubating[b["id"]], "virtual": virtual[b["id"]],
                  "free": max(b["capacity"] - incubating[b["id"]], 0),
                  "share": _share(incubating[b["id"]], b["capacity"])} for b in bases]
    milestones = await Milestone.select(Milestone.kind, Milestone.state).where(Milestone.district_code == code)
    return {
        "district_code": code, "on": today, "incubatees": len(rows),
        "by_stage": [{"stage": s, "label": states.LABELS.get(s, s), "label_en": states.LABELS_EN.get(s, s), "count": n}
                     for s, n in by_stage.items()],
        "graduation": graduation_times(rows),
        "milestones": milestone_completion(milestones),
        "occupancy": occupancy,
        "capacity": sum(b["capacity"] for b in occupancy if b["active"]),
        "overdue": sum(1 for r in rows if r["stage"] == "incubating" and r["planned_end"] and r["planned_end"] < today),
    }
