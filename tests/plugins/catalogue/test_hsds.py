"""The HSDS 3.0 API (/opendata/hsds): the endpoints and query parameters of the reference
openapi.json, filters that really filter, 400 for what we cannot honour, stable ids,
taxonomy terms that attributes point at, no personal phone, a fixed number of queries per
page, and real schemas in our OpenAPI document. Schema validity of every document:
test_hsds_documents.py."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from openapi_spec_validator import validate as validate_openapi

from core import db
from core.tables import Organization
from plugins.catalogue.hsds import hsds_id, pk_from_hsds_id
from plugins.catalogue.tables import Service
from tests.conftest import OWN, bearer, run
from tests.plugins.catalogue.hsds_schemas import DATA

HSDS = "/opendata/hsds"
REFERENCE = json.loads((DATA / "openapi.json").read_text(encoding="utf-8"))
PAGE_KEYS = set(REFERENCE["components"]["schemas"]["Page"]["properties"]) | {"contents"}
FIELD_TERM = "社区养老"


def reference_parameters(path: str) -> set[str]:
    item = REFERENCE["paths"][path]
    found = [*item.get("parameters", []), *item["get"].get("parameters", [])]
    named = [REFERENCE["components"]["parameters"][p["$ref"].split("/")[-1]] if "$ref" in p else p for p in found]
    return {p["name"] for p in named if p["in"] == "query"}


def get_ok(client, path: str, **params) -> dict:
    response = client.get(f"{HSDS}{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def ids(client, path: str, **params) -> set[str]:
    """The ids of every item an endpoint lists, page after page."""
    found, page = set(), 1
    while True:
        body = get_ok(client, path, **params, page=page, per_page=500)
        found |= {item["id"] for item in body["contents"]}
        if body["last_page"]:
            return found
        page += 1


def published() -> list[dict]:
    return run(Service.select().where(Service.status == "published"))


def expected(rows: list[dict], keep=lambda row: True, kind: str = "service") -> set[str]:
    return {hsds_id(kind, row["id"]) for row in rows if keep(row)}


def term_id(client, name: str) -> str:
    return next(t["id"] for t in get_ok(client, "/taxonomy_terms", search=name)["contents"] if t["name"] == name)


def a_document_id(client, path: str) -> str:
    return get_ok(client, path, per_page=1)["contents"][0]["id"]


# --- the reference's endpoints and parameters --------------------------------------------------

@pytest.mark.parametrize("path", sorted(REFERENCE["paths"]))
def test_every_endpoint_of_the_reference_answers_with_its_parameters(client, path):
    """Each endpoint answers, takes each query parameter the reference gives it (or refuses
    it by name when we cannot honour it), and lists in the reference's page envelope."""
    listing = path.removesuffix("/{id}")
    url = path if listing == path else f"{listing}/{a_document_id(client, listing)}"
    url = "" if url == "/" else url
    assert get_ok(client, url)
    samples = {"search": "社区", "page": 1, "per_page": 5, "format": "json", "minimal": "false", "full": "true",
               "full_service": "true", "top_only": "true", "modified_after": "2000-01-01T00:00:00Z",
               "taxonomy_term_id": term_id(client, FIELD_TERM), "taxonomy_id": a_document_id(client, "/taxonomies"),
               "organization_id": a_document_id(client, "/organizations"), "parent_id": str(uuid.uuid4())}
    for name in sorted(reference_parameters(path)):
        response = client.get(f"{HSDS}{url}", params={name: samples.get(name, "x")})
        if name in ("postcode", "proximity"):  # we hold neither postcodes nor coordinates
            assert response.status_code == 400 and response.json()["errors"][0]["field"] == name
        else:
            assert response.status_code == 200, (name, response.text)
            if listing == path:
                assert set(response.json()) == PAGE_KEYS
    refused = client.get(f"{HSDS}{url}", params={"colour": "red", "district": OWN})
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["errors"]] == ["colour", "district"]
    assert "colour" in refused.json()["detail"]


