"""Evidence files move to core's `upload` table (core.uploads): each existing evidence row gets an
upload row with its name, type, size, SHA-256, uploader and time, and points at it; then the
copied columns are dropped. The files stay where they are (`<data dir>/evidence/...`).

Set-based, so it takes the same time for ten rows or ten thousand: the new upload ids are the
evidence ids moved past any upload row already there (the table is new, so normally by 0), and
PostgreSQL's sequence is moved past them. Piccolo runs raw steps before the column drops.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-12-01T11:25:28:400039"
VERSION = "1.38.0"
DESCRIPTION = "evidence rows point at core upload rows (data copied, columns dropped)"
COPIED = "district_code, sha256, size, content_type, filename, uploaded_by, uploaded_at"


class Handle(Table, tablename="upload"):
    """A handle to run SQL; the tables come from the previous migrations."""


async def copy_to_uploads() -> None:
    offset = (await Handle.raw("SELECT COALESCE(MAX(id), 0) AS top FROM upload"))[0]["top"]
    await Handle.raw(f"INSERT INTO upload (id, {COPIED}) SELECT id + {int(offset)}, {COPIED} "
                     "FROM supervision_evidence WHERE upload IS NULL")
    await Handle.raw(f"UPDATE supervision_evidence SET upload = id + {int(offset)} WHERE upload IS NULL")
    if isinstance(Handle._meta.db, PostgresEngine):
        await Handle.raw("SELECT setval(pg_get_serial_sequence('upload', 'id'), MAX(id)) FROM upload "
                         "HAVING MAX(id) IS NOT NULL")


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="supervision", description=DESCRIPTION
    )
    manager.add_raw(copy_to_uploads)

    manager.drop_column(
        table_class_name="Evidence",
        tablename="supervision_evidence",
        column_name="content_type",
        db_column_name="content_type",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Evidence",
        tablename="supervision_evidence",
        column_name="filename",
        db_column_name="filename",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Evidence",
        tablename="supervision_evidence",
        column_name="sha256",
        db_column_name="sha256",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Evidence",
        tablename="supervision_evidence",
        column_name="size",
        db_column_name="size",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Evidence",
        tablename="supervision_evidence",
        column_name="uploaded_at",
        db_column_name="uploaded_at",
        schema=None,
    )

    manager.drop_column(
        table_class_name="Evidence",
        tablename="supervision_evidence",
        column_name="uploaded_by",
        db_column_name="uploaded_by",
        schema=None,
    )

    return manager
