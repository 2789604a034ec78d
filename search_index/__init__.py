"""Search backends behind one interface (see issue 3): an embedded default that
needs no server (`search_index.embedded`, tantivy), and Meilisearch for
production (`search_index.meili`). This module chooses the backend from the
settings and reports its health."""

from __future__ import annotations

import threading
from pathlib import Path

from core.settings import Settings

from .base import Backend, Hit, IndexSpec, SearchError, SearchQuery, SearchResult

__all__ = [
    "Backend", "Hit", "IndexSpec", "SearchError", "SearchQuery", "SearchResult",
    "backend_status", "get_backend", "index_dir",
]

_backends: dict[tuple, Backend] = {}
_backends_lock = threading.Lock()


def index_dir(settings: Settings) -> Path:
    return settings.data_dir / "search"


def get_backend(settings: Settings) -> Backend:
    """The configured backend, one per index folder (embedded) or server (Meilisearch)
    in a process, so open indexes and known index specs are shared."""
    if settings.search_backend == "meilisearch":
        if not settings.meilisearch_url:
            raise SearchError("MEILISEARCH_URL is not set but the search backend is 'meilisearch'")
        key: tuple = ("meilisearch", settings.meilisearch_url, settings.meilisearch_key)
    else:
        key = ("embedded", index_dir(settings).resolve())
    with _backends_lock:
        backend = _backends.get(key)
        if backend is None:
            if key[0] == "meilisearch":
                from .meili import MeilisearchBackend

                backend = MeilisearchBackend(settings.meilisearch_url, settings.meilisearch_key)
            else:
                from .embedded import EmbeddedBackend

                backend = EmbeddedBackend(key[1])
            _backends[key] = backend
        return backend


def backend_status(settings: Settings) -> dict:
    """{'backend': name, 'status': 'ok' | 'error: …'} without raising."""
    try:
        return get_backend(settings).health()
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return {"backend": settings.search_backend, "status": f"error: {exc}"}
