"""All incubation routes; each file holds one area. Access is declared in each handler's opt."""

from plugins.incubation.routes import intake, residency

ROUTES = [*intake.ROUTES, *residency.ROUTES]
