"""Queries of the embedded backend, built as tantivy query objects (user input
never goes through a query parser).

Ranking: a term scores the tier of the best field it matches (n for the
first of n searchable fields, 1 for the last) plus a small share of its BM25
scores in every field, together bounded below 1; a document scores the sum
over terms. So a match in an earlier field always outranks a match only in
later fields, relevance orders within a tier, and equal scores are ordered by
primary key (`page`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

import tantivy
from tantivy import Occur, Query

from ..base import IndexSpec, SearchError, SearchQuery
from ._text import is_han, query_terms

RELEVANCE_SHARE = 0.01
"""Total BM25 weight over all fields; BM25 of one token stays under ~30 up to a
million documents, so relevance adds less than 0.3 to a term's tier."""


def _match(schema: tantivy.Schema, field: str, toks: list[str]) -> Query:
    if len(toks) > 1:
        return Query.phrase_query(schema, field, toks)
    token = toks[0]
    if len(token) == 1 and is_han(token):
        # A single Han character: any bigram starting or ending with it, or itself.
        return Query.regex_query(schema, field, f"{token}.?|.{token}")
    return Query.term_query(schema, field, token)


def text_query(schema: tantivy.Schema, spec: IndexSpec, terms: list[list[str]]) -> Query:
    n = len(spec.searchable)
    share = RELEVANCE_SHARE / n
    clauses = []
    for toks in terms:
        tiers, relevance = [], []
        for i, field in enumerate(spec.searchable):
            match = _match(schema, f"s_{field}", toks)
            tiers.append(Query.const_score_query(match, float(n - i)))
            # A phrase's relevance is its first token's: scoring the phrase again
            # would re-check positions (about twice the cost).
            scorer = match if len(toks) == 1 else Query.term_query(schema, f"s_{field}", toks[0])
            relevance.append((Occur.Should, Query.boost_query(scorer, share)))
        best_field = Query.disjunction_max_query(tiers)
        clauses.append((Occur.Must, Query.boolean_query([(Occur.Must, best_field), *relevance])))
    return Query.boolean_query(clauses)


def filter_query(schema: tantivy.Schema, allowed: Sequence[str], filters: dict[str, list[str]]) -> list[Query]:
    out = []
    for field, values in filters.items():
        if field not in allowed:
            raise SearchError(f"{field!r} is not a filterable field")
        if isinstance(values, str):
            values = [values]
        values = [str(v) for v in values if v is not None]
        if values:
            out.append(Query.const_score_query(Query.term_set_query(schema, f"k_{field}", values), 0.0))
    return out


def build(schema: tantivy.Schema, spec: IndexSpec, allowed: Sequence[str], query: SearchQuery) -> tuple[Query, bool]:
    """(tantivy query, whether it is ranked by text relevance)."""
    terms = query_terms(query.q)  # terms without letters or digits are ignored
    filters = filter_query(schema, allowed, query.filters)
    if not terms and not filters:
        return Query.all_query(), False
    clauses = [(Occur.Must, text_query(schema, spec, terms))] if terms else []
    clauses += [(Occur.Must, f) for f in filters]
    return Query.boolean_query(clauses), bool(terms)


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


def facets(searcher: tantivy.Searcher, query: Query, fields: Sequence[str]) -> dict[str, dict[str, int]]:
    if not fields:
        return {}
    aggs = {field: {"terms": {"field": f"k_{field}", "size": 65_000}} for field in fields}
    result = searcher.aggregate(query, aggs)
    out = {}
    for field in fields:
        buckets = result.get(field, {}).get("buckets", [])
        out[field] = {str(b["key"]): int(b["doc_count"]) for b in buckets if b["doc_count"] > 0}
    return out
