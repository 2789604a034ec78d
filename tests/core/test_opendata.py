"""The open-data portal: the page, the catalogue as JSON and as DCAT JSON-LD, and
streamed downloads (CSV, JSON, XLSX), proved with the example plugin's
`example-notes` dataset — and a sweep over every dataset for personal data."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from urllib.parse import urlparse

import openpyxl
import pytest

from core.contrib import Dataset, DatasetColumn
from core.modules import enabled_modules
from core.opendata.formats import FORMATS, write_xlsx
from core.spreadsheets import csv_cell
from core.tables import Organization, Person
from tests.conftest import OTHER, OWN, bearer, run
from tests.example_plugin.tables import Note

SECRET_PHONE = "13955550123"
TRICKY_TEXT = '=1+1, "引号"\n第二行'
TITLES = ["编号", "区县代码", "内容"]


def set_module(client, tokens, module: str, code: str, enabled: bool) -> None:
    response = client.put(f"/api/districts/{code}/modules/{module}", json={"enabled": enabled},
                          headers=bearer(tokens["platform_admin"]))
    assert response.status_code == 200, response.text


@pytest.fixture
def example_nowhere(client, tokens):
    """The example module disabled in both districts (its default)."""
    for code in (OWN, OTHER):
        set_module(client, tokens, "example", code, False)
    yield
    for code in (OWN, OTHER):
        set_module(client, tokens, "example", code, False)


@pytest.fixture
def example_in_own(example_nowhere, client, tokens):
    """The example module enabled in OWN only, with a note carrying a phone and awkward text."""
    set_module(client, tokens, "example", OWN, True)
    with notes((OWN, TRICKY_TEXT, SECRET_PHONE)):
        yield


@contextmanager
def notes(*rows: tuple[str, str, str]) -> Iterator[None]:
    """Notes (district, text, author_phone) written straight to the table and removed afterwards,
    so the example module's note limit stays free for other tests."""
    ids = [run(Note.insert(Note(district_code=code, text=text, author_phone=phone)).returning(Note.id))[0]["id"]
           for code, text, phone in rows]
    try:
        yield
    finally:
        run(Note.delete().where(Note.id.is_in(ids)))


def own_notes() -> list[dict]:
    return run(Note.select(Note.id, Note.district_code, Note.text).where(Note.district_code == OWN).order_by(Note.id))


def section(page: str, name: str) -> str:
    start = page.index(f'data-testid="dataset-{name}"')
    return page[start:page.index("</section>", start)]


# The page ------------------------------------------------------------------


def test_page_lists_a_dataset_only_where_its_module_is_enabled(example_nowhere, client, tokens):
    page = client.get("/opendata")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "三社联动开放数据" in page.text and 'data-testid="dataset-example-notes"' not in page.text
    assert "example-notes" not in [d["name"] for d in client.get("/opendata/datasets.json").json()]

    set_module(client, tokens, "example", OWN, True)
    card = section(client.get("/opendata").text, "example-notes")
    assert "示例便签" in card and "每条便签的文字" in card and "CC-BY-4.0" in card
    assert "武陵区" in card and "鼎城区" not in card
    assert "未注明" in card  # the example dataset gives no update time
    for fmt in ("csv", "json", "xlsx"):
        assert f'href="/opendata/example-notes.{fmt}"' in card
    assert "author_phone" not in card


def test_page_row_count_and_english(example_in_own, client):
    card = section(client.get("/opendata").text, "example-notes")
    assert f"{len(own_notes())} 条" in card
    english = client.get("/opendata?lang=en").text
    assert "Sanshe open data" in english and "Wuling District" in section(english, "example-notes")


def test_page_empty_state(client, ctx, monkeypatch):
    monkeypatch.setattr(ctx.contributions, "datasets", {})
    page = client.get("/opendata")
    assert page.status_code == 200 and 'data-testid="no-datasets"' in page.text and "暂无公开的数据集" in page.text
    assert client.get("/opendata/datasets.json").json() == []


# The catalogue ---------------------------------------------------------------


