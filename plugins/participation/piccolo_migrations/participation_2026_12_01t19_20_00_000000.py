"""Covering indexes for the rating roll-ups: each aggregate (by service, organisation or worker
in a district) reads only its own index entries, with the four scores in the index, instead of
every rating of the district (the planner otherwise may pick the district_code index). Raw SQL,
the same on SQLite and PostgreSQL."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T19:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "covering indexes of the rating roll-ups"
SCORES = "score, professional, timeliness, attitude, effect"
INDEXES = {
    "participation_rating_by_service": f"participation_rating (district_code, service_ref, {SCORES})",
    "participation_rating_by_org": f"participation_rating (district_code, organization_id, {SCORES})",
    "participation_rating_by_worker": f"participation_rating (district_code, worker_person_id, {SCORES})",
}


class Handle(Table, tablename="participation_rating"):
    """A handle to run SQL; the table comes from an earlier migration."""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="participation", description=DESCRIPTION)

    async def create_indexes():
        for name, target in INDEXES.items():
            await Handle.raw(f"CREATE INDEX {name} ON {target}")

    async def drop_indexes():
        for name in INDEXES:
            await Handle.raw(f"DROP INDEX {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
