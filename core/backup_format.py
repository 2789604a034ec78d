"""The backup archive's format: how each column type is written as JSON and read back,
which files of the data folder are uploads, and how an archive is opened and checked.

An archive is a gzip'd tar holding `manifest.json` (first), `tables/<table>.jsonl` (one JSON
object per row, keyed by column name) and `uploads/<path under the data folder>`. The manifest
names every other member with its size and sha256, so `read_archive` refuses an archive with a
changed, missing or extra member before anything is written. The sha256 sums catch damage, not
an adversary who rewrites the manifest too: keep backups where only operators can write.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import tarfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from piccolo import columns as pc
from piccolo.table import Table

FORMAT = "sanshe-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Tables whose rows are not kept: the search outbox only says which documents to re-index,
# and a restore rebuilds every index from the tables anyway.
SKIPPED_TABLES = {"search_outbox": "rebuilt: the restore re-indexes everything"}
# Files of the data folder that are not uploads: the database, the search index, and the
# secrets `sanshe demo` keeps there (an archive is copied around; secrets stay with the operator).
_NOT_UPLOADS_TOP = {"search", "secret_key", "demo_password"}
_NOT_UPLOADS_ANYWHERE = re.compile(r"^\.|\.(tmp|part|lock)$|^sanshe-backup-.*\.tar\.gz$")
_MEMBER = re.compile(r"^(manifest\.json|tables/[a-z0-9_]+\.jsonl|uploads/[^\x00]+)$")


class BackupError(Exception):
    """A backup or restore cannot go on; the message (zh-CN, English) names what is wrong."""


Encode = Callable[[Any], Any]


@dataclass(frozen=True)
class Codec:
    kind: str
    encode: Encode
    decode: Encode


def _same(value: Any) -> Any:
    return value


def _utc(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat()


def _interval(value: timedelta) -> list[int]:
    return [value.days, value.seconds, value.microseconds]


_CODECS: list[tuple[type, Codec]] = [  # subclasses before their bases
    (pc.Timestamptz, Codec("timestamptz", _utc, datetime.fromisoformat)),
    (pc.Timestamp, Codec("timestamp", datetime.isoformat, datetime.fromisoformat)),
    (pc.Date, Codec("date", date.isoformat, date.fromisoformat)),
    (pc.Time, Codec("time", time.isoformat, time.fromisoformat)),
    (pc.Interval, Codec("interval", _interval, lambda v: timedelta(days=v[0], seconds=v[1], microseconds=v[2]))),
    (pc.Numeric, Codec("numeric", str, Decimal)),
    (pc.Real, Codec("float", float, float)),
    (pc.Boolean, Codec("boolean", bool, bool)),
    (pc.Serial, Codec("integer", int, int)),
    (pc.Integer, Codec("integer", int, int)),
    (pc.UUID, Codec("uuid", str, uuid.UUID)),
    (pc.Bytea, Codec("bytes", lambda v: base64.b64encode(bytes(v)).decode("ascii"), base64.b64decode)),
    (pc.JSON, Codec("json", _same, _same)),  # the JSON text as the database keeps it
    (pc.Varchar, Codec("text", str, str)),
    (pc.Text, Codec("text", str, str)),
]


def codec(column: pc.Column) -> Codec:
    """How a column's values are written to and read from the archive."""
    if isinstance(column, pc.ForeignKey):
        return codec(column._foreign_key_meta.resolved_references._meta.primary_key)
    if isinstance(column, pc.Array):
        inner = codec(column.base_column)

        def walk(fn: Encode) -> Encode:
            return lambda v: [walk(fn)(x) if isinstance(x, list) else (None if x is None else fn(x)) for x in v]

        return Codec(f"array[{inner.kind}]", walk(inner.encode), walk(inner.decode))
    for kind, found in _CODECS:
        if isinstance(column, kind):
            return found
    raise BackupError(f"列 {column._meta.table._meta.tablename}.{column._meta.db_column_name} 的类型 "
                      f"{type(column).__name__} 无法备份 (column type not supported by backups)")


