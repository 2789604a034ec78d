"""The DCAT-AP 3.0.1 catalogue (`/opendata/catalog.jsonld`), validated as served with the official
SHACL shapes (tests/data/dcat-ap/, run by pySHACL over the graph rdflib parses from the JSON-LD):
core and range shapes give no result at all; the recommended shapes warn only about the gaps
listed in KNOWN_WARNINGS, each with its reason. Publisher, formats, licence, modification time,
the HSDS data service and language tags are asserted directly too."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, SH, SKOS

from core.opendata.formats import FORMATS
from plugins.catalogue import HSDS_3_0
from tests.conftest import OTHER, OWN, bearer

SHAPES = Path(__file__).parent.parent / "data" / "dcat-ap"
# Open namespaces: pytest's collection probes module attributes, which rdflib's closed ones warn about.
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority"
PREFIXES = {str(ns): prefix for prefix, ns in (("dcat:", DCAT), ("dct:", DCTERMS), ("foaf:", FOAF), ("skos:", SKOS))}

NO_CONTACT = "district configuration has no public contact address (e-mail, phone) for a vcard:Kind yet"
NO_GEOMETRY = "district configuration carries no geometry; a bbox or centroid would be invented"
KNOWN_WARNINGS = {
    ("dcat:Catalog", "dct:issued"): "the platform does not record when the catalogue was first published",
    ("dcat:Dataset", "dct:temporal"): "datasets are live views of current records, not of a period of time",
    ("dcat:Dataset", "dcat:contactPoint"): NO_CONTACT,
    ("dcat:DataService", "dcat:contactPoint"): NO_CONTACT,
    ("dct:Location", "dcat:bbox"): NO_GEOMETRY,
    ("dct:Location", "dcat:centroid"): NO_GEOMETRY,
}


def shapes(name: str) -> Graph:
    graph = Graph().parse(SHAPES / f"dcat-ap-3.0.1_{name}.ttl", format="turtle")
    assert not list(graph.triples((None, OWL.imports, None)))  # nothing pySHACL could try to fetch
    return graph


def compact(iri) -> str:
    for namespace, prefix in PREFIXES.items():
        if str(iri).startswith(namespace):
            return prefix + str(iri)[len(namespace):]
    return str(iri)


def results(data: Graph, name: str, ont_graph: Graph | None = None) -> list[tuple[str, str, str]]:
    """(severity, focus node's class, path) of every result of one shapes file, imports never resolved."""
    _, report, _ = validate(data, shacl_graph=shapes(name), ont_graph=ont_graph, inference="none",
                            allow_warnings=True, do_owl_imports=False)
    return sorted(
        (compact(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
         compact(data.value(report.value(r, SH.focusNode), RDF.type)), compact(report.value(r, SH.resultPath)))
        for r in report.subjects(RDF.type, SH.ValidationResult))


def served(client) -> tuple[dict, Graph]:
    response = client.get("/opendata/catalog.jsonld")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/ld+json")
    return response.json(), Graph().parse(data=response.content, format="json-ld")


@pytest.fixture
def catalogue(ctx, client) -> tuple[dict, Graph]:
    return served(client)


def set_module(client, tokens, module: str, code: str, enabled: bool) -> None:
    response = client.put(f"/api/districts/{code}/modules/{module}", json={"enabled": enabled},
                          headers=bearer(tokens["platform_admin"]))
    assert response.status_code == 200, response.text


def catalog_node(graph: Graph) -> URIRef:
    [node] = graph.subjects(RDF.type, DCAT.Catalog)
    return node


# Validation ------------------------------------------------------------------


def test_core_shapes_find_no_violation(catalogue):
    _, graph = catalogue
    assert len(graph) > 100 and len(list(graph.subjects(RDF.type, DCAT.Dataset))) >= 4
    assert results(graph, "shapes") == []


def test_range_shapes_pass_on_the_catalogue_alone(catalogue):
    # Every resource the catalogue points at is typed in its own `@included`, so the class-range
    # shapes need no ontology. The imports file only lists remote ontologies (never fetched):
    # given as ont_graph it adds no class and changes nothing.
    _, graph = catalogue
    assert results(graph, "range") == []
    imports = Graph().parse(SHAPES / "dcat-ap-3.0.1_imports.ttl", format="turtle")
    assert set(imports.objects(None, RDF.type)) == {OWL.Ontology}
    assert len(list(imports.objects(None, OWL.imports))) == 10
    assert results(graph, "range", ont_graph=imports) == []


def test_recommended_shapes_warn_only_about_known_gaps(catalogue):
    _, graph = catalogue
    found = results(graph, "shapes_recommended")
    assert {severity for severity, _, _ in found} == {"Warning"}
    assert {(cls, path) for _, cls, path in found} == set(KNOWN_WARNINGS)
    assert all(reason.strip() for reason in KNOWN_WARNINGS.values())


# Content ----------------------------------------------------------------------


def publisher_name(graph: Graph, node) -> str:
    [agent] = graph.objects(node, DCTERMS.publisher)
    assert (agent, RDF.type, FOAF.Agent) in graph
    assert graph.value(agent, DCTERMS.type) == URIRef("http://purl.org/adms/publishertype/LocalAuthority")
    [name] = graph.objects(agent, FOAF.name)
    assert name.language == "zh-CN"
    return str(name)


def test_publishers_are_the_bureaus(ctx, client, tokens):
    set_module(client, tokens, "example", OWN, True)
    set_module(client, tokens, "example", OTHER, False)
    try:
        body, graph = served(client)
    finally:
        set_module(client, tokens, "example", OWN, False)
    assert publisher_name(graph, catalog_node(graph)) == "常德市民政局"  # both demo districts are in 常德市
    datasets = {str(graph.value(d, DCTERMS.identifier)): d for d in graph.subjects(RDF.type, DCAT.Dataset)}
    assert publisher_name(graph, datasets["example-notes"]) == "常德市武陵区民政局"  # published in OWN only
    for entry in body["dcat:dataset"]:
        districts = [ctx.districts[s["dct:identifier"]] for s in entry["dct:spatial"]]
        one = districts[0]
        expected = f"{one.city_name}{one.name}民政局" if len(districts) == 1 else f"{one.city_name}民政局"
        assert publisher_name(graph, datasets[entry["dct:identifier"]]) == expected


def test_formats_and_media_types_are_iris(catalogue):
    _, graph = catalogue
    distributions = list(graph.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == len(FORMATS) * len(list(graph.subjects(RDF.type, DCAT.Dataset)))
    file_types = {f"{EU}/file-type/{code}" for code in ("CSV", "JSON", "XLSX")}
    media_types = {f"https://www.iana.org/assignments/media-types/{f.iana}" for f in FORMATS.values()}
    for distribution in distributions:
        [fmt] = graph.objects(distribution, DCTERMS.format)
        [media] = graph.objects(distribution, DCAT.mediaType)
        assert isinstance(fmt, URIRef) and str(fmt) in file_types
        assert isinstance(media, URIRef) and str(media) in media_types
        assert (fmt, RDF.type, DCTERMS.MediaTypeOrExtent) in graph and (media, RDF.type, DCTERMS.MediaType) in graph
        url = str(graph.value(distribution, DCAT.downloadURL))
        assert str(fmt).rsplit("/", 1)[1].lower() == url.rsplit(".", 1)[1]  # the file type matches the download
        assert graph.value(distribution, DCATAP.availability) == URIRef(f"{EU}/planned-availability/STABLE")


def test_catalogue_licence_language_and_modified(catalogue):
    body, graph = catalogue
    catalog = catalog_node(graph)
    licence = graph.value(catalog, DCTERMS.license)
    assert licence == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert (licence, RDF.type, DCTERMS.LicenseDocument) in graph
    assert graph.value(licence, DCTERMS.type) == URIRef("http://purl.org/adms/licencetype/Attribution")
    assert graph.value(catalog, DCTERMS.language) == URIRef(f"{EU}/language/ZHO")
    modified = graph.value(catalog, DCTERMS.modified)
    assert modified.datatype == XSD.dateTime
    newest = max(datetime.fromisoformat(d["dct:modified"]["@value"]) for d in body["dcat:dataset"])
    assert datetime.fromisoformat(str(modified)) == newest
    assert graph.value(catalog, DCAT.themeTaxonomy) == URIRef(f"{EU}/data-theme")
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        assert graph.value(dataset, DCAT.theme) == URIRef(f"{EU}/data-theme/SOCI")


def test_the_hsds_api_is_a_data_service(catalogue, client):
    body, graph = catalogue
    base = body["@id"].removesuffix("/opendata/catalog.jsonld")
    [service] = [s for s in graph.objects(catalog_node(graph), DCAT.service)
                 if str(graph.value(s, DCTERMS.identifier)) == "hsds"]
    assert (service, RDF.type, DCAT.DataService) in graph
    assert graph.value(service, DCAT.endpointURL) == URIRef(f"{base}/opendata/hsds/")
    description = graph.value(service, DCAT.endpointDescription)
    assert description == URIRef(f"{base}/schema/openapi.json")
    paths = client.get(str(description).removeprefix(base)).json()["paths"]
    assert "/opendata/hsds/services" in paths  # the description documents the endpoint's paths
    standard = graph.value(service, DCTERMS.conformsTo)
    assert standard == URIRef(HSDS_3_0) and (standard, RDF.type, DCTERMS.Standard) in graph
    [served_dataset] = graph.objects(service, DCAT.servesDataset)
    assert (served_dataset, RDF.type, DCAT.Dataset) in graph
    assert str(graph.value(served_dataset, DCTERMS.identifier)) == "services"
    assert publisher_name(graph, service) == "常德市民政局"  # the catalogue module is on in both districts


def test_a_data_service_is_listed_only_where_its_module_is_enabled(ctx, client, tokens):
    for code in (OWN, OTHER):
        set_module(client, tokens, "catalogue", code, False)
    try:
        body, _ = served(client)
    finally:
        for code in (OWN, OTHER):
            set_module(client, tokens, "catalogue", code, True)
    assert "hsds" not in [s["dct:identifier"] for s in body["dcat:service"]]
    assert "services" not in [d["dct:identifier"] for d in body["dcat:dataset"]]
    assert "hsds" in [s["dct:identifier"] for s in served(client)[0]["dcat:service"]]


def test_chinese_literals_are_tagged_zh_cn(catalogue):
    _, graph = catalogue
    literals = [o for o in graph.objects() if isinstance(o, Literal)]
    chinese = [o for o in literals if any("\u4e00" <= ch <= "\u9fff" for ch in str(o))]
    assert len(chinese) > 50
    assert {o.language for o in chinese} == {"zh-CN"}
    assert {o.language for o in literals} <= {None, "zh-CN", "en"}
    titles = list(graph.objects(catalog_node(graph), DCTERMS.title))
    assert titles == [Literal("三社联动开放数据", lang="zh-CN")]


def test_openapi_documents_the_catalogue(client):
    document = client.get("/schema/openapi.json").json()
    content = document["paths"]["/opendata/catalog.jsonld"]["get"]["responses"]["200"]["content"]
    ref = content["application/ld+json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"@context", "@id", "@type", "dct:publisher", "dcat:dataset", "dcat:service", "@included"} <= set(
        schema["properties"])
