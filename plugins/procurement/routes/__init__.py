"""All procurement routes: the staff API (api.py), the pages (pages.py), delivery after award —
contract, milestones, payments — with its pages (delivery.py, delivery_pages.py), and the public
Open Contracting endpoints (opendata.py), and outcome evaluation with the organisation's record
(evaluation.py, evaluation_pages.py). Access is declared in each handler's opt."""

from plugins.procurement.routes import api, delivery, delivery_pages, evaluation, evaluation_pages, opendata, pages

ROUTES = [*api.ROUTES, *pages.ROUTES, *delivery.ROUTES, *delivery_pages.ROUTES, *opendata.ROUTES, *evaluation.ROUTES,
          *evaluation_pages.ROUTES]
