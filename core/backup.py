"""`sanshe backup` and `sanshe restore`: one archive holding every table of every installed app
and the uploads, restored into an empty instance on SQLite or PostgreSQL.

Why a logical archive (JSON lines per table, format in `core.backup_format`) rather than copying
the SQLite file or running pg_dump: one command and one format for both databases, no server
tools needed, and a district can move from SQLite to PostgreSQL (or back) by backing up and
restoring. Every column type is written exactly (timestamps in UTC with their microseconds,
dates, decimals as text, bytes as base64, JSON as the database's text) and the restore checks
row counts and sha256 sums, so the audit chain verifies afterwards.

The rows come from one consistent snapshot: a REPEATABLE READ READ ONLY transaction on
PostgreSQL, one read transaction on SQLite (WAL keeps writers going meanwhile). Uploads are
listed after the snapshot: uploads are written before the row naming them commits and never
deleted, so every file a backed-up row names is in the archive.

A restore refuses — before writing anything — a damaged archive, one made by a newer version
(or with apps not installed here), and an instance holding any row: there is no `--force`,
because merging two instances' ids cannot be done safely; restore into a fresh data folder or
empty database instead. Rows go in foreign-key order in one transaction; PostgreSQL sequences are
moved past the restored ids; the uploads are moved into place only when every row is in, and
removed again if the commit fails. Then the search indexes are rebuilt (as `sanshe reindex`) and
the audit chain is verified.

An archive made by an older version is restored as that version would, then upgraded: the
target's schema is migrated only up to the archive's migrations, the rows go in with the
columns the archive names, and the newer migrations then run on them (their data steps too) as
an upgrade would. That needs a target no migration has touched yet (a fresh data folder, a new
empty database); one already migrated past the archive is refused with that advice.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tarfile
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import Finder
from piccolo.engine.sqlite import TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

from core import audit, db
from core.backup_format import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SKIPPED_TABLES,
    BackupError,
    check_tables,
    column_kinds,
    dependency_order,
    kinds_decoder,
    migrations_behind,
    move_uploads,
    read_archive,
    remove_files,
    row_encoder,
    sha256_file,
    upload_files,
)
from core.context import AppContext

READ_BATCH = 2000

__all__ = ["BackupError", "BackupSummary", "RestoreSummary", "create_backup", "restore_backup"]


@dataclass
class BackupSummary:
    path: Path
    size: int
    rows: dict[str, int]
    uploads: int
    seconds: float


@dataclass
class RestoreSummary:
    rows: dict[str, int]
    uploads: int
    indexed: dict[str, int]
    audit: audit.VerifyResult
    seconds: float
    source: dict[str, Any] = field(default_factory=dict)
    upgraded: int = 0  # migrations run after the rows went in (an older version's archive)


def installed_tables() -> list[tuple[str, type[Table]]]:
    """(app, table) for every installed app's tables, core first, in a stable order."""
    apps = Finder().get_app_registry().app_configs.values()
    return [(app.app_name, t) for app in apps for t in sorted(app.table_classes, key=lambda t: t._meta.tablename)]


async def applied_migrations(apps: set[str]) -> dict[str, list[str]]:
    rows = await Migration.select(Migration.name, Migration.app_name)
    found: dict[str, list[str]] = {app: [] for app in sorted(apps)}
    for row in rows:
        if row["app_name"] in found:
            found[row["app_name"]].append(row["name"])
    return {app: sorted(names) for app, names in found.items()}


