"""The fact hooks through the real plugins and database: talent counts an organisation's
certified workers on duty (qualification other than 无) and lists them for a bid team;
incubation says whether it graduated from a base; core merges the answers, answers an empty
dict for organisations nobody knows, refuses an undocumented key, and a module that is not
enabled in the district (incubation in 430703) says nothing."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from core import db
from core.codes import make_id_number
from core.facts import organization_facts, organization_workers
from core.hookspecs import hookimpl
from core.tables import Organization
from plugins.incubation.tables import Base, Incubatee
from plugins.talent.services import upsert_worker
from tests.conftest import OTHER, OWN, run


_serial = itertools.count(1)


def _org(code: str = OWN) -> int:
    return run(Organization.insert(Organization(district_code=code, name="事实测试社会工作服务中心",
                                                legal_type="social_service_institution", status="registered")
                                   ).returning(Organization.id))[0]["id"]


def _employ(org_id: int, qualification: str, status: str = "在岗", code: str = OWN) -> int:
    """A new worker of this organisation with this qualification and status, through talent's own
    service (so the roster, its history and its rules stay whole for the talent tests)."""
    n = next(_serial)
    certificate = {"certificate_no": f"FACT{n:06d}", "certificate_year": 2020} if qualification != "无" else {}

    async def make() -> int:
        async with db.write_transaction():
            return (await upsert_worker(code, "test", {
                "name": f"事实测试社工{n}", "id_number": make_id_number(code, date(1990, 1, 1), 700 + n)}, {
                "post_type": "机构社工", "education": "本科", "status": status, "employer_org_id": org_id,
                "qualification": qualification, **certificate}))[0]

    return run(make())


def test_hook_organization_facts(ctx):
    org, graduate, nobody = _org(), _org(), 999_999
    certified = [_employ(org, "社会工作师"), _employ(org, "助理社会工作师")]
    _employ(org, "无")  # not certified
    _employ(org, "高级社会工作师", status="离职")  # not on duty
    base = run(Base.insert(Base(district_code=OWN, name="事实测试基地", capacity=2)).returning(Base.id))[0]["id"]
    run(Incubatee.insert(Incubatee(district_code=OWN, base=base, name="出壳团队", organization_id=graduate,
                                   applicant="test", stage="graduated", graduated_on=date.today())))
    run(Incubatee.insert(Incubatee(district_code=OWN, base=base, name="在孵团队", organization_id=org,
                                   applicant="test", stage="incubating")))
    facts = run(organization_facts(ctx, OWN, [org, graduate, nobody]))
    assert facts[org] == {"certified_workers": len(certified), "incubation_graduate": False}
    assert facts[graduate] == {"certified_workers": 0, "incubation_graduate": True}
    assert facts[nobody] == {"certified_workers": 0, "incubation_graduate": False}
    assert run(organization_facts(ctx, OWN, [])) == {}
    # 430703 enables talent but not incubation: only talent answers there.
    other = _org(OTHER)
    _employ(other, "社会工作师", code=OTHER)
    assert run(organization_facts(ctx, OTHER, [other])) == {other: {"certified_workers": 1}}


def test_hook_organization_workers(ctx):
    org = _org()
    certified = _employ(org, "社会工作师")
    _employ(org, "无")
    workers = run(organization_workers(ctx, OWN, org))
    assert [w["worker_id"] for w in workers] == [certified]
    assert workers[0]["qualification"] == "社会工作师" and workers[0]["name"] and workers[0]["person_id"]
    assert run(organization_workers(ctx, OWN, 999_999)) == []


class _Typo:
    @hookimpl
    async def organization_facts(self, ctx, district_code, organization_ids):
        return {i: {"certifed_workers": 1} for i in organization_ids}


def test_an_undocumented_fact_is_refused(ctx):
    plugin = _Typo()
    ctx.pm.register(plugin)
    try:
        with pytest.raises(TypeError, match="certifed_workers"):
            run(organization_facts(ctx, OWN, [1]))
    finally:
        ctx.pm.unregister(plugin)
