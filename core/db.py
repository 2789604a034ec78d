"""Database engine, write transactions and migrations.

One Piccolo engine per process, chosen from the settings: SQLite in the data
folder by default, PostgreSQL when DATABASE_URL is set. `configure()` must run
before any table is touched (create_app and the CLI do it first).

An outage is not a bug: `unavailable(exc)` tells a database that cannot be reached
or used right now (PostgreSQL down or restarting, SQLite locked past its timeout or
failing I/O) from every other error, so the app answers 503 and recovers by itself
when the database is back — the pool discards broken connections, and a write
transaction whose connection died never keeps it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import sqlite3
from collections.abc import AsyncIterator

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from core.settings import Settings, SettingsError, load_settings

_settings: Settings | None = None
_engine: Engine | None = None
log = logging.getLogger("sanshe.db")

CONNECT_TIMEOUT = 10
"""Seconds to wait for a PostgreSQL connection before the request answers 503 (asyncpg waits 60)."""
PING_TIMEOUT = 5
"""Seconds /healthz waits for `SELECT 1`."""
RETRY_AFTER = 5
"""Seconds a client is told to wait (Retry-After) when the database is unavailable."""


def configure(settings: Settings) -> Engine:
    """Fix the settings and engine for this process; later calls must agree."""
    global _settings, _engine
    if _engine is not None:
        if _settings and (_settings.database_url, _settings.sqlite_path) != (
            settings.database_url,
            settings.sqlite_path,
        ):
            raise RuntimeError("database already configured with other settings in this process")
        return _engine
    os.environ.setdefault("PICCOLO_CONF", "core.piccolo_conf")
    _settings = settings
    if settings.database_url:
        _engine = PostgresEngine(config={"dsn": settings.database_url, "timeout": CONNECT_TIMEOUT})
    else:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        _engine = SQLiteEngine(path=str(settings.sqlite_path), timeout=30)
    return _engine


def engine() -> Engine:
    """The configured engine (configures from the environment if nobody did)."""
    if _engine is None:
        configure(load_settings(need_secret=False))
    assert _engine is not None
    return _engine


def settings() -> Settings:
    engine()
    assert _settings is not None
    return _settings


def is_postgres() -> bool:
    return isinstance(engine(), PostgresEngine)


def locked(query, strength: str = "UPDATE"):
    """SELECT … FOR UPDATE (or SHARE) on PostgreSQL; on SQLite the IMMEDIATE write
    transaction already serialises writers, so the query is left as it is."""
    return query.lock_rows(strength) if is_postgres() else query


@contextlib.asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction for writes: IMMEDIATE on SQLite so concurrent writers queue
    instead of failing with 'database is locked' on upgrade; plain on PostgreSQL.
    Nested calls join the outer transaction."""
    db = engine()
    if db.current_transaction.get() is not None:
        yield
        return
    if isinstance(db, SQLiteEngine):
        async with db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with _postgres_transaction(db):
            yield


@contextlib.asynccontextmanager
async def read_together() -> AsyncIterator[None]:
    """Several reads on one connection: on SQLite a DEFERRED transaction (piccolo otherwise
    opens a connection, and a thread, for every query; under WAL a reader blocks no writer);
    on PostgreSQL nothing (the pool already reuses connections). Inside a transaction it joins it."""
    db = engine()
    if db.current_transaction.get() is not None or not isinstance(db, SQLiteEngine):
        yield
        return
    async with db.transaction(transaction_type=TransactionType.deferred):
        yield


@contextlib.asynccontextmanager
async def _postgres_transaction(db: PostgresEngine) -> AsyncIterator[None]:
    """Piccolo's transaction, made safe for a connection that dies under it: when BEGIN,
    ROLLBACK or COMMIT fails, Piccolo neither returns the connection to the pool (ten such
    failures and every later request waits for a connection forever) nor resets the current
    transaction. Here the dead connection is closed and handed back, and the first error wins."""
    tx = db.transaction()
    try:
        await tx.__aenter__()
    except BaseException:
        await _discard(db, tx)
        raise
    try:
        yield
    except BaseException as exc:
        try:
            await tx.__aexit__(type(exc), exc, exc.__traceback__)
        except Exception as rollback_error:  # noqa: BLE001 - the body's error is the one to report
            log.debug("rollback failed: %s", rollback_error)
            await _discard(db, tx)
        raise
    try:
        await tx.__aexit__(None, None, None)
    except BaseException:
        await _discard(db, tx)
        raise


