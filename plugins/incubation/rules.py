"""Supervision of the incubation base: a rule that flags incubations still running after
their planned period, and capacity milestones (submitted or signed off) as records
supervisors can sample. Flag keys are stable (see core.contrib.SupervisionRule)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from core.dates import BEIJING as CHINA_TIME
from core.contrib import AuditableRecords, SupervisionRule
from plugins.incubation import states
from plugins.incubation.tables import Incubatee, Milestone

INCUBATEE_RECORD = "incubation_incubatee"
MILESTONE_RECORD = "incubation_milestone"


async def overdue(district_code: str, today: date, settings: dict):
    """Still incubating after planned_end (an extension moves planned_end, so it gives a new key)."""
    for row in await Incubatee.select(Incubatee.id, Incubatee.name, Incubatee.planned_end, Incubatee.extensions,
                                      Incubatee.organization_id).where(
            (Incubatee.district_code == district_code) & (Incubatee.stage == "incubating")
            & Incubatee.planned_end.is_not_null() & (Incubatee.planned_end < today)).order_by(Incubatee.id):
        days = (today - row["planned_end"]).days
        extended = f"（已延期{row['extensions']}次）" if row["extensions"] else ""
        yield {"key": f"incubation.overdue:{row['id']}:{row['planned_end']}", "record_type": INCUBATEE_RECORD,
               "record_id": str(row["id"]), "subject": row["id"], "organization_id": row["organization_id"],
               "severity": "medium",
               "message": f"“{row['name']}”的孵化期已于{row['planned_end']}届满{extended}，已超期{days}天，"
                          "仍在入驻培育中：请评估后办理出壳、延期或退驻"}


RULES = [SupervisionRule("incubation", "incubation.overdue", "孵化超过计划期限", "medium", overdue)]


def china_day(moment: datetime) -> date:
    return moment.astimezone(CHINA_TIME).date()


async def _milestones(district_code: str, start: date, end: date):
    """Milestones submitted (and possibly signed off) on a day from start to end, China time."""
    low = datetime.combine(start, time.min, CHINA_TIME)
    high = datetime.combine(end + timedelta(days=1), time.min, CHINA_TIME)
    rows = await Milestone.select().where(
        (Milestone.district_code == district_code) & Milestone.state.is_in(["submitted", "signed_off"])
        & (Milestone.submitted_at >= low) & (Milestone.submitted_at < high)).order_by(Milestone.id)
    incubatees = {r["id"]: r for r in await Incubatee.select(
        Incubatee.id, Incubatee.name, Incubatee.organization_id).where(
        Incubatee.id.is_in(sorted({r["incubatee"] for r in rows}) or [0]))}
    for row in rows:
        incubatee = incubatees.get(row["incubatee"], {})
        yield {"id": row["id"], "day": china_day(row["submitted_at"]), "subject": row["incubatee"], "person_id": None,
               "organization_id": incubatee.get("organization_id"),
               "summary": f"{incubatee.get('name', '')}·{row['title']}（{states.LABELS[row['state']]}）："
                          f"{row['evidence'][:60]}"}


SOURCES = [AuditableRecords("incubation", "incubation.milestones", "孵化能力建设事项", _milestones, MILESTONE_RECORD)]
