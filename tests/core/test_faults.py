"""Faults an operator meets, on a real `sanshe serve` process of the test's own:

- PostgreSQL restarts under load: every answer meanwhile is a clean 503
  `database_unavailable` (JSON with Retry-After, or the HTML error page for a browser), the log
  has one warning line per failed request and no traceback, `/healthz` answers 503, and the app
  serves again once PostgreSQL is back — same process, no restart (the pool drops dead
  connections). Runs on a throwaway cluster started here; skipped when PostgreSQL's binaries
  are not installed (CI installs them).
- The worker is killed (SIGKILL) in the middle of an indexing batch: after a restart the outbox
  rows still there are applied and a search finds the last record.
- The worker is killed in the middle of a roster import's write transaction: after a restart
  not one row of that import exists and the audit chain verifies.

The kill tests run on SQLite, or on PostgreSQL when DATABASE_URL is set (in a database of their
own on that server; CI's PostgreSQL leg), so each leg stays near 90 s. No sleep decides when to kill: the test polls the database from
outside until it sees the work half done (see `_kill_when`).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import glob
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Self

import httpx
import pytest

from core.codes import make_id_number
from tests import served
from tests.served import Server

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "faults-pass-123"
DISTRICT = "430702"
SERVICES = 4_000  # unindexed services waiting in the outbox: 4 batches of 1,000
ROSTER_ROWS = 6_000  # one import: more than SQLite's page cache holds, so its rows reach the WAL uncommitted
HALF_WRITTEN = 256 * 1024  # bytes of the import's rows on disk, not committed, when the kill comes
PROBE = "faultprobe"

# Run in a child process with the server's environment: migrate, one platform admin with an API
# token (printed), and SERVICES published services whose outbox rows are not applied yet.
PREPARE = f"""
import asyncio, sys
from core import db
from core.context import build_context
from core.settings import load_settings

async def main(services):
    build_context(load_settings(need_secret=False))
    await db.migrate()
    from core.identity import create_api_token, ensure_user
    from core.tables import SearchOutbox
    from plugins.catalogue.tables import Service
    user_id = await ensure_user("faults-admin", {PASSWORD!r}, [{{"role": "platform_admin"}}], fast_hash=True)
    print((await create_api_token(user_id, "faults-admin", "faults"))["token"])
    for start in range(0, services, 1000):
        async with db.write_transaction():
            rows = await Service.insert(*[Service(district_code={DISTRICT!r}, organization_id=0,
                name=f"故障演练服务 {PROBE}{{i}}", field="养老服务", status="published")
                for i in range(start, min(services, start + 1000))]).returning(Service.id)
            await SearchOutbox.insert(*[SearchOutbox(index_name="services", doc_id=str(r["id"])) for r in rows])

