"""Incubation's section of an organisation's profile, on rows the test makes: the admitted
incubations (base, stage, move-in, graduation) are public, an application still under review is
not, incubatee pages link only for incubation readers; nothing where the module is off."""

from __future__ import annotations

from datetime import date

from core.tables import Organization
from plugins.incubation.tables import Base, Incubatee
from tests.conftest import OTHER, OWN, run


def _section(body: dict, name: str) -> dict | None:
    return next((s["data"] for s in body["sections"] if s["name"] == name), None)


def _org(district: str) -> int:
    used = {r["organization_id"] for r in run(Incubatee.select(Incubatee.organization_id))}
    rows = run(Organization.select(Organization.id).where(Organization.district_code == district).order_by(
        Organization.id))
    return next(r["id"] for r in rows if r["id"] not in used)


def _incubatee(district: str, base: int, org: int, name: str, stage: str, **dates) -> int:
    row = Incubatee(district_code=district, base=base, name=name, organization_id=org, applicant="test",
                    stage=stage, **dates)
    run(row.save())
    return row.id


def test_incubation_history_public_and_reader(client, as_role):
    org = _org(OWN)
    base = Base(district_code=OWN, name="测试孵化基地", capacity=5)
    run(base.save())
    made = [_incubatee(OWN, base.id, org, "测试孵化团队", "graduated", moved_in_on=date(2025, 3, 1),
                       graduated_on=date(2026, 3, 1)),
            _incubatee(OWN, base.id, org, "测试在审申请", "applied")]
    try:
        url = f"/api/districts/{OWN}/organizations/{org}/profile"
        public = _section(client.get(url).json(), "incubation.organization")
        assert public["facts"] == [["孵化经历", "1 次"], ["出壳日期", "2026-03-01"]]
        assert public["items"] == [{"title": "测试孵化团队", "meta": "测试孵化基地 · 已出壳 · 入驻 2025-03-01 · 出壳 2026-03-01"}]
        staff = _section(client.get(url, headers=as_role("district_admin")).json(), "incubation.organization")
        assert staff["items"][0]["url"] == f"/districts/{OWN}/incubation/incubatees/{made[0]}"
        assert "测试在审申请" not in str(staff)
    finally:
        run(Incubatee.delete().where(Incubatee.id.is_in(made)))
        run(Base.delete().where(Base.id == base.id))
    # Without an admitted incubation the section is left out.
    assert _section(client.get(f"/api/districts/{OWN}/organizations/{org}/profile").json(),
                    "incubation.organization") is None


def test_module_off_no_section(client):
    org = run(Organization.select(Organization.id).where(Organization.district_code == OTHER).first())["id"]
    body = client.get(f"/api/districts/{OTHER}/organizations/{org}/profile").json()
    assert "孵化基地" in "".join(body["modules_off"])
    assert not any(s["module"] == "incubation" for s in body["sections"])
