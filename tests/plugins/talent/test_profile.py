"""The talent database's profile sections on the demo: a community's workers (counts public,
names to talent readers), an organisation's certified workers (counts public, names to staff),
a worker's own record (the worker and talent readers only); nothing where the module is off."""

from __future__ import annotations

from datetime import date

from core.tables import Person, User
from plugins.talent.tables import ContinuingEducation, SocialWorker
from tests.conftest import OTHER, OWN, bearer_for, run


def _section(body: dict, name: str) -> dict | None:
    return next((s["data"] for s in body["sections"] if s["name"] == name), None)


def _facts(data: dict) -> dict:
    return dict(map(tuple, data["facts"]))


def _on_duty(**where) -> list[dict]:
    rows = run(SocialWorker.select().where((SocialWorker.district_code == OWN) & (SocialWorker.status == "在岗")))
    return [r for r in rows if all(r[k] == v for k, v in where.items())]


def _name(person_id: int) -> str:
    return run(Person.select(Person.name).where(Person.id == person_id).first())["name"]


def test_community_workers_counts_public_names_to_readers(client, as_role):
    posted = next(r for r in _on_duty() if r["employer_community_code"])
    community = posted["employer_community_code"]
    there = _on_duty(employer_community_code=community)
    url = f"/api/districts/{OWN}/communities/{community}/profile"
    public = _section(client.get(url).json(), "talent.community")
    assert _facts(public)["在岗社工"] == f"{len(there)} 人"
    assert _facts(public)["持证社工"] == f"{sum(1 for r in there if r['qualification'] != '无')} 人"
    assert not any("/persons/" in i["url"] for i in public["items"])  # no worker named publicly
    texts = str(public)
    assert all(_name(r["person_id"]) not in texts for r in there)
    staff = _section(client.get(url, headers=as_role("district_admin")).json(), "talent.community")
    named = {i["title"] for i in staff["items"] if "/persons/" in i["url"]}
    assert named == {_name(r["person_id"]) for r in there}
    employers = {r["employer_org_id"] for r in there if r["employer_org_id"]}
    assert {i["url"] for i in public["items"]} >= {f"/districts/{OWN}/organizations/{o}/profile" for o in employers} \
        or not employers


def test_organization_certified_workers(client, as_role):
    worker = next(r for r in _on_duty() if r["employer_org_id"] and r["qualification"] != "无")
    org = worker["employer_org_id"]
    certified = [r for r in _on_duty(employer_org_id=org) if r["qualification"] != "无"]
    url = f"/api/districts/{OWN}/organizations/{org}/profile"
    public = _section(client.get(url).json(), "talent.organization")
    facts = _facts(public)
    assert facts["持证社工"] == f"{len(certified)} 人"
    assert facts[worker["qualification"]] == f"{sum(1 for r in certified if r['qualification'] == worker['qualification'])} 人"
    assert public["items"] == []
    staff = _section(client.get(url, headers=as_role("supervisor")).json(), "talent.organization")
    assert sorted(i["title"] for i in staff["items"]) == sorted(_name(r["person_id"]) for r in certified)


def test_person_section_self_and_readers_only(client, as_role):
    user = run(User.select(User.person_id).where(User.username == f"{OWN}-worker").first())
    worker = run(SocialWorker.select().where(SocialWorker.person_id == user["person_id"]).first())
    assert worker, "the demo worker user has a worker profile"
    url = f"/api/districts/{OWN}/persons/{user['person_id']}/profile"
    own = _section(client.get(url, headers=bearer_for(client, f"{OWN}-worker")).json(), "talent.person")
    assert own is not None
    facts = _facts(own)
    assert facts["职业资格"].startswith(worker["qualification"]) and facts["在岗状态"] == worker["status"]
    today = date.today()
    hours = sum(r["hours"] for r in run(ContinuingEducation.select().where(ContinuingEducation.worker == worker["id"]))
                if r["day"].year == today.year and r["day"] <= today)
    assert facts[f"{today.year} 年继续教育"] == f"{hours:g} 学时"
    assert facts["登记状态"].split("（")[0] in ("未登记", "有效", "即将到期", "已过期")
    staff = _section(client.get(url, headers=as_role("district_admin")).json(), "talent.person")
    assert staff == own
    assert client.get(url).status_code == 401
    assert client.get(url, headers=as_role("resident")).status_code == 404
    # A person without a worker profile: no talent section.
    workers = {r["person_id"] for r in run(SocialWorker.select(SocialWorker.person_id))}
    other = next(p for p in run(Person.select(Person.id).where(Person.district_code == OWN)) if p["id"] not in workers)
    body = client.get(f"/api/districts/{OWN}/persons/{other['id']}/profile", headers=as_role("district_admin")).json()
    assert _section(body, "talent.person") is None and _section(body, "registry.person") is not None


def test_module_off_no_section(client, as_role):
    platform = as_role("platform_admin")
    worker = run(SocialWorker.select().where((SocialWorker.district_code == OTHER)
                                             & SocialWorker.employer_community_code.is_not_null()).first())
    url = f"/api/districts/{OTHER}/communities/{worker['employer_community_code']}/profile"
    assert _section(client.get(url).json(), "talent.community") is not None  # on in 430703
    assert client.put(f"/api/districts/{OTHER}/modules/talent", json={"enabled": False}, headers=platform).status_code == 200
    try:
        body = client.get(url).json()
        assert "社工人才库" in body["modules_off"]
        assert not any(s["module"] == "talent" for s in body["sections"])
    finally:
        assert client.put(f"/api/districts/{OTHER}/modules/talent", json={"enabled": True},
                          headers=platform).status_code == 200


def test_community_shows_its_streets_station_workers(client, as_role):
    """A worker posted at the street (its social-work station) counts on each of its communities'
    profiles: the number public, the name to talent readers only."""
    worker = next(r for r in _on_duty() if r["employer_community_code"] and r["employer_community_code"][-3:] != "000")
    community = worker["employer_community_code"]
    street = community[:9] + "000"
    url = f"/api/districts/{OWN}/communities/{community}/profile"
    already = len(_on_duty(employer_community_code=street))
    try:
        run(SocialWorker.update({SocialWorker.employer_community_code: street}).where(SocialWorker.id == worker["id"]))
        public = _section(client.get(url).json(), "talent.community")
        assert _facts(public)["社工站驻站社工"] == f"{already + 1} 人"
        assert _name(worker["person_id"]) not in str(public)
        staff = _section(client.get(url, headers=as_role("district_admin")).json(), "talent.community")
        posted = [i for i in staff["items"] if i["meta"].startswith("社工站驻站")]
        assert _name(worker["person_id"]) in [i["title"] for i in posted]
        assert f"/districts/{OWN}/persons/{worker['person_id']}/profile" in [i["url"] for i in posted]
        resident = _section(client.get(url, headers=as_role("resident")).json(), "talent.community")
        assert not any(i["meta"].startswith("社工站驻站") for i in resident["items"])
    finally:
        run(SocialWorker.update({SocialWorker.employer_community_code: community}).where(
            SocialWorker.id == worker["id"]))