asyncio.run(main(int(sys.argv[1])))
"""


_T0 = [time.monotonic()]


def _phase(name: str) -> None:
    print(f"[{time.monotonic() - _T0[0]:6.1f} s] {name}", flush=True)


def _environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SANSHE_", "DATABASE_URL", "PICCOLO"))}
    env.update(SANSHE_DATA_DIR=str(data_dir), SANSHE_SECRET_KEY="faults-secret-key-0123456789abcdef-0123",
               SANSHE_ARGON2_FAST="1", SANSHE_DB_POOL="1", SANSHE_SUPERVISION_SCHEDULER="0",
               SANSHE_SEARCH_CACHE_SECONDS="0", PYTHONUNBUFFERED="1")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _prepare(env: dict[str, str], services: int) -> str:
    """Migrate, create the admin and the unindexed services; return the admin's bearer token."""
    done = subprocess.run([sys.executable, "-c", PREPARE, str(services)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


# --- the database, seen from outside the server ---------------------------------------------------

class Database:
    """Read-only questions to the server's database, from the test process."""

    def __init__(self, data_dir: Path, database_url: str | None):
        self.path, self.url = data_dir / "sanshe.sqlite3", database_url

    def value(self, sql: str) -> int:
        if self.url:
            return asyncio.run(self._pg_value(sql))
        with contextlib.closing(sqlite3.connect(self.path, timeout=30)) as conn:
            return conn.execute(sql).fetchone()[0]

    async def _pg_value(self, sql: str) -> int:
        import asyncpg

        conn = await asyncpg.connect(self.url)
        try:
            return await conn.fetchval(sql)
        finally:
            await conn.close()

    def write_in_progress(self) -> int:
        """Bytes written by a transaction not yet committed (0 when no write transaction is open).

        SQLite: a writer holds the RESERVED lock (a `BEGIN IMMEDIATE` here fails at once) and the
        pages its cache could not hold are already in the WAL past the last commit. PostgreSQL:
        a client backend has an open transaction and the person table's file has grown (rows are
        written to the heap before commit)."""
        if self.url:
            return asyncio.run(self._pg_value(
                "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND xact_start IS NOT NULL AND backend_type = 'client backend'"
                " AND query ILIKE '%person%') THEN pg_relation_size('person') ELSE 0 END"))
        with contextlib.closing(sqlite3.connect(self.path, timeout=0, isolation_level=None)) as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                assert "locked" in str(exc), exc
                wal = self.path.with_name(self.path.name + "-wal")
                return wal.stat().st_size if wal.exists() else 1
            conn.execute("ROLLBACK")
            return 0


def _kill_when(server: Server, ready: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """SIGKILL the server as soon as `ready()` sees the work half done (polled every 20 ms)."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert server.process and server.process.poll() is None, server.log.read_text()[-3000:]
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.02)
    server.kill()


def _roster(rows: int) -> tuple[bytes, list[str]]:
    """A valid roster CSV of new workers (ID numbers born on a date no other test uses)."""
    from plugins.talent.roster import HEADERS

    ids = [make_id_number("430781", date(1950, 1, 1) + timedelta(days=i // 900), i % 900) for i in range(rows)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for i, id_number in enumerate(ids):
        cells = {"姓名": f"断电社工{i}", "身份证号": id_number, "学历": "本科", "岗位类型": "社区专职工作者"}
        writer.writerow([cells.get(h, "") for h in HEADERS])
    return out.getvalue().encode("utf-8-sig"), ids


def _kill_mid_indexing_then_catch_up(env: dict[str, str], data_dir: Path, database_url: str | None) -> None:
    token = _prepare(env, SERVICES)
    _phase('prepared')
    headers = {"Authorization": f"Bearer {token}"}
    database = Database(data_dir, database_url)
    outbox = "SELECT count(*) FROM search_outbox"
    assert database.value(outbox) == SERVICES
    log = data_dir / "server.log"

    # Started, the server's outbox worker drains at once, 1,000 rows per batch (index, then delete
    # the rows). The kill lands after at least one batch was applied and before the last.
    server = Server(env, log, "--no-access-log").start(wait=False)
    try:
        _kill_when(server, lambda: database.value(outbox) < SERVICES, "an indexing batch applied")
    finally:
        server.stop()
    left = database.value(outbox)
    _phase('killed mid-indexing')
    assert 0 < left < SERVICES, f"the kill landed mid-way through the outbox ({left} rows left)"
    _phase(f"{left} of {SERVICES} outbox rows left")

    server = Server(env, log, "--no-access-log").start()
    try:
        deadline = time.monotonic() + 60
        while (left := database.value(outbox)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert left == 0, "the restarted worker applies the rest of the outbox"
        _phase('outbox drained')
        for i in (0, SERVICES - 1):  # the first batch and the last one
            found = httpx.get(f"{server.url}/api/search/services", params={"q": f"{PROBE}{i}"}, timeout=10).json()
            assert [h["name"] for h in found["hits"]] == [f"故障演练服务 {PROBE}{i}"], found
        everything = httpx.get(f"{server.url}/api/search/services", params={"q": "故障演练"}, timeout=10).json()
        assert everything["total"] == SERVICES

        # Kill in the middle of a roster import's write transaction.
        content, ids = _roster(ROSTER_ROWS)
        persons = f"SELECT count(*) FROM person WHERE id_number IN ('{ids[0]}', '{ids[-1]}')"
        events = "SELECT count(*) FROM audit_event"
        before = database.value(events)

        def upload() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the server dies under it
                httpx.post(f"{server.url}/api/districts/{DISTRICT}/talent/workers/import", headers=headers,
                           files={"file": ("roster.csv", content, "text/csv")}, timeout=120)

        uploading = threading.Thread(target=upload)
        uploading.start()
        _phase('upload started')
        # Half done: the import's write transaction is open and has written HALF_WRITTEN bytes more
        # (SQLite's WAL, PostgreSQL's person table) — rows of this import are on disk, not committed.
        baseline: dict[str, int] = {}

        def half_written() -> bool:
            written = database.write_in_progress()
            if written and "first" not in baseline:
                baseline["first"] = written
            return bool(written) and written - baseline["first"] >= HALF_WRITTEN

        try:
            _kill_when(server, half_written, "the import's transaction half written")
            _phase(f"killed mid-import ({baseline} + {HALF_WRITTEN} bytes uncommitted)")
        finally:
            uploading.join(30)
            server.stop()
    finally:
        server.stop()

    server = Server(env, log, "--no-access-log").start()
    try:
        assert database.value(persons) == 0, "not one row of the killed import"
        _phase('restarted after import kill')
        assert database.value(events) == before, "no audit event for it"
        verified = httpx.get(f"{server.url}/api/audit/verify", headers=headers, timeout=30)
        assert verified.status_code == 200 and verified.json()["ok"] is True, verified.text
        # Nothing left locked or half-made: the start of the same roster imports now.
        again = b"".join(content.splitlines(keepends=True)[:51])
        imported = httpx.post(f"{server.url}/api/districts/{DISTRICT}/talent/workers/import", headers=headers,
                              files={"file": ("roster.csv", again, "text/csv")}, timeout=120)
        assert imported.status_code == 200 and imported.json()["created"] == 50, imported.text[:500]
        assert database.value(persons) == 1
        _phase('reimported')
    finally:
        server.stop()
    assert "Traceback" not in log.read_text()


def test_a_killed_worker_leaves_nothing_half_done_on_sqlite(tmp_path):
    if os.environ.get("DATABASE_URL"):
        pytest.skip("the PostgreSQL leg runs the PostgreSQL kill test; the SQLite leg runs this one")
    data_dir = tmp_path / "data"
    _kill_mid_indexing_then_catch_up(_environment(data_dir, None), data_dir, None)


@pytest.fixture
def own_postgres_database() -> Iterator[str]:
    """A new database on the DATABASE_URL server, dropped afterwards."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        pytest.skip("DATABASE_URL is not set: the kill tests ran on SQLite only")
    with served.own_postgres_database(url, "sanshe_faults") as database_url:
        yield database_url


def test_a_killed_worker_leaves_nothing_half_done_on_postgresql(tmp_path, own_postgres_database):
    data_dir = tmp_path / "data"
    _kill_mid_indexing_then_catch_up(_environment(data_dir, own_postgres_database), data_dir,
                                     own_postgres_database)


# --- PostgreSQL restarts while the app serves ------------------------------------------------------

class Cluster:
    """A throwaway PostgreSQL cluster (as deploy/pg-throwaway.sh makes), stopped and started at will."""

    def __init__(self, folder: Path):
        initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
        self.bin = Path(initdb[-1]).parent
        self.folder, self.port = folder, served.free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/sanshe_faults"
        self.as_owner: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            if subprocess.run(["id", "-u", "postgres"], capture_output=True, check=False).returncode != 0:
                subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                                "postgres"], check=True)
            shutil.chown(folder, "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.as_owner, *args], capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stdout + done.stderr + self.server_log()

    def server_log(self) -> str:
        log = self.folder / "server.log"
        return log.read_text()[-2000:] if log.exists() else ""

    def create(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.folder / "data"), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        self.start()
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "sanshe_faults")

    def start(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-l", str(self.folder / "server.log"),
                  "-w", "-t", "30", "-o", f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off "
                  "-c synchronous_commit=off -c full_page_writes=off", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        if (self.folder / "data" / "postmaster.pid").exists():
            with contextlib.suppress(AssertionError):
                self.stop("immediate")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        pytest.skip("PostgreSQL binaries are not installed (CI installs them: deploy/pg-throwaway.sh pg_install)")
    folder = Path(tempfile.mkdtemp(prefix="sanshe-faults-pg-"))
    made = Cluster(folder)
    try:
        made.create()
        yield made
    finally:
        made.destroy()
        shutil.rmtree(folder, ignore_errors=True)


class Load:
    """Threads calling the API in a loop (bearer token: every call reads the token from the
    database), counting statuses; one also asks for a page as a browser."""

    def __init__(self, url: str, token: str, threads: int = 4):
        self.url, self.headers = url, {"Authorization": f"Bearer {token}"}
        self.statuses: Counter = Counter()
        self.last_ok = 0.0
        self.answers: list[tuple[float, int]] = []
        self.problems: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._loop, args=(i,)) for i in range(threads)]

    def __enter__(self) -> Self:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(30)

    def _loop(self, number: int) -> None:
        with httpx.Client(base_url=self.url, headers=self.headers, timeout=30) as client:
            while not self._stop.is_set():
                try:
                    answer = client.get(f"/api/districts/{DISTRICT}/persons", params={"per_page": 5})
                except httpx.HTTPError as exc:
                    self.problems.append(f"no answer: {exc!r}")
                    continue
                now = time.monotonic()
                self.statuses[answer.status_code] += 1
                self.answers.append((now, answer.status_code))
                if answer.status_code == 200:
                    self.last_ok = now
                elif not (answer.status_code == 503 and answer.headers.get("retry-after")
                          and answer.json() == {"detail": "数据库暂时不可用，请稍后再试",
                                                "code": "database_unavailable", "errors": []}):
                    self.problems.append(f"{answer.status_code} {answer.text[:300]}")
                time.sleep(0.02)


