"""Shared registry: district-scoped CRUD with pagination and filters, check digits,
masking, and tenancy (one district never reads or writes another's rows)."""

from __future__ import annotations

from datetime import date

from core.codes import make_id_number, make_uscc
from tests.conftest import OTHER, OWN, bearer


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
    accepted = client.post(f"/api/districts/{OWN}/organizations", json={**body, "uscc_exception": True},
                           headers=as_role("district_admin"))
    assert accepted.status_code == 201 and accepted.json()["uscc_exception"] is True


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
