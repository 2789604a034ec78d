"""Record that search documents changed, inside the caller's write transaction,
so a crash between the database write and the index update loses nothing."""

from __future__ import annotations

from collections.abc import Iterable

from core.tables import SearchOutbox


async def enqueue(index: str, doc_ids: Iterable[object]) -> None:
    """Call inside the write transaction of the change."""
    rows = [SearchOutbox(index_name=index, doc_id=str(doc_id)) for doc_id in doc_ids]
    if rows:
        await SearchOutbox.insert(*rows)
