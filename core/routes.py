"""Core's route handlers, contributed through core.builtin's register_routes."""

from core import opendata
from core.api import audit, auth, districts, system
from core.registry import routes as registry
from core.web import pages

ROUTES = [
    *system.ROUTES,
    *auth.ROUTES,
    *districts.ROUTES,
    *registry.ROUTES,
    *audit.ROUTES,
    *opendata.ROUTES,
    *pages.ROUTES,
]
