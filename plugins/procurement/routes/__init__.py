"""All procurement routes: the staff API (api.py) and the pages (pages.py). Access is
declared in each handler's opt."""

from plugins.procurement.routes import api, pages

ROUTES = [*api.ROUTES, *pages.ROUTES]

# Slice 2: the tender API (bids.py: terms, eligibility, bids) and the evaluation API (panel.py: panel,
# declarations, scores, award), with their pages in tender_pages.py.
from plugins.procurement.routes import bids, panel, tender_pages  # noqa: E402

ROUTES += [*bids.ROUTES, *panel.ROUTES, *tender_pages.ROUTES]
