"""Shared registry: district-scoped CRUD with pagination and filters, check digits, the
credit-code rules (pilot exception, positions 1–2 against the legal type, on create and on
update), masking, and tenancy (one district never reads or writes another's rows)."""

from __future__ import annotations

from datetime import date

from core.codes import make_id_number, make_uscc
from core.tables import Organization
from tests.conftest import OTHER, OWN, bearer, run, table_counts


def test_communities_are_listed_paged_and_filtered(client):
    page1 = client.get(f"/api/districts/{OWN}/communities?per_page=5").json()
    page2 = client.get(f"/api/districts/{OWN}/communities?per_page=5&page=2").json()
    assert page1["total"] == page2["total"] > 10
    assert len(page1["items"]) == 5
    assert {c["code"] for c in page1["items"]}.isdisjoint({c["code"] for c in page2["items"]})
    streets = client.get(f"/api/districts/{OWN}/communities?kind=street&per_page=100").json()["items"]
    assert streets and all(c["kind"] == "street" and c["code"].endswith("000") for c in streets)
    children = client.get(f"/api/districts/{OWN}/communities?parent_code={streets[0]['code']}").json()["items"]
    assert children and all(c["parent_code"] == streets[0]["code"] for c in children)
    assert all(c["district_code"] == OWN for c in page1["items"])


def test_community_lifecycle_needs_its_street_first(client, as_role):
    admin = as_role("district_admin")
    orphan = client.post(f"/api/districts/{OWN}/communities", json={"code": f"{OWN}050001", "name": "新社区"},
                         headers=admin)
    assert orphan.status_code == 422 and orphan.json()["errors"][0]["field"] == "code"
    street = client.post(f"/api/districts/{OWN}/communities", json={"code": f"{OWN}050000", "name": "新街道"},
                         headers=admin)
    assert street.status_code == 201 and street.json()["kind"] == "street"
    community = client.post(f"/api/districts/{OWN}/communities", json={"code": f"{OWN}050001", "name": "新社区"},
                            headers=admin)
    assert community.status_code == 201 and community.json()["parent_code"] == f"{OWN}050000"
    assert client.delete(f"/api/districts/{OWN}/communities/{OWN}050000", headers=admin).status_code == 409
    renamed = client.patch(f"/api/districts/{OWN}/communities/{OWN}050001", json={"name": "和平社区"}, headers=admin)
    assert renamed.json()["name"] == "和平社区"
    assert client.delete(f"/api/districts/{OWN}/communities/{OWN}050001", headers=admin).status_code == 204
    assert client.delete(f"/api/districts/{OWN}/communities/{OWN}050000", headers=admin).status_code == 204
    assert client.get(f"/api/districts/{OWN}/communities/{OWN}050000").status_code == 404


def test_organisations_validate_credit_codes_and_types(client, as_role):
    admin = as_role("district_admin")
    uscc = make_uscc("2", OWN, 77_000_001)
    body = {"name": "常德市武陵区测试社工服务中心", "legal_type": "social_service_institution",
            "status": "registered", "uscc": uscc, "grade": "3A", "contact_phone": "13900001111"}
    created = client.post(f"/api/districts/{OWN}/organizations", json=body, headers=admin)
    assert created.status_code == 201, created.text
    org = created.json()
    assert org["legal_type_label"] == "社会服务机构" and org["contact_phone"] == "139****1111"
    duplicate = client.post(f"/api/districts/{OWN}/organizations", json=body, headers=admin)
    assert duplicate.status_code == 409 and duplicate.json()["errors"][0]["field"] == "uscc"
    filed_wrong = client.post(f"/api/districts/{OWN}/organizations", headers=admin, json={
        "name": "广场舞队", "legal_type": "community_filed", "status": "registered"})
    assert filed_wrong.status_code == 422 and filed_wrong.json()["errors"][0]["field"] == "status"
    filed = client.post(f"/api/districts/{OWN}/organizations", headers=admin, json={
        "name": "广场舞队", "legal_type": "community_filed", "status": "filed"})
    assert filed.status_code == 201 and filed.json()["uscc"] is None
    graded = client.patch(f"/api/districts/{OWN}/organizations/{org['id']}", json={"grade": "4A"}, headers=admin)
    assert graded.json()["grade"] == "4A"
    found = client.get(f"/api/districts/{OWN}/organizations?grade=4A&q=测试").json()
    assert [o["id"] for o in found["items"]] == [org["id"]]


