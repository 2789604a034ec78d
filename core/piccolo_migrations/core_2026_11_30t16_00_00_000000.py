"""Foreign keys for the registry links core owns on both ends, so the database itself refuses a
dangling reference even if some code path skipped the 409 `still_referenced` check:

    sanshe_user.person_id         -> person.id
    role_grant.organization_id    -> organization.id
    organization.community_code   -> community.code
    person.community_code         -> community.code
    community.parent_code         -> community.code   (a community's street)

PostgreSQL: real constraints, ON DELETE RESTRICT, DEFERRABLE INITIALLY DEFERRED (checked at
commit, so a restore may load the tables in any order within its transaction). SQLite cannot add
a constraint to an existing table without rebuilding it, so there the same rules are triggers:
deleting or re-keying a referenced row aborts, and a row naming a missing one is refused.

The columns stay plain integers/strings in Piccolo's model (its migrations cannot add a
constraint to an existing column on SQLite); `core.registry.references` keeps answering 409 with
the referrer's name before the database would ever refuse. A database that already holds a
dangling reference stops this migration with the rows to mend named.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

ID = "2026-11-30T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "registry foreign keys (restrict) inside core"

# (child table, child column, parent table, parent column)
LINKS = (
    ("sanshe_user", "person_id", "person", "id"),
    ("role_grant", "organization_id", "organization", "id"),
    ("organization", "community_code", "community", "code"),
    ("person", "community_code", "community", "code"),
    ("community", "parent_code", "community", "code"),
)


class Handle(Table, tablename="community"):
    """A handle to run SQL; the tables come from the previous migrations."""


def _name(child: str, column: str) -> str:
    return f"{child}_{column}_fk"


async def _dangling() -> list[str]:
    found = []
    for child, column, parent, key in LINKS:
        rows = await Handle.raw(
            f"SELECT c.id AS id, c.{column} AS ref FROM {child} c WHERE c.{column} IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{key} = c.{column}) LIMIT 20")
        found += [f"{child}.id={row['id']} {column}={row['ref']!r} (no {parent}.{key})" for row in rows]
    return found


def _sqlite_triggers(child: str, column: str, parent: str, key: str) -> list[str]:
    name = _name(child, column)
    message = f"FOREIGN KEY constraint failed: {child}.{column} refers to {parent}.{key}"
    refers = f"EXISTS (SELECT 1 FROM {child} WHERE {column} = OLD.{key})"
    missing = f"NEW.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {parent} WHERE {key} = NEW.{column})"
    return [
        f"CREATE TRIGGER {name}_parent_delete BEFORE DELETE ON {parent} WHEN {refers} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER {name}_parent_update BEFORE UPDATE OF {key} ON {parent} "
        f"WHEN OLD.{key} IS NOT NEW.{key} AND {refers} BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER {name}_child_insert BEFORE INSERT ON {child} WHEN {missing} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER {name}_child_update BEFORE UPDATE OF {column} ON {child} WHEN {missing} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
    ]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def add():
        dangling = await _dangling()
        if dangling:
            raise RuntimeError("dangling registry references; mend or remove these rows, then migrate again: "
                               + "; ".join(dangling))
        postgres = isinstance(Handle._meta.db, PostgresEngine)
        for child, column, parent, key in LINKS:
            if postgres:
                await Handle.raw(
                    f"ALTER TABLE {child} ADD CONSTRAINT {_name(child, column)} FOREIGN KEY ({column}) "
                    f"REFERENCES {parent} ({key}) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED")
            else:
                for statement in _sqlite_triggers(child, column, parent, key):
                    await Handle.raw(statement)

    async def drop():
        postgres = isinstance(Handle._meta.db, PostgresEngine)
        for child, column, _parent, _key in LINKS:
            if postgres:
                await Handle.raw(f"ALTER TABLE {child} DROP CONSTRAINT IF EXISTS {_name(child, column)}")
            else:
                for suffix in ("parent_delete", "parent_update", "child_insert", "child_update"):
                    await Handle.raw(f"DROP TRIGGER IF EXISTS {_name(child, column)}_{suffix}")

    manager.add_raw(add)
    manager.add_raw_backwards(drop)
    return manager
