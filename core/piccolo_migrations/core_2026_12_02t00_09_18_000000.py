"""One indicator report per district, quarter and version: a unique index (raw SQL, the same on
SQLite and PostgreSQL), so of two racing submissions of a quarter one is stored and the other
fails; `core.indicator_reports` answers it with 409."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-02T00:09:18:000000"
VERSION = "1.38.0"
DESCRIPTION = "indicator_report: unique (district_code, quarter, version)"
INDEX = "indicator_report_version_key"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    class Report(Table, tablename="indicator_report"):
        """A handle to run SQL on the table; its columns come from the previous migration."""

    async def create_index():
        await Report.raw(f"CREATE UNIQUE INDEX {INDEX} ON indicator_report (district_code, quarter, version)")

    async def drop_index():
        await Report.raw(f"DROP INDEX {INDEX}")

    manager.add_raw(create_index)
    manager.add_raw_backwards(drop_index)
    return manager
