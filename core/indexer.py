"""Keeps the search indexes in step with the database.

Writers record (index, doc id) rows in `SearchOutbox` inside their own
transaction. `apply_outbox` fetches the current documents for those ids from
the plugin's source, upserts what exists, deletes what no longer does, and only
then deletes the outbox rows — so a crash in between replays, never loses.
`reindex` rebuilds an index from the database. `OutboxWorker` runs inside the
web app and applies the outbox shortly after each write.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable

import anyio

from core.contrib import Contributions, SearchDocuments
from core.tables import SearchOutbox
from search_index import Backend, SearchError

log = logging.getLogger("sanshe.search")
BATCH = 1000
REINDEX_BATCH = 10_000  # fewer, larger commits: the embedded backend commits once per upsert call


def sources(contributions: Contributions) -> dict[str, SearchDocuments]:
    return {s.index: s for s in contributions.search_documents if s.documents is not None}


async def ensure_indexes(contributions: Contributions, backend: Backend) -> None:
    for source in sources(contributions).values():
        await anyio.to_thread.run_sync(backend.ensure_index, source.spec)


async def apply_outbox(contributions: Contributions, backend: Backend, limit: int = BATCH) -> int:
    """Apply up to `limit` outbox rows; return how many were applied."""
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


async def drain(contributions: Contributions, backend: Backend) -> int:
    """Apply the whole outbox; return how many rows were applied."""
    total = 0
    while applied := await apply_outbox(contributions, backend):
        total += applied
    return total


async def reindex(contributions: Contributions, backend: Backend,
                  progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Rebuild every index from the database; return documents per index."""
    counts = {}
    for index, source in sources(contributions).items():
        started = await SearchOutbox.select(SearchOutbox.id).order_by(SearchOutbox.id, ascending=False).first()
        await anyio.to_thread.run_sync(backend.ensure_index, source.spec)
        await anyio.to_thread.run_sync(backend.clear, index)
        batch, counts[index] = [], 0
        async for doc in source.documents(None):
            batch.append(doc)
            if len(batch) >= REINDEX_BATCH:
                await anyio.to_thread.run_sync(backend.upsert, index, batch)
                counts[index] += len(batch)
                if progress:
                    progress(index, len(batch))
                batch = []
        if batch:
            await anyio.to_thread.run_sync(backend.upsert, index, batch)
            counts[index] += len(batch)
            if progress:
                progress(index, len(batch))
        if started:  # everything written before the rebuild began is now in the index
            await SearchOutbox.delete().where(
                (SearchOutbox.index_name == index) & (SearchOutbox.id <= started["id"]))
    return counts


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

    async def _run(self, wake: asyncio.Event) -> None:
        while True:
            try:
                await asyncio.wait_for(wake.wait(), timeout=self.interval)
            except asyncio.TimeoutError:
                pass
            wake.clear()
            try:
                await drain(self.contributions, self.backend)
            except (SearchError, OSError) as exc:  # retried on the next wake; nothing is lost
                log.warning("search outbox not applied yet: %s", exc)
            except Exception:  # noqa: BLE001 - keep the worker alive, the rows stay for a retry
                log.exception("search outbox worker error")