def test_an_early_pilot_code_is_accepted_only_as_a_flagged_exception(client, as_role):
    bad = make_uscc("1", OWN, 66_000_001)
    bad = bad[:17] + ("0" if bad[17] != "0" else "1")
    body = {"name": "试点时期社团", "legal_type": "social_group", "status": "registered", "uscc": bad}
    refused = client.post(f"/api/districts/{OWN}/organizations", json=body, headers=as_role("district_admin"))
    assert refused.status_code == 422 and "校验位" in refused.json()["errors"][0]["message"]
    accepted = client.post(f"/api/districts/{OWN}/organizations", headers=as_role("district_admin"),
                           json={**body, "uscc_exception": True, "uscc_exception_reason": "2015年试点赋码，校验位不符"})
    assert accepted.status_code == 201 and accepted.json()["uscc_exception"] is True


# -- credit-code rules: the pilot exception, positions 1–2, updates ----------------------------------

ORGS = f"/api/districts/{OWN}/organizations"


def _fields(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def _wrong_check(code: str) -> str:
    return code[:17] + ("0" if code[17] != "0" else "1")


def _row(org_id: int) -> dict:
    return run(Organization.select().where(Organization.id == org_id).first())


def test_the_pilot_exception_needs_a_well_formed_code_and_a_reason_and_is_visible(client, as_role):
    admin = as_role("district_admin")
    good = make_uscc("1", OWN, 31_000_001)
    pilot = _wrong_check(good)
    body = {"name": "试点时期老年协会", "legal_type": "social_group", "status": "registered"}
    before = table_counts()
    for claim in ({}, {"uscc_exception": True, "uscc_exception_reason": "早期试点代码"}):
        abc = client.post(ORGS, headers=admin, json={**body, "uscc": "ABC", **claim})
        assert abc.status_code == 422 and list(_fields(abc)) == ["uscc"] and "18位" in _fields(abc)["uscc"]
    no_reason = client.post(ORGS, headers=admin, json={**body, "uscc": pilot, "uscc_exception": True})
    assert no_reason.status_code == 422 and "理由" in _fields(no_reason)["uscc_exception_reason"]
    blank = client.post(ORGS, headers=admin,
                        json={**body, "uscc": pilot, "uscc_exception": True, "uscc_exception_reason": "  "})
    assert blank.status_code == 422 and "uscc_exception_reason" in _fields(blank)
    not_an_exception = client.post(ORGS, headers=admin,
                                   json={**body, "uscc": good, "uscc_exception": True, "uscc_exception_reason": "试点"})
    assert not_an_exception.status_code == 422 and "校验通过" in _fields(not_an_exception)["uscc_exception"]
    no_code = client.post(ORGS, headers=admin, json={"name": "无代码队", "legal_type": "community_filed",
                                                     "status": "filed", "uscc_exception": True})
    assert no_code.status_code == 422 and "uscc_exception" in _fields(no_code)
    assert table_counts() == before

    reason = "2015年试点时期赋码，校验位不符，经市局核实"
    created = client.post(ORGS, headers=admin, json={**body, "uscc": pilot.lower(), "uscc_exception": True,
                                                     "uscc_exception_reason": f" {reason} "})
    assert created.status_code == 201, created.text
    org = created.json()
    assert (org["uscc"], org["uscc_exception"], org["uscc_exception_reason"]) == (pilot, True, reason)
    public = client.get(f"{ORGS}/{org['id']}").json()  # anyone reading the registry sees the exception
    assert public["uscc_exception"] is True and public["uscc_exception_reason"] == reason
    flagged = client.get(ORGS, params={"uscc_exception": "true", "per_page": 100}).json()["items"]
    assert org["id"] in [o["id"] for o in flagged] and all(o["uscc_exception"] for o in flagged)
    events = client.get("/api/audit", headers=as_role("platform_admin"), params={
        "entity": "organization", "entity_id": str(org["id"]), "action": "uscc_exception"}).json()["items"]
    assert [(e["after"]["uscc"], e["after"]["reason"], e["actor"]) for e in events] == [
        (pilot, reason, f"{OWN}-admin")]


def test_positions_1_and_2_must_fit_the_legal_type(client, as_role):
    admin = as_role("district_admin")
    before = table_counts()
    business = "91" + make_uscc("3", OWN, 31_000_002)[2:]  # a company's code (9 工商, 1 企业)
    foundation = {"name": "武陵区测试慈善基金会", "legal_type": "foundation", "status": "registered"}
    company = client.post(ORGS, headers=admin, json={**foundation, "uscc": business})
    assert company.status_code == 422
    assert "53" in _fields(company)["uscc"] and "基金会" in _fields(company)["uscc"]
    institution_code = client.post(ORGS, headers=admin, json={**foundation, "uscc": make_uscc("2", OWN, 31_000_003)})
    assert institution_code.status_code == 422 and "53" in _fields(institution_code)["uscc"]
    filed = {"name": "测试楼道互助队", "legal_type": "community_filed", "status": "filed"}
    wrong_filed = client.post(ORGS, headers=admin, json={**filed, "uscc": make_uscc("2", OWN, 31_000_004)})
    assert wrong_filed.status_code == 422 and "59" in _fields(wrong_filed)["uscc"]
    assert table_counts() == before

    assert client.post(ORGS, headers=admin, json={**foundation, "uscc": make_uscc("3", OWN, 31_000_005)}
                       ).status_code == 201
    assert client.post(ORGS, headers=admin, json={**filed, "uscc": make_uscc("9", OWN, 31_000_006)}).status_code == 201
    assert client.post(ORGS, headers=admin, json={**filed, "name": "测试无代码互助队"}).status_code == 201


def test_a_patch_of_the_code_or_the_legal_type_is_checked(client, as_role):
    admin = as_role("district_admin")
    org = client.post(ORGS, headers=admin, json={
        "name": "测试改型社工中心", "legal_type": "social_service_institution", "status": "registered",
        "uscc": make_uscc("2", OWN, 31_000_011)}).json()
    other = client.post(ORGS, headers=admin, json={
        "name": "测试另一社工中心", "legal_type": "social_service_institution", "status": "registered",
        "uscc": make_uscc("2", OWN, 31_000_012)}).json()
    stored, before = _row(org["id"]), table_counts()
    for change, field, words in (
            ({"legal_type": "foundation"}, "uscc", "53"),  # its 52 code does not fit a foundation
            ({"uscc": "ABC"}, "uscc", "18位"),
            ({"uscc": "91" + org["uscc"][2:]}, "uscc", "52"),
            ({"uscc": _wrong_check(make_uscc("2", OWN, 31_000_013))}, "uscc", "校验位"),
            ({"legal_type": "community_filed"}, "status", "已备案")):
        response = client.patch(f"{ORGS}/{org['id']}", headers=admin, json=change)
        assert response.status_code == 422, (change, response.text)
        assert words in _fields(response)[field], (change, response.json())
    taken = client.patch(f"{ORGS}/{org['id']}", headers=admin, json={"uscc": other["uscc"]})
    assert taken.status_code == 409 and taken.json()["errors"][0]["field"] == "uscc"
    assert _row(org["id"]) == stored and table_counts() == before

    new_code = make_uscc("3", OWN, 31_000_014)
    became = client.patch(f"{ORGS}/{org['id']}", headers=admin, json={"legal_type": "foundation", "uscc": new_code})
    assert became.status_code == 200, became.text
    assert (became.json()["legal_type"], became.json()["uscc"]) == ("foundation", new_code)


def test_a_new_code_drops_the_exception_and_an_unrelated_edit_is_not_rechecked(client, as_role):
    admin = as_role("district_admin")
    pilot = _wrong_check(make_uscc("2", OWN, 31_000_021))
    org = client.post(ORGS, headers=admin, json={
        "name": "测试试点社工中心", "legal_type": "social_service_institution", "status": "registered",
        "uscc": pilot, "uscc_exception": True, "uscc_exception_reason": "试点代码"}).json()
    renamed = client.patch(f"{ORGS}/{org['id']}", headers=admin, json={"name": "测试试点社工服务中心"})
    assert renamed.status_code == 200 and renamed.json()["uscc_exception"] is True  # the exception stays
    recoded = client.patch(f"{ORGS}/{org['id']}", headers=admin, json={"uscc": make_uscc("2", OWN, 31_000_022)})
    assert recoded.status_code == 200, recoded.text
    assert (recoded.json()["uscc_exception"], recoded.json()["uscc_exception_reason"]) == (False, "")

    # A row registered before these rules (a foundation holding a 52 code) can still get a new phone.
    legacy = run(Organization.insert(Organization(
        district_code=OWN, name="测试旧登记基金会", legal_type="foundation", status="registered",
        uscc=make_uscc("2", OWN, 31_000_023))).returning(Organization.id))[0]["id"]
    phone = client.patch(f"{ORGS}/{legacy}", headers=admin, json={"contact_phone": "13900002222"})
    assert phone.status_code == 200, phone.text
    assert client.patch(f"{ORGS}/{legacy}", headers=admin, json={"legal_type": "foundation",
                                                               "uscc_exception": False}).status_code == 200
    recheck = client.patch(f"{ORGS}/{legacy}", headers=admin, json={"uscc": make_uscc("2", OWN, 31_000_024)})
    assert recheck.status_code == 422 and "53" in _fields(recheck)["uscc"]


def test_the_credit_status_is_not_written_directly(client, as_role):
    admin = as_role("district_admin")
    org = client.get(ORGS, params={"per_page": 1}).json()["items"][0]
    assert org["credit_status"] == "normal" and org["credit_status_label"] == "正常"
    patched = client.patch(f"{ORGS}/{org['id']}", headers=admin, json={"credit_status": "serious"})
    assert patched.status_code == 400 and patched.json()["errors"][0]["field"] == "credit_status"
    created = client.post(ORGS, headers=admin, json={"name": "测试直接失信", "legal_type": "community_filed",
                                                     "status": "filed", "credit_status": "serious"})
    assert created.status_code == 400
    assert client.get(f"{ORGS}/{org['id']}").json()["credit_status"] == "normal"


def test_persons_are_masked_in_every_list_and_detail(client, as_role):
    id_number = make_id_number(OWN, date(1990, 6, 15), 321)
    created = client.post(f"/api/districts/{OWN}/persons", headers=as_role("district_admin"),
                          json={"name": "测试人", "id_number": id_number, "phone": "13712345678"})
    assert created.status_code == 201, created.text
    person = created.json()
    assert person["id_number"] == id_number[:6] + "********" + id_number[-4:]
    assert person["phone"] == "137****5678"
    assert (person["gender"], person["birth_year"]) == ("男" if int(id_number[16]) % 2 else "女", 1990)
    for role in ("district_admin", "supervisor", "city_admin", "platform_admin"):
        listing = client.get(f"/api/districts/{OWN}/persons?q=测试人", headers=as_role(role))
        assert listing.status_code == 200
        assert id_number not in listing.text and "13712345678" not in listing.text
        detail = client.get(f"/api/districts/{OWN}/persons/{person['id']}", headers=as_role(role))
        assert id_number not in detail.text
    duplicate = client.post(f"/api/districts/{OWN}/persons", headers=as_role("district_admin"),
                            json={"name": "重复", "id_number": id_number})
    assert duplicate.status_code == 409


def test_a_district_admin_never_touches_another_district(client, as_role, tokens):
    admin = as_role("district_admin")
    other_person = client.get(f"/api/districts/{OTHER}/persons?per_page=1",
                              headers=bearer(tokens["platform_admin"])).json()["items"][0]
    # Reading or writing through the other district's URL is refused…
    assert client.get(f"/api/districts/{OTHER}/persons", headers=admin).status_code == 403
    assert client.patch(f"/api/districts/{OTHER}/persons/{other_person['id']}", json={"name": "x"},
                        headers=admin).status_code == 403
    # …and asking for the other district's row through one's own URL finds nothing.
    assert client.get(f"/api/districts/{OWN}/persons/{other_person['id']}", headers=admin).status_code == 404
    assert client.patch(f"/api/districts/{OWN}/persons/{other_person['id']}", json={"name": "x"},
                        headers=admin).status_code == 404
    assert client.delete(f"/api/districts/{OWN}/persons/{other_person['id']}", headers=admin).status_code == 404
    still = client.get(f"/api/districts/{OTHER}/persons/{other_person['id']}", headers=bearer(tokens["platform_admin"]))
    assert still.json()["name"] == other_person["name"]


def test_city_admin_reads_every_district_of_the_city_but_does_not_write(client, as_role):
    city = as_role("city_admin")
    assert client.get(f"/api/districts/{OWN}/persons", headers=city).status_code == 200
    assert client.get(f"/api/districts/{OTHER}/persons", headers=city).status_code == 200
    assert client.post(f"/api/districts/{OTHER}/communities", json={"code": f"{OTHER}060000", "name": "x"},
                       headers=city).status_code == 403
