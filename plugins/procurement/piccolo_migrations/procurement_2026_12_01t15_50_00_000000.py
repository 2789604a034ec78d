"""Covering indexes of the dashboard's GROUP BY queries (plugins.procurement.dashboard): each
holds every column its query reads, in the order it filters (district, then the date or state),
so the database answers from the index alone — with 10,000 projects a query reads a few
thousand index entries instead of as many table rows. Plain multi-column indexes, the same on
SQLite and PostgreSQL."""

from functools import partial

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T15:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "covering indexes of the procurement dashboard"
INDEXES = {
    "procurement_project_dash": "procurement_project (district_code, stage)",
    "procurement_project_id_field": "procurement_project (id, field)",
    "procurement_contract_dash": "procurement_contract (district_code, signed_on, project, value_fen)",
    "procurement_payment_dash": "procurement_payment (district_code, paid_on, project, amount_fen)",
    "procurement_award_dash": "procurement_award (district_code, awarded_at, organization_id, price_fen)",
    "procurement_milestone_dash": "procurement_milestone (district_code, state, decided_at, due_on)",
    "procurement_milestone_overdue": "procurement_milestone (district_code, due_on, state)",
    "procurement_evaluation_dash": "procurement_evaluation (district_code, state, completed_at, total)",
}


class Handle(Table, tablename="procurement_project"):
    """A handle to run SQL; the tables come from earlier migrations."""


async def _each_index(statement: str) -> None:
    for name, target in INDEXES.items():
        await Handle.raw(statement.format(name=name, target=target))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="procurement", description=DESCRIPTION)
    manager.add_raw(partial(_each_index, "CREATE INDEX {name} ON {target}"))
    manager.add_raw_backwards(partial(_each_index, "DROP INDEX {name}"))
    return manager
