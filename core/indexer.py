"""Keeps the search indexes in step with the database.

Writers record (index, doc id) rows in `SearchOutbox` inside their own
transaction. `apply_outbox` fetches the current documents for those ids from
the plugin's source, upserts what exists, deletes what no longer does, and only
then deletes the outbox rows — so a crash in between replays, never loses.
`reindex` rebuilds an index from the database. `OutboxWorker` runs inside the
web app and applies the outbox shortly after each write.

Several app workers share one outbox, so applying it is serialised by
`outbox_lock`: two workers each applying a batch could upsert an older version of
a document after a newer one and delete the outbox row that would have repaired
it. On PostgreSQL the lock is a transaction-level advisory lock
(`pg_try_advisory_xact_lock`): it belongs to the transaction's connection, so it
is released at commit or rollback whatever the pool does with the connection
afterwards, and when a worker dies with its connection. On SQLite every worker
shares the machine and the data folder, so it is an `flock` on a file there: the
kernel releases it when the holder's process ends (no expiry to guess, unlike a
lease row), and it takes no database write lock on every round. Workers skip a
round while another holds the lock (the holder drains until the outbox is empty);
`drain()` from the CLI and tests, and `reindex`, wait for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable

import anyio

from core import db
from core.contrib import Contributions, SearchDocuments
from core.tables import SearchOutbox
from search_index import Backend, SearchError

log = logging.getLogger("sanshe.search")
BATCH = 1000
REINDEX_BATCH = 10_000  # fewer, larger commits: the embedded backend commits once per upsert call
OUTBOX_LOCK_KEY = 0x53414E5348450001  # "SANSHE" + 1; PostgreSQL advisory locks are per database
OUTBOX_LOCK_FILE = "search-outbox.lock"
_POLL_SECONDS = 0.05
SKIPPED_RETRY_SECONDS = 1.0


def sources(contributions: Contributions) -> dict[str, SearchDocuments]:
    return {s.index: s for s in contributions.search_documents if s.documents is not None}


async def ensure_indexes(contributions: Contributions, backend: Backend) -> None:
    for source in sources(contributions).values():
        await anyio.to_thread.run_sync(backend.ensure_index, source.spec)


@contextlib.asynccontextmanager
async def outbox_lock(wait: bool = True) -> AsyncIterator[bool]:
    """Hold the right to apply the outbox for the body: yields True when held, False when
    another holder has it and `wait` is False. On PostgreSQL the body runs in the lock's
    transaction (its queries, the outbox delete included, commit when the body ends)."""
    if db.is_postgres():
        async with db.write_transaction():  # a connection that dies under it goes back to the pool
            if wait:
                await SearchOutbox.raw("SELECT pg_advisory_xact_lock({})", OUTBOX_LOCK_KEY)
                yield True
            else:
                rows = await SearchOutbox.raw("SELECT pg_try_advisory_xact_lock({}) AS held", OUTBOX_LOCK_KEY)
                yield bool(rows[0]["held"])
        return
    data_dir = db.settings().data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    # A local file opened in microseconds; closing it (or the process ending) releases the lock.
    with open(data_dir / OUTBOX_LOCK_FILE, "a") as handle:  # noqa: ASYNC230
        while True:  # polled, not a blocking flock in a thread: a cancelled wait leaves no lock behind
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held = True
                break
            except BlockingIOError:
                if not wait:
                    held = False
                    break
                await asyncio.sleep(_POLL_SECONDS)
        yield held


async def apply_outbox(contributions: Contributions, backend: Backend, limit: int = BATCH,
                       wait: bool = True) -> int | None:
    """Apply up to `limit` outbox rows under the outbox lock; return how many were applied,
    or None when another worker holds the lock and `wait` is False."""
    async with outbox_lock(wait) as held:
        if not held:
            return None
        return await _apply(contributions, backend, limit)


async def _apply(contributions: Contributions, backend: Backend, limit: int) -> int:
    rows = await SearchOutbox.select().order_by(SearchOutbox.id).limit(limit)
    if not rows:
        return 0
    by_index: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        by_index[row["index_name"]].add(row["doc_id"])
    known = sources(contributions)
    for index, ids in by_index.items():
        source = known.get(index)
        if source is None:
            log.warning("outbox names unknown index %r; dropping %d rows", index, len(ids))
            continue
        docs = [doc async for doc in source.documents(sorted(ids))]
        present = {doc[source.spec.primary_key] for doc in docs}
        if docs:
            await anyio.to_thread.run_sync(backend.upsert, index, docs)
        gone = sorted(ids - present)
        if gone:
            await anyio.to_thread.run_sync(backend.delete, index, gone)
    await SearchOutbox.delete().where(SearchOutbox.id.is_in([r["id"] for r in rows]))
    return len(rows)


async def drain(contributions: Contributions, backend: Backend, wait: bool = True) -> int:
    """Apply the whole outbox; return how many rows this call applied. With `wait` False a
    round another worker is applying is skipped (that worker drains until the outbox is empty)."""
    total = 0
    while applied := await apply_outbox(contributions, backend, wait=wait):
        total += applied
    return total


async def reindex(contributions: Contributions, backend: Backend,
                  progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Rebuild every index from the database; return documents per index."""
    counts = {}
    for index, source in sources(contributions).items():
        async with outbox_lock(wait=True):  # no worker applies an older document over the rebuilt one
            counts[index] = await _rebuild(index, source, backend, progress)
    return counts


