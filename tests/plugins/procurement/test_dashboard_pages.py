"""The dashboard pages: the district's (charts, each with its table) and the city view (districts
side by side, 未启用 where the module is off, the city total), their links from the procurement
home, the district home's navigation and the core city view, and the same access as the API."""

from __future__ import annotations

import re

from tests.conftest import OTHER, OWN

PAGE = f"/districts/{OWN}/procurement/dashboard"
CITY_PAGE = "/cities/430700/procurement"
CHARTS = ("contracted", "paid", "providers", "concentration", "on-time", "scores", "stages")


def test_district_page_draws_each_chart_with_its_table(client, as_role):
    page = client.get(PAGE, headers=as_role("district_admin"))
    assert page.status_code == 200, page.text
    html = page.text
    for chart in CHARTS:
        assert f'data-testid="chart-{chart}"' in html, chart
    for table in ("table-spend-years", "table-providers", "table-milestones", "table-outcomes", "table-stages"):
        assert f'data-testid="{table}"' in html, table
    assert "需求征集（居民参与）模块未启用" not in html  # participation collects needs in 430702
    assert f'href="/districts/{OWN}/procurement"' in html  # overdue milestones link to the project list
    assert "<script>" not in html and not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", html)
    years = client.get(PAGE, params={"years": 2, "until": 2020}, headers=as_role("district_admin")).text
    assert '<tr data-year="2019">' in years and '<tr data-year="2018">' not in years


def test_english_page(client, as_role):
    client.cookies.set("sanshe_lang", "en")
    try:
        html = client.get(PAGE, headers=as_role("district_admin")).text
    finally:
        client.cookies.clear()
    assert "Purchase of services dashboard" in html and "Projects by stage now" in html


def test_page_access(client, as_role):
    assert client.get(PAGE, headers=as_role("org_staff")).status_code == 403
    assert client.get(f"/districts/{OTHER}/procurement/dashboard",
                      headers=as_role("district_admin")).status_code in (403, 404)
    assert client.get(CITY_PAGE, headers=as_role("org_staff")).status_code == 403
    assert client.get("/cities/999900/procurement", headers=as_role("city_admin")).status_code == 404


def test_city_page_lists_districts_side_by_side(client, as_role):
    page = client.get(CITY_PAGE, headers=as_role("city_admin"))
    assert page.status_code == 200, page.text
    html = page.text
    cell = re.search(rf'data-testid="cell-projects-{OTHER}">(.*?)</td>', html).group(1)
    assert "未启用" in cell  # 430703 does not enable procurement
    own = re.search(rf'data-testid="cell-projects-{OWN}">(.*?)</td>', html).group(1)
    total = re.search(r'data-testid="cell-projects-total"><strong>(.*?)</strong>', html).group(1)
    assert own == total  # the only district enabling the module
    assert 'data-testid="chart-contracted"' in html


def test_links_to_the_dashboards(client, as_role):
    home = client.get(f"/districts/{OWN}/procurement", headers=as_role("district_admin")).text
    assert f'href="{PAGE}"' in home
    district = client.get(f"/districts/{OWN}", headers=as_role("district_admin")).text
    assert f'href="{PAGE}"' in district and "{city}" not in district
    city = client.get("/cities/430700", headers=as_role("city_admin")).text
    assert f'href="{CITY_PAGE}"' in city
    dashboard = client.get(PAGE, headers=as_role("city_admin")).text
    assert f'href="{CITY_PAGE}"' in dashboard
    assert f'href="{CITY_PAGE}"' not in client.get(PAGE, headers=as_role("district_admin")).text
