"""Procurement's audit events read in words on the supervision audit trail: the record kind,
the action as procurement means it, and the changed fields and stage names in Chinese."""

from __future__ import annotations

from core import audit
from core.tables import AuditEvent
from plugins.supervision import trail_words
from tests.conftest import run
from tests.plugins.procurement.test_projects import create, move


def test_a_stage_move_reads_in_words(ctx, client, as_role):
    admin = as_role("district_admin")
    project = create(client, admin)
    assert move(client, admin, project["id"], "tender", "采购公告已发布").status_code == 200
    event = run(AuditEvent.select().where((AuditEvent.entity == "procurement_project")
                                          & (AuditEvent.entity_id == str(project["id"]))
                                          & (AuditEvent.action == "move")).first())
    [described] = run(trail_words.describe(ctx, [audit.public_event(event)]))
    assert (described["action_label"], described["entity_label"]) == ("变更阶段", "购买服务项目")
    assert {"field": "阶段", "old": "计划中", "new": "招标/采购公告"} in described["changes"]
    assert {"field": "原因", "old": "", "new": "采购公告已发布"} in described["changes"]
