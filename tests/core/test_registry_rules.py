"""Domain rules of the registry beyond the organisation's own row: annual inspection results
(one per organisation and year, corrections audited), credit-list entries (history kept,
the organisation's credit status in step with the open entries) and the supervision rule
that flags two years on the abnormal-activity list. Each refusal names the field and the
rule, and writes nothing."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from core.codes import make_uscc
from core.dates import add_years
from core.registry import credit
from core.registry.rules import abnormal_for_two_years
from core.tables import AnnualInspection, AuditEvent, CreditListing, Organization
from tests.conftest import OTHER, OWN, run, table_counts

ORGS = f"/api/districts/{OWN}/organizations"
TODAY = date.today()  # midnight-safe: `_today` re-reads it before each test
LAST_YEAR = TODAY.year - 1
_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _today():
    """Today as each test starts, not as the module was imported: a run that crosses midnight
    (CI did, at 00:00) must not compare yesterday's date with the server's today."""
    global TODAY, LAST_YEAR
    TODAY = date.today()
    LAST_YEAR = TODAY.year - 1


def new_org(client, admin, legal_type: str = "social_service_institution", registered_on: str = "2018-05-20") -> int:
    n = next(_serial)
    category = {"social_group": "1", "social_service_institution": "2", "foundation": "3"}.get(legal_type)
    body = {"name": f"规则测试组织{n}", "legal_type": legal_type, "registered_on": registered_on,
            "status": "filed" if legal_type == "community_filed" else "registered"}
    if category:
        body["uscc"] = make_uscc(category, OWN, 32_000_000 + n)
    response = client.post(ORGS, json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def fields(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def counts() -> dict[str, int]:
    async def mine():
        return {t.__name__: await t.count() for t in (AnnualInspection, CreditListing)}

    return {**table_counts(), **run(mine())}


def credit_status(client, org_id: int) -> str:
    return client.get(f"{ORGS}/{org_id}").json()["credit_status"]


def events(client, as_role, entity: str, entity_id) -> list[dict]:
    return client.get("/api/audit", headers=as_role("platform_admin"),
                      params={"entity": entity, "entity_id": str(entity_id)}).json()["items"]


# -- annual inspections ---------------------------------------------------------------------------


def test_an_inspection_result_is_recorded_once_per_year_and_corrections_are_audited(client, as_role):
    admin = as_role("district_admin")
    org_id = new_org(client, admin)
    first = client.put(f"{ORGS}/{org_id}/inspections/{LAST_YEAR}", headers=admin,
                       json={"result": "not_inspected", "note": "未按期报送年度报告"})
    assert first.status_code == 200, first.text
    assert (first.json()["result_label"], first.json()["recorded_by"]) == ("未参检", f"{OWN}-admin")
    earlier = client.put(f"{ORGS}/{org_id}/inspections/2019", headers=admin, json={"result": "qualified"})
    assert earlier.status_code == 200 and earlier.json()["result_label"] == "合格"
    corrected = client.put(f"{ORGS}/{org_id}/inspections/{LAST_YEAR}", headers=admin,
                           json={"result": "basically_qualified", "note": "补报后结论为基本合格"})
    assert corrected.status_code == 200 and corrected.json()["id"] == first.json()["id"]  # the same row

    listed = client.get(f"{ORGS}/{org_id}/inspections").json()  # announced results: public
    assert [(r["year"], r["result"], r["result_label"]) for r in listed] == [
        (LAST_YEAR, "basically_qualified", "基本合格"), (2019, "qualified", "合格")]
    trail = events(client, as_role, "annual_inspection", first.json()["id"])
    assert [e["action"] for e in trail] == ["correct", "record"]  # newest first
    assert trail[0]["before"]["result"] == "not_inspected" and trail[0]["after"]["result"] == "basically_qualified"

    async def duplicate():  # the database itself keeps one row per organisation and year
        await AnnualInspection.insert(AnnualInspection(organization=org_id, district_code=OWN, year=2019,
                                                       result="unqualified", recorded_by="test"))

    with pytest.raises(Exception):
        run(duplicate())
    assert len(client.get(f"{ORGS}/{org_id}/inspections").json()) == 2


def test_inspection_refusals_name_the_rule_and_write_nothing(client, as_role):
    admin = as_role("district_admin")
    registered = new_org(client, admin, registered_on="2021-03-01")
    filed = new_org(client, admin, legal_type="community_filed")
    before = counts()
    this_year = client.put(f"{ORGS}/{registered}/inspections/{TODAY.year}", headers=admin, json={"result": "qualified"})
    assert this_year.status_code == 422 and "上一年度" in fields(this_year)["year"]
    too_early = client.put(f"{ORGS}/{registered}/inspections/2020", headers=admin, json={"result": "qualified"})
    assert too_early.status_code == 422 and "2021" in fields(too_early)["year"]  # before it was registered
    not_inspected = client.put(f"{ORGS}/{filed}/inspections/{LAST_YEAR}", headers=admin, json={"result": "qualified"})
    assert not_inspected.status_code == 422 and "不参加年检" in fields(not_inspected)["legal_type"]
    unknown = client.put(f"{ORGS}/{registered}/inspections/{LAST_YEAR}", headers=admin, json={"result": "优秀"})
    assert unknown.status_code == 400 and fields(unknown).keys() == {"result"}
    assert client.put(f"{ORGS}/999999/inspections/{LAST_YEAR}", headers=admin,
                      json={"result": "qualified"}).status_code == 404
    for role in ("supervisor", "org_staff", "resident"):
        assert client.put(f"{ORGS}/{registered}/inspections/{LAST_YEAR}", headers=as_role(role),
                          json={"result": "qualified"}).status_code == 403
    assert counts() == before
    assert client.get(f"/api/districts/{OTHER}/organizations/{registered}/inspections").status_code == 404


# -- credit lists ---------------------------------------------------------------------------------


def test_credit_status_follows_the_open_entries_and_history_is_kept(client, as_role):
    admin = as_role("district_admin")
    org_id = new_org(client, admin)
    url = f"{ORGS}/{org_id}/credit-listings"
    abnormal = client.post(url, headers=admin, json={"credit_list": "abnormal", "listed_on": "2024-06-30",
                                                     "reason": "未按规定报送2023年度工作报告"})
    assert abnormal.status_code == 201, abnormal.text
    assert abnormal.json()["open"] is True and abnormal.json()["credit_list_label"] == "活动异常名录"
    assert credit_status(client, org_id) == "abnormal"
    assert client.get(f"{ORGS}/{org_id}").json()["credit_status_label"] == "列入活动异常名录"

    serious = client.post(url, headers=admin, json={"credit_list": "serious", "listed_on": "2025-02-01",
                                                    "reason": "受到较大数额罚款的行政处罚"})
    assert serious.status_code == 201 and credit_status(client, org_id) == "serious"  # serious wins

    lifted = client.post(f"{url}/{serious.json()['id']}/remove", headers=admin,
                         json={"reason": "行政复议撤销处罚决定", "removed_on": str(TODAY)})
    assert lifted.status_code == 200, lifted.text
    assert (lifted.json()["open"], lifted.json()["removed_on"], lifted.json()["removed_by"]) == (
        False, str(TODAY), f"{OWN}-admin")
    assert credit_status(client, org_id) == "abnormal"  # the abnormal entry is still open
    client.post(f"{url}/{abnormal.json()['id']}/remove", headers=admin, json={"reason": "已补报年度工作报告"})
    assert credit_status(client, org_id) == "normal"

    history = client.get(url).json()  # published lists: public, removed entries included
    assert [(h["credit_list"], h["open"], h["removal_reason"]) for h in history] == [
        ("serious", False, "行政复议撤销处罚决定"), ("abnormal", False, "已补报年度工作报告")]
    relisted = client.post(url, headers=admin, json={"credit_list": "abnormal", "listed_on": str(TODAY),
                                                     "reason": "通过登记的住所无法联系"})
    assert relisted.status_code == 201 and credit_status(client, org_id) == "abnormal"
    assert len(client.get(url).json()) == 3

    status_trail = [(e["before"]["credit_status"], e["after"]["credit_status"])
                    for e in events(client, as_role, "organization", org_id) if e["action"] == "credit_status"]
    assert status_trail == [("normal", "abnormal"), ("abnormal", "normal"), ("serious", "abnormal"),
                            ("abnormal", "serious"), ("normal", "abnormal")]
    assert [e["action"] for e in events(client, as_role, "credit_listing", abnormal.json()["id"])] == [
        "remove", "list"]


def test_credit_list_refusals_name_the_rule_and_write_nothing(client, as_role):
    admin = as_role("district_admin")
    org_id = new_org(client, admin)
    url = f"{ORGS}/{org_id}/credit-listings"
    entry = client.post(url, headers=admin, json={"credit_list": "abnormal", "listed_on": "2025-03-01",
                                                  "reason": "年度报告未报送"}).json()
    before, stored = counts(), run(Organization.select().where(Organization.id == org_id).first())
    cases = [
        ({"credit_list": "abnormal", "listed_on": str(TODAY), "reason": "又一次"}, 409, "credit_list", "已在活动异常名录"),
        ({"credit_list": "serious", "listed_on": str(TODAY), "reason": "  "}, 422, "reason", "列入理由"),
        ({"credit_list": "serious", "listed_on": str(TODAY + timedelta(days=1)), "reason": "x"}, 422, "listed_on",
         "晚于今天"),
        ({"credit_list": "blacklist", "listed_on": str(TODAY), "reason": "x"}, 400, "credit_list", ""),
    ]
    for body, status, field, words in cases:
        response = client.post(url, headers=admin, json=body)
        assert response.status_code == status, (body, response.text)
        assert words in fields(response)[field], (body, response.json())
    remove = f"{url}/{entry['id']}/remove"
    for body, field, words in (({"reason": ""}, "reason", "移出理由"),
                               ({"reason": "已整改", "removed_on": "2025-02-28"}, "removed_on", "2025-03-01"),
                               ({"reason": "已整改", "removed_on": str(TODAY + timedelta(days=1))}, "removed_on",
                                "晚于今天")):
        response = client.post(remove, headers=admin, json=body)
        assert response.status_code == 422 and words in fields(response)[field], (body, response.text)
    assert client.post(f"{url}/999999/remove", headers=admin, json={"reason": "x"}).status_code == 404
    for role in ("supervisor", "org_staff", "resident"):
        assert client.post(url, headers=as_role(role), json={"credit_list": "serious", "listed_on": str(TODAY),
                                                             "reason": "x"}).status_code == 403
    assert counts() == before
    assert run(Organization.select().where(Organization.id == org_id).first()) == stored

    assert client.post(remove, headers=admin, json={"reason": "已整改"}).status_code == 200
    again = client.post(remove, headers=admin, json={"reason": "已整改"})
    assert again.status_code == 409 and again.json()["code"] == "already_removed"


def test_an_organisation_with_history_is_not_deleted(client, as_role):
    admin = as_role("district_admin")
    org_id = new_org(client, admin)
    client.put(f"{ORGS}/{org_id}/inspections/{LAST_YEAR}", headers=admin, json={"result": "unqualified"})
    before = counts()
    refused = client.delete(f"{ORGS}/{org_id}", headers=admin)
    assert refused.status_code == 409 and "年检" in refused.json()["detail"]
    assert counts() == before
    plain = new_org(client, admin)
    assert client.delete(f"{ORGS}/{plain}", headers=admin).status_code == 204


# -- the two-year rule ------------------------------------------------------------------------------


def test_two_years_on_the_abnormal_list_raise_a_flag_once_per_entry(ctx, client, as_role):
    admin = as_role("district_admin")
    rule = next(r for r in ctx.contributions.supervision_rules if r.name == "registry.abnormal_two_years")
    assert (rule.module, rule.severity, rule.check) == ("supervision", "high", abnormal_for_two_years)
    long_ago = add_years(TODAY, -2)  # exactly two years: due
    orgs = {name: new_org(client, admin) for name in ("due", "recent", "moved", "lifted")}
    entries = {}
    for name, listed_on in (("due", long_ago), ("recent", long_ago + timedelta(days=1)), ("moved", long_ago),
                            ("lifted", long_ago)):
        entries[name] = run(credit.add(OWN, "test", orgs[name], "abnormal", listed_on, "年度报告未报送"))["id"]
    run(credit.add(OWN, "test", orgs["moved"], "serious", TODAY, "已列入严重违法失信名单"))
    run(credit.remove(OWN, "test", orgs["lifted"], entries["lifted"], TODAY, "已整改"))

    async def flags():
        return [f async for f in abnormal_for_two_years(OWN, TODAY, {}) if f["organization_id"] in orgs.values()]

    try:
        found = run(flags())
        assert [(f["organization_id"], f["key"], f["severity"], f["record_type"]) for f in found] == [
            (orgs["due"], f"registry.abnormal_two_years:{entries['due']}", "high", "organization")]
        assert "满2年" in found[0]["message"] and "严重违法失信名单" in found[0]["message"]
        assert [f["key"] for f in run(flags())] == [found[0]["key"]]  # stable
        later = run(_collect(abnormal_for_two_years(OWN, TODAY + timedelta(days=1), {})))  # a day later
        assert [f["key"] for f in later if f["organization_id"] == orgs["recent"]] == [
            f"registry.abnormal_two_years:{entries['recent']}"]
        elsewhere = run(_collect(abnormal_for_two_years(OTHER, TODAY, {})))
        assert not [f for f in elsewhere if f["organization_id"] in orgs.values()]
    finally:  # lift what is still open, so later scans of the district do not see it
        for name in ("due", "recent", "moved"):
            run(credit.remove(OWN, "test", orgs[name], entries[name], TODAY, "测试结束"))
    assert run(flags()) == []
    assert run(AuditEvent.count().where((AuditEvent.entity == "credit_listing") & (AuditEvent.actor == "test"))) >= 8


async def _collect(flags) -> list[dict]:
    return [f async for f in flags]


# -- the demo ---------------------------------------------------------------------------------------


def test_the_demo_registry_meets_the_rules(ctx, client):
    from core.demo import ABNORMAL, INSPECTIONS, ORGANIZATIONS
    from core.registry.organization_rules import uscc_errors

    for code, district in ctx.districts.items():
        prefix = f"{district.city_name}{district.name}"
        demo = [o for o in run(Organization.select().where(Organization.district_code == code))
                if o["name"] in {f"{prefix}{s}" for _, s, *_ in ORGANIZATIONS} | {f"{district.name}{s}"
                                                                              for _, s, *_ in ORGANIZATIONS}]
        assert len(demo) == len(ORGANIZATIONS)
        assert [(o["name"], uscc_errors(o)) for o in demo if uscc_errors(o)] == []  # codes fit their legal type
        for org in demo:
            suffix = org["name"].removeprefix(prefix)
            results = [r["result"] for r in client.get(f"/api/districts/{code}/organizations/{org['id']}/inspections")
                       .json()]
            assert results == list(reversed(INSPECTIONS.get(suffix, ()))), org["name"]
            assert org["credit_status"] == ("abnormal" if suffix == ABNORMAL else "normal"), org["name"]
