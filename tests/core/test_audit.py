"""The tamper-evident audit log: every API write appends a chained event; editing,
deleting or dropping the newest event is named by `sanshe audit verify` and by
GET /api/audit/verify; reading is scoped by district."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

from core import audit
from core.tables import AuditEvent, AuditHead
from tests.conftest import OTHER, OWN, run


def verify_cli() -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core.cli", "audit", "verify"], env=dict(os.environ),
                          capture_output=True, text=True, timeout=120)


def test_api_writes_append_chained_events(client, as_role):
    newest = run(AuditEvent.select().order_by(AuditEvent.seq, ascending=False).first())
    response = client.post(f"/api/districts/{OWN}/communities", json={"code": f"{OWN}070000", "name": "审计街道"},
                           headers=as_role("district_admin"))
    assert response.status_code == 201
    event = run(AuditEvent.select().order_by(AuditEvent.seq, ascending=False).first())
    assert event["seq"] == newest["seq"] + 1 and event["prev_hash"] == newest["hash"]
    assert (event["actor"], event["action"], event["entity"], event["entity_id"], event["district_code"]) == (
        f"{OWN}-admin", "create", "community", f"{OWN}070000", OWN)
    assert audit.public_event(event)["after"]["name"] == "审计街道"
    assert run(audit.verify()).ok


@contextlib.contextmanager
def tampered(seq: int, how: str):
    """Tamper with one stored event behind the app's back, then put it back exactly."""
    row = run(AuditEvent.select().where(AuditEvent.seq == seq).first())
    if how == "edit":
        run(AuditEvent.update({AuditEvent.after: '{"name":"改过的"}'}).where(AuditEvent.seq == seq))
    else:
        run(AuditEvent.delete().where(AuditEvent.seq == seq))
    try:
        yield
    finally:
        run(AuditEvent.delete().where(AuditEvent.seq == seq))
        run(AuditEvent.insert(AuditEvent(**{k: v for k, v in row.items() if k != "id"})))


def test_an_edited_event_is_named(client, as_role):
    with tampered(5, "edit"):
        result = run(audit.verify())
        assert (result.ok, result.first_broken_seq) == (False, 5)
        assert "被修改" in result.reason
        cli = verify_cli()
        assert cli.returncode == 1 and "BROKEN at event 5" in cli.stdout
        api = client.get("/api/audit/verify", headers=as_role("platform_admin")).json()
        assert api["ok"] is False and api["first_broken_seq"] == 5
    assert run(audit.verify()).ok and verify_cli().returncode == 0


def test_a_deleted_event_is_named():
    with tampered(7, "delete"):
        result = run(audit.verify())
        assert (result.ok, result.first_broken_seq, result.checked) == (False, 7, 6)
        assert "缺失" in result.reason


def test_deleting_the_newest_event_is_caught_by_the_chain_head():
    newest = run(AuditEvent.select(AuditEvent.seq).order_by(AuditEvent.seq, ascending=False).first())["seq"]
    with tampered(newest, "delete"):
        result = run(audit.verify())
        assert (result.ok, result.first_broken_seq) == (False, newest)
    assert run(AuditHead.select().first())["seq"] == newest


def test_reading_the_log_is_scoped_to_ones_districts(client, as_role):
    own = client.get("/api/audit?per_page=200", headers=as_role("district_admin")).json()
    assert own["total"] > 0 and {e["district_code"] for e in own["items"]} == {OWN}
    everything = client.get(f"/api/audit?district={OTHER}", headers=as_role("platform_admin")).json()
    assert everything["total"] > 0
    # Asking for the other district by filter returns nothing rather than leaking it.
    assert client.get(f"/api/audit?district={OTHER}", headers=as_role("district_admin")).json()["total"] == 0
    filtered = client.get("/api/audit?entity=person&action=create", headers=as_role("district_admin")).json()
    assert filtered["items"] and all(e["entity"] == "person" and e["action"] == "create" for e in filtered["items"])
    assert client.get("/api/audit", headers=as_role("resident")).status_code == 403


def test_personal_data_enters_the_log_masked(client, as_role):
    events = client.get("/api/audit?entity=person&action=create&per_page=5", headers=as_role("platform_admin")).json()
    for event in events["items"]:
        assert "*" in event["after"]["id_number"] and "*" in event["after"]["phone"]
