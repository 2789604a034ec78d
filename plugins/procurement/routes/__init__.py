"""All procurement routes: the staff API (api.py) and the pages (pages.py). Access is
declared in each handler's opt."""

from plugins.procurement.routes import api, pages

ROUTES = [*api.ROUTES, *pages.ROUTES]
