"""All talent routes; each file holds one area. Access is declared in each handler's opt."""

from plugins.talent.routes import (records, registrations, reserve, roster, roster_pages, self_service, staff, stats,
                                   volunteers, workers)

ROUTES = [*workers.ROUTES, *registrations.ROUTES, *records.ROUTES, *reserve.ROUTES, *volunteers.ROUTES,
          *roster.ROUTES, *stats.ROUTES, *roster_pages.ROUTES, *staff.ROUTES, *self_service.ROUTES]
