"""Search backends behind one interface (see issue 3): an embedded default that
needs no server, and Meilisearch for production. This module chooses the
backend from the settings and reports its health."""

from __future__ import annotations

import os

from core.settings import Settings


def index_dir(settings: Settings):
    return settings.data_dir / "search"


def backend_status(settings: Settings) -> dict:
    """{'backend': name, 'status': 'ok' | 'error: …'} without raising."""
    if settings.search_backend == "meilisearch":
        import meilisearch

        try:
            client = meilisearch.Client(settings.meilisearch_url, settings.meilisearch_key, timeout=2)
            healthy = client.health().get("status") == "available"
            return {"backend": "meilisearch", "status": "ok" if healthy else "error: not available"}
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            return {"backend": "meilisearch", "status": f"error: {exc.__class__.__name__}"}
    directory = index_dir(settings)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        writable = os.access(directory, os.W_OK)
    except OSError as exc:
        return {"backend": "embedded", "status": f"error: {exc.strerror}"}
    return {"backend": "embedded", "status": "ok" if writable else "error: index folder not writable"}
