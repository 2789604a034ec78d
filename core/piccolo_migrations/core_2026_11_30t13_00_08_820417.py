"""One annual-inspection row per organisation and year: a unique index over both columns
(Piccolo declares no multi-column constraint, so it is raw SQL; the same on SQLite and
PostgreSQL)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T13:00:08:820417"
VERSION = "1.38.0"
DESCRIPTION = "unique (organization, year) on annual_inspection"
INDEX = "annual_inspection_organization_year_key"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    class Inspection(Table, tablename="annual_inspection"):
        """A handle to run SQL on the table; its columns come from the previous migration."""

    async def create_index():
        await Inspection.raw(f"CREATE UNIQUE INDEX {INDEX} ON annual_inspection (organization, year)")

    async def drop_index():
        await Inspection.raw(f"DROP INDEX {INDEX}")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
