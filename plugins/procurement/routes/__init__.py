"""All procurement routes: the staff API (api.py), the pages (pages.py) and the public Open
Contracting endpoints (opendata.py). Access is declared in each handler's opt."""

from plugins.procurement.routes import api, opendata, pages

ROUTES = [*api.ROUTES, *pages.ROUTES, *opendata.ROUTES]
