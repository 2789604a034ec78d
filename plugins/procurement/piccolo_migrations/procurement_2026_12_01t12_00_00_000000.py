"""The unique rules of bidding and evaluation, as indexes (Piccolo declares no multi-column or
partial constraint, so they are raw SQL, the same on SQLite and PostgreSQL): one submitted bid
per organisation and project (withdrawn and refused bids do not count), one panel seat per user
and project, one score per member and bid, one award per project. Two racing writers: the
database refuses the second."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes of bids, panel members, scores and awards"
INDEXES = {
    "procurement_bid_one_submitted": "procurement_bid (project, organization_id) WHERE state = 'submitted'",
    "procurement_panel_member_key": "procurement_panel_member (project, username)",
    "procurement_score_key": "procurement_score (bid, member)",
    "procurement_award_project_key": "procurement_award (project)",
}


class Handle(Table, tablename="procurement_bid"):
    """A handle to run SQL; the tables come from the previous migration."""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="procurement", description=DESCRIPTION)

    async def create_indexes():
        for name, target in INDEXES.items():
            await Handle.raw(f"CREATE UNIQUE INDEX {name} ON {target}")

    async def drop_indexes():
        for name in INDEXES:
            await Handle.raw(f"DROP INDEX {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
