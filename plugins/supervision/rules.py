"""Supervision's own rule: an organisation's assessment grade (valid for a number of years,
民政部令第39号) that has expired or expires within 90 days, while the registry still shows it."""

from __future__ import annotations

from datetime import date, timedelta

from core.contrib import SupervisionRule
from core.tables import Organization
from plugins.supervision.tables import GradeHistory

DUE_DAYS = 90


async def grade_expiring(district_code: str, today: date, settings: dict):
    latest: dict[int, dict] = {}
    for row in await GradeHistory.select().where(GradeHistory.district_code == district_code).order_by(
            GradeHistory.id):
        latest[row["organization_id"]] = row  # the newest row of each organisation wins
    if not latest:
        return
    orgs = {o["id"]: o for o in await Organization.select(Organization.id, Organization.name, Organization.grade).where(
        Organization.id.is_in(sorted(latest)))}
    for org_id, row in sorted(latest.items()):
        org, until = orgs.get(org_id), row["valid_until"]
        if org is None or until is None or not org["grade"] or org["grade"] != row["grade"]:
            continue  # no grade, or the registry grade did not come from this assessment
        if until < today:
            state, severity = "expired", "high"
            message = f"{org['name']}的评估等级{org['grade']}已于{until}到期，请安排复评或更新登记信息"
        elif until <= today + timedelta(days=DUE_DAYS):
            state, severity = "due", "medium"
            message = f"{org['name']}的评估等级{org['grade']}将于{until}到期（{(until - today).days}天后），请安排复评"
        else:
            continue
        yield {"key": f"supervision.grade:{org_id}:{until}:{state}", "record_type": "organization",
               "record_id": str(org_id), "subject": None, "organization_id": org_id, "severity": severity,
               "message": message}


RULES = [SupervisionRule("supervision", "supervision.grade_expiring", "社会组织评估等级到期或即将到期", "medium",
                         grade_expiring)]
