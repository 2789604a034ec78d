"""Profiles (社区画像 / 组织画像 / 社工档案): the API and the page, public vs staff vs the person
themself, a module that is off (listed, no section), other districts' records (404)."""

from __future__ import annotations

from core.tables import Community, Organization, Person
from tests.conftest import OTHER, OWN, bearer_for, run


def _community(district: str) -> str:
    return run(Community.select(Community.code).where(
        (Community.district_code == district) & (Community.kind == "community")).order_by(Community.code).first())["code"]


def test_community_profile_public(client):
    code = _community(OWN)
    body = client.get(f"/api/districts/{OWN}/communities/{code}/profile").json()
    assert (body["kind"], body["key"]) == ("community", code)
    names = [s["name"] for s in body["sections"]]
    assert names[0] == "registry.community" and "participation.community" in names
    core = dict(map(tuple, body["sections"][0]["data"]["facts"]))
    assert core["类型"] == "城市社区（居委会）" and core["代码"] == code
    live = run(Organization.count().where((Organization.district_code == OWN) & (Organization.community_code == code)
                                          & Organization.status.is_in(["registered", "filed"])))
    street, *orgs = body["sections"][0]["data"]["items"]  # its street (page with the station), then the organisations
    assert street["url"] == f"/districts/{OWN}/streets/{code[:9]}000" and street["meta"] == "乡镇（街道）· 社工站"
    assert core["驻社区社会组织"] == f"{live} 家" and len(orgs) == live
    assert all("/organizations/" in o["url"] for o in orgs)
    part = next(s for s in body["sections"] if s["name"] == "participation.community")["data"]
    facts = dict(map(tuple, part["facts"]))
    assert "居民需求（待受理）" in facts and facts["服务评价"]
    assert all("/participation/activities/" in i["url"] for i in part["items"])
    assert "example.notes" not in names  # the example module is off


def test_catalogue_sections(client):
    import json

    from plugins.catalogue.tables import Service

    published = run(Service.select().where((Service.district_code == OWN) & (Service.status == "published")))
    served = next((s for s in published if json.loads(s["communities"])), None)
    assert served, "the demo has a published service serving a community"
    community = json.loads(served["communities"])[0]
    body = client.get(f"/api/districts/{OWN}/communities/{community}/profile").json()
    section = next(s for s in body["sections"] if s["name"] == "catalogue.community")["data"]
    expected = sorted(s["name"] for s in published if community in json.loads(s["communities"]))
    assert sorted(i["title"] for i in section["items"]) == expected
    assert f"/services/{served['id']}" in [i["url"] for i in section["items"]]
    org = client.get(f"/api/districts/{OWN}/organizations/{served['organization_id']}/profile").json()
    provided = next(s for s in org["sections"] if s["name"] == "catalogue.organization")["data"]
    assert served["name"] in [i["title"] for i in provided["items"]]
    assert provided["facts"] == [["公开服务", f"{sum(1 for s in published if s['organization_id'] == served['organization_id'])} 项"]]


def test_registry_pages_link_to_profiles(client):
    code = _community(OWN)
    listing = client.get(f"/districts/{OWN}/communities?kind=community").text
    assert f"/districts/{OWN}/communities/{code}/profile" in listing
    org = run(Organization.select(Organization.id).where(Organization.district_code == OWN).first())
    assert f"/organizations/{org['id']}/profile" in client.get(f"/districts/{OWN}/organizations/{org['id']}").text


def test_community_profile_page(client):
    code = _community(OWN)
    page = client.get(f"/districts/{OWN}/communities/{code}/profile")
    assert page.status_code == 200 and "社区画像" in page.text
    assert 'data-testid="section-registry.community"' in page.text
    assert 'data-testid="section-participation.community"' in page.text
    english = client.get(f"/districts/{OWN}/communities/{code}/profile?lang=en")
    assert "Community profile" in english.text


def test_module_off_listed_and_no_section(client):
    code = _community(OTHER)  # participation is not enabled in 430703
    body = client.get(f"/api/districts/{OTHER}/communities/{code}/profile").json()
    assert "居民参与" in body["modules_off"]
    names = [s["name"] for s in body["sections"]]
    assert names[0] == "registry.community" and "catalogue.community" in names  # catalogue is on there
    assert not any(n.startswith("participation.") for n in names)
    page = client.get(f"/districts/{OTHER}/communities/{code}/profile")
    assert 'data-testid="modules-off"' in page.text and "居民参与" in page.text


def test_other_district_and_unknown_keys_404(client):
    theirs = _community(OTHER)
    assert client.get(f"/api/districts/{OWN}/communities/{theirs}/profile").status_code == 404
    assert client.get(f"/api/districts/{OWN}/communities/999999999999/profile").status_code == 404
    assert client.get(f"/districts/{OWN}/communities/{theirs}/profile").status_code == 404
    org = run(Organization.select(Organization.id).where(Organization.district_code == OTHER).first())
    if org:
        assert client.get(f"/api/districts/{OWN}/organizations/{org['id']}/profile").status_code == 404
    assert client.get(f"/api/districts/{OWN}/organizations/987654/profile").status_code == 404
    assert client.get(f"/api/districts/999999/communities/{theirs}/profile").status_code == 404


