"""two_factor.secret holds the sealed TOTP secret (core.secretbox, about 83 characters), no longer
the 32-character plain seed: the column widens to 128 on PostgreSQL (SQLite does not enforce a
varchar length; Piccolo skips it there with a warning). The rows are resealed at start-up
(core.twofactor.reseal), where the key is known."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

ID = "2026-12-02T03:10:17:664170"
VERSION = "1.38.0"
DESCRIPTION = "two_factor.secret: 128 characters (sealed)"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="core", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="TwoFactor",
        tablename="two_factor",
        column_name="secret",
        db_column_name="secret",
        params={"length": 128},
        old_params={"length": 64},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
