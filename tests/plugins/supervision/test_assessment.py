"""Agency assessment through the real app: grade boundaries, field-level scheme and
score errors, the grade written back to the registry with history and audit events,
nothing written on bad scores, who may be assessed (registered, long enough, on no credit
list), one active scheme, schemes fixed once used, cross-district and role denials, the
page, and an idempotent demo scheme."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from litestar.testing import TestClient

from core.codes import make_uscc
from core.modules import enabled_modules
from core.registry import credit
from core.tables import Organization
from core.dates import add_years
from plugins.supervision.assessment import DEMO_BANDS, grade_for, load_demo_scheme, total_for
from plugins.supervision.tables import Assessment, GradeHistory, Indicator, Scheme
from tests.conftest import OTHER, OWN, bearer, login, run, table_counts

API = f"/api/districts/{OWN}/supervision"
WEIGHTS = (("基础条件", "法人资格", 100), ("内部治理", "财务管理", 200), ("工作绩效", "服务成效", 300),
           ("社会评价", "满意度", 400))
_serial = itertools.count(1)


def scheme_body(**overrides) -> dict:
    indicators = [{"group_name": g, "name": n, "weight": w, "min_score": 0, "max_score": 10} for g, n, w in WEIGHTS]
    return {"name": f"测试指标体系{next(_serial)}", "bands": DEMO_BANDS, "indicators": indicators,
            "active": False, **overrides}


def create_scheme(client, headers, code: str = OWN, **overrides) -> dict:
    response = client.post(f"/api/districts/{code}/supervision/schemes", json=scheme_body(**overrides),
                           headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def scores(scheme: dict, value: float) -> dict[str, float]:
    """The same score for every indicator: with 0–10 ranges the total is value × 100."""
    return {str(i["id"]): value for i in scheme["indicators"]}


def new_org(client, headers, code: str = OWN, **overrides) -> int:
    """A registered social service institution, registered long before any assessment date the tests use."""
    n = next(_serial)
    body = {"name": f"评估样本社工服务中心{n}", "legal_type": "social_service_institution", "status": "registered",
            "uscc": make_uscc("2", code, 33_000_000 + n), "registered_on": "2015-01-01", **overrides}
    response = client.post(f"/api/districts/{code}/organizations", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def assess(client, headers, org_id: int, scheme: dict, value: float, code: str = OWN, **extra):
    body = {"organization_id": org_id, "scheme_id": scheme["id"], "scores": scores(scheme, value), **extra}
    return client.post(f"/api/districts/{code}/supervision/assessments", json=body, headers=headers)


def counts() -> dict[str, int]:
    async def supervision():
        return {t.__name__: await t.count() for t in (Scheme, Indicator, Assessment, GradeHistory)}

    return {**table_counts(), **run(supervision())}


def fields(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


@pytest.fixture(scope="module")
def other(app) -> dict[str, dict[str, str]]:
    """Bearer headers of 430703's admin and supervisor (created once through the API)."""
    headers = {}
    with TestClient(app=app) as c:
        for role in ("admin", "supervisor"):
            login(c, f"{OTHER}-{role}")
            headers[role] = bearer(c.post("/api/me/tokens", json={"name": "assessment tests"}).json()["token"])
            c.post("/api/auth/logout")
            c.cookies.clear()
            c.headers.pop("X-CSRF-Token", None)
    return headers


# -- grade boundaries (pure) -------------------------------------------------------------------------


@pytest.mark.parametrize("total, grade", [
    (0, None), (599.99, None), (600, "1A"), (699.99, "1A"), (700, "2A"), (799.99, "2A"), (800, "3A"),
    (879.99, "3A"), (880, "4A"), (949.99, "4A"), (950, "5A"), (1000, "5A"),
])
def test_grade_for_boundaries(total, grade):
    assert grade_for(total, DEMO_BANDS) == grade
    assert grade_for(total, list(reversed(DEMO_BANDS))) == grade  # band order does not matter


def test_no_band_reached_and_no_bands():
    assert grade_for(899.99, [{"grade": "5A", "min": 900}]) is None
    assert grade_for(900, [{"grade": "5A", "min": 900}]) == "5A"
    assert grade_for(1000, []) is None


