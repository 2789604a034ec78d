"""The search contract (search_index/base.py), run on every available backend.

Expected hits come from substring scans of the corpus. The embedded backend
must match them exactly (recall and precision 1.0). Meilisearch segments
Chinese with jieba, which misses some substrings and may match words that are
not adjacent, so on it only the parts of the contract it promises are checked
(STACK-NOTES: "test the contract, not identical hits").
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import uuid
from dataclasses import replace

import pytest

from search_index import Backend, SearchError, SearchQuery, SearchResult
from tests.search_index.corpus import BY_ID, DOCS, SPEC, contains, facet_counts, matching

NO_MEILI = "MEILISEARCH_URL is not set: no Meilisearch server here"
BACKENDS = ["embedded", pytest.param("meilisearch", marks=pytest.mark.skipif(
    not os.environ.get("MEILISEARCH_URL"), reason=NO_MEILI))]


class Indexes:
    """Creates uniquely named copies of the test spec on one backend and drops them afterwards."""

    def __init__(self, kind: str, folder) -> None:
        self.kind, self.names = kind, []
        if kind == "embedded":
            from search_index.embedded import EmbeddedBackend

            self.backend: Backend = EmbeddedBackend(folder)
        else:
            from search_index.meili import MeilisearchBackend

            self.backend = MeilisearchBackend(os.environ["MEILISEARCH_URL"], os.environ.get("MEILISEARCH_KEY"))

    def new(self, docs=DOCS) -> str:
        name = f"t{uuid.uuid4().hex[:10]}"
        self.names.append(name)
        self.backend.ensure_index(replace(SPEC, name=name))
        if docs:
            self.backend.upsert(name, list(reversed(docs)))  # ties must not follow insertion order
        return name

    def drop_all(self) -> None:
        if self.kind == "meilisearch":
            for name in self.names:
                self.backend._client.delete_index(name)


@pytest.fixture(scope="module", params=BACKENDS)
def indexes(request, tmp_path_factory):
    made = Indexes(request.param, tmp_path_factory.mktemp("search"))
    yield made
    made.drop_all()


@pytest.fixture(scope="module")
def loaded(indexes):
    """(backend, index name) holding the whole corpus; tests must not change it."""
    return indexes.backend, indexes.new()


def search(loaded, **kwargs) -> SearchResult:
    backend, name = loaded
    return backend.search(name, SearchQuery(**{"per_page": 100, **kwargs}))


def ids(result: SearchResult) -> list[str]:
    return [hit.id for hit in result.hits]


def exact(backend: Backend) -> bool:
    return backend.name == "embedded"


def assert_hits(loaded, q: str, filters=None) -> SearchResult:
    """Hits for q equal the substring scan (embedded); a correct non-empty subset (others)."""
    result = search(loaded, q=q, filters=filters or {})
    expected = matching(q, filters)
    got = ids(result)
    assert len(got) == len(set(got)), "duplicate hits"
    assert result.total == len(got)
    if exact(loaded[0]):
        assert set(got) == expected, q
    else:
        assert set(got) & expected, q
        if all(len(term) == 2 for term in q.split()):  # one jieba word per term: no false hits
            assert set(got) <= expected, q
    return result


# -- matching ------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["养老", "心理", "咨询", "上门", "助餐"])
def test_two_character_words(loaded, q):
    assert len(matching(q)) >= 2
    assert_hits(loaded, q)


@pytest.mark.parametrize("q", ["心理咨询", "日间照料", "居家养老", "老年人", "心理健康"])
def test_three_and_four_character_words(loaded, q):
    assert_hits(loaded, q)


def test_longer_words_are_substrings_not_scattered_bigrams(loaded):
    """s15 and s22 hold 心理 and 咨询 apart: no hit for 心理咨询; s09 holds all bigrams
    of 老年人 (老年…青年人) but not the word: no hit for 老年人 on the embedded backend."""
    assert {"s15", "s22"} <= matching("心理") & matching("咨询")
    result = search(loaded, q="心理咨询")
    assert "s02" in ids(result)
    if exact(loaded[0]):
        assert not {"s15", "s22"} & set(ids(result))
    assert "s09" in matching("老年") & matching("年人") and "s09" not in matching("老年人")
    if exact(loaded[0]):
        assert "s09" not in ids(search(loaded, q="老年人"))


def test_two_characters_across_a_word_boundary_are_found(loaded):
    """培养老年 contains 养老: a substring match, which word segmentation misses."""
    if not exact(loaded[0]):
        pytest.skip("jieba segments 培养/老年; only the embedded backend matches substrings")
    assert "s13" in matching("养老")
    assert "s13" in ids(search(loaded, q="养老"))


@pytest.mark.parametrize("q", ["社区 心理咨询", "老年人 上门", "心理 青少年 家庭"])
def test_multi_word_queries_need_every_word(loaded, q):
    result = assert_hits(loaded, q)
    for hit in result.hits:
        for term in q.split():
            if exact(loaded[0]) or len(term) == 2:
                assert contains(BY_ID[hit.id], term), (hit.id, term)
    assert matching(q) < matching(q.split()[0])  # the extra words really narrow the result


def test_latin_words_match_case_insensitively(loaded):
    assert ids(search(loaded, q="app")) == ["s10"]
    assert "s22" in ids(search(loaded, q="WIFI"))


def test_single_character_query(loaded):
    if not exact(loaded[0]):
        pytest.skip("single characters are a bonus of the embedded backend")
    assert set(ids(search(loaded, q="餐"))) == matching("餐")


def test_punctuation_only_query_is_an_empty_query(loaded):
    assert search(loaded, q=" ，。 ").total == len(DOCS)


def test_unknown_words_find_nothing(loaded):
    result = search(loaded, q="量子计算")
    assert result.total == 0 and result.hits == []


# -- ranking -------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["心理", "养老", "服务"])
def test_name_matches_rank_above_description_only_matches(loaded, q):
    order = ids(search(loaded, q=q))
    in_name = [i for i in order if q in BY_ID[i]["name"]]
    only_description = [i for i in order if q not in BY_ID[i]["name"]]
    assert in_name and only_description
    assert order == in_name + only_description


def test_equal_relevance_keeps_a_stable_order(loaded):
    first = ids(search(loaded, q="邻里互助"))
    assert sorted(first) == ["s29", "s30"]
    assert ids(search(loaded, q="邻里互助")) == first


def test_large_ties_page_consistently(indexes):
    """60 documents with the same text: every page boundary cuts the tie. Ids
    sharing 16 leading bytes and short numeric ids check the key order."""
    same = {"name": "社区服务站", "description": "社区服务。", "field": "社区治理", "targets": ["家庭"],
            "district": "430702", "fee": 0, "updated": "2024-01-01"}
    keys = [f"service-record-{i:04d}" for i in range(40)] + [str(i) for i in range(20)]
    shuffled = list(keys)
    random.Random(3).shuffle(shuffled)
    docs = [{**same, "id": key} for key in shuffled]
    backend, name = indexes.backend, indexes.new(docs=docs)
    for q in ("服务站", ""):
        pages = [backend.search(name, SearchQuery(q=q, page=p, per_page=7)) for p in range(1, 10)]
        paged = [h.id for page in pages for h in page.hits]
        assert {page.total for page in pages} == {60}
        # Every page boundary cuts the tie: nothing is repeated or lost, and the pages
        # follow the order of one big page.
        assert sorted(paged) == sorted(keys) and len(set(paged)) == 60
        assert paged == [h.id for h in backend.search(name, SearchQuery(q=q, per_page=60)).hits]
        if not q or indexes.kind == "meilisearch":
            assert paged == sorted(keys)  # no query: primary key; Meilisearch: key breaks ties


# -- filters -------------------------------------------------------------------------------

@pytest.mark.parametrize("filters", [
    {"district": ["430702"]},
    {"field": ["养老服务", "心理健康"]},
    {"field": ["养老服务"], "district": ["430703"]},
    {"targets": ["儿童"]},
    {"targets": ["残疾人", "青少年"], "district": ["430702", "430721"]},
])
def test_filters_without_query(loaded, filters):
    result = search(loaded, filters=filters)
    assert set(ids(result)) == matching("", filters)
    assert result.total == len(matching("", filters))


def test_filters_combine_with_the_query(loaded):
    assert_hits(loaded, "心理", {"district": ["430702", "430721"]})
    assert_hits(loaded, "服务", {"targets": ["老年人"], "field": ["养老服务"]})


def test_empty_value_list_does_not_filter(loaded):
    assert search(loaded, filters={"district": []}).total == len(DOCS)


@pytest.mark.parametrize("value", [
    'a" OR district = "430702', '")', "OR", "\\", "'", '430702"', "430702 OR 430703", "*",
])
def test_hostile_filter_values_are_data(loaded, value):
    result = search(loaded, filters={"field": [value]})
    assert result.total == 0 and result.hits == []
    assert search(loaded, q="服务", filters={"district": [value]}).total == 0


def test_filter_value_with_quotes_matches_exactly_that_value(loaded):
    assert ids(search(loaded, filters={"field": ['社区"微"治理']})) == ["s27"]


def test_unknown_filter_field_is_an_error(loaded):
    with pytest.raises(SearchError):
        search(loaded, filters={"name": ["儿童之家"]})


# -- facets --------------------------------------------------------------------------------

@pytest.mark.parametrize("q, filters", [("", {}), ("服务", {}), ("心理", {"district": ["430702", "430703"]})])
def test_facet_counts_cover_all_matches(loaded, q, filters):
    fields = ("field", "targets", "district")
    result = search(loaded, q=q, filters=filters, facets=fields, per_page=5)
    everything = search(loaded, q=q, filters=filters, per_page=100)
    assert result.total == everything.total > 5  # counted beyond the first page
    assert result.facets == facet_counts(ids(everything), fields)
    if exact(loaded[0]):
        assert result.facets == facet_counts(matching(q, filters), fields)


def test_unknown_facet_is_an_error(loaded):
    with pytest.raises(SearchError):
        search(loaded, facets=("name",))


# -- paging and sorting --------------------------------------------------------------------

@pytest.mark.parametrize("q", ["", "服务"])
def test_pages_are_disjoint_and_complete(loaded, q):
    per_page = 7
    total = search(loaded, q=q).total
    pages = [search(loaded, q=q, page=p, per_page=per_page) for p in range(1, total // per_page + 3)]
    assert all(page.total == total for page in pages)
    seen = [i for page in pages for i in ids(page)]
    assert len(seen) == len(set(seen)) == total
    assert seen == ids(search(loaded, q=q, per_page=100))
    full, rest = divmod(total, per_page)
    assert [len(page.hits) for page in pages] == [per_page] * full + [rest] * bool(rest) + [0] * (len(pages) - full - bool(rest))


def test_page_far_beyond_the_end_is_empty(loaded):
    result = search(loaded, q="服务", page=10**9, per_page=20)
    assert result.hits == []
    assert result.total == search(loaded, q="服务").total > 0


def test_empty_query_orders_by_primary_key(loaded):
    assert ids(search(loaded)) == sorted(BY_ID)


def test_empty_query_with_sort(loaded):
    by_fee = ids(search(loaded, sort="fee"))
    assert by_fee == sorted(BY_ID, key=lambda i: (BY_ID[i]["fee"], i))
    newest = ids(search(loaded, sort="-updated"))
    dates = [BY_ID[i]["updated"] for i in newest]
    assert dates == sorted(dates, reverse=True)
    # Ties under "-field" follow the direction of the sort (s29/s30 share a date).
    assert newest.index("s30") == newest.index("s29") - 1
    cheapest_here = ids(search(loaded, sort="fee", filters={"district": ["430703"]}, per_page=3))
    assert cheapest_here == sorted(matching("", {"district": ["430703"]}), key=lambda i: (BY_ID[i]["fee"], i))[:3]


def test_unknown_sort_field_is_an_error(loaded):
    with pytest.raises(SearchError):
        search(loaded, sort="name")


# -- highlight -----------------------------------------------------------------------------

def test_highlight_marks_terms_in_matching_fields(loaded):
    hits = {hit.id: hit for hit in search(loaded, q="心理").hits}
    assert hits["s02"].highlight["name"].startswith("社区<mark>心理")
    assert hits["s02"].highlight["description"].count("<mark>") == 1
    assert "name" not in hits["s04"].highlight  # 儿童之家 matched in its description only
    assert "<mark>心理" in hits["s04"].highlight["description"]
    assert hits["s02"].document == BY_ID["s02"]
    if exact(loaded[0]):  # Meilisearch may mark the whole word it matched (心理健康)
        assert hits["s02"].highlight == {"name": "社区<mark>心理</mark>咨询室",
                                         "description": "由专业社工提供一对一<mark>心理</mark>咨询，关注青少年和家庭关系。"}


def test_highlight_escapes_html(loaded):
    hit = search(loaded, q="重点").hits[0]
    assert hit.id == "s23"
    marked = hit.highlight["description"]
    assert "<b>" not in marked and "&lt;b&gt;" in marked and "<mark>" in marked
    assert hit.document["description"] == BY_ID["s23"]["description"]  # the document is unchanged


# -- writes --------------------------------------------------------------------------------

def test_upsert_replaces_delete_removes_clear_empties(indexes):
    backend, name = indexes.backend, indexes.new()
    assert backend.count(name) == len(DOCS)
    changed = {**BY_ID["s04"], "name": "儿童快乐之家"}
    assert backend.upsert(name, [changed, {**changed}]) == 2  # the same id twice: the last wins
    assert backend.count(name) == len(DOCS)
    hits = backend.search(name, SearchQuery(q="儿童快乐之家")).hits
    assert [h.id for h in hits] == ["s04"] and hits[0].document["name"] == "儿童快乐之家"
    old_versions = [h for h in backend.search(name, SearchQuery(q="儿童", per_page=50)).hits
                    if h.document["name"] == "儿童之家"]
    assert old_versions == []
    assert backend.delete(name, ["s01", "s02", "no-such-id"]) == 3
    assert backend.count(name) == len(DOCS) - 2
    assert not {"s01", "s02"} & {h.id for h in backend.search(name, SearchQuery(per_page=100)).hits}
    assert backend.delete(name, []) == 0
    backend.clear(name)
    assert backend.count(name) == 0
    assert backend.search(name, SearchQuery(q="养老")).total == 0
    backend.upsert(name, DOCS[:3])  # the cleared index keeps working
    assert backend.count(name) == 3


def test_ensure_index_is_idempotent(indexes):
    backend, name = indexes.backend, indexes.new()
    before = backend.search(name, SearchQuery(q="心理咨询", per_page=50))
    backend.ensure_index(replace(SPEC, name=name))
    assert backend.count(name) == len(DOCS)
    after = backend.search(name, SearchQuery(q="心理咨询", per_page=50))
    assert [h.id for h in after.hits] == [h.id for h in before.hits] != []


def test_missing_index_is_an_error(indexes):
    with pytest.raises(SearchError):
        indexes.backend.search(f"missing{uuid.uuid4().hex[:8]}", SearchQuery(q="养老"))


def test_document_without_primary_key_is_an_error(indexes):
    if not exact(indexes.backend):
        pytest.skip("Meilisearch rejects it asynchronously with its own message")
    name = indexes.new(docs=[])
    with pytest.raises(SearchError):
        indexes.backend.upsert(name, [{"name": "无编号"}])


def test_health(indexes):
    assert indexes.backend.health() == {"backend": indexes.kind, "status": "ok"}


# -- embedded only -------------------------------------------------------------------------

def test_embedded_reopen_sees_the_documents(tmp_path):
    from search_index.embedded import EmbeddedBackend

    first = EmbeddedBackend(tmp_path)
    first.ensure_index(SPEC)
    first.upsert(SPEC.name, DOCS)
    again = EmbeddedBackend(tmp_path)  # as another process would: nothing cached
    assert again.count(SPEC.name) == len(DOCS)
    assert {h.id for h in again.search(SPEC.name, SearchQuery(q="心理咨询", per_page=50)).hits} == matching("心理咨询")
    again.ensure_index(SPEC)  # same spec: nothing is rebuilt
    assert again.count(SPEC.name) == len(DOCS)
    again.delete(SPEC.name, ["s01"])
    # The first instance sees commits made elsewhere at once (its reader reloads when
    # the index's meta.json changes), as a second app worker or `sanshe reindex` need.
    assert first.count(SPEC.name) == len(DOCS) - 1
    assert "s01" not in {h.id for h in first.search(SPEC.name, SearchQuery(per_page=50)).hits}


def test_embedded_spec_change_rebuilds_from_stored_documents(tmp_path):
    from search_index.embedded import EmbeddedBackend

    backend = EmbeddedBackend(tmp_path)
    backend.ensure_index(SPEC)
    backend.upsert(SPEC.name, DOCS)
    old_folders = {p.name for p in (tmp_path / SPEC.name).iterdir() if p.is_dir()}
    wider = replace(SPEC, searchable=("name", "description", "field"), filterable=(*SPEC.filterable, "fee"))
    backend.ensure_index(wider)
    assert backend.count(SPEC.name) == len(DOCS)
    assert {h.id for h in backend.search(SPEC.name, SearchQuery(filters={"fee": ["0"]}, per_page=50)).hits} == \
        {d["id"] for d in DOCS if d["fee"] == 0}
    assert "s27" in {h.id for h in backend.search(SPEC.name, SearchQuery(q="微")).hits}
    new_folders = {p.name for p in (tmp_path / SPEC.name).iterdir() if p.is_dir()}
    assert len(new_folders) == 1 and not new_folders & old_folders  # the old data folder is gone
    other = EmbeddedBackend(tmp_path)
    assert other.search(SPEC.name, SearchQuery(filters={"fee": ["100"]})).total == 1


HOLD_WRITER = """
import sys, tantivy
index = tantivy.Index.open(sys.argv[1])
writer = index.writer(heap_size=15_000_000, num_threads=1)
print("holding", flush=True)
sys.stdin.readline()
"""


def test_embedded_writer_held_by_another_process_is_a_clear_error(tmp_path):
    from search_index.embedded import EmbeddedBackend

    backend = EmbeddedBackend(tmp_path, lock_timeout=0.3)
    backend.ensure_index(SPEC)
    data = tmp_path / SPEC.name / json.loads((tmp_path / SPEC.name / "spec.json").read_text())["data"]
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITER, str(data)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(SearchError, match="locked by another writer"):
            backend.upsert(SPEC.name, DOCS[:2])
        assert backend.search(SPEC.name, SearchQuery()).total == 0  # reads still work
    finally:
        holder.communicate("done\n", timeout=10)
    assert backend.upsert(SPEC.name, DOCS[:2]) == 2  # the lock is free again
    assert backend.count(SPEC.name) == 2


def test_facets_count_documents_with_many_values(indexes):
    """Lists of values (the embedded backend counts them from one combination column)."""
    base = {"description": "社区服务。", "field": "社区治理", "district": "430702", "fee": 0, "updated": "2024-01-01"}
    docs = [
        {**base, "id": "m1", "name": "多对象服务站", "targets": ["老年人", "儿童", "青少年", "残疾人", "家庭"]},
        {**base, "id": "m2", "name": "多对象活动室", "targets": ["老年人", "家庭"]},
        {**base, "id": "m3", "name": "多对象课堂", "targets": ["儿童"]},
    ]
    backend, name = indexes.backend, indexes.new(docs=docs)
    result = backend.search(name, SearchQuery(q="多对象", facets=("targets",)))
    assert result.total == 3
    assert result.facets["targets"] == {"老年人": 2, "儿童": 2, "青少年": 1, "残疾人": 1, "家庭": 2}
    filtered = backend.search(name, SearchQuery(q="多对象", filters={"targets": ["残疾人"]}, facets=("targets",)))
    assert [h.id for h in filtered.hits] == ["m1"]
    assert filtered.facets["targets"] == {"老年人": 1, "儿童": 1, "青少年": 1, "残疾人": 1, "家庭": 1}


def test_a_repeated_list_value_counts_its_document_once(indexes):
    base = {"description": "社区服务。", "field": "社区治理", "district": "430702", "fee": 0, "updated": "2024-01-01"}
    docs = [{**base, "id": "r1", "name": "重复对象服务站", "targets": ["老年人", "老年人", "儿童"]},
            {**base, "id": "r2", "name": "重复对象活动室", "targets": ["儿童", "老年人"]}]
    backend, name = indexes.backend, indexes.new(docs=docs)
    result = backend.search(name, SearchQuery(q="重复对象", facets=("targets", "field")))
    assert result.facets == {"targets": {"老年人": 2, "儿童": 2}, "field": {"社区治理": 2}}


def test_embedded_ranks_more_matching_fields_higher_within_the_best_field(tmp_path):
    """Scores are masks of the matched fields: name+description > name only > description only."""
    from search_index.embedded import EmbeddedBackend

    base = {"field": "养老服务", "targets": [], "district": "430702", "fee": 0, "updated": "2024-01-01"}
    docs = [{**base, "id": "a", "name": "日间照料中心", "description": "提供助浴服务。"},  # description only
            {**base, "id": "b", "name": "助浴服务站", "description": "上门服务。"},  # name only
            {**base, "id": "c", "name": "助浴点", "description": "为老人助浴。"}]  # both
    backend = EmbeddedBackend(tmp_path)
    backend.ensure_index(SPEC)
    backend.upsert(SPEC.name, docs)
    assert [h.id for h in backend.search(SPEC.name, SearchQuery(q="助浴")).hits] == ["c", "b", "a"]
    # Two words add up: b has 助浴 in its name and 服务 in both fields; c has no 服务.
    assert [h.id for h in backend.search(SPEC.name, SearchQuery(q="助浴 服务")).hits] == ["b", "a"]
    assert [h.id for h in backend.search(SPEC.name, SearchQuery(q="助浴点")).hits] == ["c"]


def test_embedded_highlights_compatibility_forms_of_the_query(tmp_path):
    """Fullwidth letters in a document are found and marked for a halfwidth query."""
    from search_index.embedded import EmbeddedBackend

    doc = {"id": "w", "name": "ＷｉＦｉ学习室", "description": "免费 WiFi，可预约。", "field": "儿童关爱",
           "targets": ["儿童"], "district": "430702", "fee": 0, "updated": "2024-01-01"}
    backend = EmbeddedBackend(tmp_path)
    backend.ensure_index(SPEC)
    backend.upsert(SPEC.name, [doc])
    hit = backend.search(SPEC.name, SearchQuery(q="wifi")).hits[0]
    assert hit.highlight == {"name": "<mark>ＷｉＦｉ</mark>学习室", "description": "免费 <mark>WiFi</mark>，可预约。"}


def test_a_filter_accepting_every_present_value_still_filters_later_documents(indexes):
    """The embedded backend skips a facet filter that accepts every value the index holds;
    a document with a new value must still be kept out."""
    backend, name = indexes.backend, indexes.new()
    every = sorted({d["district"] for d in DOCS})
    assert backend.search(name, SearchQuery(q="心理", filters={"district": every})).total == len(matching("心理"))
    extra = {**DOCS[1], "id": "x1", "district": "999999"}
    backend.upsert(name, [extra])
    found = backend.search(name, SearchQuery(q="心理", filters={"district": every}, per_page=50))
    assert "x1" not in {h.id for h in found.hits} and found.total == len(matching("心理"))


def test_embedded_head_of_a_query_gives_the_full_query_answer(tmp_path, monkeypatch):
    """The embedded backend answers a page of a one-term query from its highest-scoring
    `_where` terms when those hold enough documents: pages, totals and facets must equal
    the full query's, for every page size, page, and filter."""
    from search_index.embedded import EmbeddedBackend, _query

    backend = EmbeddedBackend(tmp_path)
    backend.ensure_index(SPEC)
    backend.upsert(SPEC.name, list(reversed(DOCS)))
    backend.delete(SPEC.name, ["s05"])  # deleted documents still count in term statistics
    heads = []
    real_head = _query.Plan.head

    def answers():
        out = []
        for q in ("心理", "社区", "老年", "老年人", "服务", "咨询"):
            for filters in ({}, {"district": ["430702"]}, {"field": ["心理健康", "养老服务"]}):
                for per_page in (1, 2, 3, 5):
                    for page in range(1, 5):
                        r = backend.search(SPEC.name, SearchQuery(q=q, filters=filters, facets=("field", "targets"),
                                                                  page=page, per_page=per_page))
                        out.append((r.total, [(h.id, h.score, h.highlight) for h in r.hits], r.facets))
        return out

    monkeypatch.setattr(_query.Plan, "head", lambda self, wanted: heads.append(real_head(self, wanted)) or heads[-1])
    with_head = answers()
    assert sum(h is not None for h in heads) >= 20  # the short cut was taken
    monkeypatch.setattr(_query.Plan, "head", lambda self, wanted: None)
    assert answers() == with_head
