"""The catalogue as W3C DCAT v2 JSON-LD (https://www.w3.org/TR/vocab-dcat-2/).

A `dcat:Catalog` whose `dcat:dataset` entries each carry one
`dcat:Distribution` per download format. Every URL is absolute, built from
the request's base URL, so a harvester can follow them as they are.
"""

from __future__ import annotations

from typing import Any

from core.context import AppContext
from core.opendata.formats import FORMATS

CATALOG_TITLE = "三社联动开放数据"
CATALOG_DESCRIPTION = "区县民政部门依法公开的社区、社会组织和社会工作相关数据；个人信息不公开。"

CONTEXT: dict[str, Any] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dct:title": {"@language": "zh"},
    "dct:description": {"@language": "zh"},
    "dcat:keyword": {"@language": "zh"},
    "skos:prefLabel": {"@language": "zh"},
    "dct:license": {"@type": "@id"},
    "dct:language": {"@type": "@id"},
    "dcat:downloadURL": {"@type": "@id"},
    "dcat:accessURL": {"@type": "@id"},
    "dcat:landingPage": {"@type": "@id"},
    "dcat:mediaType": {"@type": "@id"},
    "foaf:homepage": {"@type": "@id"},
}

LICENCE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
    "PDDL-1.0": "https://opendatacommons.org/licenses/pddl/1-0/",
}
ZH = "http://id.loc.gov/vocabulary/iso639-1/zh"


def licence_url(licence: str) -> str:
    """A licence as an IRI: known identifiers mapped, URLs kept, others through SPDX."""
    if licence.startswith(("http://", "https://")):
        return licence
    return LICENCE_URLS.get(licence, f"https://spdx.org/licenses/{licence}.html")


def media_type_iri(media_type: str) -> str:
    return f"https://www.iana.org/assignments/media-types/{media_type}"


def catalog(ctx: AppContext, base: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """`entries` are the portal's catalogue items (see routes.catalogue_entries)."""
    datasets = []
    for entry in entries:
        module = ctx.contributions.modules.get(entry["module"])
        keywords = list(entry["keywords"])
        if module is not None and module.label not in keywords:
            keywords.append(module.label)
        item: dict[str, Any] = {
            "@id": f"{base}/opendata#{entry['name']}",
            "@type": "dcat:Dataset",
            "dct:identifier": entry["name"],
            "dct:title": entry["title"],
            "dct:description": entry["description"],
            "dct:license": licence_url(entry["licence"]),
            "dcat:keyword": keywords,
            "dct:spatial": [
                {"@type": "dct:Location", "dct:identifier": code, "skos:prefLabel": ctx.districts[code].name}
                for code in entry["districts"]
            ],
            "dcat:landingPage": f"{base}/opendata#{entry['name']}",
            "dcat:distribution": [
                {
                    "@type": "dcat:Distribution",
                    "dct:title": f"{entry['title']}（{FORMATS[fmt].label}）",
                    "dct:format": FORMATS[fmt].label,
                    "dcat:mediaType": media_type_iri(FORMATS[fmt].iana),
                    "dcat:downloadURL": url,
                    "dcat:accessURL": url,
                    "dct:license": licence_url(entry["licence"]),
                }
                for fmt, url in entry["downloads"].items()
            ],
        }
        if entry["updated"]:
            kind = "xsd:dateTime" if "T" in entry["updated"] else "xsd:date"
            item["dct:modified"] = {"@value": entry["updated"], "@type": kind}
        datasets.append(item)
    return {
        "@context": CONTEXT,
        "@id": f"{base}/opendata/catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": CATALOG_TITLE,
        "dct:description": CATALOG_DESCRIPTION,
        "dct:language": ZH,
        "foaf:homepage": f"{base}/opendata",
        "dcat:dataset": datasets,
    }