def test_catalogue_json_has_counts_formats_and_absolute_urls(example_in_own, client):
    listed = {d["name"]: d for d in client.get("/opendata/datasets.json").json()}
    assert client.get("/api/opendata/datasets").json() == list(listed.values())  # the first path still works
    notes = listed["example-notes"]
    assert notes["districts"] == [OWN] and notes["formats"] == ["csv", "json", "xlsx"]
    assert notes["row_count"] == len(own_notes()) == len(client.get("/opendata/example-notes.json").json())
    assert notes["updated"] is None
    assert [c["name"] for c in notes["columns"]] == ["id", "district_code", "text"]
    for fmt, url in notes["downloads"].items():
        parsed = urlparse(url)
        assert parsed.scheme in ("http", "https") and parsed.netloc and parsed.path == f"/opendata/example-notes.{fmt}"
        assert client.get(parsed.path).status_code == 200


def test_plugin_count_and_update_time_feed_the_catalogue(example_in_own, client, ctx, monkeypatch):
    async def rows(districts):
        yield {"id": 1, "secret": "never"}

    async def count(districts):
        return 42

    async def updated(districts):
        return datetime(2026, 3, 1, 9, 30)

    probe = Dataset(module="example", name="probe", title="探针", description="测试用", columns=(DatasetColumn("id", "编号"),),
                    rows=rows, count=count, updated=updated, keywords=("测试",))
    monkeypatch.setitem(ctx.contributions.datasets, "probe", probe)
    listed = {d["name"]: d for d in client.get("/opendata/datasets.json").json()}
    assert listed["probe"]["row_count"] == 42 and listed["probe"]["updated"] == "2026-03-01T09:30:00"
    assert "2026-03-01 09:30" in section(client.get("/opendata").text, "probe")
    entry = next(d for d in client.get("/opendata/catalog.jsonld").json()["dcat:dataset"]
                 if d["dct:identifier"] == "probe")
    assert entry["dct:modified"] == {"@value": "2026-03-01T09:30:00", "@type": "xsd:dateTime"}
    assert "测试" in entry["dcat:keyword"]
    assert client.get("/opendata/probe.json").json() == [{"id": 1}]


