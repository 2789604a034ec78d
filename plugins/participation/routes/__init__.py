"""All participation routes; each file holds one area. Access is declared in each handler's opt."""

from plugins.participation.routes import activities, committee, me, needs, points, ratings, stats

ROUTES = [*needs.ROUTES, *activities.ROUTES, *ratings.ROUTES, *points.ROUTES, *committee.ROUTES, *me.ROUTES,
          *stats.ROUTES]
