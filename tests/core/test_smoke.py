"""The app starts, reports health, and serves its OpenAPI schema."""

from tests.conftest import OWN


def test_healthz_reports_database_and_search(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["search"]["backend"] == "embedded"
    assert "tests.example_plugin" in body["plugins"]


def test_openapi_describes_registry_routes_with_schemas(client):
    spec = client.get("/schema/openapi.json").json()
    path = spec["paths"]["/api/districts/{code}/persons"]
    assert "post" in path and "get" in path
    assert "PersonCreate" in str(path["post"]["requestBody"])
    assert "PersonPage" in str(path["get"]["responses"]["200"])


def test_districts_list_is_public(client):
    districts = client.get("/api/districts").json()
    assert [d["code"] for d in districts] == [OWN, "430703"]
    wuling = districts[0]
    assert (wuling["name"], wuling["population"], wuling["city_code"]) == ("武陵区", 600000, "430700")
