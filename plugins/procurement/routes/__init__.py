"""All procurement routes: the staff API (api.py), the pages (pages.py); the tender API (bids.py:
terms, eligibility, bids) and the panel API (panel.py: panel, declarations, scores, ranking, award)
with their pages (tender_pages.py); delivery after award — contract, milestones, payments — with its
pages (delivery.py, delivery_pages.py); outcome evaluation with the organisation's record
(evaluation.py, evaluation_pages.py); and the public Open Contracting endpoints (opendata.py).
Access is declared in each handler's opt."""

from plugins.procurement.routes import (api, bids, dashboard, delivery, delivery_pages, evaluation, evaluation_pages,
                                        opendata, pages, panel, tender_pages)

ROUTES = [*api.ROUTES, *pages.ROUTES, *bids.ROUTES, *panel.ROUTES, *tender_pages.ROUTES, *delivery.ROUTES,
          *delivery_pages.ROUTES, *evaluation.ROUTES, *evaluation_pages.ROUTES, *opendata.ROUTES, *dashboard.ROUTES]