async def _discard(db: PostgresEngine, tx) -> None:
    """Close a transaction's connection and give it back to the pool (which reconnects it)."""
    context = getattr(tx, "context", None)
    if context is not None and db.current_transaction.get() is tx:
        db.current_transaction.reset(context)
    connection = getattr(tx, "connection", None)
    if connection is None:
        return
    with contextlib.suppress(Exception):
        if db.pool is None:
            connection.terminate()
        elif getattr(connection, "_con", None) is not None:  # a pool proxy not yet released
            connection.terminate()
            await db.pool.release(connection)


async def start_pool() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and settings().db_pool and db.pool is None:
        # No floor (min_size=0): a pool with one re-dials it in the background after an outage and
        # logs a traceback for each failed try; connections are made on demand instead.
        await db.start_connection_pool(min_size=0, max_size=10)


async def close_pool() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is not None:
        await db.close_connection_pool()


async def ping() -> str:
    """'ok' or the error text, for /healthz (which answers 503 unless 'ok')."""
    try:
        await asyncio.wait_for(engine().run_ddl("SELECT 1"), PING_TIMEOUT)
        return "ok"
    except TimeoutError:
        return f"error: no answer within {PING_TIMEOUT} s"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return f"error: {type(exc).__name__}: {exc}"


# SQLite's OperationalError texts that mean "not now" rather than "wrong query".
_SQLITE_UNAVAILABLE = ("database is locked", "database table is locked", "disk i/o error",
                       "unable to open database file", "database or disk is full")
# asyncpg's server errors that mean the server is going away, starting, or full (SQLSTATE
# classes 08 and 57P, 53300); a cancelled statement (57014) is not an outage.
_POSTGRES_UNAVAILABLE = {"08000", "08001", "08003", "08004", "08006", "08P01", "57P01", "57P02", "57P03",
                         "53300"}


def unavailable(exc: BaseException) -> bool:
    """True when `exc`, or any error it wraps, says the database cannot be reached or used
    right now — the request may succeed later — rather than that the request is wrong."""
    seen: BaseException | None = exc
    for _ in range(20):  # a cause chain, never a cycle
        if seen is None:
            return False
        if _unavailable_itself(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _unavailable_itself(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.OperationalError):
        return str(exc).lower().startswith(_SQLITE_UNAVAILABLE)
    module = type(exc).__module__
    if module.startswith("asyncpg"):
        if getattr(exc, "sqlstate", None) in _POSTGRES_UNAVAILABLE:
            return True
        name = type(exc).__name__  # the client's own: connection lost, closed or never made
        # InternalClientError: a pooled idle connection the server ended (its shutdown notice arrived
        # unasked) fails the next query with "cannot switch to state …"; the pool then drops it.
        return name in {"ConnectionDoesNotExistError", "ConnectionFailureError", "CannotConnectNowError",
                        "TooManyConnectionsError", "InternalClientError"} or (
            name == "InterfaceError" and "closed" in str(exc))
    if isinstance(exc, OSError):  # connecting: refused, reset, unreachable, timed out (TimeoutError too)
        return _raised_in_asyncpg(exc)
    return False


def _raised_in_asyncpg(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith("asyncpg"):
            return True
        tb = tb.tb_next
    return False


async def migrate(quiet: bool = True, up_to: dict[str, str] | None = None) -> None:
    """Run every app's pending Piccolo migrations (core first, then plugins); with `up_to`
    ({app: migration id}) only those apps, each up to and including its id (a restore of an
    older archive builds the schema the archive was made with)."""
    from piccolo.apps.migrations.commands.base import BaseMigrationManager
    from piccolo.apps.migrations.commands.forwards import run_forwards

    db = engine()
    if isinstance(db, SQLiteEngine):
        await db.run_ddl("PRAGMA journal_mode=WAL")
    steps = [("all", "all")] if up_to is None else [
        (app, up_to[app]) for app in BaseMigrationManager().get_sorted_app_names() if app in up_to]
    for app, target in steps:
        out = io.StringIO()
        with contextlib.redirect_stdout(out) if quiet else contextlib.nullcontext():
            result = await run_forwards(app, migration_id=target)
        if not result.success:
            raise SettingsError(f"migrations failed: {result.message}\n{out.getvalue()}")


def code_migrations() -> dict[str, list[str]]:
    """{app: the ids of its migration files, oldest first}, apps in the order migrations run."""
    from piccolo.apps.migrations.commands.base import BaseMigrationManager
    from piccolo.conf.apps import Finder

    base, finder = BaseMigrationManager(), Finder()
    return {app: base.get_migration_ids(base.get_migration_modules(finder.get_app_config(app).resolved_migrations_folder_path))
            for app in base.get_sorted_app_names()}
