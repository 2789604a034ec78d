"""Several app workers (`sanshe demo|serve --workers N`) behave as one app: a session made on
one worker is honoured by the others, a write on one is searchable from all once the outbox
has run, and the outbox is applied by one holder of its lock at a time.

The served tests run a real multi-process server on 127.0.0.1 with a fresh data folder: on
SQLite always (the demo's `--workers 2` is SQLite, and the embedded index takes one writer
at a time across processes), on PostgreSQL when DATABASE_URL is set (in a database of its
own, created and dropped here). /healthz names the answering worker's process id; an HTTP
connection stays with one worker, so a request on the same connection was answered there.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from core.contrib import Contributions
from core.indexer import apply_outbox, outbox_lock
from tests.served import Server, own_postgres_database

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
PASSWORD = "workers-pass-123"
DISTRICT = "430702"
ADMIN = f"{DISTRICT}-admin"
SERVICES = f"/api/districts/{DISTRICT}/catalogue/services"
START_SECONDS = 180  # demo data load plus every worker's start, on 2 shared cores
PG_SKIP = "DATABASE_URL is not set: the PostgreSQL run needs a server (CI's second leg, deploy/pg-throwaway.sh)"


@dataclass
class Served:
    base: str
    engine: str


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request) -> Iterator[Served]:
    """`sanshe demo --workers 3` on a free port, with its own data folder (and database)."""
    engine = request.param
    admin_url = os.environ.get("DATABASE_URL")
    if engine == "postgresql" and not admin_url:
        pytest.skip(PG_SKIP)
    data_dir = Path(tempfile.mkdtemp(prefix="sanshe-workers-"))
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "SANSHE_EXTRA_PLUGINS", "SANSHE_DB_POOL"}}
    env.update(SANSHE_DATA_DIR=str(data_dir), SANSHE_DEMO_PASSWORD=PASSWORD, SANSHE_ARGON2_FAST="1",
               SANSHE_SECRET_KEY="workers-secret-key-0123456789abcdef0123456789",
               SANSHE_SEARCH_CACHE_SECONDS="0", SANSHE_SUPERVISION_SCHEDULER="0")
    with contextlib.ExitStack() as stack:
        if engine == "postgresql":
            env["DATABASE_URL"] = stack.enter_context(own_postgres_database(admin_url, "sanshe_workers"))
        stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
        server = Server(env, data_dir / "server.log", "--workers", str(WORKERS), "--no-access-log", command="demo")
        stack.callback(server.stop)
        server.start(timeout=START_SECONDS)
        yield Served(server.url, engine)


async def _on_one_connection(base: str, cookies: httpx.Cookies, path: str, **request) -> tuple[int, httpx.Response]:
    """A new connection: /healthz names the worker, then `path` is asked on the same connection."""
    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=20,
                                 limits=httpx.Limits(max_connections=1)) as client:
        pid = (await client.get("/healthz")).json()["worker_pid"]
        return pid, await client.request(request.pop("method", "GET"), path, **request)


@contextlib.asynccontextmanager
async def _connection_elsewhere(base: str, cookies: httpx.Cookies, avoid: int, rounds: int = 20, parallel: int = 6):
    """An open connection answered by a worker other than `avoid`: several new connections at once
    (one worker may accept a whole burst), the first that reached another worker is kept."""
    for _ in range(rounds):
        clients = [httpx.AsyncClient(base_url=base, cookies=cookies, timeout=20, limits=httpx.Limits(max_connections=1))
                   for _ in range(parallel)]
        try:
            pids = [r.json()["worker_pid"] for r in await asyncio.gather(*(c.get("/healthz") for c in clients))]
            chosen = next((c for c, pid in zip(clients, pids) if pid != avoid), None)
            if chosen is not None:
                yield chosen
                return
        finally:
            for client in clients:
                await client.aclose()
    pytest.fail(f"every new connection in {rounds} bursts of {parallel} reached worker {avoid}")


async def _spread(base: str, cookies: httpx.Cookies, path: str, until, rounds: int = 40,
                  parallel: int = 6) -> list[tuple[int, httpx.Response]]:
    """Ask `path` on new connections, several at once so that idle workers take some, until
    `until(answers)` holds or `rounds` are spent; every answer."""
    answers: list[tuple[int, httpx.Response]] = []
    for _ in range(rounds):
        answers += await asyncio.gather(*(_on_one_connection(base, cookies, path) for _ in range(parallel)))
        if until(answers):
            break
    return answers


def _login(base: str) -> tuple[int, httpx.Cookies, str]:
    """Log in on one connection; (the worker that made the session, its cookies, the CSRF token)."""
    with httpx.Client(base_url=base, timeout=20) as client:
        pid = client.get("/healthz").json()["worker_pid"]
        answer = client.post("/api/auth/login", json={"username": ADMIN, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        return pid, client.cookies, answer.json()["csrf_token"]


def test_a_session_made_on_one_worker_is_honoured_by_the_others(served):
    login_pid, cookies, csrf = _login(served.base)

    answers = asyncio.run(_spread(served.base, cookies, "/api/me",
                                  until=lambda a: len({pid for pid, _ in a} - {login_pid}) >= 1 and len(a) >= 12))

    others = {pid for pid, _ in answers} - {login_pid}
    # The session was made on login_pid; at least one other worker must have answered with it.
    assert others, f"only worker {login_pid}, which made the session, answered {len(answers)} new connections"
    assert all(r.status_code == 200 for _, r in answers), {r.status_code for _, r in answers}
    assert {r.json()["username"] for _, r in answers} == {ADMIN}
    # A write with the session's CSRF token, answered by a worker that did not make the session.
    org_id = _an_organisation(served.base)

    async def write_elsewhere() -> httpx.Response:
        async with _connection_elsewhere(served.base, cookies, login_pid) as client:
            created = await client.post(SERVICES, headers={"X-CSRF-Token": csrf}, json={
                "organization_id": org_id, "name": "多进程会话写入", "field": "社区养老"})
            assert created.status_code == 201, created.text
            deleted = await client.delete(f"{SERVICES}/{created.json()['id']}", headers={"X-CSRF-Token": csrf})
            assert deleted.status_code == 204
            return created

    assert asyncio.run(write_elsewhere()).json()["status"] == "draft"


def _an_organisation(base: str) -> int:
    page = httpx.get(f"{base}/api/districts/{DISTRICT}/organizations", params={"per_page": 1}, timeout=20).json()
    return page["items"][0]["id"]


def test_a_write_on_one_worker_is_searchable_from_every_worker(served):
    _, cookies, csrf = _login(served.base)
    org_id = _an_organisation(served.base)
    with httpx.Client(base_url=served.base, cookies=cookies, timeout=20) as client:
        name = "多进程检索验证课堂"
        created = client.post(SERVICES, headers={"X-CSRF-Token": csrf}, json={
            "organization_id": org_id, "name": name, "field": "社区养老", "description": "多进程写入后检索",
            "status": "published"})
        assert created.status_code == 201, created.text
        service_id = created.json()["id"]
    path = f"/api/search/services?q={name}"
    anonymous = httpx.Cookies()

    def found_on(answers) -> set[int]:
        return {pid for pid, r in answers if service_id in [h["id"] for h in r.json()["hits"]]}

    deadline = time.monotonic() + 45  # the outbox is applied within seconds; the rest is for busy workers
    answers: list = []
    while time.monotonic() < deadline and len(found_on(answers)) < 2:
        answers += asyncio.run(_spread(served.base, anonymous, path, until=lambda a: len(found_on(a)) >= 2, rounds=3))
        time.sleep(0.3)
    assert all(r.status_code == 200 for _, r in answers)
    assert len(found_on(answers)) >= 2, f"found on workers {found_on(answers)} of {({pid for pid, _ in answers})}"

    with httpx.Client(base_url=served.base, cookies=cookies, timeout=20) as client:
        assert client.delete(f"{SERVICES}/{service_id}", headers={"X-CSRF-Token": csrf}).status_code == 204
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        remaining = asyncio.run(_spread(served.base, anonymous, path, until=lambda a: True, rounds=1))
        if not found_on(remaining):
            break
        time.sleep(0.3)
    assert not found_on(remaining), "the deleted service is still found"


class _UntouchableBackend:
    """A search backend that fails the test if a skipped round touches it."""

    def __getattr__(self, name):
        raise AssertionError(f"a skipped outbox round used the search backend ({name})")


def test_outbox_lock_has_one_holder_and_a_second_round_skips():
    async def scenario():
        holding, release = asyncio.Event(), asyncio.Event()

        async def holder():
            async with outbox_lock(wait=False) as held:
                assert held is True
                holding.set()
                await release.wait()

        first = asyncio.create_task(holder())
        await asyncio.wait_for(holding.wait(), 10)
        async with outbox_lock(wait=False) as second:
            assert second is False
        assert await apply_outbox(Contributions(), _UntouchableBackend(), wait=False) is None

        async def waiter():
            async with outbox_lock(wait=True) as held:
                return held

        waiting = asyncio.create_task(waiter())
        await asyncio.sleep(0.3)
        assert not waiting.done(), "a waiting drain took the lock while another held it"
        release.set()
        await first
        assert await asyncio.wait_for(waiting, 10) is True
        async with outbox_lock(wait=False) as again:
            assert again is True

    asyncio.run(scenario())
