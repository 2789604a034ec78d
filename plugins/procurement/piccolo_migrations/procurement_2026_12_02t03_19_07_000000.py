"""The contract documents attached before the history existed: one row per contract that has a
document, at its upload's time (an earlier, replaced document is not known any more; the audit
log still names it). Plain SQL, the same on SQLite and PostgreSQL."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-02T03:19:07:000000"
VERSION = "1.38.0"
DESCRIPTION = "procurement_contract_document: the documents attached so far"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="procurement", description=DESCRIPTION)

    class Handle(Table, tablename="procurement_contract_document"):
        """A handle to run SQL; the columns come from the previous migration."""

    async def fill():
        await Handle.raw(
            "INSERT INTO procurement_contract_document (contract, upload, attached_at) "
            "SELECT c.id, c.document, u.uploaded_at FROM procurement_contract c JOIN upload u ON u.id = c.document "
            "WHERE c.document IS NOT NULL")

    async def empty():
        await Handle.raw("DELETE FROM procurement_contract_document")

    manager.add_raw(fill)
    manager.add_raw_backwards(empty)
    return manager
