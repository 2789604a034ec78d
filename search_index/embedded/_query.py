"""Queries of the embedded backend, built as tantivy query objects (user input
never goes through a query parser).

Ranking: a term scores the mask of the searchable fields it matches, the
first field being the highest bit (with fields name, description: 2 for a
name match, 1 for a description match, 3 for both); a document scores the sum
over terms. So a match in an earlier field always outranks a match only in
later fields, and among those, matching more of the other fields ranks higher.
Equal scores keep index order (stable from page to page).

A one-token term (a two-character Chinese word, a Latin word) or a
three-character Chinese word (a Han trigram) reads the `_where` terms
`<token>#<mask>` (see _schema): one posting per matching document, already
scored by its mask. Longer Chinese terms are phrases of their bigrams, matched
per field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from itertools import groupby
from operator import itemgetter
from typing import Any

import tantivy
from tantivy import Occur, Query

from ..base import IndexSpec, SearchError, SearchQuery
from ._schema import COMBINE
from ._text import is_han, query_terms, trigrams


def _match(schema: tantivy.Schema, field: str, toks: list[str]) -> Query:
    if len(toks) > 1:
        return Query.phrase_query(schema, field, toks)
    token = toks[0]
    if len(token) == 1 and is_han(token):
        # A single Han character: any bigram starting or ending with it, or itself.
        return Query.regex_query(schema, field, f"{token}.?|.{token}")
    return Query.term_query(schema, field, token)


def _union(scored: list[tuple[Query, float]]) -> Query:
    return Query.boolean_query([(Occur.Should, Query.const_score_query(q, score)) for q, score in scored])


def _where_terms(searcher: tantivy.Searcher, toks: list[str]) -> list[tuple[str, int]] | None:
    """For a term answered by `_where` (one token, or a Han trigram): its `_where` terms
    with their document counts, highest mask (score) first; None for other terms."""
    if len(toks) == 1:
        single = toks[0]
    elif len(toks) == 2 and (three := trigrams(toks)):
        single = three[0]
    else:
        return None
    if len(single) == 1 and is_han(single):
        return None
    found = searcher.terms_with_prefix("_where", f"{single}#")
    return sorted(found, key=lambda item: -_mask(item[0]))


def _mask(term: str) -> int:
    return int(term.rpartition("#")[2], 16)


def _where_union(schema: tantivy.Schema, terms: list[tuple[str, int]]) -> Query:
    if not terms:
        return Query.term_query(schema, "_where", "#0")  # matches nothing
    return _union([(Query.term_query(schema, "_where", term), float(_mask(term))) for term, _ in terms])


def term_query(searcher: tantivy.Searcher, schema: tantivy.Schema, spec: IndexSpec, toks: list[str]) -> Query:
    """One query term, scored by the mask of the fields it matches."""
    where = _where_terms(searcher, toks)
    if where is not None:
        return _where_union(schema, where)
    n = len(spec.searchable)
    return _union([(_match(schema, f"s_{field}", toks), float(1 << (n - 1 - i)))
                   for i, field in enumerate(spec.searchable)])


def text_query(searcher: tantivy.Searcher, schema: tantivy.Schema, spec: IndexSpec, terms: list[list[str]]) -> Query:
    clauses = [(Occur.Must, term_query(searcher, schema, spec, toks)) for toks in terms]
    return clauses[0][1] if len(clauses) == 1 else Query.boolean_query(clauses)


def _covers_all(searcher: tantivy.Searcher, field: str, values: list[str]) -> bool:
    """Whether `values` include every value the index holds for `field` (the filter would
    keep every document). Asked only of facet fields, which hold few values."""
    present = searcher.terms_with_prefix(f"k_{field}", "", limit=len(values) + 1)
    return len(present) <= len(values) and {term for term, _ in present} <= set(values)


def filter_query(searcher: tantivy.Searcher, schema: tantivy.Schema, spec: IndexSpec, allowed: Sequence[str],
                 filters: dict[str, list[str]]) -> list[Query]:
    out = []
    for field, values in filters.items():
        if field not in allowed:
            raise SearchError(f"{field!r} is not a filterable field")
        if isinstance(values, str):
            values = [values]
        values = [str(v) for v in values if v is not None]
        if len(values) > 1 and field in spec.facets and _covers_all(searcher, field, values):
            continue  # e.g. the public search accepts every district that publishes services
        if values:
            # Term queries skip along their postings inside an intersection; a term set
            # query would first collect every matching document into a bitset.
            terms = [Query.term_query(schema, f"k_{field}", v) for v in dict.fromkeys(values)]
            match = terms[0] if len(terms) == 1 else Query.boolean_query([(Occur.Should, t) for t in terms])
            out.append(Query.const_score_query(match, 0.0))
    return out


HEAD_MARGIN = 8
"""With filters, the head of a query asks for this many times the documents it needs."""


@dataclass
class Plan:
    """A search: its tantivy query, whether it is ranked by the text, and (for a query of
    one term answered by `_where`) what `head` needs."""
    query: Query
    ranked: bool
    schema: tantivy.Schema | None = None
    filters: list[Query] = dataclass_field(default_factory=list)
    where: list[tuple[str, int]] | None = None

    def head(self, wanted: int) -> Query | None:
        """The query kept to its highest-scoring `_where` terms that hold at least `wanted`
        documents (more with filters); None when that would be every term.

        Each document matches one `_where` term of a token, scored by its mask, so every
        document left out scores lower than every document kept: when the head still
        yields `wanted` hits, they are the full query's first `wanted`, in the same order
        (equal scores in index order), at the cost of scoring far fewer documents."""
        if not self.where:
            return None
        need, held = wanted * (HEAD_MARGIN if self.filters else 1), 0
        for i, (_, count) in enumerate(self.where):
            held += count
            if held >= need:
                break
        if i + 1 == len(self.where):
            return None
        union = _where_union(self.schema, self.where[: i + 1])
        if not self.filters:
            return union
        return Query.boolean_query([(Occur.Must, union), *[(Occur.Must, f) for f in self.filters]])


def build(searcher: tantivy.Searcher, schema: tantivy.Schema, spec: IndexSpec, allowed: Sequence[str],
          query: SearchQuery) -> Plan:
    terms = query_terms(query.q)  # terms without letters or digits are ignored
    filters = filter_query(searcher, schema, spec, allowed, query.filters)
    if not terms and not filters:
        return Plan(Query.all_query(), False)
    if not terms:
        return Plan(Query.boolean_query([(Occur.Must, f) for f in filters]), False)
    if len(terms) == 1 and (where := _where_terms(searcher, terms[0])) is not None:
        text = _where_union(schema, where)
    else:
        text, where = text_query(searcher, schema, spec, terms), None
    tq = Query.boolean_query([(Occur.Must, text), *[(Occur.Must, f) for f in filters]]) if filters else text
    return Plan(tq, True, schema, filters, where)


def page(hits: list[tuple[Any, Any]], fetch: Callable[[int], list[tuple[Any, Any]]], total: int,
         offset: int, limit: int, pk_keys: Callable[[list[Any]], list[Any]]) -> list[tuple[Any, Any]]:
    """One page of (key, address) pairs, ordered by key, then primary key.

    `hits` holds the first pairs in key order (offset + limit + 1 of them when
    there are that many) and `fetch(n)` returns the first n. Only the groups of
    equal keys that cross the page's edges need reordering; `pk_keys` gives
    primary-key sort keys for their addresses."""
    end = min(offset + limit, total, len(hits))
    if offset >= end:
        return []
    n = len(hits)
    while n < total and hits[-1][0] == hits[end - 1][0]:
        n = min(total, max(n * 8, 1024))  # the tie at the page end goes on: fetch all of it
        hits = fetch(n)
    end = min(end, len(hits))
    lo = offset
    while lo > 0 and hits[lo - 1][0] == hits[offset][0]:
        lo -= 1
    hi = end
    while hi < len(hits) and hits[hi][0] == hits[end - 1][0]:
        hi += 1
    window = hits[lo:hi]
    groups = [i for i, (_, run) in enumerate(groupby(window, key=itemgetter(0))) for _ in run]
    sizes = Counter(groups)
    tied = [i for i, g in enumerate(groups) if sizes[g] > 1]
    pks: list[Any] = [()] * len(window)
    for i, pk in zip(tied, pk_keys([window[i][1] for i in tied]) if tied else []):
        pks[i] = pk
    order = sorted(range(len(window)), key=lambda i: (groups[i], pks[i]))
    return [window[i] for i in order[offset - lo : end - lo]]


def _facet_aggs(fields: Sequence[str]) -> dict[str, Any]:
    return {field: {"terms": {"field": f"c_{field}", "size": 65_000}} for field in fields}


def _facet_counts(result: dict[str, Any], fields: Sequence[str]) -> dict[str, dict[str, int]]:
    out = {}
    for field in fields:
        counts: dict[str, int] = {}
        for bucket in result.get(field, {}).get("buckets", []):
            n, key = int(bucket["doc_count"]), str(bucket["key"])
            if n > 0:
                for value in key.split(COMBINE) if COMBINE in key else (key,):
                    counts[value] = counts.get(value, 0) + n
        out[field] = counts
    return out


def facets(searcher: tantivy.Searcher, query: Query, fields: Sequence[str]) -> dict[str, dict[str, int]]:
    """Value counts per facet field, from one aggregation over the `c_` combination columns."""
    if not fields:
        return {}
    return _facet_counts(searcher.aggregate(query, _facet_aggs(fields)), fields)


def count_and_facets(searcher: tantivy.Searcher, query: Query,
                     fields: Sequence[str]) -> tuple[int, dict[str, dict[str, int]]]:
    """The number of matches and the facet counts in one pass that scores nothing
    (aggregations do not score; about half the cost of a scored count)."""
    result = searcher.aggregate(query, {**_facet_aggs(fields), "_total": {"value_count": {"field": "_pko1"}}})
    return int(result["_total"]["value"]), _facet_counts(result, fields)
