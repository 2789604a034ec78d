"""Registry records others refer to are never deleted out from under them (issue 11): a
delete asks every module's referrers (`register_referrers`), enabled or not, and answers
409 `still_referenced` naming them, deleting nothing; and one dataset that cannot be read
never takes the open-data portal down for the others."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from core.codes import make_id_number
from core.contrib import Dataset, DatasetColumn
from core.tables import Community, Organization, Person
from plugins.catalogue.tables import Service
from plugins.talent.tables import RegistrationApplication, SocialWorker, StatusChange
from tests.conftest import OWN, bearer, run
from tests.core.test_dcat import results, served

REGISTRY = f"/api/districts/{OWN}"
TALENT = f"{REGISTRY}/talent"
_serial = itertools.count(1)


def new_worker(client, admin, **extra) -> dict:
    n = next(_serial)
    body = {"name": "引用测试社工", "id_number": make_id_number(OWN, date(1988, 5, 6), 900 + n),
            "post_type": "社区专职工作者", "education": "本科", **extra}
    response = client.post(f"{TALENT}/workers", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


def new_org(client, admin) -> int:
    body = {"name": f"引用测试组织{next(_serial)}", "legal_type": "community_filed", "status": "filed"}
    response = client.post(f"{REGISTRY}/organizations", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def new_service(client, admin, org_id: int, communities: list[str] = ()) -> int:
    body = {"organization_id": org_id, "name": "引用测试服务", "field": "社区养老", "description": "测试",
            "target_groups": ["老年人"], "fee": "free", "status": "published", "communities": list(communities)}
    response = client.post(f"{REGISTRY}/catalogue/services", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def drop_worker(worker_id: int) -> None:
    """Remove a test worker and its own records (talent has no delete: a worker leaves by status)."""
    for table in (StatusChange, RegistrationApplication):
        run(table.delete().where(table.worker == worker_id))
    run(SocialWorker.delete().where(SocialWorker.id == worker_id))


def assert_portal_and_statistics_answer(client, tokens) -> None:
    admin, platform = bearer(tokens["district_admin"]), bearer(tokens["platform_admin"])
    for path in ("/opendata", "/opendata/datasets.json", "/opendata/catalog.jsonld"):
        assert client.get(path).status_code == 200, path
    assert all(d["available"] for d in client.get("/opendata/datasets.json").json())
    assert client.get(f"{TALENT}/stats", headers=admin).status_code == 200
    assert client.get("/api/talent/stats", headers=platform).status_code == 200
    assert client.get(f"{TALENT}/workers/export.xlsx", headers=admin).status_code == 200


def refused(response, *labels: str) -> dict:
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["code"] == "still_referenced"
    for label in labels:
        assert label in body["detail"] and any(label in e["message"] for e in body["errors"])
    return body


def test_a_person_who_is_a_social_worker_is_not_deleted(client, tokens):
    admin = bearer(tokens["district_admin"])
    worker = new_worker(client, admin)
    person_id = worker["person_id"]
    body = refused(client.delete(f"{REGISTRY}/persons/{person_id}", headers=admin), "社工人才库中的社会工作者 1 条")
    assert body["detail"].startswith("该人员仍被引用：")
    assert {"field": "talent", "message": "社工人才库中的社会工作者 1 条"} in body["errors"]
    assert run(Person.exists().where(Person.id == person_id))
    assert run(SocialWorker.exists().where(SocialWorker.person_id == person_id))
    assert_portal_and_statistics_answer(client, tokens)

    drop_worker(worker["id"])  # nothing refers to the person any more: the delete goes through
    assert client.delete(f"{REGISTRY}/persons/{person_id}", headers=admin).status_code == 204
    assert not run(Person.exists().where(Person.id == person_id))


def test_an_organisation_with_services_and_workers_is_not_deleted(client, tokens):
    admin = bearer(tokens["district_admin"])
    org_id = new_org(client, admin)
    worker = new_worker(client, admin, employer_org_id=org_id)
    service_id = new_service(client, admin, org_id)
    body = refused(client.delete(f"{REGISTRY}/organizations/{org_id}", headers=admin),
                   "服务目录中的服务 1 条", "社工人才库中以其为用人单位的社会工作者 1 条")
    assert {e["field"] for e in body["errors"]} == {"talent", "catalogue"}
    assert run(Organization.exists().where(Organization.id == org_id))
    assert run(Service.exists().where(Service.id == service_id))
    assert_portal_and_statistics_answer(client, tokens)

    # through the API, so the search index forgets it too (a direct delete would leave it in the index)
    assert client.delete(f"{REGISTRY}/catalogue/services/{service_id}", headers=admin).status_code == 204
    drop_worker(worker["id"])
    assert client.delete(f"{REGISTRY}/organizations/{org_id}", headers=admin).status_code == 204


def test_a_community_a_service_serves_is_not_deleted(client, tokens):
    admin = bearer(tokens["district_admin"])
    street, community = f"{OWN}060000", f"{OWN}060001"
    for code in (street, community):
        assert client.post(f"{REGISTRY}/communities", json={"code": code, "name": f"引用测试{code[-3:]}"},
                           headers=admin).status_code == 201
    service_id = new_service(client, admin, new_org(client, admin), [community])
    refused(client.delete(f"{REGISTRY}/communities/{community}", headers=admin), "服务目录中覆盖该社区的服务 1 条")
    refused(client.delete(f"{REGISTRY}/communities/{street}", headers=admin), "下属社区 1 条")
    assert run(Community.count().where(Community.code.is_in([street, community]))) == 2
    assert client.get("/opendata/datasets.json").status_code == 200

    # through the API, so the search index forgets it too (a direct delete would leave it in the index)
    assert client.delete(f"{REGISTRY}/catalogue/services/{service_id}", headers=admin).status_code == 204
    assert client.delete(f"{REGISTRY}/communities/{community}", headers=admin).status_code == 204
    assert client.delete(f"{REGISTRY}/communities/{street}", headers=admin).status_code == 204


def test_a_disabled_modules_records_still_count(client, tokens):
    admin = bearer(tokens["district_admin"])
    worker = new_worker(client, admin)
    platform = bearer(tokens["platform_admin"])
    assert client.put(f"{REGISTRY}/modules/talent", json={"enabled": False}, headers=platform).status_code == 200
    try:
        refused(client.delete(f"{REGISTRY}/persons/{worker['person_id']}", headers=admin),
                "社工人才库中的社会工作者 1 条")
    finally:
        assert client.put(f"{REGISTRY}/modules/talent", json={"enabled": True}, headers=platform).status_code == 200
    drop_worker(worker["id"])
    assert client.delete(f"{REGISTRY}/persons/{worker['person_id']}", headers=admin).status_code == 204


# -- one dataset that cannot be read --------------------------------------------------------------


@pytest.fixture
def broken_dataset(ctx, monkeypatch):
    """A talent dataset whose rows raise (as a dangling reference once made them), published in OWN."""
    async def rows(districts):
        raise LookupError("person 0 not in the registry")
        yield {}

    broken = Dataset(module="talent", name="broken-probe", title="坏数据集", description="读取时出错",
                     columns=(DatasetColumn("id", "编号"),), rows=rows)
    monkeypatch.setitem(ctx.contributions.datasets, "broken-probe", broken)
    return broken


def test_a_dataset_that_raises_is_unavailable_and_the_others_still_serve(client, broken_dataset, caplog):
    listed = client.get("/opendata/datasets.json")
    assert listed.status_code == 200
    entries = {d["name"]: d for d in listed.json()}
    probe = entries.pop("broken-probe")
    assert (probe["available"], probe["row_count"]) == (False, None) and probe["unavailable_reason"]
    assert entries and all(d["available"] for d in entries.values())
    assert "broken-probe" in caplog.text and "person 0 not in the registry" in caplog.text

    page = client.get("/opendata")
    assert page.status_code == 200 and "坏数据集（暂时无法提供）" in page.text
    assert 'data-testid="download-broken-probe-csv"' not in page.text

    catalog, graph = served(client)
    assert results(graph, "shapes") == []  # still valid DCAT-AP, the broken dataset offering no distribution
    described = {d["dct:identifier"]: d for d in catalog["dcat:dataset"]}
    assert described["broken-probe"]["dcat:distribution"] == []
    assert all(d["dcat:distribution"] for name, d in described.items() if name != "broken-probe")

    for path in ("/opendata/broken-probe.csv", "/opendata/broken-probe.xlsx",
                 "/api/opendata/datasets/broken-probe?format=json"):
        answer = client.get(path)
        assert answer.status_code == 503, path
        assert answer.json()["code"] == "dataset_unavailable" and "broken-probe" in answer.json()["detail"]
    other = next(iter(entries))
    assert client.get(f"/opendata/{other}.csv").status_code == 200
