"""Continuing-education hours per registration period (民发〔2009〕123号): at least 72 hours for
助理社会工作师 and 90 for 社会工作师 / 高级社会工作师 in each three-year period (district settings).

Training counts as attended. A completed social-work degree (kind 学历教育) counts once, as 90
hours, for one worker: in the period in which it was completed, or in the first registration
period when it was completed before the worker first registered (so a graduate who registers
is not told they are short). Used by the supervision rule and by the worker's profile.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from core.dates import add_years
from core.errors import invalid
from plugins.talent.glossary import CE_KINDS
from plugins.talent.registration import REGISTRATION_YEARS
from plugins.talent.tables import ContinuingEducation

TRAINING, DEGREE = CE_KINDS  # 培训, 学历教育
DEGREE_HOURS = 90
SETTING = {"助理社会工作师": "ce_hours_assistant", "社会工作师": "ce_hours_social_worker",
           "高级社会工作师": "ce_hours_senior"}


def period(registered_on: date, today: date) -> tuple[date, date]:
    """[start, end) of the registration period that contains `today` (counted on from the last
    registration, also when it has lapsed)."""
    start = registered_on
    while add_years(start, REGISTRATION_YEARS) <= today:
        start = add_years(start, REGISTRATION_YEARS)
    return start, add_years(start, REGISTRATION_YEARS)


def degree_of(records: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The worker's degree record that counts (the earliest, if more were ever stored)."""
    return min((r for r in records if r.get("kind") == DEGREE), key=lambda r: (r["day"], r.get("id") or 0),
               default=None)


def summary(worker: dict[str, Any], records: list[dict[str, Any]], settings: dict[str, Any],
            today: date) -> dict[str, Any] | None:
    """The current period's hours (training + degree) against the requirement; None when the
    worker is not registered or has no qualification."""
    if worker.get("registered_on") is None or worker.get("qualification") not in SETTING:
        return None
    start, end = period(worker["registered_on"], today)
    first = worker.get("first_registered_on") or worker["registered_on"]
    training = sum(r["hours"] for r in records if r.get("kind", TRAINING) != DEGREE and start <= r["day"] < end)
    degree = degree_of(records)
    counts = degree is not None and (start <= degree["day"] < end or (degree["day"] < first and start == first))
    hours = training + (DEGREE_HOURS if counts else 0)
    required = settings.get(SETTING[worker["qualification"]], 0)
    return {"period_start": start, "period_end": end, "required": required, "training_hours": training,
            "degree_hours": DEGREE_HOURS if counts else 0, "hours": hours, "short": max(required - hours, 0),
            "elapsed": (today - start).days / max((end - start).days, 1)}


async def checked_record(worker_id: int, kind: str, day: date, hours: float | None) -> float:
    """The hours to store for a new record of `kind`, or 422: training needs its hours; a degree
    is 90 hours (give none, or 90) and is recorded once per worker. Call inside the write
    transaction that inserts the record, so two degrees cannot slip in side by side."""
    errors = []
    if day > date.today():
        errors.append(("day", "培训日期不能晚于今天"))
    if kind == DEGREE:
        if hours not in (None, DEGREE_HOURS):
            errors.append(("hours", f"社会工作专业学历教育按民发〔2009〕123号一次性记{DEGREE_HOURS}学时，请勿填写其他学时"))
        earlier = await ContinuingEducation.select(ContinuingEducation.day).where(
            (ContinuingEducation.worker == worker_id) & (ContinuingEducation.kind == DEGREE)).first()
        if earlier:
            errors.append(("kind", f"社会工作专业学历教育每人只计一次{DEGREE_HOURS}学时（已于{earlier['day']}记入）"))
    elif hours is None:
        errors.append(("hours", "请填写培训学时"))
    if errors:
        raise invalid(errors)
    return DEGREE_HOURS if kind == DEGREE else hours