def row_encoder(columns: list[pc.Column]) -> Callable[[dict[str, Any]], str]:
    """A function turning a selected row into one JSON line."""
    plan = [(c._meta.name, c._meta.db_column_name, codec(c).encode) for c in columns]

    def encode(row: dict[str, Any]) -> str:
        out = {db_name: None if row[name] is None else fn(row[name]) for name, db_name, fn in plan}
        return json.dumps(out, ensure_ascii=False, separators=(",", ":"))

    return encode


def row_decoder(columns: list[pc.Column]) -> Callable[[str], list[Any]]:
    """A function turning one JSON line into the values of `columns`, in their order."""
    plan = [(c._meta.db_column_name, codec(c).decode) for c in columns]

    def decode(line: str) -> list[Any]:
        row = json.loads(line)
        return [None if row[name] is None else fn(row[name]) for name, fn in plan]

    return decode


def column_kinds(columns: list[pc.Column]) -> dict[str, str]:
    return {c._meta.db_column_name: codec(c).kind for c in columns}


def _decoder_of(kind: str) -> Encode:
    if kind.startswith("array[") and kind.endswith("]"):
        inner = _decoder_of(kind[6:-1])

        def walk(v: list[Any]) -> list[Any]:
            return [walk(x) if isinstance(x, list) else (None if x is None else inner(x)) for x in v]

        return walk
    for _, found in _CODECS:
        if found.kind == kind:
            return found.decode
    raise BackupError(f"备份中的列类型 {kind} 无法识别 (unknown column kind)")


def kinds_decoder(kinds: dict[str, str]) -> Callable[[str], list[Any]]:
    """Like row_decoder, from the manifest's {column: kind} (the columns as the archive's version
    had them, in that order)."""
    plan = [(name, _decoder_of(kind)) for name, kind in kinds.items()]

    def decode(line: str) -> list[Any]:
        row = json.loads(line)
        return [None if row[name] is None else fn(row[name]) for name, fn in plan]

    return decode


# --- what a restore checks -------------------------------------------------------------------


def migrations_behind(manifest: dict[str, Any], code: dict[str, list[str]]) -> dict[str, list[str]]:
    """{app: this code's migrations the archive has not run} — empty lists when the archive was made
    at this version. Refused: an app not installed here, a migration this code does not have (a
    newer version's archive) and an archive whose migrations are not the first ones of this code's
    (it could not be brought forward)."""
    theirs: dict[str, list[str]] = manifest.get("migrations", {})
    unknown = sorted(set(theirs) - set(code))
    if unknown:
        raise BackupError(f"备份含有本实例未安装的应用 {', '.join(unknown)} 的数据，请先安装对应插件 "
                          f"(apps not installed here)")
    behind: dict[str, list[str]] = {}
    for app, names in code.items():
        other = sorted(theirs.get(app, []))
        if extra := sorted(set(other) - set(names)):
            raise BackupError(f"应用 {app} 的备份来自更新的版本（多出迁移 {extra[0]}），请先升级 Sanshe "
                              f"(backup made by a newer version)")
        if names[:len(other)] != other:
            missing = min(set(names[:len(other)]) - set(other))
            raise BackupError(f"应用 {app} 的备份缺少中间的迁移 {missing}，无法升级恢复 "
                              f"(the archive's migrations are not a prefix of this version's)")
        behind[app] = names[len(other):]
    return behind


def check_tables(manifest: dict[str, Any], tables: list[tuple[str, type[Table]]]) -> None:
    theirs = manifest.get("tables", {})
    mine = {t._meta.tablename: t for _, t in tables if t._meta.tablename not in SKIPPED_TABLES}
    if set(theirs) != set(mine):
        diff = sorted(set(theirs) ^ set(mine))
        raise BackupError(f"备份中的表与本实例的表不一致: {', '.join(diff)} (tables differ)")
    for name, table in mine.items():
        if theirs[name].get("columns") != column_kinds(table._meta.columns):
            raise BackupError(f"表 {name} 的列与本实例不一致 (columns differ)")


