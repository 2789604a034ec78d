"""The exact requests MeilisearchBackend sends, against a stand-in server
(pytest-httpserver; the meilisearch client uses `requests`, which respx does
not intercept). No Meilisearch needed."""

from __future__ import annotations

import json
import re

import pytest
from werkzeug import Request, Response

from search_index import SearchError, SearchQuery
from search_index.meili import MeilisearchBackend, build_filter, escape_marked
from tests.search_index.corpus import SPEC

ENQUEUED_AT = "2024-01-01T00:00:00.000000Z"  # the client needs fractional seconds


def _json(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


class FakeMeili:
    """Records every request; answers writes with a task and tasks with `task_status`."""

    def __init__(self, httpserver) -> None:
        self.requests: list[tuple[str, str, dict, object]] = []
        self.task_status = "succeeded"
        self.task_error: dict | None = None
        self.task_results: dict[int, tuple[str, dict | None]] = {}  # per task uid, else the two above
        self.search_response: dict = {"hits": [], "totalHits": 0, "page": 1, "hitsPerPage": 20}
        self.errors: dict[str, tuple[int, dict]] = {}  # path -> (status, body)
        self.settings: dict = {}
        self._uid = 0
        httpserver.expect_request(re.compile(".*")).respond_with_handler(self.handle)
        self.url = httpserver.url_for("").rstrip("/")

    def handle(self, request: Request) -> Response:
        body = json.loads(request.data) if request.data else None
        self.requests.append((request.method, request.path, dict(request.args), body))
        if request.path in self.errors:
            status, error = self.errors[request.path]
            return _json(error, status)
        if request.method == "GET":
            if request.path.startswith("/tasks/"):
                uid = int(request.path.rsplit("/", 1)[1])
                status, error = self.task_results.get(uid, (self.task_status, self.task_error))
                return _json({"uid": uid, "indexUid": "services", "status": status, "type": "x",
                              "error": error, "enqueuedAt": ENQUEUED_AT})
            if request.path == "/health":
                return _json({"status": "available"})
            if request.path.endswith("/stats"):
                return _json({"numberOfDocuments": 7, "isIndexing": False, "fieldDistribution": {}})
            if request.path.endswith("/settings"):
                return _json(self.settings)
            if request.path.startswith("/indexes/"):
                return _json({"uid": "services", "primaryKey": "id", "createdAt": ENQUEUED_AT,
                              "updatedAt": ENQUEUED_AT})
        if request.path.endswith("/search"):
            return _json(self.search_response)
        self._uid += 1
        return _json({"taskUid": self._uid, "indexUid": "services", "status": "enqueued", "type": "x",
                      "enqueuedAt": ENQUEUED_AT}, 202)

    def calls(self, method: str | None = None, path: str | None = None) -> list[tuple[str, str, dict, object]]:
        return [r for r in self.requests if (method is None or r[0] == method) and (path is None or r[1] == path)]


@pytest.fixture
def fake(httpserver) -> FakeMeili:
    return FakeMeili(httpserver)


@pytest.fixture
def backend(fake) -> MeilisearchBackend:
    return MeilisearchBackend(fake.url, "master-key", timeout=2, batch_size=1000, task_timeout=0.5, poll_interval=0.01)


@pytest.fixture
def ready(fake, backend) -> MeilisearchBackend:
    backend.ensure_index(SPEC)
    fake.requests.clear()
    return backend


def test_ensure_index_creates_the_index_and_sends_settings(fake, backend):
    backend.ensure_index(SPEC)
    assert [(m, p) for m, p, _, _ in fake.requests] == [
        ("POST", "/indexes"), ("GET", "/tasks/1"), ("PATCH", "/indexes/services/settings"), ("GET", "/tasks/2")]
    assert fake.requests[0][3] == {"uid": "services", "primaryKey": "id"}
    assert fake.requests[2][3] == {
        "searchableAttributes": ["name", "description"],
        "filterableAttributes": ["field", "targets", "district"],
        "sortableAttributes": ["fee", "updated", "id"],
        "localizedAttributes": [{"attributePatterns": ["*"], "locales": ["cmn"]}],
        "rankingRules": None,
        "pagination": {"maxTotalHits": 100_000},
        "faceting": {"maxValuesPerFacet": 1000},
    }


def test_ensure_index_on_an_existing_index_updates_settings(fake, backend):
    fake.task_results[1] = ("failed", {"code": "index_already_exists", "message": "exists"})
    backend.ensure_index(SPEC)
    assert fake.calls("PATCH", "/indexes/services/settings")
    assert fake.calls("GET", "/tasks/2")
    fake.task_results[4] = ("failed", {"code": "invalid_settings_filterable_attributes", "message": "坏设置"})
    with pytest.raises(SearchError, match="settings of services.*坏设置"):
        backend.ensure_index(SPEC)


def test_upsert_sends_batches_and_waits_for_each_task(fake, ready):
    docs = [{"id": f"d{i}", "name": "社区服务"} for i in range(2500)]
    assert ready.upsert("services", iter(docs)) == 2500
    posts = fake.calls("POST", "/indexes/services/documents")
    assert [len(body) for _, _, _, body in posts] == [1000, 1000, 500]
    assert [args for _, _, args, _ in posts] == [{"primaryKey": "id"}] * 3
    assert [body[0]["id"] for _, _, _, body in posts] == ["d0", "d1000", "d2000"]
    # All batches are sent, then each task (uids 3-5 after ensure_index's 1-2) is awaited.
    assert [(m, p) for m, p, _, _ in fake.requests] == \
        [("POST", "/indexes/services/documents")] * 3 + [("GET", f"/tasks/{uid}") for uid in (3, 4, 5)]


def test_failed_task_raises_search_error(fake, ready):
    fake.task_status, fake.task_error = "failed", {"code": "missing_document_id", "message": "文档缺少 id"}
    with pytest.raises(SearchError, match="failed: 文档缺少 id"):
        ready.upsert("services", [{"name": "无编号"}])


def test_task_that_never_finishes_times_out(fake, ready):
    fake.task_status = "processing"
    with pytest.raises(SearchError, match="timed out"):
        ready.clear("services")
    assert len(fake.calls("GET")) >= 2  # it polled before giving up
    assert fake.calls("DELETE", "/indexes/services/documents")


def test_delete_and_count(fake, ready):
    assert ready.delete("services", ["a", 7]) == 2
    assert fake.calls("POST", "/indexes/services/documents/delete-batch")[0][3] == ["a", "7"]
    assert ready.delete("services", []) == 0
    assert len(fake.calls("POST")) == 1
    assert ready.count("services") == 7


def test_search_body(fake, ready):
    hostile = 'a" OR district = "x'
    ready.search("services", SearchQuery(q=" 社区  心理 ", filters={"field": [hostile, "养老服务"], "district": ["430702"]},
                                         facets=("field", "district"), page=3, per_page=5))
    (_, path, _, body), = fake.requests
    assert path == "/indexes/services/search"
    assert body == {
        "q": "社区 心理",
        "page": 3,
        "hitsPerPage": 5,
        "matchingStrategy": "all",
        "filter": [['field = "a\\" OR district = \\"x"', 'field = "养老服务"'], ['district = "430702"']],
        "facets": ["field", "district"],
        "attributesToHighlight": ["name", "description"],
        "highlightPreTag": "<mark>",
        "highlightPostTag": "</mark>",
        "sort": ["id:asc"],
    }


def test_search_sort_without_query(fake, ready):
    ready.search("services", SearchQuery(sort="-updated"))
    ready.search("services", SearchQuery())
    assert [body["sort"] for _, _, _, body in fake.requests] == [["updated:desc", "id:desc"], ["id:asc"]]
    assert "filter" not in fake.requests[0][3] and "facets" not in fake.requests[0][3]
    with pytest.raises(SearchError):
        ready.search("services", SearchQuery(sort="name"))


def test_filter_escaping():
    assert build_filter(SPEC, {"district": ['"', "\\", "x\\\" OR 1"]}) == [
        ['district = "\\""', 'district = "\\\\"', 'district = "x\\\\\\" OR 1"']]
    with pytest.raises(SearchError):
        build_filter(SPEC, {"name) OR (district": ["x"]})


def test_unknown_filter_field_sends_nothing(fake, ready):
    with pytest.raises(SearchError):
        ready.search("services", SearchQuery(filters={"name": ["x"]}))
    assert fake.requests == []


def test_search_response_maps_to_result(fake, ready):
    fake.search_response = {
        "hits": [
            {"id": "s23", "name": "助残就业服务", "description": "为残疾人提供<b>重点</b>帮扶",
             "_formatted": {"id": "s23", "name": "助残就业服务",
                            "description": "为残疾人提供<b><mark>重点</mark></b>帮扶 & 更多"}},
            {"id": "s07", "name": "残疾人康复服务站", "description": "康复"},
        ],
        "totalHits": 42, "page": 1, "hitsPerPage": 2, "totalPages": 21,
        "facetDistribution": {"district": {"430702": 30, "430703": 12}},
    }
    result = ready.search("services", SearchQuery(q="重点", facets=("district", "field"), per_page=2))
    assert result.total == 42
    assert [h.id for h in result.hits] == ["s23", "s07"]
    assert result.hits[0].document == {"id": "s23", "name": "助残就业服务", "description": "为残疾人提供<b>重点</b>帮扶"}
    assert result.hits[0].highlight == {"description": "为残疾人提供&lt;b&gt;<mark>重点</mark>&lt;/b&gt;帮扶 &amp; 更多"}
    assert result.hits[1].highlight == {}
    assert result.facets == {"district": {"430702": 30, "430703": 12}, "field": {}}


def test_estimated_total_is_used_when_total_hits_is_absent(fake, ready):
    fake.search_response = {"hits": [], "estimatedTotalHits": 9}
    assert ready.search("services", SearchQuery(q="x")).total == 9


def test_api_error_becomes_search_error(fake, ready):
    fake.errors["/indexes/services/search"] = (404, {"message": "Index `services` not found.",
                                                     "code": "index_not_found", "type": "invalid_request",
                                                     "link": "https://docs.meilisearch.com/errors#index_not_found"})
    with pytest.raises(SearchError, match="index_not_found"):
        ready.search("services", SearchQuery(q="养老"))


def test_search_without_ensure_index_reads_the_spec_from_the_server(fake, backend):
    fake.settings = {"searchableAttributes": ["name", "description"], "filterableAttributes": ["district"],
                     "sortableAttributes": ["updated", "id"]}
    backend.search("services", SearchQuery(q="养老", filters={"district": ["430702"]}, facets=("district",)))
    backend.search("services", SearchQuery(q="养老"))
    assert [p for _, p, _, _ in fake.calls("GET")] == ["/indexes/services", "/indexes/services/settings"]
    assert fake.calls("POST")[0][3]["attributesToHighlight"] == ["name", "description"]
    assert fake.calls("POST")[0][3]["filter"] == [['district = "430702"']]


def test_health(fake, backend):
    assert backend.health() == {"backend": "meilisearch", "status": "ok"}
    assert fake.calls("GET", "/health")


def test_unreachable_server():
    backend = MeilisearchBackend("http://127.0.0.1:9", None, timeout=1)
    with pytest.raises(SearchError, match="cannot reach Meilisearch"):
        backend.ensure_index(SPEC)
    assert backend.health()["status"].startswith("error: ")


def test_escape_marked_keeps_only_mark_tags():
    assert escape_marked('<script>x</script><mark>养老</mark>"') == \
        '&lt;script&gt;x&lt;/script&gt;<mark>养老</mark>&quot;'
