"""Core's route handlers, contributed through core.builtin's register_routes."""

from core import opendata
from core.api import audit, auth, districts, indicator_reports, indicators, profiles, system
from core.registry import pages as registry_pages
from core.registry import routes as registry
from core.registry import station_routes
from core.web import city, elder, indicators as indicator_pages, pages, settings_page, workbench
from core.web import profiles as profile_pages

ROUTES = [
    *system.ROUTES,
    *auth.ROUTES,
    *districts.ROUTES,
    *indicators.ROUTES,
    *indicator_reports.ROUTES,
    *profiles.ROUTES,
    *registry.ROUTES,
    *station_routes.ROUTES,
    *registry_pages.ROUTES,
    *audit.ROUTES,
    *opendata.ROUTES,
    *pages.ROUTES,
    *settings_page.ROUTES,
    *elder.ROUTES,
    *workbench.ROUTES,
    *city.ROUTES,
    *indicator_pages.ROUTES,
    *profile_pages.ROUTES,
]
