"""All supervision routes; each file holds one area. Access is declared in each handler's opt."""

from plugins.supervision.routes import assessment, campaigns, flags, trail

ROUTES = [*campaigns.ROUTES, *flags.ROUTES, *assessment.ROUTES, *trail.ROUTES]
