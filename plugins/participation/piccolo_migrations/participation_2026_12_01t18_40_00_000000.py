"""The unique rules of participation, as indexes (Piccolo declares no multi-column or partial
constraint, so they are raw SQL, the same on SQLite and PostgreSQL): one "我也需要" per resident
and need, one sign-up per resident and activity, one rating per resident and subject, one balance
per resident and district, and one award per resident, reason and record. Two racing writers:
the database refuses the second."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T18:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes of supports, sign-ups, ratings, balances and point awards"
INDEXES = {
    "participation_need_support_key": "participation_need_support (need, user_id)",
    "participation_signup_key": "participation_signup (activity, user_id)",
    "participation_rating_key": "participation_rating (subject, user_id)",
    "participation_point_balance_key": "participation_point_balance (district_code, user_id)",
    "participation_point_award_key": "participation_point_entry (district_code, user_id, reason, ref) "
                                     "WHERE reason IN ('attend', 'volunteer', 'careful_rating')",
}


class Handle(Table, tablename="participation_need"):
    """A handle to run SQL; the tables come from the previous migration."""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="participation", description=DESCRIPTION)

    async def create_indexes():
        for name, target in INDEXES.items():
            await Handle.raw(f"CREATE UNIQUE INDEX {name} ON {target}")

    async def drop_indexes():
        for name in INDEXES:
            await Handle.raw(f"DROP INDEX {name}")

    manager.add_raw(create_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
