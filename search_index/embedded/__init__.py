"""The embedded search backend: tantivy indexes in a folder, no server.

Layout: `<directory>/<index>/spec.json` names the IndexSpec, a format number
and the data folder `<directory>/<index>/data-<id>/` holding the tantivy index.
When `ensure_index` sees another spec (or format), it builds a new data folder
from the stored documents and switches spec.json to it; other processes
notice the switch by the spec file's identity and reopen.

Writes: tantivy allows one writer per index across processes. Each write call
takes the writer (waiting up to `lock_timeout` seconds while another process
holds it, then raising SearchError), commits, releases it and reloads the
reader, so the next search sees the change. Searches never take a lock.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

from ..base import Hit, IndexSpec, SearchError, SearchQuery, SearchResult
from . import _query, _schema
from ._text import field_text, highlight_fields, highlight_pattern

__all__ = ["EmbeddedBackend"]

MAX_PER_PAGE = 1000


@contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Serialises ensure_index across processes (two first starts would each create an index)."""
    with open(folder / ".ensure.lock", "a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # the lock goes with the file handle


def _delete_by_term(writer: tantivy.IndexWriter) -> Any:
    """`delete_documents_by_term` (0.26+), else its older name `delete_documents`."""
    return getattr(writer, "delete_documents_by_term", None) or writer.delete_documents


@dataclass
class _Handle:
    spec: IndexSpec
    index: tantivy.Index
    schema: tantivy.Schema
    keywords: tuple[str, ...]
    stamp: tuple[int, int]
    meta: Path | None = None
    meta_stamp: int = 0

    def refresh(self) -> None:
        """See commits made by other processes (another worker, `sanshe reindex`): reload
        the reader when the index's meta.json changed. A stat per search, ~µs."""
        if self.meta is None:
            return
        try:
            stamp = self.meta.stat().st_mtime_ns
        except FileNotFoundError:
            return
        if stamp != self.meta_stamp:
            self.index.reload()
            self.meta_stamp = stamp


class EmbeddedBackend:
    name = "embedded"

    def __init__(self, directory: Path | str, *, commit_every: int = 10_000,
                 heap_size: int = 64_000_000, lock_timeout: float = 2.0) -> None:
        self.directory = Path(directory)
        self.commit_every = commit_every
        self.heap_size = heap_size
        self.lock_timeout = lock_timeout
        self._handles: dict[str, _Handle] = {}
        self._write_lock = threading.RLock()

    # -- indexes -------------------------------------------------------------------------

    def ensure_index(self, spec: IndexSpec) -> None:
        _schema.validate(spec)
        folder = self.directory / spec.name
        with self._write_lock, self._errors(spec.name):
            folder.mkdir(parents=True, exist_ok=True)
        with self._write_lock, self._errors(spec.name), _folder_lock(folder):
            record = _schema.read_record(folder)
            if _schema.same_layout(record, spec) and (folder / record["data"]).is_dir():
                self._handle(spec.name)
                return
            self._rebuild(folder, spec, record)

    def _rebuild(self, folder: Path, spec: IndexSpec, record: dict[str, Any] | None) -> None:
        data = f"data-{uuid.uuid4().hex[:12]}"
        (folder / data).mkdir()
        old = folder / record["data"] if record and record.get("data") else None
        try:
            target = tantivy.Index(_schema.build_schema(spec), path=str(folder / data), reuse=False)
            if old is not None and old.is_dir():
                source = tantivy.Index.open(str(old))
                with self._writer(source, spec.name):  # keeps other writers out while copying
                    self._copy(source, target, spec)
                    _schema.write_record(folder, _schema.spec_record(spec, data))
            else:
                _schema.write_record(folder, _schema.spec_record(spec, data))
        except BaseException:
            shutil.rmtree(folder / data, ignore_errors=True)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        self._handles.pop(spec.name, None)
        self._handle(spec.name)

    def _copy(self, source: tantivy.Index, target: tantivy.Index, spec: IndexSpec) -> None:
        """Re-add every stored document of `source` to `target` under `spec`."""
        searcher = source.searcher()
        with self._writer(target, spec.name) as writer:
            if searcher.num_docs:
                for _, address in searcher.search(tantivy.Query.all_query(), searcher.num_docs).hits:
                    writer.add_document(_schema.to_tantivy(spec, _schema.from_stored(searcher.doc(address)))[1])
            writer.commit()

    def _handle(self, name: str) -> _Handle:
        if not _schema.valid_name(name):
            raise SearchError(f"invalid index name {name!r}")
        folder = self.directory / name
        try:
            info = (folder / _schema.SPEC_FILE).stat()
        except FileNotFoundError:
            raise SearchError(f"search index {name!r} does not exist (ensure_index was not called)") from None
        stamp = (info.st_ino, info.st_mtime_ns)
        handle = self._handles.get(name)
        if handle is not None and handle.stamp == stamp:
            handle.refresh()
            return handle
        record = _schema.read_record(folder)
        if not record or record.get("format") != _schema.FORMAT:
            raise SearchError(f"search index {name!r} has an old layout; call ensure_index to rebuild it")
        spec = _schema.spec_from_record(record)
        try:
            index = tantivy.Index.open(str(folder / record["data"]))
        except (ValueError, OSError) as exc:
            raise SearchError(f"cannot open search index {name!r}: {exc}") from exc
        handle = _Handle(spec, index, index.schema, _schema.keyword_fields(spec), stamp,
                         folder / record["data"] / "meta.json")
        handle.refresh()
        self._handles[name] = handle
        return handle

    @contextmanager
    def _writer(self, index: tantivy.Index, name: str) -> Iterator[tantivy.IndexWriter]:
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                writer = index.writer(heap_size=self.heap_size, num_threads=1)
                break
            except ValueError as exc:
                if "LockBusy" not in str(exc):
                    raise SearchError(f"cannot write search index {name!r}: {exc}") from exc
                if time.monotonic() >= deadline:
                    raise SearchError(
                        f"search index {name!r} is locked by another writer (another process is "
                        f"indexing it); try again later") from exc
                time.sleep(0.05)
        try:
            yield writer
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()  # releases the lock

    @contextmanager
    def _errors(self, name: str) -> Iterator[None]:
        try:
            yield
        except SearchError:
            raise
        except (ValueError, OSError, RuntimeError) as exc:
            raise SearchError(f"search index {name!r}: {exc}") from exc

    # -- writes --------------------------------------------------------------------------

    def upsert(self, index: str, documents: Iterable[dict[str, Any]]) -> int:
        handle, sent = self._handle(index), 0
        with self._write_lock, self._errors(index), self._writer(handle.index, index) as writer:
            remove = _delete_by_term(writer)
            for doc in documents:
                pk, converted = _schema.to_tantivy(handle.spec, doc)
                remove("_pk", pk)
                writer.add_document(converted)
                sent += 1
                if sent % self.commit_every == 0:
                    writer.commit()
            writer.commit()
        handle.index.reload()
        return sent

    def delete(self, index: str, ids: Iterable[str]) -> int:
        handle, asked = self._handle(index), 0
        with self._write_lock, self._errors(index), self._writer(handle.index, index) as writer:
            remove = _delete_by_term(writer)
            for pk in ids:
                remove("_pk", str(pk))
                asked += 1
            writer.commit()
        handle.index.reload()
        return asked

    def clear(self, index: str) -> None:
        handle = self._handle(index)
        with self._write_lock, self._errors(index), self._writer(handle.index, index) as writer:
            writer.delete_all_documents()
            writer.commit()
        handle.index.reload()

    # -- reads ---------------------------------------------------------------------------

    def count(self, index: str) -> int:
        return self._handle(index).index.searcher().num_docs

    def search(self, index: str, query: SearchQuery) -> SearchResult:
        handle = self._handle(index)
        spec = handle.spec
        if query.page < 1 or not 1 <= query.per_page <= MAX_PER_PAGE:
            raise SearchError(f"page must be >= 1 and per_page between 1 and {MAX_PER_PAGE}")
        unknown = [f for f in query.facets if f not in spec.facets]
        if unknown:
            raise SearchError(f"{unknown[0]!r} is not a facet of index {index!r}")
        with self._errors(index):
            searcher = handle.index.searcher()
            plan = _query.build(searcher, handle.schema, spec, handle.keywords, query)
            tq, ranked = plan.query, plan.ranked
            order: dict[str, Any] = {} if ranked else self._order(spec, query.sort)
            offset = (query.page - 1) * query.per_page
            facets = None

            if ranked:
                # Equal scores come back in index order, stable from page to page (see base.py).
                head = plan.head(offset + query.per_page)
                rows = searcher.search(head, query.per_page, count=False, offset=offset).hits if head else []
                if head is not None and len(rows) == query.per_page:
                    total, facets = _query.count_and_facets(searcher, tq, query.facets)
                else:
                    found = searcher.search(tq, query.per_page, count=True, offset=min(offset, searcher.num_docs))
                    total, rows = found.count, found.hits
            else:
                def fetch(n: int) -> list[tuple[Any, Any]]:
                    return searcher.search(tq, n, count=False, **order).hits

                limit = min(offset + query.per_page + 1, searcher.num_docs + 1)  # page=10**9 allocates nothing
                first = searcher.search(tq, limit, count=True, **order)
                total = first.count
                rows = _query.page(first.hits, fetch, total, offset, query.per_page,
                                   lambda addresses: self._pk_keys(searcher, addresses))
            if facets is None:
                facets = _query.facets(searcher, tq, query.facets)
            pattern = highlight_pattern(query.q) if ranked else None
            hits = [self._hit(searcher, spec, key if ranked else 0.0, address, pattern) for key, address in rows]
            return SearchResult(total=total, hits=hits, facets=facets)

    @staticmethod
    def _pk_keys(searcher: tantivy.Searcher, addresses: list[Any]) -> list[tuple[Any, ...]]:
        """Primary-key sort keys: the 16-byte prefix, plus the whole key where prefixes collide."""
        prefixes = list(zip(searcher.fast_field_values("_pko1", addresses),
                            searcher.fast_field_values("_pko2", addresses)))
        seen = Counter(prefixes)
        return [(*p, searcher.doc(a).get_first("_pk") if seen[p] > 1 else "") for p, a in zip(prefixes, addresses)]

    @staticmethod
    def _order(spec: IndexSpec, sort: str | None) -> dict[str, Any]:
        field = (sort or "").removeprefix("-") or spec.primary_key
        descending = bool(sort) and sort.startswith("-")
        if field in spec.sortable:
            fast = f"o_{field}"
        elif field == spec.primary_key:
            fast = "_pk"
        else:
            raise SearchError(f"{field!r} is not a sortable field")
        return {"order_by_field": fast, "order": tantivy.Order.Desc if descending else tantivy.Order.Asc}

    @staticmethod
    def _hit(searcher: tantivy.Searcher, spec: IndexSpec, score: float, address: Any, pattern: Any) -> Hit:
        stored = searcher.doc(address)
        doc = _schema.from_stored(stored)
        marks = highlight_fields({f: field_text(doc.get(f)) for f in spec.searchable}, pattern) if pattern else {}
        return Hit(id=stored.get_first("_pk"), document=doc, highlight=marks, score=float(score))

    def health(self) -> dict[str, str]:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            writable = os.access(self.directory, os.W_OK)
        except OSError as exc:
            return {"backend": self.name, "status": f"error: {exc.strerror or exc}"}
        return {"backend": self.name, "status": "ok" if writable else "error: index folder not writable"}