def test_the_total_is_rounded_before_the_boundary_is_compared():
    third = 1000 / 3
    indicators = [{"id": i, "weight": third, "min_score": 0, "max_score": 10} for i in range(3)]
    given = {0: 8.7, 1: 5.7, 2: 9.6}
    raw = sum((given[i["id"]] - 0) / 10 * i["weight"] for i in indicators)
    assert raw < 800  # 799.9999999999999 in binary floating point
    assert total_for(indicators, given) == 800.0 and grade_for(total_for(indicators, given), DEMO_BANDS) == "3A"


def test_valid_until_adds_whole_years():
    assert add_years(date(2024, 6, 18), 5) == date(2029, 6, 18)
    assert add_years(date(2024, 2, 29), 5) == date(2029, 2, 28)


# -- scheme validation ---------------------------------------------------------------------------------


def test_weights_must_add_up_to_the_scale(client, as_role):
    admin = as_role("district_admin")
    before = counts()
    body = scheme_body()
    body["indicators"][3]["weight"] = 390
    response = client.post(f"{API}/schemes", json=body, headers=admin)
    assert response.status_code == 422, response.text
    assert "990" in fields(response)["indicators"] and "1000" in fields(response)["indicators"]
    body["indicators"][3]["weight"] = 0
    response = client.post(f"{API}/schemes", json=body, headers=admin)
    assert response.status_code == 422 and fields(response)["indicators[3].weight"] == "权重应大于 0"
    assert counts() == before


def test_bands_and_score_ranges_are_checked_field_by_field(client, as_role):
    admin = as_role("district_admin")
    body = scheme_body(bands=[{"grade": "3A", "min": 800}, {"grade": "4A", "min": 780}, {"grade": "6A", "min": 990},
                              {"grade": "5A", "min": 1200}])
    body["indicators"][1]["min_score"] = 10
    response = client.post(f"{API}/schemes", json=body, headers=admin)
    assert response.status_code == 422
    errors = fields(response)
    assert "3A" in errors["bands[1].min"]  # 4A must be above 3A's 800
    assert "1A" in errors["bands[2].grade"]
    assert "1000" in errors["bands[3].min"]  # above the scale
    assert errors["indicators[1].max_score"] == "最高分应大于最低分"
    assert client.post(f"{API}/schemes", json=scheme_body(bands=[]), headers=admin).json()["errors"][0][
        "field"] == "bands"
    duplicate = scheme_body(bands=[{"grade": "1A", "min": 600}, {"grade": "1A", "min": 700}])
    assert "bands[1].grade" in fields(client.post(f"{API}/schemes", json=duplicate, headers=admin))


def test_a_scheme_reads_back_grouped_with_bands_lowest_first(client, as_role):
    admin = as_role("district_admin")
    created = create_scheme(client, admin, bands=list(reversed(DEMO_BANDS)))
    got = client.get(f"{API}/schemes/{created['id']}", headers=as_role("supervisor")).json()
    assert [b["grade"] for b in got["bands"]] == ["1A", "2A", "3A", "4A", "5A"]
    assert [(g["name"], g["weight"]) for g in got["groups"]] == [(g, w) for g, _, w in WEIGHTS]
    assert sum(i["weight"] for i in got["indicators"]) == got["scale"] == 1000
    listed = client.get(f"{API}/schemes", headers=admin).json()
    assert any(s["id"] == created["id"] and s["indicator_count"] == 4 for s in listed)


# -- scoring and writing back -------------------------------------------------------------------------