def test_postgresql_restart_answers_503_then_recovers_without_restarting_the_app(tmp_path, cluster):
    data_dir = tmp_path / "data"
    env = _environment(data_dir, cluster.url)
    token = _prepare(env, 0)
    log = data_dir / "server.log"
    server = Server(env, log, "--no-access-log").start()
    try:
        with Load(server.url, token) as load:
            deadline = time.monotonic() + 30
            while load.statuses[200] < 40:  # the pool holds several connections when the server stops
                assert time.monotonic() < deadline and not load.problems, (load.statuses, load.problems)
                time.sleep(0.05)
            log_before = log.read_text()
            cluster.stop("fast")  # what `systemctl restart postgresql` does first
            stopped = time.monotonic()
            while sum(s == 503 for t, s in load.answers if t > stopped) < 20:
                assert time.monotonic() - stopped < 30, load.statuses
                time.sleep(0.05)

            health = httpx.get(f"{server.url}/healthz", timeout=15)
            assert health.status_code == 503 and health.json()["database"]["status"].startswith("error")
            page = httpx.get(f"{server.url}/", headers={**load.headers, "Accept": "text/html"}, timeout=15)
            assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
            assert "数据库暂时不可用" in page.text and page.headers["retry-after"]

            cluster.start()
            started = time.monotonic()
            while not load.last_ok > started:
                assert time.monotonic() - started < 30, (load.statuses, load.problems)
                time.sleep(0.05)
            recovered = min(t for t, s in load.answers if t > started and s == 200) - started
            time.sleep(1.0)
        # Once one request succeeds, all do (a call already waiting on the dead server may still 503).
        after_restart = [s for t, s in load.answers if t > started + recovered + 0.2]
        assert after_restart and set(after_restart) == {200}, Counter(after_restart)
        assert load.problems == [], load.problems[:5]
        assert set(load.statuses) == {200, 503}, load.statuses
        assert httpx.get(f"{server.url}/healthz", timeout=15).status_code == 200
        assert server.process and server.process.poll() is None, "the same process serves on"
        outage_log = log.read_text()[len(log_before):]
        assert "Traceback" not in outage_log, outage_log[-3000:]
        assert outage_log.count("database unavailable") >= load.statuses[503]
        print(f"\nPostgreSQL restart: {dict(load.statuses)} answers; serving again {recovered:.2f} s after "
              f"PostgreSQL was back")
    finally:
        server.stop()


