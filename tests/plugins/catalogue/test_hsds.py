"""Open Referral HSDS 3.0 publication: paged envelope, filters, ndjson streaming,
stable UUIDs, and no personal phone numbers."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

from core.tables import Organization
from plugins.catalogue.tables import Service
from tests.conftest import run


def test_services_page_envelope_and_records(client):
    body = client.get("/opendata/hsds/services", params={"per_page": 20, "page": 2}).json()
    published = run(Service.count().where(Service.status == "published"))
    assert body["total_items"] == published
    assert (body["page_number"], body["size"], body["first_page"]) == (2, 20, False)
    record = body["contents"][0]
    uuid.UUID(record["id"]) and uuid.UUID(record["organization_id"])
    assert record["status"] == "active" and record["organization"]["name"]
    assert {a["label"] for a in record["attributes"]} >= {"服务领域"}
    again = client.get("/opendata/hsds/services", params={"per_page": 20, "page": 2}).json()
    assert [r["id"] for r in again["contents"]] == [r["id"] for r in body["contents"]]  # stable ids


def test_one_service_by_uuid_and_unknown_is_404(client):
    record = client.get("/opendata/hsds/services", params={"per_page": 1}).json()["contents"][0]
    fetched = client.get(f"/opendata/hsds/services/{record['id']}")
    assert fetched.status_code == 200 and fetched.json()["name"] == record["name"]
    assert client.get(f"/opendata/hsds/services/{uuid.uuid4()}").status_code == 404


def test_search_and_modified_after(client):
    found = client.get("/opendata/hsds/services", params={"search": "心理", "per_page": 100}).json()
    assert found["total_items"] > 0
    assert all("心理" in r["name"] or "心理" in r["description"] for r in found["contents"])
    future = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    assert client.get("/opendata/hsds/services", params={"modified_after": future}).json()["total_items"] == 0


def test_ndjson_streams_every_published_service(client):
    response = client.get("/opendata/hsds/services", params={"format": "ndjson"})
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines() if line]
    assert len(lines) == run(Service.count().where(Service.status == "published"))
    assert len({r["id"] for r in lines}) == len(lines)


def test_organizations_carry_credit_codes_not_phones(client):
    body = client.get("/opendata/hsds/organizations", params={"per_page": 100}).json()
    assert body["total_items"] > 0
    phones = {r["contact_phone"] for r in run(Organization.select(Organization.contact_phone)) if r["contact_phone"]}
    text = json.dumps(body, ensure_ascii=False)
    assert not any(phone in text for phone in phones)
    schemes = {i["identifier_scheme"] for r in body["contents"] for i in r["organization_identifiers"]}
    assert schemes == {"CN-USCC"}


def test_service_and_organisation_ids_are_valid_uuids_that_carry_the_id():
    from plugins.catalogue.hsds import hsds_id, pk_from_hsds_id

    for pk in (1, 12345, 2**40):
        value = uuid.UUID(hsds_id("service", pk))
        assert value.version == 8 and value.variant == uuid.RFC_4122
        assert pk_from_hsds_id("service", str(value)) == pk
        assert pk_from_hsds_id("organization", str(value)) is None  # kinds do not mix
    assert pk_from_hsds_id("service", str(uuid.uuid4())) is None
    assert pk_from_hsds_id("service", "not-a-uuid") is None
