"""Search backends behind one interface (see issue 3): an embedded default that
needs no server (`search_index.embedded`, tantivy), and Meilisearch for
production (`search_index.meili`). This module chooses the backend from the
settings and reports its health."""

from __future__ import annotations

import threading
from pathlib import Path

from .base import Backend, Hit, IndexSpec, SearchError, SearchQuery, SearchResult

__all__ = [
    "Backend", "Hit", "IndexSpec", "SearchError", "SearchQuery", "SearchResult",
    "backend_status", "open_backend",
]

_backends: dict[tuple, Backend] = {}
_backends_lock = threading.Lock()


def open_backend(kind: str = "embedded", *, directory: Path | None = None, url: str | None = None,
                 key: str | None = None) -> Backend:
    """The backend of `kind` ("embedded" with its index `directory`, or "meilisearch" at `url`),
    one per index folder or server in a process, so open indexes and known index specs are shared."""
    if kind == "meilisearch":
        if not url:
            raise SearchError("MEILISEARCH_URL is not set but the search backend is 'meilisearch'")
        cache_key: tuple = ("meilisearch", url, key)
    elif kind == "embedded":
        if directory is None:
            raise SearchError("the embedded search backend needs an index folder")
        cache_key = ("embedded", Path(directory).resolve())
    else:
        raise SearchError(f"unknown search backend {kind!r} (embedded or meilisearch)")
    with _backends_lock:
        backend = _backends.get(cache_key)
        if backend is None:
            if kind == "meilisearch":
                from .meili import MeilisearchBackend

                backend = MeilisearchBackend(url, key)
            else:
                from .embedded import EmbeddedBackend

                backend = EmbeddedBackend(cache_key[1])
            _backends[cache_key] = backend
        return backend


def backend_status(kind: str = "embedded", **where) -> dict:
    """{'backend': kind, 'status': 'ok' | 'error: …'} without raising; `where` as for `open_backend`."""
    try:
        return open_backend(kind, **where).health()
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return {"backend": kind, "status": f"error: {exc}"}