def test_scoring_writes_the_grade_into_the_registry_with_history(client, as_role):
    admin, supervisor = as_role("district_admin"), as_role("supervisor")
    scheme = create_scheme(client, admin)
    org_id = new_org(client, admin)
    first = assess(client, supervisor, org_id, scheme, 8, assessed_on="2024-03-01", note="首次评估")
    assert first.status_code == 201, first.text
    result = first.json()
    assert (result["total"], result["grade"], result["previous_grade"]) == (800.0, "3A", None)
    assert result["valid_until"] == "2029-03-01"  # grade_valid_years = 5

    registry = client.get(f"/api/districts/{OWN}/organizations/{org_id}").json()
    assert registry["grade"] == "3A"

    second = assess(client, as_role("platform_admin"), org_id, scheme, 9.5, assessed_on="2025-04-02")
    assert second.status_code == 201 and second.json()["grade"] == "5A" and second.json()["previous_grade"] == "3A"
    third = assess(client, supervisor, org_id, scheme, 5.99, assessed_on="2025-04-02")
    assert third.json()["total"] == 599.0 and third.json()["grade"] is None and third.json()["valid_until"] is None
    assert client.get(f"/api/districts/{OWN}/organizations/{org_id}").json()["grade"] is None

    detail = client.get(f"{API}/organizations/{org_id}/assessments", headers=supervisor).json()
    assert [a["total"] for a in detail["assessments"]] == [599.0, 950.0, 800.0]  # newest first
    assert detail["assessments"][-1]["note"] == "首次评估" and detail["assessments"][0]["grade_label"] == "未达等级"
    assert [(h["previous_grade"], h["grade"], h["valid_until"]) for h in detail["history"]] == [
        ("5A", None, None), ("3A", "5A", "2030-04-02"), (None, "3A", "2029-03-01")]
    assert detail["history"][-1]["changed_by"] == f"{OWN}-supervisor"

    audit = client.get("/api/audit", params={"entity": "organization", "entity_id": str(org_id), "action": "grade"},
                       headers=as_role("platform_admin")).json()
    assert [(e["before"]["grade"], e["after"]["grade"]) for e in audit["items"]] == [
        ("5A", None), ("3A", "5A"), (None, "3A")]
    event = client.get("/api/audit", params={"entity": "supervision_assessment", "entity_id": str(result["id"])},
                       headers=as_role("platform_admin")).json()["items"]
    assert len(event) == 1 and event[0]["after"]["total"] == 800.0 and event[0]["actor"] == f"{OWN}-supervisor"


def test_the_grades_list_shows_grade_and_valid_until(client, as_role):
    admin, supervisor = as_role("district_admin"), as_role("supervisor")
    scheme = create_scheme(client, admin)
    org_id = new_org(client, admin)
    assert assess(client, supervisor, org_id, scheme, 8.8, assessed_on="2020-01-15").json()["grade"] == "4A"
    grades = client.get(f"{API}/grades", params={"per_page": 500}, headers=supervisor).json()
    row = next(item for item in grades["items"] if item["id"] == org_id)
    assert (row["grade"], row["valid_until"], row["expired"], row["total"]) == ("4A", "2025-01-15", True, 880.0)
    edited = client.patch(f"/api/districts/{OWN}/organizations/{org_id}", json={"grade": "2A"}, headers=admin)
    assert edited.status_code == 200
    grades = client.get(f"{API}/grades", params={"per_page": 500}, headers=supervisor).json()
    row = next(item for item in grades["items"] if item["id"] == org_id)
    assert row["grade"] == "2A" and row["valid_until"] is None  # a hand-edited grade has no assessment behind it


def test_invalid_scores_write_nothing(client, as_role):
    admin, supervisor = as_role("district_admin"), as_role("supervisor")
    scheme = create_scheme(client, admin)
    org_id = new_org(client, admin)
    before = counts()
    bad = scores(scheme, 8)
    first, second = (str(i["id"]) for i in scheme["indicators"][:2])
    bad[first] = 10.5
    del bad[second]
    bad["999999"] = 5
    response = client.post(f"{API}/assessments", headers=supervisor,
                           json={"organization_id": org_id, "scheme_id": scheme["id"], "scores": bad})
    assert response.status_code == 422, response.text
    errors = fields(response)
    assert "基础条件·法人资格" in errors[f"scores.{first}"] and "0–10" in errors[f"scores.{first}"]
    assert "内部治理·财务管理" in errors[f"scores.{second}"]
    assert "scores.999999" in errors
    assert assess(client, supervisor, org_id, scheme, -1).status_code == 422
    future = (date.today() + timedelta(days=1)).isoformat()
    assert "assessed_on" in fields(assess(client, supervisor, org_id, scheme, 8, assessed_on=future))
    assert counts() == before
    assert client.get(f"/api/districts/{OWN}/organizations/{org_id}").json()["grade"] is None


