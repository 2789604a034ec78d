"""Procurement's profile sections on the demo: a community's purchase projects (stage, awardee,
outcome score) and the needs they answer (through `offer_needs`); an organisation's awarded
projects (public) and bids (procurement readers only); nothing where the module is off."""

from __future__ import annotations

import json

from core.tables import Community, Organization
from plugins.procurement.evaluation_tables import ProjectEvaluation
from plugins.procurement.tables import Award, Bid, PurchaseProject
from tests.conftest import OTHER, OWN, run


def _section(body: dict, name: str) -> dict | None:
    return next((s["data"] for s in body["sections"] if s["name"] == name), None)


def _answering_project() -> dict:
    rows = run(PurchaseProject.select().where(PurchaseProject.district_code == OWN).order_by(PurchaseProject.id))
    found = next((r for r in rows if json.loads(r["needs"]) and json.loads(r["communities"])), None)
    assert found, "the demo has a project naming needs and communities"
    return found


def test_community_projects_public_and_staff(client, as_role):
    project = _answering_project()
    community = json.loads(project["communities"])[0]
    url = f"/api/districts/{OWN}/communities/{community}/profile"
    public = _section(client.get(url).json(), "procurement.community")
    serving = [r for r in run(PurchaseProject.select().where(PurchaseProject.district_code == OWN))
               if community in json.loads(r["communities"])]
    facts = dict(map(tuple, public["facts"]))
    assert facts["购买服务项目"] == f"{len(serving)} 个"
    titles = {i["title"]: i for i in public["items"]}
    item = titles[project["title"]]
    assert item["url"] == f"/opendata/ocds/records/{project['ocid']}"  # public: the OCDS record
    award = run(Award.select().where(Award.project == project["id"]).first())
    if award:
        org = run(Organization.select(Organization.name).where(Organization.id == award["organization_id"]).first())
        assert f"承接：{org['name']}" in item["meta"]
    delivering = {a["organization_id"] for a in run(Award.select(Award.organization_id, Award.project))
                  if any(r["id"] == a["project"] and r["stage"] in ("in_delivery", "evaluated", "closed")
                         for r in serving)}
    org_items = {i["url"] for i in public["items"] if i["meta"].startswith("承接组织")}
    assert org_items == {f"/districts/{OWN}/organizations/{o}/profile" for o in delivering}
    assert project["stage"] not in ("in_delivery", "evaluated", "closed") or org_items
    evaluation = run(ProjectEvaluation.select().where((ProjectEvaluation.project == project["id"])
                                                      & (ProjectEvaluation.state == "completed")).first())
    if evaluation:
        assert f"绩效评价 {evaluation['total']:.1f} 分" in item["meta"]
    need_items = [i for i in public["items"] if i["meta"].startswith("居民需求")]
    named = set(json.loads(project["needs"]))
    assert {i["url"].rsplit("/", 1)[1] for i in need_items} >= {r.rsplit(":", 1)[1] for r in named}
    assert all(f"/districts/{OWN}/participation/needs/" in i["url"] for i in need_items)
    assert any(project["title"] in i["meta"] for i in need_items)
    staff = _section(client.get(url, headers=as_role("district_admin")).json(), "procurement.community")
    staff_item = next(i for i in staff["items"] if i["title"] == project["title"])
    assert staff_item["url"] == f"/districts/{OWN}/procurement/projects/{project['id']}"


def test_organization_projects_public_bids_staff_only(client, as_role):
    award = run(Award.select().where(Award.district_code == OWN).order_by(Award.id).first())
    assert award, "the demo awards projects"
    org = award["organization_id"]
    url = f"/api/districts/{OWN}/organizations/{org}/profile"
    public = client.get(url).json()
    names = [s["name"] for s in public["sections"]]
    assert "procurement.organization" in names and "procurement.bids" not in names
    section = _section(public, "procurement.organization")
    awards = run(Award.select().where((Award.district_code == OWN) & (Award.organization_id == org)))
    assert dict(map(tuple, section["facts"]))["承接购买服务项目"] == f"{len(awards)} 个"
    project = run(PurchaseProject.select().where(PurchaseProject.id == award["project"]).first())
    assert project["title"] in [i["title"] for i in section["items"]]
    evaluations = run(ProjectEvaluation.select().where((ProjectEvaluation.organization_id == org)
                                                       & (ProjectEvaluation.state == "completed")))
    assert dict(map(tuple, section["facts"]))["已绩效评价"] == f"{len(evaluations)} 个"
    staff = client.get(url, headers=as_role("district_admin")).json()
    bids = _section(staff, "procurement.bids")
    assert bids is not None
    made = run(Bid.select().where((Bid.district_code == OWN) & (Bid.organization_id == org)))
    assert len(bids["items"]) <= len(made) and len(bids["items"]) >= 1  # the awarded bid's deadline has passed
    assert dict(map(tuple, bids["facts"]))["中标"] == f"{len(awards)} 次"
    assert any(i["meta"].startswith("中标") for i in bids["items"])


def test_module_off_no_section(client):
    community = run(Community.select(Community.code).where(
        (Community.district_code == OTHER) & (Community.kind == "community")).first())["code"]
    body = client.get(f"/api/districts/{OTHER}/communities/{community}/profile").json()
    assert "政府购买服务" in body["modules_off"]
    assert not any(s["module"] == "procurement" for s in body["sections"])


def test_outcome_scores_shown(client):
    done = run(ProjectEvaluation.select().where((ProjectEvaluation.district_code == OWN)
                                                & (ProjectEvaluation.state == "completed")).order_by(ProjectEvaluation.id))
    assert done, "the demo completes evaluations"
    org = done[0]["organization_id"]
    mine = [e for e in done if e["organization_id"] == org]
    section = _section(client.get(f"/api/districts/{OWN}/organizations/{org}/profile").json(),
                       "procurement.organization")
    facts = dict(map(tuple, section["facts"]))
    average = sum(e["total"] for e in mine) / len(mine)
    assert facts["平均绩效评价得分"] == f"{average:.1f} 分（{len(mine)} 个项目）"
    project = run(PurchaseProject.select().where(PurchaseProject.id == done[0]["project"]).first())
    item = next(i for i in section["items"] if i["title"] == project["title"])
    assert f"绩效评价 {done[0]['total']:.1f} 分（{done[0]['grade']}）" in item["meta"]
    communities = json.loads(project["communities"])
    if communities:
        there = _section(client.get(f"/api/districts/{OWN}/communities/{communities[0]}/profile").json(),
                         "procurement.community")
        assert f"绩效评价 {done[0]['total']:.1f} 分" in next(i for i in there["items"] if i["title"] == project["title"])["meta"]