def test_organization_profile(client):
    org = run(Organization.select().where((Organization.district_code == OWN)
                                          & Organization.community_code.is_not_null()).first())
    body = client.get(f"/api/districts/{OWN}/organizations/{org['id']}/profile").json()
    assert body["title"] == org["name"] and body["sections"][0]["name"] == "registry.organization"
    assert body["sections"][0]["data"]["items"][0]["url"].endswith(f"/communities/{org['community_code']}/profile")
    assert client.get(f"/districts/{OWN}/organizations/{org['id']}/profile").status_code == 200


def test_person_profile_access(client, as_role):
    person = run(Person.select(Person.id, Person.name).where(Person.district_code == OWN).first())
    url = f"/api/districts/{OWN}/persons/{person['id']}/profile"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=as_role("resident")).status_code == 404  # not theirs: as if absent
    staff = client.get(url, headers=as_role("district_admin"))
    assert staff.status_code == 200 and staff.json()["title"] != person["name"]  # masked for staff
    assert staff.json()["title"].startswith(person["name"][0])
    facts = dict(map(tuple, staff.json()["sections"][0]["data"]["facts"]))
    assert staff.json()["sections"][0]["name"] == "registry.person" and facts["姓名"] == staff.json()["title"]
    theirs = run(Person.select(Person.id).where(Person.district_code == OTHER).first())
    assert client.get(f"/api/districts/{OWN}/persons/{theirs['id']}/profile",
                      headers=as_role("district_admin")).status_code == 404
    assert client.get(f"/districts/{OWN}/persons/{person['id']}/profile",
                      headers=as_role("district_admin")).status_code == 200


def test_person_profile_self(client):
    from core.tables import User

    user = run(User.select(User.person_id).where(User.username == f"{OWN}-worker").first())
    assert user and user["person_id"]
    headers = bearer_for(client, f"{OWN}-worker")
    body = client.get(f"/api/districts/{OWN}/persons/{user['person_id']}/profile", headers=headers)
    assert body.status_code == 200 and body.json()["kind"] == "person"
    name = run(Person.select(Person.name).where(Person.id == user["person_id"]).first())["name"]
    assert body.json()["title"] == name  # the person sees their own name
    own = body.json()["sections"][0]
    assert own["name"] == "registry.person" and dict(map(tuple, own["data"]["facts"]))["姓名"] == name
    other = run(Person.select(Person.id).where((Person.district_code == OWN) & (Person.id != user["person_id"])).first())
    assert client.get(f"/api/districts/{OWN}/persons/{other['id']}/profile", headers=headers).status_code == 404


def test_community_profile_shows_its_streets_station(client):
    """丹阳街道 (430702001000) has an open station in the demo (and a closed earlier one); 河洑镇 none."""
    from core.tables import SocialWorkStation

    code = f"{OWN}001001"
    station = run(SocialWorkStation.select().where((SocialWorkStation.street_code == f"{OWN}001000")
                                                   & SocialWorkStation.closed_on.is_null()).first())
    section = client.get(f"/api/districts/{OWN}/communities/{code}/profile").json()["sections"][0]["data"]
    facts = dict(map(tuple, section["facts"]))
    assert (facts["街道社工站"], facts["社工站状态"]) == (station["name"], "运行中")
    assert facts["社工站建站日期"] == str(station["opened_on"])
    assert facts["驻站社工数"] == f"{station['resident_workers']} 人"
    village = f"{OWN}101202"  # 太阳山村, under 河洑镇 (no station)
    other = dict(map(tuple, client.get(f"/api/districts/{OWN}/communities/{village}/profile").json()
                     ["sections"][0]["data"]["facts"]))
    assert other["街道社工站"] == "暂无" and "社工站状态" not in other


def test_organization_profile_credit_entries_and_inspections_are_public(client, as_role):
    from core.tables import AnnualInspection, CreditListing

    listing = run(CreditListing.select().where(CreditListing.district_code == OWN).first())
    assert listing, "the demo lists one organisation on the abnormal-activity list"
    org = listing["organization"]
    results = run(AnnualInspection.select().where(AnnualInspection.organization == org).order_by(
        AnnualInspection.year, ascending=False))
    url = f"/api/districts/{OWN}/organizations/{org}/profile"
    public = client.get(url).json()["sections"][0]
    assert public["name"] == "registry.organization"
    facts = dict(map(tuple, public["data"]["facts"]))
    assert facts["信用名录记录"] == "1 条（在列 1 条）"
    assert facts["最近年检"].startswith(f"{results[0]['year']} 年度：")
    titles = [i["title"] for i in public["data"]["items"]]
    assert "活动异常名录" in titles
    entry = next(i for i in public["data"]["items"] if i["title"] == "活动异常名录")
    assert str(listing["listed_on"]) in entry["meta"] and listing["reason"] in entry["meta"] and "在列" in entry["meta"]
    assert [t for t in titles if t.endswith("年度年检")] == [f"{r['year']} 年度年检" for r in results]
    staff = client.get(url, headers=as_role("district_admin")).json()["sections"][0]
    assert staff["data"] == public["data"]  # public records: everyone sees the same
