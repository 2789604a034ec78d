"""The procurement open data outside the packages: the `procurement-projects` and
`procurement-spend` (contract values and payments) datasets in CSV and XLSX (public columns only, yuan, only publishing
districts), the OCDS endpoints as a DCAT DataService conforming to OCDS 1.1.5, and the
package responses described in the OpenAPI document."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

import openpyxl
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS

from core.tables import Person
from plugins.procurement import OCDS_1_1_5
from plugins.procurement.delivery_tables import Contract, Payment
from plugins.procurement.tables import PurchaseProject
from tests.conftest import OTHER, OWN, run
from tests.core.test_dcat import DCAT, catalog_node

PROJECT_TITLES = ["开放合同编号", "区县代码", "项目名称", "购买主体", "服务领域", "采购方式", "阶段", "预算（元）", "服务开始日期",
                  "服务结束日期"]


def own_projects() -> list[dict]:
    return run(PurchaseProject.select().where(PurchaseProject.district_code == OWN).order_by(PurchaseProject.id))


def read_csv(client, name: str) -> list[list[str]]:
    answer = client.get(f"/opendata/{name}.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def read_xlsx(client, name: str) -> list[list]:
    answer = client.get(f"/opendata/{name}.xlsx")
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_projects_dataset_in_csv_and_xlsx(client):
    projects = own_projects()
    rows = read_csv(client, "procurement-projects")
    assert rows[0] == PROJECT_TITLES
    assert [r[0] for r in rows[1:]] == [p["ocid"] for p in projects]  # only the publishing district
    home = next(r for r in rows if r[2] == "武陵区居家社区养老上门服务（示范）")
    assert home[1:] == [OWN, "武陵区居家社区养老上门服务（示范）", "武陵区民政局", "社区养老", "公开招标", "服务实施中", "480000",
                        home[8], home[9]] and home[8].endswith("-01-01") and home[9].endswith("-12-31")
    sheet = read_xlsx(client, "procurement-projects")
    assert sheet[0] == PROJECT_TITLES and len(sheet) == len(rows)
    [cell] = [r for r in sheet if r[2] == "武陵区居家社区养老上门服务（示范）"]
    assert cell[7] == 480000 and cell[8].month == 1 and cell[8].day == 1  # a number and a date, not text
    raw = "".join(",".join(r) for r in rows)
    people = run(Person.select(Person.id_number, Person.phone))
    assert not [p for p in people if p["id_number"] in raw or (p["phone"] and p["phone"] in raw)]
    assert f"{OWN}-admin" not in raw and OTHER not in "".join(r[1] for r in rows[1:])


def test_spend_dataset_sums_contracts_and_payments_by_field_and_year(client):
    expected: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    fields = {p["id"]: p["field"] for p in own_projects()}
    for c in run(Contract.select().where(Contract.district_code == OWN)):
        cell = expected[(OWN, fields[c["project"]], c["term_start"].year)]
        cell[0] += 1
        cell[1] += c["value_fen"]
    for p in run(Payment.select().where(Payment.district_code == OWN)):
        expected[(OWN, fields[p["project"]], p["paid_on"].year)][2] += p["amount_fen"]
    assert expected and any(cell[2] for cell in expected.values())  # the demo has contracts and payments
    rows = read_csv(client, "procurement-spend")
    assert rows[0] == ["区县代码", "服务领域", "年度", "合同数", "合同金额（元）", "已支付金额（元）"]
    got = {(r[0], r[1], int(r[2])): [int(r[3]), round(float(r[4]) * 100), round(float(r[5]) * 100)] for r in rows[1:]}
    assert got == dict(expected)
    sheet = read_xlsx(client, "procurement-spend")
    assert {(r[0], r[1], r[2]): [r[3], round(r[4] * 100), round(r[5] * 100)] for r in sheet[1:]} == dict(expected)
    listed = {d["name"]: d for d in client.get("/opendata/datasets.json").json()}
    assert listed["procurement-spend"]["row_count"] == len(expected)
    assert listed["procurement-projects"]["districts"] == [OWN]


def test_ocds_is_a_dcat_data_service_conforming_to_ocds(client):
    answer = client.get("/opendata/catalog.jsonld")
    graph = Graph().parse(data=answer.content, format="json-ld")
    base = answer.json()["@id"].removesuffix("/opendata/catalog.jsonld")
    [service] = [s for s in graph.objects(catalog_node(graph), DCAT.service)
                 if str(graph.value(s, DCTERMS.identifier)) == "ocds"]
    assert (service, RDF.type, DCAT.DataService) in graph
    endpoint = graph.value(service, DCAT.endpointURL)
    assert endpoint == URIRef(f"{base}/opendata/ocds/")
    assert client.get(str(endpoint).removeprefix(base)).json()["version"] == "1.1.5"
    assert graph.value(service, DCTERMS.conformsTo) == URIRef(OCDS_1_1_5)
    served = {str(graph.value(s, DCTERMS.identifier)) for s in graph.objects(service, DCAT.servesDataset)}
    assert served == {"procurement-projects", "procurement-awards"}


def test_openapi_describes_the_packages(client):
    document = client.get("/schema/openapi.json").json()
    schemas = document["components"]["schemas"]
    for path, name in (("/opendata/ocds/releases", "OcdsReleasePackage"), ("/opendata/ocds/records", "OcdsRecordPackage"),
                       ("/opendata/ocds/records/{ocid}", "OcdsRecordPackage")):
        operation = document["paths"][path]["get"]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(name)
        assert {"400", "404"} <= set(operation["responses"])
    assert {"uri", "version", "publishedDate", "publisher", "releases", "links"} <= set(
        schemas["OcdsReleasePackage"]["properties"])
    assert "compiledRelease" in schemas["OcdsRecord"]["properties"]
    assert "initiationType" in schemas["OcdsRelease"]["properties"]