def test_dcat_catalogue(example_in_own, client):
    response = client.get("/opendata/catalog.jsonld")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/ld+json")
    catalog = json.loads(response.content)
    context = catalog["@context"]
    assert context["dcat"] == "http://www.w3.org/ns/dcat#" and context["dct"] == "http://purl.org/dc/terms/"
    assert catalog["@type"] == "dcat:Catalog" and catalog["dct:title"] == "三社联动开放数据"
    entry = next(d for d in catalog["dcat:dataset"] if d["dct:identifier"] == "example-notes")
    assert entry["@type"] == "dcat:Dataset" and entry["dct:title"] == "示例便签"
    assert entry["dct:description"] and entry["dct:license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "dct:modified" not in entry  # the example dataset reports no update time
    assert "示例模块" in entry["dcat:keyword"]
    assert [s["dct:identifier"] for s in entry["dct:spatial"]] == [OWN]
    distributions = entry["dcat:distribution"]
    assert len(distributions) == 3 and all(d["@type"] == "dcat:Distribution" for d in distributions)
    assert {d["dcat:mediaType"].rsplit("media-types/", 1)[1] for d in distributions} == {
        f.iana for f in FORMATS.values()}
    for distribution in distributions:
        url = urlparse(distribution["dcat:downloadURL"])
        assert url.scheme in ("http", "https") and url.netloc, distribution
        assert client.get(url.path).status_code == 200
    for url in (catalog["@id"], catalog["foaf:homepage"], entry["@id"]):
        assert urlparse(url).netloc


# Downloads -------------------------------------------------------------------


def test_csv_download(example_in_own, client):
    response = client.get("/opendata/example-notes.csv")
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="example-notes.csv"')
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == TITLES
    # Text a spreadsheet would run as a formula gets a leading apostrophe (core.spreadsheets).
    assert rows[1:] == [[str(n["id"]), n["district_code"], csv_cell(n["text"])] for n in own_notes()]
    assert "'" + TRICKY_TEXT in [r[2] for r in rows[1:]]  # commas, quotes and line breaks survive
    assert SECRET_PHONE.encode() not in response.content


def test_json_download(example_in_own, client):
    response = client.get("/opendata/example-notes.json")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert 'filename="example-notes.json"' in response.headers["content-disposition"]
    assert response.json() == own_notes()
    assert SECRET_PHONE not in response.text


def test_xlsx_download(example_in_own, client):
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    response = client.get("/opendata/example-notes.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"] == FORMATS["xlsx"].media_type
    assert 'filename="example-notes.xlsx"' in response.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == TITLES
    assert rows[1:] == [[n["id"], n["district_code"], n["text"]] for n in own_notes()]  # "=1+1…" stays text
    assert not [path for path in ALL_TEMP_FILES if os.path.exists(path)]  # openpyxl's sheet files are gone


def test_xlsx_cleans_up_when_a_download_fails():
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    async def failing(districts):
        yield {"id": 1}
        raise RuntimeError("database went away")

    broken = Dataset(module="example", name="broken", title="坏", description="", columns=(DatasetColumn("id", "编号"),),
                     rows=failing)

    async def consume():
        async for _ in write_xlsx(broken, [OWN]):
            pass

    with pytest.raises(RuntimeError):
        run(consume())
    assert not [path for path in ALL_TEMP_FILES if os.path.exists(path)]


def test_first_api_paths_still_download(example_in_own, client):
    assert client.get("/api/opendata/datasets/example-notes?format=csv").content.startswith("\ufeff".encode())
    assert client.get("/api/opendata/datasets/example-notes?format=json").json() == own_notes()
    xlsx = client.get("/api/opendata/datasets/example-notes?format=xlsx")
    assert xlsx.status_code == 200 and zipfile.is_zipfile(io.BytesIO(xlsx.content))
    assert client.get("/api/opendata/datasets/example-notes?format=pdf").status_code == 400


def test_unknown_or_unpublished_datasets_and_formats(example_nowhere, client, tokens):
    for path in ("/opendata/no-such-thing.csv", "/opendata/example-notes.csv", "/opendata/example-notes",
                 "/api/opendata/datasets/example-notes?format=json"):
        response = client.get(path)
        assert response.status_code == 404, path
        body = response.json()
        assert body["code"] == "dataset_not_found" and "数据集" in body["detail"]
    set_module(client, tokens, "example", OWN, True)
    response = client.get("/opendata/example-notes.pdf")
    assert response.status_code == 404 and response.json()["code"] == "unknown_format"
    assert "不支持的下载格式" in response.json()["detail"]


# Personal data never leaves ------------------------------------------------------


@pytest.fixture
def every_module_everywhere(app, client, tokens):
    """Every installed module enabled in both districts; each district's own choice put back afterwards."""
    ctx = app.state.ctx
    before = {code: set(run(enabled_modules(ctx, code))) for code in (OWN, OTHER)}
    for name in ctx.contributions.modules:
        for code in (OWN, OTHER):
            set_module(client, tokens, name, code, True)
    yield ctx
    for code, names in before.items():
        for name in ctx.contributions.modules:
            if name not in names:
                set_module(client, tokens, name, code, False)


def readable_bytes(content: bytes, fmt: str) -> bytes:
    """What a reader of the file can see: an XLSX's zipped parts are unpacked."""
    if fmt != "xlsx":
        return content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"\n".join(archive.read(member) for member in archive.namelist())


def test_no_dataset_ever_publishes_an_id_number_or_phone(every_module_everywhere, client):
    ctx = every_module_everywhere
    with notes((OWN, "公开的便签", "13700001111"), (OTHER, "公开的便签", "13700002222")):
        published, secrets = download_everything(ctx, client)
    assert {"13700001111", "13700002222"} <= secrets
    assert any(len(s) == 18 for s in secrets), "the demo registry should hold people"
    assert any(path.startswith("example-notes.") for path, _ in published)
    leaks = [(path, secret) for path, content in published for secret in secrets if secret.encode() in content]
    assert leaks == []


def download_everything(ctx, client) -> tuple[list[tuple[str, bytes]], set[str]]:
    """Every public output (page, catalogues, every dataset in every format), and every secret."""
    people = run(Person.select(Person.id_number, Person.phone))
    secrets = {p["id_number"] for p in people if p["id_number"]} | {p["phone"] for p in people if p["phone"]}
    secrets |= {o["contact_phone"] for o in run(Organization.select(Organization.contact_phone)) if o["contact_phone"]}
    secrets |= {n["author_phone"] for n in run(Note.select(Note.author_phone)) if n["author_phone"]}

    published: list[tuple[str, bytes]] = []
    for path in ("/opendata", "/opendata/datasets.json", "/opendata/catalog.jsonld"):
        published.append((path, client.get(path).content))
    for name in ctx.contributions.datasets:
        for fmt in FORMATS:
            response = client.get(f"/opendata/{name}.{fmt}")
            assert response.status_code == 200, (name, fmt, response.text[:200])
            published.append((f"{name}.{fmt}", readable_bytes(response.content, fmt)))
    return published, secrets
