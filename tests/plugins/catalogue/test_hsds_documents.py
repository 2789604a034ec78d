"""Every HSDS document of the demo data validates against the official HSDS 3.0 schemas
(tests/data/hsds-3.0), as published and strictly (`additionalProperties: false` everywhere):
list items, single items and ndjson lines of services, organisations, services at
locations, taxonomies and taxonomy terms."""

from __future__ import annotations

import json

from core.tables import Organization
from plugins.catalogue.hsds._ids import hsds_id
from plugins.catalogue.tables import Service
from tests.conftest import run
from tests.plugins.catalogue.hsds_schemas import problems, validator

HSDS = "/opendata/hsds"
SERVICE, SERVICE_LIST = "compiled/service.json", "compiled/service_list.json"
ORGANIZATION, ORGANIZATION_LIST = "compiled/organization.json", "compiled/organization_list.json"
SAL, SAL_LIST = "service_at_location.json", "compiled/service_at_location_list.json"


def every_item(client, path: str, **params) -> list[dict]:
    """Every item of a paged endpoint, page after page."""
    items, page = [], 1
    while True:
        body = client.get(f"{HSDS}/{path}", params={**params, "page": page, "per_page": 500}).json()
        items += body["contents"]
        if body["last_page"]:
            return items
        page += 1


def ndjson_lines(client, path: str, **params) -> list[dict]:
    response = client.get(f"{HSDS}/{path}", params={**params, "format": "ndjson"})
    assert response.status_code == 200, response.text
    return [json.loads(line) for line in response.text.splitlines()]


def blanks(value, path: str = "") -> list[str]:
    """Where a document publishes "no value" (null, "", [] or {}) instead of leaving the property out."""
    if value is None or value == "" or value == [] or value == {}:
        return [path or "/"]
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return [found for key, child in children for found in blanks(child, f"{path}/{key}")]


def assert_valid(schema: str, documents: list[dict]) -> None:
    found = [p for doc in documents for p in problems(schema, doc)]
    found += [f"{doc['id']} {where}: no value" for doc in documents for where in blanks(doc)]
    assert not found, f"{len(found)} problems, first: " + "\n".join(found[:10])


def published_services() -> int:
    return run(Service.count().where(Service.status == "published"))


def test_the_checks_themselves_catch_31_fields_nulls_and_blanks():
    """A 3.1-only field passes as published but fails strictly; null fails; blanks are found."""
    attribute = {"id": "0b5f3a2e-5f0c-4a47-8c4c-7c1b8f8b2b4e", "label": "服务领域"}
    service = {"id": "0b5f3a2e-5f0c-4a47-8c4c-7c1b8f8b2b4f", "name": "x", "status": "active", "attributes": [attribute]}
    assert not list(validator(SERVICE, "published").iter_errors(service))
    assert [e.message for e in validator(SERVICE, "strict").iter_errors(service)] == [
        "Additional properties are not allowed ('label' was unexpected)"]
    assert list(validator(SERVICE, "published").iter_errors({**service, "email": None}))  # no nulls
    assert blanks({**service, "email": "", "phones": [], "organization": {"logo": None}}) == [
        "/email", "/phones", "/organization/logo"]


def test_every_service_validates_as_list_item_full_item_single_item_and_ndjson_line(client):
    total = published_services()
    listed = every_item(client, "services")
    full = every_item(client, "services", full="true")
    minimal = client.get(f"{HSDS}/services", params={"minimal": "true"}).json()["contents"]
    lines = ndjson_lines(client, "services")
    singles = [client.get(f"{HSDS}/services/{item['id']}").json() for item in listed]
    assert len(listed) == len(full) == len(minimal) == len(lines) == len(singles) == total > 500
    assert_valid(SERVICE_LIST, listed + minimal)
    assert_valid(SERVICE, full + lines + singles)
    assert singles == lines  # one full document, however it is fetched
    assert all("attributes" in doc for doc in singles)
    # A phone where the service has a hotline (a service another module offered may have none).
    hotlines = {hsds_id("service", r["id"]) for r in run(Service.select(Service.id).where(
        (Service.status == "published") & (Service.contact_phone != "")))}
    assert {doc["id"] for doc in singles if "phones" in doc} == hotlines and len(hotlines) > 500


def test_every_organization_validates_as_list_item_full_item_single_item_and_ndjson_line(client):
    listed = every_item(client, "organizations")
    full = every_item(client, "organizations", full="true")
    with_services = every_item(client, "organizations", full_service="true")
    lines = ndjson_lines(client, "organizations")
    singles = [client.get(f"{HSDS}/organizations/{item['id']}").json() for item in listed]
    singles_full = [client.get(f"{HSDS}/organizations/{item['id']}", params={"full_service": "true"}).json()
                    for item in listed]
    published = run(Organization.count().where(Organization.status.is_in(["registered", "filed"])))
    assert len(listed) == len(full) == len(lines) == len(singles) == published > 0
    assert_valid(ORGANIZATION_LIST, listed)
    assert_valid(ORGANIZATION, full + with_services + lines + singles + singles_full)
    assert all(item["description"] for item in listed)
    nested = [s for org in with_services for s in org.get("services", [])]
    assert len(nested) == published_services() and all("attributes" in s for s in nested)


def test_every_service_at_location_validates_as_list_item_full_item_single_item_and_ndjson_line(client):
    listed = every_item(client, "service_at_locations")
    full = every_item(client, "service_at_locations", full="true")
    lines = ndjson_lines(client, "service_at_locations")
    singles = [client.get(f"{HSDS}/service_at_locations/{item['id']}").json() for item in listed]
    located = run(Service.count().where((Service.status == "published") & (Service.address != "")))
    assert len(listed) == len(full) == len(lines) == len(singles) == located > 0
    assert_valid(SAL_LIST, listed)
    assert_valid(SAL, full + lines + singles)
    assert all(item["service"]["name"] and item["location"]["name"] for item in listed)


def test_every_taxonomy_and_term_validates_as_list_item_single_item_and_ndjson_line(client):
    taxonomies = every_item(client, "taxonomies")
    terms = every_item(client, "taxonomy_terms")
    assert len(taxonomies) == 3 and len(terms) > 20
    for path, schema, items in (("taxonomies", "taxonomy.json", taxonomies),
                                ("taxonomy_terms", "taxonomy_term.json", terms)):
        singles = [client.get(f"{HSDS}/{path}/{item['id']}").json() for item in items]
        lines = ndjson_lines(client, path)
        assert singles == lines == items
        assert_valid(schema, items)