@contextlib.asynccontextmanager
async def _snapshot() -> AsyncIterator[None]:
    engine = db.engine()
    if db.is_postgres():
        async with engine.transaction():
            await engine.run_ddl("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    else:
        async with engine.transaction(transaction_type=TransactionType.deferred):
            yield


async def _rows(table: type[Table]) -> AsyncIterator[list[dict[str, Any]]]:
    """The table's rows in primary-key order, in batches (keyset paging inside the snapshot)."""
    pk = table._meta.primary_key
    last = None
    while True:
        query = table.select(*table._meta.columns).order_by(pk).limit(READ_BATCH)
        if last is not None:
            query = query.where(pk > last)
        rows = await query
        if not rows:
            return
        yield rows
        last = rows[-1][pk._meta.name]


def default_output(now: datetime) -> Path:
    return Path(f"sanshe-backup-{now.strftime('%Y%m%dT%H%M%SZ')}.tar.gz")


async def create_backup(ctx: AppContext, output: Path | None = None) -> BackupSummary:
    """Write the archive to `output` (a file, or a folder for the default name); return a summary."""
    started, now = time.monotonic(), datetime.now(timezone.utc)
    output = output or default_output(now)
    if output.is_dir():
        output = output / default_output(now)
    if output.exists():
        raise BackupError(f"{output} 已存在，不会覆盖 (already exists)")
    output.parent.mkdir(parents=True, exist_ok=True)
    tables = installed_tables()
    encoders = {t._meta.tablename: row_encoder(t._meta.columns) for _, t in tables}
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".sanshe-backup-") as tmp:
        staging = Path(tmp)
        (staging / "tables").mkdir()
        async with _snapshot():
            migrations = await applied_migrations({app for app, _ in tables})
            for _, table in tables:
                name = table._meta.tablename
                if name in SKIPPED_TABLES:
                    continue
                counts[name] = 0
                with open(staging / "tables" / f"{name}.jsonl", "w", encoding="utf-8") as out:
                    async for batch in _rows(table):
                        out.writelines(encoders[name](row) + "\n" for row in batch)
                        counts[name] += len(batch)
        members = [(f"tables/{t._meta.tablename}.jsonl", staging / "tables" / f"{t._meta.tablename}.jsonl")
                   for _, t in tables if t._meta.tablename in counts]
        uploads = list(upload_files(ctx.settings.data_dir, ctx.settings.sqlite_file))
        members += uploads
        files = {}
        for name, path in members:
            digest, size = sha256_file(path)
            files[name] = {"sha256": digest, "size": size}
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "sanshe_version": _version(),
            "created_at": now.isoformat(), "database": "postgresql" if db.is_postgres() else "sqlite",
            "migrations": migrations,
            "tables": {t._meta.tablename: {"app": app, "rows": counts[t._meta.tablename],
                                           "columns": column_kinds(t._meta.columns)}
                       for app, t in tables if t._meta.tablename in counts},
            "skipped_tables": {name: why for name, why in SKIPPED_TABLES.items()},
            "files": files,
        }
        part = output.with_name(output.name + ".part")
        try:
            _write_tar(part, manifest, members)
            os.replace(part, output)
        finally:
            part.unlink(missing_ok=True)
    return BackupSummary(output, output.stat().st_size, counts, len(uploads), time.monotonic() - started)


