"""Choosing the backend from core's settings, and the health report /healthz uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings
from core.search import get_backend, index_dir, search_status as backend_status
from search_index import Backend, SearchError, open_backend
from search_index.embedded import EmbeddedBackend
from search_index.meili import MeilisearchBackend


def settings(data_dir: Path, **overrides) -> Settings:
    return Settings(config_dir=data_dir, data_dir=data_dir, database_url=None, secret_key="k" * 40, **overrides)


def test_embedded_backend_is_shared_per_folder(tmp_path):
    first = get_backend(settings(tmp_path / "a"))
    assert isinstance(first, EmbeddedBackend) and isinstance(first, Backend)
    assert first.directory == index_dir(settings(tmp_path / "a")).resolve()
    assert get_backend(settings(tmp_path / "a")) is first
    assert get_backend(settings(tmp_path / "b")) is not first


def test_meilisearch_backend_from_settings(tmp_path):
    chosen = get_backend(settings(tmp_path, search_backend="meilisearch", meilisearch_url="http://127.0.0.1:9",
                                  meilisearch_key="key"))
    assert isinstance(chosen, MeilisearchBackend) and isinstance(chosen, Backend)
    assert chosen.url == "http://127.0.0.1:9"
    with pytest.raises(SearchError):
        get_backend(settings(tmp_path, search_backend="meilisearch"))


def test_backend_status(tmp_path):
    assert backend_status(settings(tmp_path)) == {"backend": "embedded", "status": "ok"}
    assert (tmp_path / "search").is_dir()
    down = backend_status(settings(tmp_path, search_backend="meilisearch", meilisearch_url="http://127.0.0.1:9"))
    assert down["backend"] == "meilisearch" and down["status"].startswith("error: ")
    unset = backend_status(settings(tmp_path, search_backend="meilisearch"))
    assert unset["backend"] == "meilisearch" and unset["status"].startswith("error: ")


def test_embedded_status_reports_an_unusable_folder(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    status = backend_status(settings(tmp_path / "file"))
    assert status["backend"] == "embedded" and status["status"].startswith("error: ")


def test_library_refuses_an_unknown_backend_and_a_missing_folder():
    with pytest.raises(SearchError, match="unknown search backend"):
        open_backend("elastic", url="http://127.0.0.1:9")
    with pytest.raises(SearchError, match="index folder"):
        open_backend("embedded")
