"""Open Referral HSDS 3.0 publication of the catalogue, laid out as the HSDS API reference:
`/opendata/hsds` (about), `/services`, `/service_at_locations`, `/organizations`,
`/taxonomies`, `/taxonomy_terms`, each with `/{id}`.

Parts: `_ids` (stable UUIDs), `_documents` (the typed HSDS documents), `_taxonomy` (our
shared vocabulary as taxonomies), `_records` (documents from rows), `_listing` (a batch of
rows to documents), `_queries` (parameters, filters, pages, ndjson), `_routes`.
Every document validates against the official HSDS 3.0 schemas, also strictly
(tests/plugins/catalogue/test_hsds_documents.py).
"""

from plugins.catalogue.hsds._ids import hsds_id, pk_from_hsds_id
from plugins.catalogue.hsds._routes import ROUTES

__all__ = ["ROUTES", "hsds_id", "pk_from_hsds_id"]
