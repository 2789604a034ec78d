"""The Meilisearch backend (production): one Meilisearch index per IndexSpec.

Chinese text is segmented by Meilisearch itself (charabia/jieba, pinned to
Chinese with localizedAttributes), so hits can differ from the embedded
backend at the edges; the result contract is the same (see base.py).
Searches use matchingStrategy "all" (every term must match). Filters are
built in the array form from field names of the spec only, with values
quoted and escaped, so user input stays data.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import meilisearch
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchError,
    MeilisearchTimeoutError,
)

from .base import Hit, IndexSpec, SearchError, SearchQuery, SearchResult

__all__ = ["MeilisearchBackend", "build_filter", "escape_marked"]

PRE, POST = "<mark>", "</mark>"
LOCALIZED = [{"attributePatterns": ["*"], "locales": ["cmn"]}]
MAX_PER_PAGE = 1000
_MARK = re.compile(f"({re.escape(PRE)}|{re.escape(POST)})")
_RESPONSE_KEYS = ("_formatted", "_matchesPosition", "_rankingScore", "_rankingScoreDetails", "_federation")


def quote(value: Any) -> str:
    """A Meilisearch filter string literal holding `value` as data."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_filter(spec: IndexSpec, filters: dict[str, list[str]]) -> list[list[str]]:
    """Array-form filter: one inner list per field (OR), fields AND-ed."""
    allowed = set(spec.filterable) | set(spec.facets)
    out = []
    for field, values in filters.items():
        if field not in allowed:
            raise SearchError(f"{field!r} is not a filterable field")
        if isinstance(values, str):
            values = [values]
        clause = [f"{field} = {quote(v)}" for v in values if v is not None]
        if clause:
            out.append(clause)
    return out


def escape_marked(text: str) -> str:
    """HTML-escape `text` except the highlight tags Meilisearch inserted."""
    return "".join(part if part in (PRE, POST) else html.escape(part) for part in _MARK.split(text))


def _formatted_text(value: Any) -> str | None:
    if isinstance(value, list):
        parts = [_formatted_text(v) for v in value]
        return "、".join(p for p in parts if p is not None)
    if value is None or isinstance(value, dict):
        return None
    return escape_marked(str(value))


