"""Database engine, write transactions and migrations.

One Piccolo engine per process, chosen from the settings: SQLite in the data
folder by default, PostgreSQL when DATABASE_URL is set. `configure()` must run
before any table is touched (create_app and the CLI do it first).
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import AsyncIterator

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from core.settings import Settings, SettingsError, load_settings

_settings: Settings | None = None
_engine: Engine | None = None


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
        _engine = PostgresEngine(config={"dsn": settings.database_url})
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
        async with db.transaction():
            yield


async def start_pool() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and settings().db_pool and db.pool is None:
        await db.start_connection_pool(min_size=1, max_size=10)


async def close_pool() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is not None:
        await db.close_connection_pool()


async def ping() -> str:
    """'ok' or the error text, for /healthz."""
    try:
        await engine().run_ddl("SELECT 1")
        return "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return f"error: {exc}"


async def migrate(quiet: bool = True) -> None:
    """Run every app's pending Piccolo migrations (core first, then plugins)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    db = engine()
    if isinstance(db, SQLiteEngine):
        await db.run_ddl("PRAGMA journal_mode=WAL")
    out = io.StringIO()
    with contextlib.redirect_stdout(out) if quiet else contextlib.nullcontext():
        result = await run_forwards("all")
    if not result.success:
        raise SettingsError(f"migrations failed: {result.message}\n{out.getvalue()}")