async def _rebuild(index: str, source: SearchDocuments, backend: Backend,
                   progress: Callable[[str, int], None] | None) -> int:
    started = await SearchOutbox.select(SearchOutbox.id).order_by(SearchOutbox.id, ascending=False).first()
    await anyio.to_thread.run_sync(backend.ensure_index, source.spec)
    await anyio.to_thread.run_sync(backend.clear, index)
    batch, count = [], 0
    async for doc in source.documents(None):
        batch.append(doc)
        if len(batch) >= REINDEX_BATCH:
            await anyio.to_thread.run_sync(backend.upsert, index, batch)
            count += len(batch)
            if progress:
                progress(index, len(batch))
            batch = []
    if batch:
        await anyio.to_thread.run_sync(backend.upsert, index, batch)
        count += len(batch)
        if progress:
            progress(index, len(batch))
    if started:  # everything written before the rebuild began is now in the index
        await SearchOutbox.delete().where(
            (SearchOutbox.index_name == index) & (SearchOutbox.id <= started["id"]))
    return count


class OutboxWorker:
    """Applies the outbox in the web app: woken by `kick()` after writes, and every few seconds."""

    def __init__(self, contributions: Contributions, backend: Backend, interval: float = 5.0):
        self.contributions, self.backend, self.interval = contributions, backend, interval
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        """Start on the running loop (an app may be started on several loops in turn, e.g. by tests)."""
        self._wake = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run(self._wake))

    async def stop(self) -> None:
        task, self._task, self._wake = self._task, None, None
        if task:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    def kick(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def _round(self) -> bool:
        """Drain unless another worker holds the outbox lock; False when this round was skipped."""
        while True:
            applied = await apply_outbox(self.contributions, self.backend, wait=False)
            if applied is None:
                return False
            if applied == 0:
                return True

    async def _run(self, wake: asyncio.Event) -> None:
        timeout = self.interval
        while True:
            try:
                await asyncio.wait_for(wake.wait(), timeout=timeout)
            except TimeoutError:
                pass
            wake.clear()
            timeout = self.interval
            try:
                if not await self._round():
                    # The holder may have found the outbox empty just before our write committed:
                    # look again soon rather than a whole interval later.
                    timeout = min(self.interval, SKIPPED_RETRY_SECONDS)
            except (SearchError, OSError) as exc:  # retried on the next wake; nothing is lost
                log.warning("search outbox not applied yet: %s", exc)
            except Exception as exc:  # noqa: BLE001 - keep the worker alive, the rows stay for a retry
                if db.unavailable(exc):  # an outage: one line per round, not a traceback
                    log.warning("search outbox not applied yet, the database is unavailable: %s", exc)
                else:
                    log.exception("search outbox worker error")
