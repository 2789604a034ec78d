"""The catalogue as DCAT-AP 3.0.1 JSON-LD (https://semiceu.github.io/DCAT-AP/releases/3.0.1/).

A `dcat:Catalog` whose `dcat:dataset` entries each carry one `dcat:Distribution`
per download format, and whose `dcat:service` entries are the open-data APIs
plugins register (`register_data_services`). Publishers are the districts'
civil-affairs bureaus; formats, languages, themes and licences are IRIs from the
vocabularies DCAT-AP names, each described once in `@included`. Every URL is
absolute, built from the request's base URL, so a harvester can follow them as
they are. tests/core/test_dcat.py validates the served document with the
official SHACL shapes.

- `_nodes` — the JSON-LD node objects as msgspec Structs (the route's schema);
- `_vocab` — the context and vocabulary IRIs;
- `_build` — the catalogue from the portal's entries and the published data services.
"""

from core.opendata.dcat._build import CATALOG_DESCRIPTION, CATALOG_TITLE, PublishedService, catalog, published_services
from core.opendata.dcat._nodes import DcatCatalog
from core.opendata.dcat._vocab import licence_url, media_type_iri

__all__ = ["CATALOG_DESCRIPTION", "CATALOG_TITLE", "DcatCatalog", "PublishedService", "catalog", "licence_url",
           "media_type_iri", "published_services"]