def _write_tar(path: Path, manifest: dict[str, Any], members: list[tuple[str, Path]]) -> None:
    body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    with tarfile.open(path, "w:gz", compresslevel=6) as tar:
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(body), int(time.time()), 0o600
        tar.addfile(info, io.BytesIO(body))
        for name, source in members:
            info = tar.gettarinfo(str(source), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mode = 0o600
            with open(source, "rb") as handle:
                tar.addfile(info, handle)


def _version() -> str:
    try:
        return metadata.version("sanshe")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- restore --------------------------------------------------------------------------------


async def _refuse_unless_empty(tables: list[type[Table]]) -> None:
    filled = {t._meta.tablename: n for t in tables if (n := await t.count())}
    if filled:
        listed = ", ".join(f"{name} ({n} 行)" for name, n in sorted(filled.items()))
        raise BackupError(f"目标实例不是空的，只能恢复到空实例（新的数据目录或空数据库）: {listed} "
                          f"(the target holds rows; restore into an empty instance)")


async def _insert_table(table: type[Table], kinds: dict[str, str], path: Path, expected: int) -> int:
    """The archive's rows of `table`, in the columns the archive names (`kinds`: the manifest's)."""
    columns = list(kinds)
    decode = kinds_decoder(kinds)
    names = ", ".join(f'"{name}"' for name in columns)
    per_insert = max(1, min(500, 30_000 // len(columns)))  # under both databases' parameter limits
    one = "(" + ", ".join("{}" for _ in columns) + ")"
    engine, count, batch = db.engine(), 0, []

    async def flush() -> None:
        template = f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES ' + ", ".join([one] * len(batch))
        try:
            await engine.run_querystring(QueryString(template, *[v for row in batch for v in row]))
        except Exception as exc:  # named for the operator; the transaction rolls back
            raise BackupError(f"表 {table._meta.tablename} 第 {count - len(batch) + 1}–{count} 行无法写入: "
                              f"{type(exc).__name__}: {exc} (rows rejected by the database)") from exc
        batch.clear()

    with open(path, encoding="utf-8") as rows:
        for line in rows:
            try:
                batch.append(decode(line))
            except (ValueError, TypeError, KeyError) as exc:
                raise BackupError(f"表 {table._meta.tablename} 第 {count + 1} 行无法读取: {exc!r} (bad row)") from None
            count += 1
            if len(batch) >= per_insert:
                await flush()
    if batch:
        await flush()
    if count != expected:
        raise BackupError(f"表 {table._meta.tablename} 应有 {expected} 行，备份中有 {count} 行 (row count differs)")
    return count


async def _reset_sequences(tables: list[type[Table]]) -> None:
    """Move each PostgreSQL serial past the restored ids (SQLite takes max(id) + 1 by itself)."""
    for table in tables:
        name, pk = table._meta.tablename, table._meta.primary_key._meta.db_column_name
        await db.engine().run_ddl(
            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', '{pk}'), "
            f"COALESCE((SELECT MAX(\"{pk}\") FROM \"{name}\"), 0) + 1, false)")


async def restore_backup(ctx: AppContext, archive: Path) -> RestoreSummary:
    """Restore `archive` into this (empty) instance; raise BackupError, writing nothing, when it cannot."""
    from core.indexer import reindex
    from core.search import get_backend

    started = time.monotonic()
    data_dir = ctx.settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".sanshe-restore-") as tmp:
        staging = Path(tmp)
        manifest = read_archive(archive, staging)
        tables = installed_tables()
        apps = {app for app, _ in tables}
        behind = migrations_behind(manifest, {app: ids for app, ids in db.code_migrations().items() if app in apps})
        upgrade = sum(len(ids) for ids in behind.values())
        if upgrade:
            await _migrate_as_the_archive(manifest, apps)
            restored = _archived_tables(manifest, tables)
        else:
            await db.migrate()
            check_tables(manifest, tables)
            restored = [t for _, t in tables if t._meta.tablename not in SKIPPED_TABLES]
        uploads = sorted(name for name in manifest["files"] if name.startswith("uploads/"))
        counts: dict[str, int] = {}
        created: list[Path] = []
        try:
            async with db.write_transaction():
                await _refuse_unless_empty(restored if upgrade else [t for _, t in tables])
                for table in dependency_order(restored):
                    name = table._meta.tablename
                    counts[name] = await _insert_table(table, manifest["tables"][name]["columns"],
                                                       staging / "tables" / f"{name}.jsonl",
                                                       manifest["tables"][name]["rows"])
                if db.is_postgres():
                    await _reset_sequences(restored)
                created = move_uploads(staging, data_dir, uploads)
        except BaseException:
            remove_files(created)
            raise
    if upgrade:  # the newer migrations, on the restored rows, as an upgrade runs them
        await db.migrate()
    indexed = await reindex(ctx.contributions, get_backend(ctx.settings))
    verified = await audit.verify()
    source = {k: manifest.get(k) for k in ("created_at", "database", "sanshe_version")}
    return RestoreSummary(counts, len(uploads), indexed, verified, time.monotonic() - started, source, upgrade)


async def _migrate_as_the_archive(manifest: dict[str, Any], apps: set[str]) -> None:
    """Build the schema the archive was made with: each app's migrations up to the archive's last;
    refused when the target has been migrated already (it may be past the archive)."""
    if await Migration.table_exists() and any((await applied_migrations(apps)).values()):
        raise BackupError("备份来自较旧的版本，只能恢复到尚未执行过迁移的全新实例（新的数据目录或新建的空数据库），"
                          "恢复后会自动升级 (an older version's archive needs a target no migration has run on)")
    await db.migrate(up_to={app: ids[-1] for app, ids in manifest.get("migrations", {}).items() if ids})


def _archived_tables(manifest: dict[str, Any], tables: list[tuple[str, type[Table]]]) -> list[type[Table]]:
    """This code's table classes for the tables the archive holds (their foreign keys order the
    inserts); refused when the archive holds a table this version no longer has."""
    known = {t._meta.tablename: t for _, t in tables}
    if gone := sorted(set(manifest.get("tables", {})) - set(known)):
        raise BackupError(f"备份中的表 {', '.join(gone)} 在本版本中已不存在 (tables this version does not have)")
    return [known[name] for name in sorted(manifest.get("tables", {})) if name not in SKIPPED_TABLES]
