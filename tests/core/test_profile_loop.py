"""A community's profile opens with its 三社联动 loop at a glance — residents' needs → purchase
projects → the organisations delivering them → social workers → activities → ratings — built
from the `loop` steps the sections name, in loop order whatever the sections' order, each linking
to its section; a module that is off adds no step."""

from __future__ import annotations

import json

from core.profiles_contrib import LOOP_STEPS
from plugins.procurement.tables import PurchaseProject
from tests.conftest import OTHER, OWN, run


def _community_with_a_project() -> str:
    rows = run(PurchaseProject.select(PurchaseProject.communities, PurchaseProject.needs).where(
        PurchaseProject.district_code == OWN).order_by(PurchaseProject.id))
    return next(json.loads(r["communities"])[0] for r in rows
                if json.loads(r["needs"] or "[]") and json.loads(r["communities"] or "[]"))


def test_the_loop_in_order_from_the_sections(client):
    code = _community_with_a_project()
    body = client.get(f"/api/districts/{OWN}/communities/{code}/profile").json()
    steps = [s["step"] for s in body["loop"]]
    order = list(LOOP_STEPS)
    assert steps == sorted(steps, key=order.index)
    assert {"need", "project", "organization", "worker", "activity", "rating"} <= set(steps)
    sections = {s["name"]: s for s in body["sections"]}
    for step in body["loop"]:
        assert step["section"] in sections and step["label"] == LOOP_STEPS[step["step"]][0]
    project = next(s for s in body["loop"] if s["step"] == "project")
    facts = dict(map(tuple, sections["procurement.community"]["data"]["facts"]))
    assert project["value"] == facts["购买服务项目"]
    page = client.get(f"/districts/{OWN}/communities/{code}/profile").text
    strip = page.split('data-testid="loop"', 1)[1].split("</ol>", 1)[0]
    assert [s["step"] for s in body["loop"]] == [part.split('"', 1)[0] for part in strip.split('data-step="')[1:]]
    for step in body["loop"]:
        assert f'href="#section-{step["section"]}"' in strip and f'id="section-{step["section"]}"' in page


def test_modules_off_add_no_steps(client):
    code = run(PurchaseProject.raw("SELECT code FROM community WHERE district_code = {} AND kind = 'community' "
                                   "ORDER BY code LIMIT 1", OTHER))[0]["code"]
    body = client.get(f"/api/districts/{OTHER}/communities/{code}/profile").json()
    # 430703 runs neither participation nor procurement: no need, project, activity or rating step
    assert not {"need", "project", "organization", "activity", "rating"} & {s["step"] for s in body["loop"]}