def dependency_order(tables: list[type[Table]]) -> list[type[Table]]:
    """Tables so that each comes after the tables its foreign keys refer to."""
    by_name = {t._meta.tablename: t for t in tables}
    needs = {name: {fk._foreign_key_meta.resolved_references._meta.tablename
                    for fk in t._meta.foreign_key_columns} & set(by_name) - {name}
             for name, t in by_name.items()}
    ordered: list[type[Table]] = []
    while needs:
        ready = [name for name, deps in needs.items() if not deps]
        if not ready:
            raise BackupError(f"表之间的外键成环: {', '.join(sorted(needs))} (foreign-key cycle)")
        for name in ready:
            ordered.append(by_name[name])
            del needs[name]
        for deps in needs.values():
            deps.difference_update(ready)
    return ordered


# --- uploads --------------------------------------------------------------------------------


def upload_files(data_dir: Path, sqlite_file: str) -> Iterator[tuple[str, Path]]:
    """(archive name, path) of every upload under the data folder, in a stable order."""
    if not data_dir.is_dir():
        return
    skip_top = _NOT_UPLOADS_TOP | {sqlite_file, f"{sqlite_file}-wal", f"{sqlite_file}-shm",
                                   f"{sqlite_file}-journal"}
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        if relative.parts[0] in skip_top or any(_NOT_UPLOADS_ANYWHERE.search(p) for p in relative.parts):
            continue
        if path.is_file() and not path.is_symlink():
            yield f"uploads/{relative.as_posix()}", path


def sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


# --- reading an archive ---------------------------------------------------------------------


def _check_name(name: str) -> str:
    parts = PurePosixPath(name).parts
    if not _MEMBER.match(name) or name.startswith("/") or ".." in parts or "" in parts:
        raise BackupError(f"备份文件中有不应出现的成员 {name!r} (unexpected archive member)")
    return name


def read_archive(archive: Path, staging: Path) -> dict[str, Any]:
    """Unpack `archive` into `staging`, checking every member against the manifest; return it."""
    if not archive.is_file():
        raise BackupError(f"备份文件不存在: {archive} (no such file)")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            seen: dict[str, tuple[str, int]] = {}
            manifest = None
            for member in tar:
                name = _check_name(member.name)
                if not member.isfile():
                    raise BackupError(f"备份成员 {name} 不是普通文件 (not a regular file)")
                if name in seen or (name == MANIFEST and manifest is not None):
                    raise BackupError(f"备份成员 {name} 重复出现 (duplicate member)")
                source = tar.extractfile(member)
                assert source is not None
                if name == MANIFEST:
                    manifest = json.loads(source.read().decode("utf-8"))
                    continue
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with open(target, "wb") as out:
                    while chunk := source.read(1 << 20):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                seen[name] = (digest.hexdigest(), size)
    except (tarfile.TarError, OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"备份文件无法读取: {archive}: {exc} (unreadable archive)") from None
    if not isinstance(manifest, dict):
        raise BackupError("备份文件缺少 manifest.json (no manifest)")
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"备份格式 {manifest.get('format')!r} 版本 {manifest.get('format_version')!r} 不受支持，"
                          f"本程序读取 {FORMAT} 版本 {FORMAT_VERSION} (unsupported format)")
    files = manifest.get("files", {})
    for name, (digest, size) in seen.items():
        expected = files.get(name)
        if expected is None:
            raise BackupError(f"备份成员 {name} 不在清单中 (member not in the manifest)")
        if expected.get("sha256") != digest or expected.get("size") != size:
            raise BackupError(f"备份成员 {name} 的 sha256 与清单不符，文件已损坏或被改动 "
                              f"(checksum mismatch)")
    missing = sorted(set(files) - set(seen))
    if missing:
        raise BackupError(f"备份文件缺少成员: {', '.join(missing[:5])} (missing members)")
    return manifest


def move_uploads(staging: Path, data_dir: Path, names: list[str]) -> list[Path]:
    """Move staged uploads into the data folder; return the files created (to undo on failure).
    A file already there with the same content is kept; one with other content is refused
    before anything is moved."""
    plan = []
    for name in names:
        source, target = staging / name, data_dir / name.removeprefix("uploads/")
        if target.exists():
            if not target.is_file() or sha256_file(target) != sha256_file(source):
                raise BackupError(f"数据目录中已有内容不同的文件 {target} (an upload would be overwritten)")
            continue
        plan.append((source, target))
    created = []
    try:
        for source, target in plan:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, target)
            created.append(target)
    except OSError:
        remove_files(created)
        raise
    return created


def remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