def test_an_assessment_cannot_predate_the_latest_one_nor_follow_deregistration(client, as_role):
    admin, supervisor = as_role("district_admin"), as_role("supervisor")
    scheme = create_scheme(client, admin)
    org_id = new_org(client, admin)
    assert assess(client, supervisor, org_id, scheme, 7, assessed_on="2024-05-05").status_code == 201
    late = assess(client, supervisor, org_id, scheme, 9, assessed_on="2024-05-04")
    assert late.status_code == 422 and "2024-05-05" in fields(late)["assessed_on"]
    closed = client.patch(f"/api/districts/{OWN}/organizations/{org_id}", json={"status": "deregistered"},
                          headers=admin)
    assert closed.status_code == 200, closed.text
    refused = assess(client, supervisor, org_id, scheme, 9)
    assert refused.status_code == 422 and "已注销" in fields(refused)["organization_id"]


def test_only_registered_organisations_on_no_credit_list_are_assessed(client, as_role):
    admin, supervisor = as_role("district_admin"), as_role("supervisor")
    scheme = create_scheme(client, admin)
    filed = new_org(client, admin, legal_type="community_filed", status="filed", uscc=None)
    listed = new_org(client, admin)
    run(credit.add(OWN, "test", listed, "abnormal", date(2025, 5, 1), "年度报告未报送"))
    before = counts()
    refused = assess(client, supervisor, filed, scheme, 9)
    assert refused.status_code == 422 and "只有已登记的社会组织" in fields(refused)["organization_id"]
    on_list = assess(client, supervisor, listed, scheme, 9)
    assert on_list.status_code == 422 and "活动异常名录" in fields(on_list)["organization_id"]
    assert counts() == before
    assert client.get(f"/api/districts/{OWN}/organizations/{listed}").json()["grade"] is None

    entry = client.get(f"/api/districts/{OWN}/organizations/{listed}/credit-listings").json()[0]
    run(credit.remove(OWN, "test", listed, entry["id"], None, "已补报"))
    assert assess(client, supervisor, listed, scheme, 9).status_code == 201  # off the list: assessed


def test_an_organisation_is_assessed_after_the_districts_registration_years(client, as_role):
    admin, supervisor, platform = as_role("district_admin"), as_role("supervisor"), as_role("platform_admin")
    scheme = create_scheme(client, admin)
    young = new_org(client, admin, registered_on="2023-06-01")
    undated = new_org(client, admin, registered_on=None)
    before = counts()
    early = assess(client, supervisor, young, scheme, 9, assessed_on="2025-05-31")  # a day short of 2 full years
    assert early.status_code == 422
    assert "登记未满2年" in fields(early)["organization_id"] and "民政部令第39号" in fields(early)["organization_id"]
    unknown = assess(client, supervisor, undated, scheme, 9, assessed_on="2025-06-01")
    assert unknown.status_code == 422 and "没有登记日期" in fields(unknown)["organization_id"]
    assert counts() == before
    assert assess(client, supervisor, young, scheme, 9, assessed_on="2025-06-01").status_code == 201

    # The number of years is the district's supervision setting.
    stricter = client.put(f"/api/districts/{OWN}/modules/supervision", headers=platform,
                          json={"enabled": True, "settings": {"min_registered_years": 3}})
    assert stricter.status_code == 200, stricter.text
    try:
        later = new_org(client, admin, registered_on="2022-01-10")
        three = assess(client, supervisor, later, scheme, 9, assessed_on="2024-12-31")
        assert three.status_code == 422 and "登记未满3年" in fields(three)["organization_id"]
        assert assess(client, supervisor, later, scheme, 9, assessed_on="2025-01-10").status_code == 201
    finally:
        client.put(f"/api/districts/{OWN}/modules/supervision", headers=platform,
                   json={"enabled": True, "settings": {"min_registered_years": 2}})


