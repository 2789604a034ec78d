"""The one search interface every backend implements, and its result contract.

Contract (checked by tests/search_index/test_conformance.py on every backend):
- `q` is split on whitespace into terms; a document matches when every term
  occurs in at least one searchable field (Chinese terms of two or more
  characters match as substrings; Latin terms case-insensitively).
- An empty `q` matches every document (subject to filters).
- `filters` maps a filterable field to accepted values: OR within a field, AND
  across fields. A document whose field holds a list matches when any element
  is accepted. Values come from users: backends must treat them as data.
- Ranking with a query: a document matching a term in an earlier searchable
  field ranks above one matching it only in later fields; then by relevance
  (embedded: by the other fields matched, earlier ones weighing more).
  Equal scores come in a stable order, the same from page to page of one
  index state (Meilisearch: primary key; embedded: index order — ordering
  ties by key there cost a second, larger fetch on most broad queries).
  Without a query: `sort` ("field" or "-field", a sortable field; ties by
  primary key), else primary key ascending.
- `facets` are counted over all documents matching the query and filters.
- Paging is 1-based; `total` is exact.
- `highlight` maps each searchable field where a term matched to its text,
  HTML-escaped, with every matched term wrapped in <mark>…</mark>.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


class SearchError(Exception):
    """A backend failed (server down, index missing, bad request)."""


@dataclass(frozen=True)
class IndexSpec:
    name: str
    searchable: tuple[str, ...]
    """Text fields, most important first (ranking follows this order)."""
    filterable: tuple[str, ...] = ()
    """Keyword fields (str or list of str) usable in filters."""
    facets: tuple[str, ...] = ()
    """Filterable fields whose value counts can be asked for."""
    sortable: tuple[str, ...] = ()
    """Fields (str, int or ISO date str) usable for `sort` when there is no query."""
    primary_key: str = "id"
    """Field holding the document id (str)."""


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    facets: tuple[str, ...] = ()
    page: int = 1
    per_page: int = 20
    sort: str | None = None


@dataclass
class Hit:
    id: str
    document: dict[str, Any]
    highlight: dict[str, str] = field(default_factory=dict)
    score: float = 0.0


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


@runtime_checkable
class Backend(Protocol):
    """A search engine holding any number of named indexes."""

    name: str

    def ensure_index(self, spec: IndexSpec) -> None:
        """Create the index or update its settings; idempotent."""

    def upsert(self, index: str, documents: Iterable[dict[str, Any]]) -> int:
        """Add or replace documents by primary key; return how many were sent."""

    def delete(self, index: str, ids: Iterable[str]) -> int:
        """Remove documents by id (unknown ids are ignored); return how many were asked."""

    def clear(self, index: str) -> None:
        """Remove every document of the index (keeps the index and its settings)."""

    def count(self, index: str) -> int:
        """Number of documents in the index."""

    def search(self, index: str, query: SearchQuery) -> SearchResult:
        """Run a query under the contract above."""

    def health(self) -> dict[str, str]:
        """{'backend': name, 'status': 'ok' | 'error: …'}; never raises."""
