"""`sanshe backup` and `sanshe restore` (core/backup.py): the demo instance, an evidence upload and
fresh audit events are backed up, restored by the CLI into an empty instance (a new data folder on
SQLite, a second database of the same server on PostgreSQL) and compared row by row with the
database driver, upload by upload byte by byte; the rebuilt index answers a query as the original
does and the audit chain verifies. A damaged archive and a non-empty target are refused with
nothing written. Column types our tables do not use yet round-trip through the codecs."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from piccolo import columns as pc
from piccolo.table import Table

from core import audit, db
from core.backup import create_backup, installed_tables
from core.backup_format import (
    SKIPPED_TABLES,
    BackupError,
    column_kinds,
    dependency_order,
    kinds_decoder,
    read_archive,
    row_decoder,
    row_encoder,
    upload_files,
)
from core.tables import AuditEvent
from tests.conftest import OWN, TEST_DATA_DIR, index_now, run
from tests.served import own_postgres_database

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


def sanshe(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600, cwd=Path(__file__).resolve().parents[2])


# --- an empty target instance ------------------------------------------------------------------


@pytest.fixture
def empty_target(tmp_path):
    """make() → (env, data dir) of a new empty instance: a new data folder, and on PostgreSQL
    a new database on the test server, dropped afterwards."""
    with contextlib.ExitStack() as stack:
        made = []

        def make(sqlite: bool = False) -> tuple[dict[str, str], Path]:
            data_dir = tmp_path / f"target-{len(made)}"
            made.append(data_dir)
            env = {**os.environ, "SANSHE_DATA_DIR": str(data_dir)}
            env.pop("DATABASE_URL", None)
            if db.is_postgres() and not sqlite:
                env["DATABASE_URL"] = stack.enter_context(
                    own_postgres_database(os.environ["DATABASE_URL"], "sanshe_restore"))
            return env, data_dir

        yield make


# --- reading both databases with the driver, independently of the backup code -----------------


def _table_rows(env: dict[str, str], data_dir: Path, tables: list[str]) -> dict[str, list[tuple]]:
    if env.get("DATABASE_URL"):
        import asyncpg

        async def fetch():
            con = await asyncpg.connect(env["DATABASE_URL"])
            try:
                return {t: [tuple(r) for r in await con.fetch(f'SELECT * FROM "{t}" ORDER BY id')] for t in tables}
            finally:
                await con.close()

        return asyncio.run(fetch())
    with sqlite3.connect(data_dir / "sanshe.sqlite3") as con:
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY id').fetchall() for t in tables}


def _source_env() -> dict[str, str]:
    return dict(os.environ)


def _backed_up_tables() -> list[str]:
    return [t._meta.tablename for _, t in installed_tables() if t._meta.tablename not in SKIPPED_TABLES]


@pytest.fixture(scope="module")
def populated(ctx, app, tokens):
    """The demo instance plus an uploaded PDF as evidence and two more audit events; the index is current."""
    from litestar.testing import TestClient

    from plugins.supervision.tables import SampleItem

    item = run(SampleItem.select(SampleItem.id).where(
        (SampleItem.district_code == OWN) & (SampleItem.state != "closed")).order_by(SampleItem.id).first())
    assert item, "the demo data holds open supervision items"
    with TestClient(app=app) as client:
        upload = client.post(f"/api/districts/{OWN}/supervision/items/{item['id']}/evidence",
                             headers={"Authorization": f"Bearer {tokens['supervisor']}"},
                             files={"file": ("整改报告.pdf", PDF, "application/pdf")})
    assert upload.status_code == 201, upload.text
    run(audit.record(actor="backup-test", action="note", entity="backup", entity_id=1, district_code=OWN,
                     after={"when": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc), "amount": Decimal("1.10")}))
    run(audit.record(actor="backup-test", action="note", entity="backup", entity_id=2, district_code=None,
                     before={"名称": "旧"}, after={"名称": "新"}))
    index_now(ctx)
    return upload.json()


@pytest.fixture(scope="module")
def archive(ctx, populated, tmp_path_factory) -> Path:
    summary = run(create_backup(ctx, tmp_path_factory.mktemp("backup")))
    assert summary.path.name.startswith("sanshe-backup-") and summary.path.name.endswith("Z.tar.gz")
    assert summary.rows["audit_event"] == run(AuditEvent.count()) and summary.uploads >= 1
    return summary.path


def _search(directory: Path, ctx, q: str):
    from core.indexer import sources
    from search_index import SearchQuery, open_backend

    backend = open_backend("embedded", directory=directory)
    spec = sources(ctx.contributions)["services"].spec
    backend.ensure_index(spec)
    result = backend.search("services", SearchQuery(q=q, per_page=50))
    return result.total, [h.id for h in result.hits]


def test_restore_into_an_empty_instance_gives_everything_back(ctx, populated, archive, empty_target):
    env, data_dir = empty_target()
    restored = sanshe("restore", str(archive), env=env)
    assert restored.returncode == 0, restored.stderr
    events = run(AuditEvent.count())
    assert f"audit chain intact: {events} events" in restored.stdout
    assert "search index services:" in restored.stdout

    tables = _backed_up_tables()
    before, after = _table_rows(_source_env(), TEST_DATA_DIR, tables), _table_rows(env, data_dir, tables)
    for table in tables:
        assert after[table] == before[table], f"table {table} differs after restore"
    assert len(after["person"]) > 80 and len(after["supervision_evidence"]) >= 1

    originals = list(upload_files(TEST_DATA_DIR, ctx.settings.sqlite_file))
    assert any(p.read_bytes() == PDF for _, p in originals)
    for name, path in originals:
        assert (data_dir / name.removeprefix("uploads/")).read_bytes() == path.read_bytes(), name

    if ctx.settings.search_backend == "embedded":
        for q in ("养老", "心理"):
            here = _search(TEST_DATA_DIR / "search", ctx, q)
            assert here[0] > 0 and _search(data_dir / "search", ctx, q) == here

    verify = sanshe("audit", "verify", env=env)
    assert verify.returncode == 0 and f"{events} events" in verify.stdout

    again = sanshe("restore", str(archive), env=env)  # the target now holds rows: refused, nothing added
    assert again.returncode == 2 and "目标实例不是空的" in again.stderr and "person (" in again.stderr
    assert _table_rows(env, data_dir, ["person"]) == {"person": after["person"]}


def _rewrite(archive: Path, out: Path, member: str, change) -> None:
    with tarfile.open(archive, "r:gz") as src, tarfile.open(out, "w:gz") as dst:
        for info in src:
            data = src.extractfile(info).read()
            if info.name == member:
                data = change(data)
                info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


def test_a_changed_row_is_refused_before_anything_is_written(archive, empty_target, tmp_path):
    tampered = tmp_path / "tampered.tar.gz"
    _rewrite(archive, tampered, "tables/person.jsonl", lambda data: data.replace("王".encode(), "汪".encode(), 1))
    env, data_dir = empty_target()
    result = sanshe("restore", str(tampered), env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "tables/person.jsonl" in result.stderr and "sha256" in result.stderr
    assert "nothing written" in result.stderr
    assert not (data_dir / "evidence").exists()
    assert [p.name for p in data_dir.iterdir() if p.name.startswith(".sanshe-")] == []  # staging removed
    assert _rows_anywhere(env, data_dir) == {}


def test_a_row_the_database_refuses_rolls_everything_back(archive, empty_target, tmp_path):
    """Checksums agree (the manifest is rewritten too) but a person appears twice: the insert
    fails, every table stays empty and no upload is moved in."""
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        persons = tar.extractfile("tables/person.jsonl").read()
    doubled = persons + persons.splitlines(keepends=True)[0]
    manifest["tables"]["person"]["rows"] += 1
    manifest["files"]["tables/person.jsonl"] = {"sha256": hashlib.sha256(doubled).hexdigest(), "size": len(doubled)}
    broken = tmp_path / "duplicate.tar.gz"
    with tarfile.open(archive, "r:gz") as src, tarfile.open(broken, "w:gz") as dst:
        for info in src:
            data = {"manifest.json": json.dumps(manifest).encode(), "tables/person.jsonl": doubled}.get(
                info.name) or src.extractfile(info).read()
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    env, data_dir = empty_target()
    result = sanshe("restore", str(broken), env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "表 person" in result.stderr and "nothing written" in result.stderr
    assert _rows_anywhere(env, data_dir) == {}
    assert not (data_dir / "evidence").exists()


def _rows_anywhere(env: dict[str, str], data_dir: Path) -> dict[str, int]:
    """Row counts of every non-empty table the target database has (Piccolo's own `migration` aside)."""
    if env.get("DATABASE_URL"):
        import asyncpg

        async def count():
            con = await asyncpg.connect(env["DATABASE_URL"])
            try:
                names = [r[0] for r in await con.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
                return {n: await con.fetchval(f'SELECT count(*) FROM "{n}"') for n in names}
            finally:
                await con.close()

        counts = asyncio.run(count())
    elif (data_dir / "sanshe.sqlite3").exists():
        with sqlite3.connect(data_dir / "sanshe.sqlite3") as con:
            names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            counts = {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    else:
        counts = {}
    return {n: c for n, c in counts.items() if c and n != "migration"}


def test_archive_members_are_checked(archive, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("../outside")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(BackupError, match="不应出现的成员"):
        read_archive(evil, tmp_path / "s1")
    extra = tmp_path / "extra.tar.gz"
    with tarfile.open(archive, "r:gz") as src, tarfile.open(extra, "w:gz") as dst:
        for info in src:
            dst.addfile(info, src.extractfile(info))
        info = tarfile.TarInfo("uploads/planted.pdf")
        info.size = 3
        dst.addfile(info, io.BytesIO(b"abc"))
    with pytest.raises(BackupError, match="不在清单中"):
        read_archive(extra, tmp_path / "s2")
    newer = tmp_path / "newer.tar.gz"
    _rewrite(archive, newer, "manifest.json",
             lambda data: json.dumps({**json.loads(data), "format_version": 99}).encode())
    with pytest.raises(BackupError, match="不受支持"):
        read_archive(newer, tmp_path / "s3")
    with pytest.raises(BackupError, match="无法读取"):
        (tmp_path / "junk.tar.gz").write_bytes(gzip.compress(b"not a tar"))
        read_archive(tmp_path / "junk.tar.gz", tmp_path / "s4")


def test_manifest_names_migrations_counts_and_checksums(archive, ctx):
    with tarfile.open(archive, "r:gz") as tar:
        assert tar.getnames()[0] == "manifest.json"
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["format"] == "sanshe-backup" and manifest["database"] == ("postgresql" if db.is_postgres()
                                                                              else "sqlite")
    assert set(manifest["migrations"]) >= {"core", "catalogue", "talent", "supervision", "incubation"}
    assert manifest["tables"]["audit_event"]["columns"]["seq"] == "integer"
    assert manifest["tables"]["person"]["columns"]["birth_date"] == "date"
    assert all(len(f["sha256"]) == 64 for f in manifest["files"].values())
    assert not any(n.endswith(("secret_key", "demo_password", ".sqlite3")) or "/search/" in n
                   for n in manifest["files"])


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="moves a PostgreSQL instance to SQLite")
def test_a_postgresql_backup_restores_into_sqlite(archive, empty_target, tmp_path):
    env, _ = empty_target(sqlite=True)
    restored = sanshe("restore", str(archive), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "audit chain intact" in restored.stdout
    again = sanshe("backup", "--output", str(tmp_path / "from-sqlite.tar.gz"), env=env)
    assert again.returncode == 0, again.stderr

    def tables(path: Path) -> dict[str, list[str]]:
        with tarfile.open(path, "r:gz") as tar:
            return {n: tar.extractfile(n).read().decode().splitlines() for n in tar.getnames() if n.startswith("tables/")}

    assert tables(tmp_path / "from-sqlite.tar.gz") == tables(archive)


# --- an archive made by an older version -------------------------------------------------------

# The first migration of each app that the older version did not have yet: this version's
# two_factor.secret widening and the contract-document history (with its data step).
NEWER_FROM = {"core": "2026-12-02T03:10:17:664170", "procurement": "2026-12-02T03:19:06:220421"}
ROOT = Path(__file__).resolve().parents[2]


def _older_schema(tmp_path: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """({table: columns} of a SQLite database migrated as the older version, {app: its migrations})."""
    kept = {app: [i for i in ids if app not in NEWER_FROM or i < NEWER_FROM[app]]
            for app, ids in db.code_migrations().items() if app in {a for a, _ in installed_tables()}}
    scratch = tmp_path / "older-schema"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SANSHE_DATA_DIR": str(scratch)}
    script = ("import asyncio, json, sys; from core.cli import _context, _settings; from core import db; "
              "_context(_settings(need_secret=False)); asyncio.run(db.migrate(up_to=json.loads(sys.argv[1])))")
    subprocess.run([sys.executable, "-c", script, json.dumps({a: ids[-1] for a, ids in kept.items() if ids})],
                   env=env, cwd=ROOT, check=True, timeout=300, capture_output=True)
    with sqlite3.connect(scratch / "sanshe.sqlite3") as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: [r[1] for r in con.execute(f'PRAGMA table_info("{n}")')] for n in names}, kept


def _as_older(archive: Path, out: Path, schema: dict[str, list[str]], kept: dict[str, list[str]],
              change: dict[str, Any]) -> None:
    """The archive as the older version would have made it: its migrations, tables and columns,
    and `change` ({table: function of its JSON lines}) applied, checksums rewritten."""
    with tarfile.open(archive, "r:gz") as src:
        manifest = json.loads(src.extractfile("manifest.json").read())
        members = {i.name: src.extractfile(i).read() for i in src if i.name != "manifest.json"}
    manifest["migrations"], manifest["sanshe_version"] = kept, "0.older"
    for table in list(manifest["tables"]):
        if table not in schema:
            del manifest["tables"][table], manifest["files"][f"tables/{table}.jsonl"], members[f"tables/{table}.jsonl"]
            continue
        manifest["tables"][table]["columns"] = {c: k for c, k in manifest["tables"][table]["columns"].items()
                                                if c in schema[table]}
        if table in change:
            members[f"tables/{table}.jsonl"] = data = change[table](members[f"tables/{table}.jsonl"])
            manifest["files"][f"tables/{table}.jsonl"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            manifest["tables"][table]["rows"] = len(data.splitlines())
    with tarfile.open(out, "w:gz") as dst:
        for name, data in [("manifest.json", json.dumps(manifest).encode()), *members.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


def _value(env: dict[str, str], data_dir: Path, sql: str) -> Any:
    if env.get("DATABASE_URL"):
        import asyncpg

        async def fetch():
            con = await asyncpg.connect(env["DATABASE_URL"])
            try:
                return await con.fetchval(sql)
            finally:
                await con.close()

        return asyncio.run(fetch())
    with sqlite3.connect(data_dir / "sanshe.sqlite3") as con:
        return con.execute(sql).fetchone()[0]


def test_an_older_versions_archive_is_restored_then_upgraded(archive, empty_target, tmp_path):
    """The older version stored a contract's document without the history table, and two-factor
    secrets in plain text in a 64-character column: restored at its schema, then this version's
    migrations run on the rows — the history is filled from the document, the column widens (the
    next start-up seals the secret, tests/core/test_twofactor.py)."""
    schema, kept = _older_schema(tmp_path)
    assert "procurement_contract_document" not in schema and "two_factor" in schema
    with tarfile.open(archive, "r:gz") as tar:
        contract = json.loads(tar.extractfile("tables/procurement_contract.jsonl").readline())
        upload = json.loads(tar.extractfile("tables/upload.jsonl").readline())
        user = json.loads(tar.extractfile("tables/sanshe_user.jsonl").readline())
    plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # as the older version stored a TOTP secret

    def plaintext_secret(data: bytes) -> bytes:  # one enrolment, stored the old way
        return (json.dumps({"id": 1, "user": user["id"], "secret": plain, "confirmed_at": "2026-11-01T00:00:00+00:00",
                            "last_step": None, "created_at": "2026-11-01T00:00:00+00:00"}) + "\n").encode()

    def with_document(data: bytes) -> bytes:
        lines = data.decode().splitlines()
        lines[0] = json.dumps({**json.loads(lines[0]), "document": upload["id"]}, ensure_ascii=False)
        return ("\n".join(lines) + "\n").encode()

    older = tmp_path / "older.tar.gz"
    _as_older(archive, older, schema, kept, {"procurement_contract": with_document, "two_factor": plaintext_secret})
    env, data_dir = empty_target()
    restored = sanshe("restore", str(older), env=env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    newer = sum(len(ids) for ids in db.code_migrations().values()) - sum(len(ids) for ids in kept.values())
    assert f"upgraded: {newer} migrations" in restored.stdout and "audit chain intact" in restored.stdout

    tables = [t for t in _backed_up_tables() if t in schema and t not in {"procurement_contract", "two_factor"}]
    before, after = _table_rows(_source_env(), TEST_DATA_DIR, tables), _table_rows(env, data_dir, tables)
    for table in tables:
        assert after[table] == before[table], f"table {table} differs after restore"
    assert _value(env, data_dir, f"SELECT document FROM procurement_contract WHERE id = {contract['id']}") == upload["id"]
    history = _table_rows(env, data_dir, ["procurement_contract_document"])["procurement_contract_document"]
    assert [(row[1], row[2]) for row in history] == [(contract["id"], upload["id"])]  # filled by the data step
    assert _value(env, data_dir, "SELECT count(*) FROM migration") == sum(len(i) for i in db.code_migrations().values())
    assert _value(env, data_dir, f"SELECT secret FROM two_factor WHERE \"user\" = {user['id']}") == plain

    migrated, _ = empty_target()  # a target this version has migrated already cannot take it
    assert sanshe("migrate", env=migrated).returncode == 0
    refused = sanshe("restore", str(older), env=migrated)
    assert refused.returncode == 2 and "尚未执行过迁移的全新实例" in refused.stderr


def test_an_archive_with_a_gap_in_its_migrations_is_refused(archive, empty_target, tmp_path):
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    holed = tmp_path / "holed.tar.gz"
    core = manifest["migrations"]["core"]
    _rewrite(archive, holed, "manifest.json", lambda data: json.dumps(
        {**json.loads(data), "migrations": {**manifest["migrations"], "core": core[:1] + core[2:]}}).encode())
    env, data_dir = empty_target()
    result = sanshe("restore", str(holed), env=env)
    assert result.returncode == 2 and f"缺少中间的迁移 {core[1]}" in result.stderr
    assert _rows_anywhere(env, data_dir) == {}


# --- codecs and order, without a database --------------------------------------------------------


class Kinds(Table, tablename="backup_kinds"):
    amount = pc.Numeric(digits=(12, 4))
    blob = pc.Bytea()
    doc = pc.JSONB()
    span = pc.Interval()
    key = pc.UUID()
    at = pc.Time()
    naive = pc.Timestamp()
    aware = pc.Timestamptz()
    day = pc.Date()
    ratio = pc.DoublePrecision()
    flag = pc.Boolean()
    big = pc.BigInt()
    days = pc.Array(base_column=pc.Date())
    label = pc.Varchar()


def test_every_column_type_round_trips_exactly():
    row = {"id": 7, "amount": Decimal("12345678.0001"), "blob": bytes(range(256)), "doc": '{"a": [1, "二"]}',
           "span": timedelta(days=3, seconds=5, microseconds=7), "key": uuid.uuid4(), "at": time(23, 59, 58, 999999),
           "naive": datetime(2026, 2, 28, 12, 0, 0, 1), "aware": datetime(2026, 6, 1, 8, 0, tzinfo=timezone(timedelta(hours=8))),
           "day": date(1, 1, 1), "ratio": 0.1 + 0.2, "flag": False, "big": 2**63 - 1,
           "days": [date(2026, 1, 1), None, date(2026, 12, 31)], "label": "社区\n\"引号\"\x00"}
    columns = Kinds._meta.columns
    line = row_encoder(columns)(row)
    assert "\n" not in line and base64.b64encode(row["blob"]).decode() in line
    values = dict(zip([c._meta.name for c in columns], row_decoder(columns)(line)))
    assert values == row
    assert kinds_decoder(column_kinds(columns))(line) == row_decoder(columns)(line)  # as an older archive is read
    assert values["aware"].utcoffset() == timedelta(0)  # written in UTC: the same instant


def test_tables_go_in_after_what_they_refer_to():
    order = [t._meta.tablename for t in dependency_order([t for _, t in installed_tables()])]
    for _, table in installed_tables():
        for fk in table._meta.foreign_key_columns:
            target = fk._foreign_key_meta.resolved_references._meta.tablename
            if target != table._meta.tablename:
                assert order.index(target) < order.index(table._meta.tablename), (table, target)