def test_a_scheme_in_use_keeps_its_indicators(client, as_role):
    admin, supervisor = as_role("district_admin"), as_role("supervisor")
    scheme = create_scheme(client, admin)
    indicators = scheme_body()["indicators"]
    indicators[0]["weight"], indicators[1]["weight"] = 150, 150
    changed = client.put(f"{API}/schemes/{scheme['id']}", json={"indicators": indicators}, headers=admin)
    assert changed.status_code == 200 and changed.json()["indicators"][0]["weight"] == 150
    scheme = changed.json()
    assert assess(client, supervisor, new_org(client, admin), scheme, 8).status_code == 201
    refused = client.put(f"{API}/schemes/{scheme['id']}", json={"indicators": scheme_body()["indicators"]},
                         headers=admin)
    assert refused.status_code == 409 and refused.json()["code"] == "scheme_in_use"
    bands = client.put(f"{API}/schemes/{scheme['id']}", json={"bands": [{"grade": "5A", "min": 900}]}, headers=admin)
    assert bands.status_code == 409
    renamed = client.put(f"{API}/schemes/{scheme['id']}", json={"name": "更名后的指标体系"}, headers=admin)
    assert renamed.status_code == 200 and renamed.json()["name"] == "更名后的指标体系"
    assert renamed.json()["indicators"] == scheme["indicators"]


def test_one_scheme_is_active_per_district(client, as_role):
    admin, supervisor = as_role("district_admin"), as_role("supervisor")
    a = create_scheme(client, admin, active=True)
    b = create_scheme(client, admin, active=True)
    active = [s["id"] for s in client.get(f"{API}/schemes", headers=admin).json() if s["active"]]
    assert active == [b["id"]]
    assert client.post(f"{API}/schemes/{a['id']}/activate", headers=admin).status_code == 200
    active = [s["id"] for s in client.get(f"{API}/schemes", headers=admin).json() if s["active"]]
    assert active == [a["id"]]
    org_id = new_org(client, admin)
    body = {"organization_id": org_id, "scores": scores(a, 7)}  # no scheme_id: the active one
    response = client.post(f"{API}/assessments", json=body, headers=supervisor)
    assert response.status_code == 201 and response.json()["scheme_id"] == a["id"]
    events = client.get("/api/audit", params={"entity": "supervision_scheme", "entity_id": str(a["id"]),
                                              "action": "activate"}, headers=as_role("platform_admin")).json()
    assert events["items"][0]["after"]["deactivated"] == [b["id"]]


# -- who may do what -----------------------------------------------------------------------------------


@pytest.fixture
def supervision_in_other(client, as_role):
    """Supervision enabled in 430703 for the test, then put back as it was."""
    admin = as_role("platform_admin")
    was_enabled = "supervision" in run(enabled_modules(client.app.state.ctx, OTHER))
    response = client.put(f"/api/districts/{OTHER}/modules/supervision", json={"enabled": True}, headers=admin)
    assert response.status_code == 200, response.text
    yield
    client.put(f"/api/districts/{OTHER}/modules/supervision", json={"enabled": was_enabled}, headers=admin)


def test_another_districts_users_are_refused(client, as_role, other):
    scheme = create_scheme(client, as_role("district_admin"))
    org_id = new_org(client, as_role("district_admin"))
    admin, supervisor = other["admin"], other["supervisor"]
    assert client.post(f"{API}/schemes", json=scheme_body(), headers=admin).status_code == 403
    assert client.put(f"{API}/schemes/{scheme['id']}", json={"name": "越权修改"}, headers=admin).status_code == 403
    assert client.post(f"{API}/schemes/{scheme['id']}/activate", headers=admin).status_code == 403
    assert assess(client, supervisor, org_id, scheme, 9).status_code == 403
    assert client.get(f"{API}/grades", headers=supervisor).status_code == 403
    assert client.get(f"{API}/organizations/{org_id}/assessments", headers=supervisor).status_code == 403
    assert client.get(f"/api/districts/{OWN}/organizations/{org_id}").json()["grade"] is None
    assert client.get(f"{API}/schemes/{scheme['id']}", headers=as_role("supervisor")).json()["name"] == scheme["name"]


