"""Shared by the evaluation tests (and by the tests that need a project past evaluation): a
project in delivery with an accepted milestone, and its evaluation opened, scored by both parts
and completed through the API — each step asserted."""

from __future__ import annotations

from tests.conftest import OWN
from tests.plugins.procurement.delivery_support import accepted, contracted
from tests.plugins.procurement.test_projects import API, move

SUPERVISOR = f"{OWN}-supervisor"
FINDINGS = "服务按计划完成，记录齐全；回访频次偏低，建议下一周期改进。"


def url(project_id: int, tail: str = "") -> str:
    return f"{API}/{project_id}/evaluation{tail}"


def scores(**points: float) -> dict:
    """{"scores": [...]} for the test projects' two indicators (服务人次, 满意度) or those given."""
    points = points or {"服务人次": 80, "满意度": 80}
    return {"scores": [{"indicator": name, "score": p, "note": f"{name}评分说明"} for name, p in points.items()]}


def delivering(client, admin, staff, title: str, organization_id: int | None = None, **contract) -> dict:
    """A project awarded to and contracted with `organization_id` (default the demo org staff's), with one
    accepted milestone (服务人次 610, 102 people), moved to in_delivery."""
    project = contracted(client, admin, title, supplier=organization_id, **contract)
    accepted(client, admin, staff, project["id"])
    assert move(client, admin, project["id"], "in_delivery").status_code == 200
    return project


def opened(client, admin, project_id: int, evaluator: str = SUPERVISOR) -> dict:
    answer = client.post(url(project_id), headers=admin, json={"evaluator": evaluator})
    assert answer.status_code == 201, answer.text
    return answer.json()


def evaluate(client, admin, evaluator_headers, project_id: int, buyer: dict | None = None, third: dict | None = None,
             evaluator: str = SUPERVISOR) -> dict:
    """Open, score both parts and complete; the completed evaluation."""
    opened(client, admin, project_id, evaluator)
    assert client.put(url(project_id, "/buyer"), headers=admin, json=buyer or scores()).status_code == 200
    third_party = client.put(url(project_id, "/third-party"), headers=evaluator_headers, json=third or scores())
    assert third_party.status_code == 200, third_party.text
    done = client.post(url(project_id, "/complete"), headers=admin, json={"findings": FINDINGS})
    assert done.status_code == 200, done.text
    return done.json()