def test_the_root_says_version_profile_and_openapi_url(client):
    body = get_ok(client, "")
    assert body == get_ok(client, "/")
    assert body["version"] == "3.0" and body["profile"].startswith("https://")
    path = body["openapi_url"].removeprefix("http://testserver.local")
    assert client.get(path).json()["paths"][f"{HSDS}/services"]


def test_our_openapi_has_real_schemas_for_every_hsds_route_and_validates(client):
    spec = client.get("/schema/openapi.json").json()
    validate_openapi(spec)
    for path in REFERENCE["paths"]:
        ours = spec["paths"][f"{HSDS}{path}".rstrip("/") or HSDS]["get"]
        schema = ours["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema.get("$ref", "").startswith("#/components/schemas/Hsds"), (path, schema)
        taken = {p["name"] for p in ours.get("parameters", []) if p["in"] == "query"}
        assert reference_parameters(path) - {"postcode", "proximity"} <= taken, path
        assert "400" in ours["responses"]
    service = spec["components"]["schemas"]["HsdsService"]
    assert {"id", "name", "status", "attributes", "organization"} <= set(service["properties"])
    assert set(service["required"]) == {"id", "name", "status"}


# --- filters ----------------------------------------------------------------------------------

def test_services_filter_by_organization_term_taxonomy_search_and_time(client):
    rows = published()
    fields_of: dict[int, set[str]] = {}
    for row in rows:
        fields_of.setdefault(row["organization_id"], set()).add(row["field"])
    org = max(fields_of, key=lambda o: len(fields_of[o]))  # a provider in several fields
    by_org = expected(rows, lambda r: r["organization_id"] == org)
    assert ids(client, "/services", organization_id=hsds_id("organization", org)) == by_org
    assert ids(client, "/services", organization_id=str(org)) == by_org
    by_field = expected(rows, lambda r: r["field"] == FIELD_TERM)
    assert ids(client, "/services", taxonomy_term_id=term_id(client, FIELD_TERM)) == by_field
    by_target = expected(rows, lambda r: "儿童" in json.loads(r["target_groups"]))
    assert ids(client, "/services", taxonomy_term_id=term_id(client, "儿童")) == by_target
    field = next(r["field"] for r in rows if r["organization_id"] == org)
    both = ids(client, "/services", organization_id=hsds_id("organization", org),
               taxonomy_term_id=term_id(client, field))
    by_that_field = expected(rows, lambda r: r["field"] == field)
    assert both == by_org & by_that_field and set() < both < by_org and both < by_that_field  # cumulative (AND)
    assert ids(client, "/services", taxonomy_term_id=term_id(client, "5A级")) == set()  # grades are not on services
    assert ids(client, "/services", taxonomy_term_id=str(uuid.uuid4())) == set()
    taxonomies = {t["name"]: t["id"] for t in get_ok(client, "/taxonomies")["contents"]}
    assert ids(client, "/services", taxonomy_id=taxonomies["服务领域"]) == expected(rows)
    assert ids(client, "/services", taxonomy_id=taxonomies["服务对象"]) == expected(
        rows, lambda r: json.loads(r["target_groups"]))
    assert ids(client, "/services", taxonomy_id=taxonomies["社会组织评估等级"]) == set()
    found = ids(client, "/services", search="心理")
    assert found == expected(rows, lambda r: any("心理" in r[c] for c in ("name", "description", "address")))
    assert 0 < len(found) < len(rows)
    middle = sorted(r["updated_at"] for r in rows)[len(rows) // 2]
    recent = ids(client, "/services", modified_after=middle.isoformat())
    assert recent == expected(rows, lambda r: r["updated_at"] >= middle) and 0 < len(recent) < len(rows)
    future = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    assert get_ok(client, "/services", modified_after=future)["total_items"] == 0


def test_minimal_services_come_in_one_page_with_id_and_modification_time(client):
    body = get_ok(client, "/services", minimal="true")
    assert body["total_pages"] == 1 and body["size"] == len(published())
    assert {tuple(sorted(item)) for item in body["contents"]} == {("id", "last_modified", "name", "status")}


def test_services_at_locations_filter_like_services(client):
    rows = [r for r in published() if r["address"]]
    org = rows[-1]["organization_id"]
    assert ids(client, "/service_at_locations") == expected(rows, kind="service_at_location")
    assert ids(client, "/service_at_locations", organization_id=hsds_id("organization", org),
               taxonomy_term_id=term_id(client, FIELD_TERM)) == expected(
        rows, lambda r: r["organization_id"] == org and r["field"] == FIELD_TERM, kind="service_at_location")
    assert ids(client, "/service_at_locations", search="心理") == expected(
        rows, lambda r: "心理" in r["name"] + r["description"] + r["address"], kind="service_at_location")


def test_organizations_filter_by_search_and_time(client):
    orgs = run(Organization.select().where(Organization.status.is_in(["registered", "filed"])))
    word = orgs[0]["name"][-4:]
    assert ids(client, "/organizations", search=word) == expected(
        orgs, lambda o: word in o["name"], kind="organization")
    future = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    assert get_ok(client, "/organizations", modified_after=future)["total_items"] == 0
    assert ids(client, "/organizations", modified_after="2000-01-01T00:00:00Z") == expected(orgs, kind="organization")


def test_taxonomy_terms_filter_by_taxonomy_parent_and_search(client):
    taxonomies = {t["name"]: t["id"] for t in get_ok(client, "/taxonomies")["contents"]}
    assert get_ok(client, "/taxonomies", search="评估")["total_items"] == 1
    fields = get_ok(client, "/taxonomy_terms", taxonomy_id=taxonomies["服务领域"])["contents"]
    assert {t["taxonomy_id"] for t in fields} == {taxonomies["服务领域"]} and len(fields) >= 8
    assert [t["name"] for t in get_ok(client, "/taxonomy_terms", search="养老")["contents"]] == ["社区养老"]
    assert get_ok(client, "/taxonomy_terms", parent_id=str(uuid.uuid4()))["total_items"] == 0  # flat taxonomies
    every = get_ok(client, "/taxonomy_terms", per_page=500)
    assert get_ok(client, "/taxonomy_terms", top_only="true", per_page=500) == every


# --- what cannot be honoured answers 400 --------------------------------------------------------

@pytest.mark.parametrize("path, params, field", [
    ("/services", {"organization_id": "not-a-uuid"}, "organization_id"),
    ("/services", {"taxonomy_term_id": "x"}, "taxonomy_term_id"),
    ("/services", {"taxonomy_id": "x"}, "taxonomy_id"),
    ("/services", {"minimal": "true", "full": "true"}, "minimal"),
    ("/services", {"format": "ndjson", "page": "2"}, "page"),
    ("/services", {"per_page": "1000"}, "per_page"),
    ("/services", {"full_service": "true"}, "full_service"),
    ("/service_at_locations", {"postcode": "415000"}, "postcode"),
    ("/service_at_locations", {"proximity": "500"}, "proximity"),
    ("/service_at_locations", {"minimal": "true"}, "minimal"),
    ("/organizations", {"organization_id": hsds_id("organization", 1)}, "organization_id"),
    ("/organizations", {"format": "ndjson", "per_page": "5"}, "per_page"),
    ("/taxonomy_terms", {"taxonomy_id": "x"}, "taxonomy_id"),
    ("/taxonomy_terms", {"parent_id": "x"}, "parent_id"),
    ("/taxonomies", {"taxonomy_id": str(uuid.uuid4())}, "taxonomy_id"),
    ("/taxonomy_terms/x", {}, "id"),
    ("/services/not-a-uuid", {}, "id"),
    ("/services", {"format": "xml"}, "format"),
])
def test_what_we_cannot_honour_answers_400_naming_it(client, path, params, field):
    response = client.get(f"{HSDS}{path}", params=params)
    assert response.status_code == 400, response.text
    assert field in [e["field"] for e in response.json()["errors"]] or field in response.json()["detail"]


# --- single items, ids, taxonomy terms ----------------------------------------------------------

def test_single_items_by_uuid_or_number_and_404s(client):
    record = get_ok(client, "/services", per_page=1)["contents"][0]
    pk = pk_from_hsds_id("service", record["id"])
    assert get_ok(client, f"/services/{record['id']}") == get_ok(client, f"/services/{pk}")
    assert get_ok(client, f"/services/{record['id']}")["name"] == record["name"]
    draft = run(Service.select(Service.id).where(Service.status == "draft").first())["id"]
    for path in (f"/services/{uuid.uuid4()}", f"/services/{hsds_id('service', draft)}",
                 f"/service_at_locations/{hsds_id('service_at_location', draft)}",
                 f"/organizations/{uuid.uuid4()}", f"/taxonomies/{uuid.uuid4()}", f"/taxonomy_terms/{uuid.uuid4()}",
                 f"/services/{hsds_id('organization', pk)}"):  # kinds do not mix
        assert client.get(f"{HSDS}{path}").status_code == 404, path


def test_taxonomy_ids_are_stable_and_every_attribute_points_at_a_real_term(client):
    assert term_id(client, FIELD_TERM) == str(uuid.uuid5(uuid.UUID("5b7e0f4c-3f0e-4c57-9d0e-7a1f6d1c5e21"),
                                                         f"taxonomy_term:service_field:{FIELD_TERM}"))
    documents = [*client.get(f"{HSDS}/services", params={"format": "ndjson"}).text.splitlines(),
                 *client.get(f"{HSDS}/organizations", params={"format": "ndjson"}).text.splitlines()]
    attributes = [a for line in documents for a in json.loads(line).get("attributes", [])]
    assert {a["link_type"] for a in attributes} == {"service_field", "target_group", "evaluation_grade"}
    for term in {a["taxonomy_term_id"]: a["taxonomy_term"] for a in attributes}.values():
        assert get_ok(client, f"/taxonomy_terms/{term['id']}") == term
        assert get_ok(client, f"/taxonomies/{term['taxonomy_id']}")["name"] == term["taxonomy"]


def test_a_districts_own_field_becomes_a_term_of_the_shared_taxonomy(client, tokens):
    admin = bearer(tokens["district_admin"])
    settings = f"/api/districts/{OWN}/modules/catalogue"
    assert client.put(settings, headers=admin, json={"enabled": True, "settings": {"extra_fields": ["禁毒宣传"]}}
                      ).status_code == 200
    service_id = None
    try:
        term = term_id(client, "禁毒宣传")
        assert get_ok(client, f"/taxonomy_terms/{term}")["description"].startswith("区县新增")
        assert get_ok(client, "/services", taxonomy_term_id=term)["total_items"] == 0
        org = run(Organization.select(Organization.id).where(Organization.district_code == OWN).first())["id"]
        created = client.post(f"/api/districts/{OWN}/catalogue/services", headers=admin, json={
            "organization_id": org, "name": "青少年禁毒宣传", "field": "禁毒宣传", "status": "published"})
        assert created.status_code == 201, created.text
        service_id = created.json()["id"]
        assert ids(client, "/services", taxonomy_term_id=term) == {hsds_id("service", service_id)}
        client.put(settings, headers=admin, json={"enabled": True, "settings": {"extra_fields": []}})
        assert get_ok(client, f"/taxonomy_terms/{term}")  # still used by a published service
    finally:
        client.put(settings, headers=admin, json={"enabled": True, "settings": {"extra_fields": []}})
        if service_id:
            client.delete(f"/api/districts/{OWN}/catalogue/services/{service_id}", headers=admin)
    assert client.get(f"{HSDS}/taxonomy_terms/{term}").status_code == 404


def test_service_and_organisation_ids_are_valid_uuids_that_carry_the_id():
    for pk in (1, 12345, 2**40):
        value = uuid.UUID(hsds_id("service", pk))
        assert value.version == 8 and value.variant == uuid.RFC_4122
        assert pk_from_hsds_id("service", str(value)) == pk
        assert pk_from_hsds_id("organization", str(value)) is None  # kinds do not mix
    assert pk_from_hsds_id("service", str(uuid.uuid4())) is None
    assert pk_from_hsds_id("service", "not-a-uuid") is None


# --- organisations: identifiers, legal status, no personal data ----------------------------------

def test_organizations_carry_credit_codes_legal_status_and_never_a_persons_phone(client):
    lines = [json.loads(line) for line in
             client.get(f"{HSDS}/organizations", params={"format": "ndjson", "full_service": "true"}).text.splitlines()]
    rows = {hsds_id("organization", r["id"]): r for r in run(Organization.select())}
    text = json.dumps(lines, ensure_ascii=False)
    people = {v for r in rows.values() for v in (r["contact_phone"], r["contact_name"]) if v}
    assert people and not any(value in text for value in people)
    for org in lines:
        row = rows[org["id"]]
        identifiers = org.get("organization_identifiers", [])
        assert [(i["identifier_scheme"], i["identifier"]) for i in identifiers] == (
            [("CN-USCC", row["uscc"])] if row["uscc"] else [])
        assert org["legal_status"] and org["description"]
        registered = row["status"] == "registered" and row["registered_on"]
        assert org.get("year_incorporated") == (row["registered_on"].year if registered else None)
        assert [loc["name"] for loc in org.get("locations", [])] == ([row["address"]] if row["address"] else [])
        assert all(s["organization_id"] == org["id"] for s in org.get("services", []))


# --- ndjson and performance ---------------------------------------------------------------------

def test_ndjson_streams_every_record_of_each_list(client):
    for path, count in (("/services", len(published())),
                        ("/service_at_locations", len([r for r in published() if r["address"]])),
                        ("/taxonomies", 3)):
        response = client.get(f"{HSDS}{path}", params={"format": "ndjson"})
        assert response.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in response.text.splitlines()]
        assert len(lines) == len({line["id"] for line in lines}) == count


def test_the_openapi_document_lists_the_ndjson_stream_beside_the_json(client):
    """Found by the fuzzer (tests/test_fuzz.py): `format=ndjson` answered a media type the
    document did not list for the operation."""
    paths = client.get("/schema/openapi.json").json()["paths"]
    for path in ("/services", "/service_at_locations", "/organizations", "/taxonomies", "/taxonomy_terms"):
        content = paths[f"{HSDS}{path}"]["get"]["responses"]["200"]["content"]
        assert set(content) == {"application/json", "application/x-ndjson"}, path
        assert "$ref" in content["application/json"]["schema"]  # the page's own schema stays
        kind = client.get(f"{HSDS}{path}", params={"format": "ndjson"}).headers["content-type"]
        assert kind.split(";")[0] in content
    assert set(paths[f"{HSDS}/services/{{id}}"]["get"]["responses"]["200"]["content"]) == {"application/json"}


@pytest.mark.parametrize("path, params", [
    ("/services", {}), ("/services", {"full": "true"}), ("/service_at_locations", {}),
    ("/service_at_locations", {"full": "true"}), ("/organizations", {"full_service": "true"}),
])
def test_a_page_costs_the_same_queries_whatever_its_size(client, monkeypatch, path, params):
    engine_type, counted = type(db.engine()), []
    original = engine_type.run_querystring

    async def counting(self, *args, **kwargs):
        counted.append(args[0])
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(engine_type, "run_querystring", counting)  # counts, then runs the real query
    sizes = []
    for per_page in (2, 100):
        counted.clear()
        body = get_ok(client, path, **params, per_page=per_page)
        assert body["size"] == min(per_page, body["total_items"]) > 2 or per_page == 2
        sizes.append(len(counted))
    # One query per row would add ~98. The margin is for the app's own background work (the search
    # outbox worker polls in the same process), which the counter sees too (it failed once on PostgreSQL: 4 vs 7).
    assert sizes[1] <= sizes[0] + 10, sizes
