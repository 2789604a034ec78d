"""Schemathesis against a served Sanshe (issue 11, "Fuzzing in CI"), shared by the bounded run in
tests/test_fuzz.py and the large one in bench/fuzz.py.

`served()` loads the demo city into a fresh data folder and serves it with `sanshe serve` on a free
local port, its access log kept so that every answer can be counted. When DATABASE_URL names a
PostgreSQL server, the served app gets a database of its own on that server (created here, dropped
afterwards): the district admin's fuzzing creates, changes and deletes records, and the suite's own
database, shared by every other test of the session, must not see any of it.

`fuzz()` runs the `st run` command against `/schema/openapi.json` as one identity (anonymous, or with
a bearer token: token writes need no CSRF header) and returns its figures. The command, not the
pytest integration, because its engine spends one time budget (`--max-time`) across every operation
and every phase — coverage (boundary and invalid values of each parameter), fuzzing, stateful
sequences that feed one answer's ids into the next request — and writes a JSON report to count; its
failure text, each with a curl line to reproduce it, goes into the assertion message as it is.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.served import Server, own_postgres_database


ROOT = Path(__file__).resolve().parents[1]
ST = Path(sys.executable).with_name("st")
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance")
DISTRICTS = ("430702", "430703")  # the demo city's districts (config/districts)
ADMIN = f"{DISTRICTS[0]}-admin"
# Operations the admin leg leaves out, because each would end the run's own access rather than test
# the API: revoking the fuzzer's token (every later request would get 401), switching off the
# district's modules (every later request to them would get 404). The anonymous leg calls them.
ADMIN_EXCLUDED = ("DELETE /api/me/tokens/{token_id}", "PUT /api/districts/{code}/modules/{name}")
# Real values, mixed into what schemathesis generates: district codes (a random 6-digit code only
# ever reaches "no such district") and small integers (the demo records' ids, page numbers).
CONFIG = f"""
[dictionaries]
districts = {{ values = {json.dumps(list(DISTRICTS))} }}
ids = {{ values = {list(range(1, 41))} }}

[parameters]
"path.code" = {{ dictionary = "districts", probability = 0.9 }}

