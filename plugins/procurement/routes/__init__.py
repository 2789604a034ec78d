"""All procurement routes: the staff API (api.py), the pages (pages.py), and delivery after
award — contract, milestones, payments — with its pages (delivery.py, delivery_pages.py).
Access is declared in each handler's opt."""

from plugins.procurement.routes import api, delivery, delivery_pages, pages

ROUTES = [*api.ROUTES, *pages.ROUTES, *delivery.ROUTES, *delivery_pages.ROUTES]
