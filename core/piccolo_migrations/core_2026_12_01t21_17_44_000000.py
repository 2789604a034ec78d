"""At most one open social-work station per street: a partial unique index over `street_code`
where `closed_on` is null (raw SQL, the same on SQLite and PostgreSQL). `core.registry.stations`
answers 409 naming the open station before the database would ever refuse."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T21:17:44:000000"
VERSION = "1.38.0"
DESCRIPTION = "one open social_work_station per street (partial unique index)"
INDEX = "social_work_station_open_street_key"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    class Station(Table, tablename="social_work_station"):
        """A handle to run SQL on the table; its columns come from the previous migration."""

    async def create_index():
        await Station.raw(f"CREATE UNIQUE INDEX {INDEX} ON social_work_station (street_code) WHERE closed_on IS NULL")

    async def drop_index():
        await Station.raw(f"DROP INDEX {INDEX}")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