[generation.dictionaries]
integer = {{ dictionary = "ids", probability = 0.5 }}
"""
_ACCESS = re.compile(r'"(?P<method>[A-Z]+) (?P<target>\S*) HTTP/[\d.]+" (?P<status>\d{3})')


@dataclass
class Served:
    url: str
    data_dir: Path
    log: Path
    admin_token: str
    database: str  # "sqlite" or "postgresql (<database name>)"

    def answers_since(self, offset: int) -> Counter:
        """Answers in the access log after `offset` bytes, counted by status."""
        with self.log.open("rb") as log:
            log.seek(offset)
            text = log.read().decode("utf-8", "replace")
        return Counter(int(m["status"]) for m in _ACCESS.finditer(text))

    def tracebacks_since(self, offset: int) -> int:
        with self.log.open("rb") as log:
            log.seek(offset)
            return log.read().count(b"Traceback (most recent call last)")


@dataclass
class FuzzResult:
    identity: str
    seconds: float
    capped: bool  # stopped by the time cap before schemathesis finished
    seed: int | None  # `--seed` reproduces the run
    operations: dict  # total, selected, tested, errored, skipped
    test_cases: int
    failures: list[dict]  # one per kind: code, title, count, operations
    errors: list[dict]
    answers: Counter = field(default_factory=Counter)  # status → count, from the server's access log
    tracebacks: int = 0
    output: str = ""  # the command's own report

    @property
    def requests(self) -> int:
        return sum(self.answers.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.answers.items() if status >= 500)

    def summary(self) -> str:
        kinds = ", ".join(f"{f['code']} {f['title']} ×{f['count']}" for f in self.failures) or "none"
        by_class = " ".join(f"{c}xx={n}" for c, n in sorted(Counter(
            {c: sum(v for s, v in self.answers.items() if s // 100 == c) for c in (2, 3, 4, 5)}).items()))
        return (f"{self.identity}: {self.operations.get('tested')}/{self.operations.get('selected')} operations, "
                f"{self.test_cases} test cases, {self.requests} requests ({by_class}), "
                f"{self.tracebacks} tracebacks, {self.seconds:.0f} s{' (cut by the time cap)' if self.capped else ''}; failures: {kinds}; "
                f"errors: {len(self.errors)}; seed {self.seed}")


def _sanshe(*args: str, env: dict[str, str], timeout: float = 600) -> str:
    done = subprocess.run([sys.executable, "-m", "core.cli", *args], check=False, env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"sanshe {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


@contextmanager
def served(database_url: str | None = None, keep: bool = False) -> Iterator[Served]:
    """The demo city, served on 127.0.0.1:<free port> from a temp data folder (and, with a
    PostgreSQL `database_url`, a database of its own on that server); stopped and removed afterwards."""
    data_dir = Path(tempfile.mkdtemp(prefix="sanshe-fuzz-"))
    try:
        with contextlib.ExitStack() as stack:
            own_url = stack.enter_context(own_postgres_database(database_url, "sanshe_fuzz")) if database_url else None
            env = {k: v for k, v in os.environ.items()
                   if k not in {"DATABASE_URL", "SANSHE_EXTRA_PLUGINS", "SANSHE_CONFIG_DIR", "SANSHE_TRACE_HOOKS"}}
            env.update(SANSHE_DATA_DIR=str(data_dir), SANSHE_SECRET_KEY=secrets.token_urlsafe(36),
                       SANSHE_DEMO_PASSWORD=secrets.token_urlsafe(12), SANSHE_ARGON2_FAST="1",
                       SANSHE_SUPERVISION_SCHEDULER="0", PYTHONUNBUFFERED="1")
            if own_url:
                env["DATABASE_URL"] = own_url
            _sanshe("demo", "--no-serve", env=env)
            token = _sanshe("token", "create", ADMIN, "fuzz", "--days", "1", env=env).strip().splitlines()[-1]
            log = data_dir / "server.log"
            with Server(env, log) as server:
                yield Served(server.url, data_dir, log, token,
                             f"postgresql ({urlsplit(own_url).path[1:]})" if own_url else "sqlite")
    finally:
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)


def fuzz(app: Served, identity: str, *, max_examples: int, cap_seconds: float | None = None,
         seed: int | None = None, workers: int = 2) -> FuzzResult:
    """One `st run` against the served app, as `identity` ("anonymous" or "district_admin").

    `cap_seconds` stops the run there (SIGINT: schemathesis ends the way Ctrl-C does and still writes
    its report). Not `--max-time`: with a time budget schemathesis repeats its phases until the budget
    is spent and splits it between them, which leaves the coverage phase — most of the hostile input —
    a third of the time; a cap only cuts a run that a slow machine makes longer than planned."""
    run_dir = Path(tempfile.mkdtemp(prefix=f"st-{identity}-", dir=app.data_dir))
    (run_dir / "schemathesis.toml").write_text(CONFIG)
    report, output = run_dir / "report.json", run_dir / "output.txt"
    command = [str(ST), "--config-file", str(run_dir / "schemathesis.toml"), "--no-color", "run",
               f"{app.url}/schema/openapi.json", "--checks", ",".join(CHECKS), "--max-examples", str(max_examples),
               "--workers", str(workers), "--request-timeout", "30", "--generation-database", "none",
               "--report", "json", "--report-json-path", str(report)]
    if seed is not None:
        command += ["--seed", str(seed)]
    if identity != "anonymous":
        command += ["--header", f"Authorization: Bearer {app.admin_token}"]
        command += [arg for name in ADMIN_EXCLUDED for arg in ("--exclude-name", name)]
    offset = app.log.stat().st_size
    started, capped = time.monotonic(), False
    with output.open("wb") as out:
        process = subprocess.Popen(command, cwd=run_dir, stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "COLUMNS": "120"})
        try:
            process.wait(timeout=cap_seconds)
        except subprocess.TimeoutExpired:
            capped = True
            _stop(process)
    seconds = time.monotonic() - started
    time.sleep(0.5)  # the access log line of the last answer
    text = output.read_text(errors="replace")
    if not report.exists() or not report.read_text().strip():
        cut = f"cut by the {cap_seconds:.0f} s cap, " if capped else ""
        raise RuntimeError(f"st run ({cut}exit {process.returncode}) wrote no report:\n{text[-5000:]}")
    data = json.loads(report.read_text())
    return FuzzResult(identity=identity, seconds=seconds, capped=capped, seed=data.get("seed"),
                      operations=data["operations"],
                      test_cases=data["test_cases"]["generated"], failures=data["failures"], errors=data["errors"],
                      answers=app.answers_since(offset), tracebacks=app.tracebacks_since(offset), output=text)


def _stop(process: subprocess.Popen) -> None:
    """Ctrl-C: the first lets the workers finish the test in hand, a second does not wait for them;
    either way schemathesis writes its report on the way out."""
    for grace in (10, 20):
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            pass
    process.kill()
    process.wait()
