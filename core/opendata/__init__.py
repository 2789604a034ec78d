"""The open-data portal: datasets plugins contribute, published with their declared columns only.

A dataset is published for the districts that enable its module. The portal
serves a page (`/opendata`), the catalogue as JSON and as DCAT JSON-LD, and
streamed downloads in CSV, JSON and XLSX.

- `catalogue` — which datasets are published where, with row counts and update times;
- `formats` — the streamed writers (only declared columns are ever written);
- `dcat` — the catalogue in W3C DCAT v2 JSON-LD;
- `routes` — the public routes.
"""

from core.opendata.routes import ROUTES

__all__ = ["ROUTES"]