def test_another_districts_organisation_cannot_be_scored_from_there(client, as_role, other, supervision_in_other):
    own_scheme = create_scheme(client, as_role("district_admin"))
    org_id = new_org(client, as_role("district_admin"))
    admin, supervisor = other["admin"], other["supervisor"]
    other_scheme = create_scheme(client, admin, code=OTHER)
    other_org = new_org(client, as_role("platform_admin"), code=OTHER)
    before = counts()
    own_org = assess(client, supervisor, org_id, other_scheme, 9, code=OTHER)
    assert own_org.status_code == 404 and own_org.json()["code"] == "not_found"
    foreign_scheme = assess(client, supervisor, other_org, own_scheme, 9, code=OTHER)
    assert foreign_scheme.status_code == 404
    read = client.get(f"/api/districts/{OTHER}/supervision/organizations/{org_id}/assessments", headers=supervisor)
    assert read.status_code == 404
    foreign = client.get(f"/api/districts/{OTHER}/supervision/schemes/{own_scheme['id']}", headers=admin)
    assert foreign.status_code == 404
    assert counts() == before
    assert client.get(f"/api/districts/{OWN}/organizations/{org_id}").json()["grade"] is None
    assert assess(client, supervisor, other_org, other_scheme, 9, code=OTHER).json()["grade"] == "4A"


@pytest.mark.parametrize("role", ["org_staff", "resident", "social_worker", "district_admin", "city_admin"])
def test_only_supervisors_and_assessors_score(client, as_role, role):
    scheme = create_scheme(client, as_role("district_admin"))
    org_id = new_org(client, as_role("district_admin"))
    response = assess(client, as_role(role), org_id, scheme, 9)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


@pytest.mark.parametrize("role", ["supervisor", "org_staff", "resident"])
def test_only_district_admins_configure(client, as_role, role):
    response = client.post(f"{API}/schemes", json=scheme_body(), headers=as_role(role))
    assert response.status_code == 403


def test_the_assessor_role_may_score_and_read(ctx):
    permissions = ctx.contributions.role_permissions["assessor"]
    assert {"supervision.assessment.score", "supervision.read"} <= set(permissions)
    assert "supervision.assessment.configure" not in permissions


# -- the page ------------------------------------------------------------------------------------------


def test_the_page_shows_the_active_scheme_grades_and_the_scoring_form(client, as_role):
    admin = as_role("district_admin")
    scheme = create_scheme(client, admin, active=True)
    org_id = new_org(client, admin)
    assert assess(client, as_role("supervisor"), org_id, scheme, 9).status_code == 201
    before = run(Organization.count().where((Organization.district_code == OWN) & (Organization.id < org_id)))
    page = client.get(f"/districts/{OWN}/supervision/assessment", params={"page": before // 100 + 1},
                      headers=as_role("supervisor"))  # the page (100 organisations each) that lists it
    assert page.status_code == 200
    html = page.text
    assert scheme["name"] in html and "社会组织评估" in html and "基础条件" in html
    assert 'data-testid="score-form"' in html and f'data-org="{org_id}"' in html and "X-CSRF-Token" in html
    assert "指标体系管理" not in html  # a supervisor does not configure
    configured = client.get(f"/districts/{OWN}/supervision/assessment", headers=admin).text
    assert "指标体系管理" in configured and 'data-testid="score-form"' not in configured
    english = client.get(f"/districts/{OWN}/supervision/assessment?lang=en", headers=as_role("supervisor")).text
    assert "Organisation assessment" in english and "Valid until" in english
    assert client.get(f"/districts/{OWN}/supervision/assessment", headers=as_role("resident")).status_code == 403


# -- demo ----------------------------------------------------------------------------------------------


def test_the_demo_scheme_loads_once(ctx, client):
    run(load_demo_scheme(OTHER))
    once = counts()
    run(load_demo_scheme(OTHER))
    assert counts() == once

    async def demo_state():
        scheme = await Scheme.select().where((Scheme.district_code == OTHER) & Scheme.name.like("%示例%")).first()
        indicators = await Indicator.select().where(Indicator.scheme == scheme["id"])
        assessed = await Assessment.select(Assessment.organization_id, Assessment.grade).where(
            Assessment.scheme == scheme["id"])
        orgs = await Organization.select(Organization.id, Organization.grade).where(
            Organization.id.is_in([a["organization_id"] for a in assessed] or [-1]))
        return indicators, assessed, orgs

    indicators, assessed, orgs = run(demo_state())
    assert len(indicators) == 12 and sum(i["weight"] for i in indicators) == 1000
    assert len({i["group_name"] for i in indicators}) == 4
    assert sorted(a["grade"] for a in assessed) == ["2A", "3A", "4A"]
    assert sorted(o["grade"] for o in orgs) == ["2A", "3A", "4A"]  # written back to the registry
