"""Supervision's own rule: assessment grades that expired or expire within 90 days."""

from __future__ import annotations

from datetime import date

from core import db
from core.tables import Organization
from plugins.supervision.rules import grade_expiring
from plugins.supervision.tables import GradeHistory
from tests.conftest import OWN, run

TODAY = date(2031, 3, 1)


async def _prepare() -> tuple[dict[str, int], list[dict]]:
    """Three organisations whose latest grade row expires before, soon after and long after TODAY,
    and one whose registry grade was changed by hand since; returns their ids and old grades."""
    ids = {}
    async with db.write_transaction():
        orgs = await Organization.select(Organization.id, Organization.grade).where(
            Organization.district_code == OWN).order_by(Organization.id).limit(4)
        for name, org, until, grade in (("expired", orgs[0], date(2031, 2, 1), "4A"),
                                        ("due", orgs[1], date(2031, 4, 15), "3A"),
                                        ("valid", orgs[2], date(2032, 1, 1), "5A"),
                                        ("changed", orgs[3], date(2031, 2, 1), "2A")):
            ids[name] = org["id"]
            await GradeHistory.insert(GradeHistory(organization_id=org["id"], district_code=OWN, grade=grade,
                                                   valid_until=until, changed_by="test-rules"))
            await Organization.update({Organization.grade: "1A" if name == "changed" else grade}).where(
                Organization.id == org["id"])
    return ids, orgs


async def _restore(orgs: list[dict]) -> None:
    async with db.write_transaction():
        for org in orgs:
            await Organization.update({Organization.grade: org["grade"]}).where(Organization.id == org["id"])
        await GradeHistory.delete().where(GradeHistory.changed_by == "test-rules")


def test_expired_and_expiring_grades_are_flagged_once_each(ctx):
    ids, before = run(_prepare())

    async def flags():
        return [f async for f in grade_expiring(OWN, TODAY, {}) if f["organization_id"] in ids.values()]

    try:
        found = {f["organization_id"]: f for f in run(flags())}
        assert set(found) == {ids["expired"], ids["due"]}
        assert found[ids["expired"]]["severity"] == "high" and "已于2031-02-01到期" in found[ids["expired"]]["message"]
        assert found[ids["due"]]["severity"] == "medium" and "45天后" in found[ids["due"]]["message"]
        assert [f["key"] for f in run(flags())] == [f["key"] for f in found.values()]  # stable keys
    finally:
        run(_restore(before))
