"""The indicator pages (core/web/indicators.py): the district dashboard and the city view render
every registered indicator with the value, target and status the API gives for the same date; an
indicator of a module the district lacks reads 未启用; `at` is respected (and echoed in the date
picker); English labels with `lang=en`; unknown city or district → 404; the core city and district
pages link to them."""

from __future__ import annotations

from html.parser import HTMLParser

from core.modules import enabled_modules
from core.web.indicators import number
from tests.conftest import OTHER, OWN, run

VOID = {"br", "input", "img", "meta", "link", "hr", "col", "source", "wbr"}


class _Elements(HTMLParser):
    """{data-testid: [(attributes, text)]} of every element that has one (text of all descendants)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, list[tuple[dict, str]]] = {}
        self.open: list[tuple[str, str | None, dict, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attributes = dict(attrs)
        self.open.append((tag, attributes.get("data-testid"), attributes, []))

    def handle_endtag(self, tag):
        while self.open:
            name, testid, attributes, parts = self.open.pop()
            text = "".join(parts)
            if self.open:
                self.open[-1][3].append(text)
            if testid:
                self.found.setdefault(testid, []).append((attributes, " ".join(text.split())))
            if name == tag:
                break

    def handle_data(self, data):
        if self.open:
            self.open[-1][3].append(data)


def elements(html: str) -> dict[str, list[tuple[dict, str]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


def one(found: dict, testid: str) -> tuple[dict, str]:
    assert testid in found, f"no element {testid}"
    return found[testid][0]


def test_the_district_page_shows_every_indicator_as_the_api_computes_it(client):
    at = "2026-06-30"
    api = client.get(f"/api/districts/{OWN}/indicators", params={"at": at}).json()["indicators"]
    page = client.get(f"/districts/{OWN}/indicators", params={"at": at})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    found = elements(page.text)
    assert len(api) >= 3 and len(found["module-group"]) >= 1
    for row in api:
        attributes, text = one(found, f"indicator-{row['name']}")
        assert attributes["data-status"] == row["status"], row["name"]
        assert row["label"] in text and row["status_label"] in text and row["definition"] in text
        if row["status"] != "off":
            assert number(row["value"]) in text and row["source"] in text
            if row["target"] is not None:
                assert f"{number(row['target'])} {row['unit']}" in text and row["target_basis"] in text
            if row["gap"] is not None:
                assert number(row["gap"], signed=True) in text
            if row["records_url"]:  # the link to the records behind the value
                card = page.text.split(f'data-testid="indicator-{row["name"]}"', 1)[1].split("</article>", 1)[0]
                assert f'href="{row["records_url"]}" data-testid="records"' in card
        else:
            assert row["records_url"] is None
    linked = [row["records_url"] for row in api if row["module"] == "talent"]
    assert linked and all(url == f"/districts/{OWN}/talent/stats" for url in linked)
    for url in {row["records_url"] for row in api if row["records_url"]}:
        assert client.get(url).status_code in (200, 401), url  # a real page (staff pages ask to log in)
    urban = one(found, "indicator-registry.urban_community_orgs")[1]
    assert "≥ 10 个/社区（民发〔2017〕191号）" in urban
    assert 'name="at" value="2026-06-30"' in page.text


def test_a_module_the_district_lacks_reads_not_enabled(client, ctx):
    enabled = set(run(enabled_modules(ctx, OTHER)))
    lacking = [i for i in ctx.contributions.indicators.values() if i.module != "core" and i.module not in enabled]
    assert lacking  # at least the example module's
    found = elements(client.get(f"/districts/{OTHER}/indicators").text)
    city = elements(client.get("/cities/430700/indicators").text)
    for indicator in lacking:
        attributes, text = one(found, f"indicator-{indicator.name}")
        assert attributes["data-status"] == "off" and "未启用" in text
        assert one(city, f"cell-{indicator.name}-{OTHER}")[1] == "未启用"
    core = one(found, "indicator-registry.orgs_per_10k")
    assert core[0]["data-status"] != "off" and "未启用" not in core[1]


def test_the_date_is_respected(client):
    early = elements(client.get(f"/districts/{OWN}/indicators", params={"at": "1990-01-01"}).text)
    urban = one(early, "indicator-registry.urban_community_orgs")
    assert urban[0]["data-status"] == "no_data" and "暂无数据" in urban[1]  # no communities yet in 1990
    now = elements(client.get(f"/districts/{OWN}/indicators").text)
    assert one(now, "indicator-registry.urban_community_orgs")[0]["data-status"] in ("met", "unmet")
    city_early = elements(client.get("/cities/430700/indicators", params={"at": "1990-01-01"}).text)
    assert "暂无数据" in one(city_early, "cell-registry.urban_community_orgs-total")[1]
    assert client.get(f"/districts/{OWN}/indicators", params={"at": "2026-13-01"}).status_code == 400


def test_the_city_view_puts_the_districts_side_by_side_with_the_total(client):
    at = "2026-06-30"
    api = client.get("/api/cities/430700/indicators", params={"at": at}).json()
    page = client.get("/cities/430700/indicators", params={"at": at})
    assert page.status_code == 200
    assert f'href="/api/cities/430700/indicators.xlsx?at={at}"' in page.text  # the report for the city government
    found = elements(page.text)
    assert [one(found, f"col-{d['code']}")[1] for d in api["districts"]] == [d["name"] for d in api["districts"]]
    assert len(found["city-indicators-table"]) == 1
    for index, total in enumerate(api["total"]):
        row = one(found, f"row-{total['name']}")[1]
        assert total["label"] in row
        total_cell = one(found, f"cell-{total['name']}-total")[1]
        assert total["status_label"] in total_cell
        if total["status"] != "off":
            assert total_cell.startswith(number(total["value"]))
        for district in api["districts"]:
            cell = district["indicators"][index]
            text = one(found, f"cell-{total['name']}-{district['code']}")[1]
            assert cell["status_label"] in text
            if cell["status"] != "off":
                assert text.startswith(number(cell["value"]))
    assert f'href="/districts/{OWN}/indicators?at={at}"' in page.text
    # every indicator carries a target: a policy's, or a working target the page explains
    assert [t["name"] for t in api["total"] if t["target"] is None] == []
    if any(t["target_basis"].startswith("工作目标") for t in api["total"]):
        assert "本区配置 [indicator_targets]" in one(found, "work-target-note")[1]


def test_english(client):
    page = client.get(f"/districts/{OTHER}/indicators", params={"lang": "en"})
    assert page.status_code == 200
    found = elements(page.text)
    assert "Community organisations per urban community" in one(found, "indicator-registry.urban_community_orgs")[1]
    assert "Not enabled" in one(found, "indicator-example.notes_per_10k")[1]
    city = client.get("/cities/430700/indicators", params={"lang": "en"}).text
    assert "Indicators across the city" in city and "City total" in city


def test_unknown_city_or_district(client):
    assert client.get("/cities/990100/indicators").status_code == 404
    assert client.get("/districts/999999/indicators").status_code == 404


def test_the_core_pages_link_to_them(client, as_role):
    district = client.get(f"/districts/{OWN}").text
    assert f'href="/districts/{OWN}/indicators"' in district
    city = client.get("/cities/430700", headers=as_role("city_admin"))
    assert city.status_code == 200 and 'href="/cities/430700/indicators"' in city.text


def test_numbers_read_as_written():
    assert (number(None), number(10.0), number(1.33), number(12345.5), number(-9.5, signed=True),
            number(0.1, signed=True), number(0.0, signed=True)) == \
        ("—", "10", "1.33", "12,345.5", "−9.5", "+0.1", "0")