# --- what counts as an outage, and the answer in-process (SQLite) ------------------------------------

@pytest.mark.parametrize("error, outage", [
    (sqlite3.OperationalError("database is locked"), True),  # a writer held it past the 30 s timeout
    (sqlite3.OperationalError("disk I/O error"), True),
    (sqlite3.OperationalError("database or disk is full"), True),
    (sqlite3.OperationalError("no such table: person"), False),  # a bug, not an outage
    (sqlite3.IntegrityError("UNIQUE constraint failed"), False),
    ("AdminShutdownError", True), ("CannotConnectNowError", True), ("ConnectionDoesNotExistError", True),
    ("TooManyConnectionsError", True), ("UniqueViolationError", False), ("QueryCanceledError", False),
    (OSError("Connection refused"), False),  # only when raised while asyncpg connects
    (ValueError("bad"), False),
])
def test_which_errors_mean_the_database_is_unavailable(error, outage):
    from core import db

    if isinstance(error, str):
        import asyncpg.exceptions

        error = getattr(asyncpg.exceptions, error)("server message")
    assert db.unavailable(error) is outage
    try:  # however deep it is wrapped
        try:
            raise error
        except Exception as inner:
            raise RuntimeError("while answering") from inner
    except RuntimeError as wrapped:
        assert db.unavailable(wrapped) is outage


def test_a_database_error_answers_503_json_or_the_html_page(client, monkeypatch, caplog):
    """SQLite failing (disk I/O error) while the guard reads the caller: the API's 503 body with
    Retry-After (the contract check validates it against the document), the HTML page for a
    browser, and one warning line each."""
    import core.access

    async def failing(ctx, connection):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(core.access, "resolve_principal", failing)
    api = client.get("/api/me")
    assert api.status_code == 503 and api.headers["retry-after"] == "5"
    assert api.json() == {"detail": "数据库暂时不可用，请稍后再试", "code": "database_unavailable", "errors": []}
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 503 and "数据库暂时不可用" in page.text and page.headers["retry-after"] == "5"
    warnings = [r for r in caplog.records if r.name == "sanshe.db"]
    assert len(warnings) == 2 and all(r.levelname == "WARNING" and not r.exc_info for r in warnings)
