"""Core's side of search: the backend the settings choose. `search_index` is a
library that knows nothing of core; this module reads core's settings for it
(the outbox indexer that feeds it is `core.indexer`)."""

from __future__ import annotations

from pathlib import Path

from core.settings import Settings
from search_index import Backend, backend_status, open_backend


def index_dir(settings: Settings) -> Path:
    return settings.data_dir / "search"


def _where(settings: Settings) -> dict:
    if settings.search_backend == "meilisearch":
        return {"url": settings.meilisearch_url, "key": settings.meilisearch_key}
    return {"directory": index_dir(settings)}


def get_backend(settings: Settings) -> Backend:
    """The configured backend (shared in the process per folder or server)."""
    return open_backend(settings.search_backend, **_where(settings))


def search_status(settings: Settings) -> dict:
    """{'backend': name, 'status': 'ok' | 'error: …'} for /healthz, never raising."""
    return backend_status(settings.search_backend, **_where(settings))