class MeilisearchBackend:
    name = "meilisearch"

    def __init__(self, url: str, api_key: str | None, timeout: float = 5, batch_size: int = 1000,
                 *, task_timeout: float = 60.0, poll_interval: float = 0.05,
                 max_total_hits: int = 100_000, max_facet_values: int = 1000) -> None:
        self.url = url
        self.batch_size = batch_size
        self.task_timeout = task_timeout
        self.poll_interval = poll_interval
        self.max_total_hits = max_total_hits
        self.max_facet_values = max_facet_values
        self._client = meilisearch.Client(url, api_key, timeout=timeout)
        self._health_client = meilisearch.Client(url, api_key, timeout=min(timeout, 2))
        self._specs: dict[str, IndexSpec] = {}

    # -- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        try:
            yield
        except SearchError:
            raise
        except MeilisearchApiError as exc:
            raise SearchError(f"Meilisearch {what} failed: {exc.code or exc.status_code}: {exc.message}") from exc
        except MeilisearchTimeoutError as exc:
            raise SearchError(f"Meilisearch {what} timed out: {exc.message}") from exc
        except MeilisearchCommunicationError as exc:
            raise SearchError(f"cannot reach Meilisearch at {self.url} ({what})") from exc
        except (MeilisearchError, ValueError) as exc:  # ValueError: malformed response
            raise SearchError(f"Meilisearch {what} failed: {exc}") from exc

    def _wait(self, task_uid: int, what: str, ignore: tuple[str, ...] = ()) -> None:
        task = self._client.wait_for_task(task_uid, timeout_in_ms=int(self.task_timeout * 1000),
                                          interval_in_ms=int(self.poll_interval * 1000))
        if task.status == "succeeded":
            return
        error = task.error or {}
        if task.status == "failed" and error.get("code") in ignore:
            return
        detail = error.get("message") or error.get("code") or "no details"
        raise SearchError(f"Meilisearch task {task.uid} ({what}) {task.status}: {detail}")

    def _spec(self, index: str) -> IndexSpec:
        """The spec given to ensure_index, else one read back from the server's settings."""
        spec = self._specs.get(index)
        if spec is not None:
            return spec
        with self._errors(f"reading the settings of index {index!r}"):
            info = self._client.get_index(index)
            settings = info.get_settings()

        def names(items: list[Any]) -> tuple[str, ...]:
            out = []
            for item in items or []:
                out += [item] if isinstance(item, str) else item.get("attributePatterns", [])
            return tuple(a for a in out if a != "*")

        filterable = names(settings.get("filterableAttributes"))
        spec = IndexSpec(name=index, searchable=names(settings.get("searchableAttributes")),
                         filterable=filterable, facets=filterable,
                         sortable=names(settings.get("sortableAttributes")),
                         primary_key=info.primary_key or "id")
        self._specs[index] = spec
        return spec

    # -- Backend -------------------------------------------------------------------------

    def ensure_index(self, spec: IndexSpec) -> None:
        settings = {
            "searchableAttributes": list(spec.searchable),
            "filterableAttributes": list(dict.fromkeys((*spec.filterable, *spec.facets))),
            "sortableAttributes": list(dict.fromkeys((*spec.sortable, spec.primary_key))),
            "localizedAttributes": LOCALIZED,
            "rankingRules": None,  # null resets to Meilisearch's default rules
            "pagination": {"maxTotalHits": self.max_total_hits},
            "faceting": {"maxValuesPerFacet": self.max_facet_values},
        }
        with self._errors(f"ensure_index {spec.name!r}"):
            task = self._client.create_index(spec.name, {"primaryKey": spec.primary_key})
            self._wait(task.task_uid, f"create index {spec.name}", ignore=("index_already_exists",))
            task = self._client.index(spec.name).update_settings(settings)
            self._wait(task.task_uid, f"settings of {spec.name}")
        self._specs[spec.name] = spec

    def upsert(self, index: str, documents: Iterable[dict[str, Any]]) -> int:
        spec = self._specs.get(index)
        options = {"primary_key": spec.primary_key} if spec else {}
        target = self._client.index(index)
        tasks, batch, sent = [], [], 0
        with self._errors(f"upsert into {index!r}"):
            for doc in documents:
                batch.append(doc)
                if len(batch) >= self.batch_size:
                    tasks.append(target.add_documents(batch, **options).task_uid)
                    sent, batch = sent + len(batch), []
            if batch:
                tasks.append(target.add_documents(batch, **options).task_uid)
                sent += len(batch)
            for uid in tasks:
                self._wait(uid, f"add documents to {index}")
        return sent

    def delete(self, index: str, ids: Iterable[str]) -> int:
        ids = [str(i) for i in ids]
        if not ids:
            return 0
        with self._errors(f"delete from {index!r}"), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # the client deprecates ids for filters
            task = self._client.index(index).delete_documents(ids)
            self._wait(task.task_uid, f"delete documents from {index}")
        return len(ids)

    def clear(self, index: str) -> None:
        with self._errors(f"clear {index!r}"):
            task = self._client.index(index).delete_all_documents()
            self._wait(task.task_uid, f"clear {index}")

    def count(self, index: str) -> int:
        with self._errors(f"count {index!r}"):
            return self._client.index(index).get_stats().number_of_documents

    def search(self, index: str, query: SearchQuery) -> SearchResult:
        spec = self._spec(index)
        if query.page < 1 or not 1 <= query.per_page <= MAX_PER_PAGE:
            raise SearchError(f"page must be >= 1 and per_page between 1 and {MAX_PER_PAGE}")
        unknown = [f for f in query.facets if f not in spec.facets]
        if unknown:
            raise SearchError(f"{unknown[0]!r} is not a facet of index {index!r}")
        q = " ".join(query.q.split())
        params: dict[str, Any] = {
            "page": query.page,
            "hitsPerPage": query.per_page,
            "matchingStrategy": "all",
            "attributesToHighlight": list(spec.searchable),
            "highlightPreTag": PRE,
            "highlightPostTag": POST,
            "sort": self._sort(spec, query.sort, ranked=bool(q)),
        }
        filters = build_filter(spec, query.filters)
        if filters:
            params["filter"] = filters
        if query.facets:
            params["facets"] = list(query.facets)
        with self._errors(f"search in {index!r}"):
            response = self._client.index(index).search(q, params)
        return self._result(spec, query, response)

    @staticmethod
    def _sort(spec: IndexSpec, sort: str | None, ranked: bool) -> list[str]:
        pk = spec.primary_key
        if ranked or not sort:
            return [f"{pk}:asc"]  # with a query this only breaks relevance ties
        field = sort.removeprefix("-")
        if field not in spec.sortable and field != pk:
            raise SearchError(f"{field!r} is not a sortable field")
        direction = "desc" if sort.startswith("-") else "asc"
        return [f"{field}:{direction}"] + ([f"{pk}:{direction}"] if field != pk else [])

    @staticmethod
    def _result(spec: IndexSpec, query: SearchQuery, response: dict[str, Any]) -> SearchResult:
        hits = []
        for raw in response.get("hits", []):
            formatted = raw.get("_formatted") or {}
            doc = {k: v for k, v in raw.items() if k not in _RESPONSE_KEYS}
            marks = {}
            for field in spec.searchable:
                text = _formatted_text(formatted.get(field))
                if text and PRE in text:
                    marks[field] = text
            hits.append(Hit(id=str(doc.get(spec.primary_key)), document=doc, highlight=marks,
                            score=float(raw.get("_rankingScore") or 0.0)))
        total = response.get("totalHits", response.get("estimatedTotalHits", len(hits)))
        distribution = response.get("facetDistribution") or {}
        facets = {f: {str(k): int(v) for k, v in (distribution.get(f) or {}).items()} for f in query.facets}
        return SearchResult(total=int(total), hits=hits, facets=facets)

    def health(self) -> dict[str, str]:
        try:
            status = self._health_client.health().get("status")
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            return {"backend": self.name, "status": f"error: {exc.__class__.__name__}"}
        return {"backend": self.name, "status": "ok" if status == "available" else f"error: {status}"}
