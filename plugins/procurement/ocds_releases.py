"""A process's releases, oldest first: its creation, each stage change, each milestone
acceptance and each payment (tagged `implementationUpdate`: they happen between stage changes,
and a reader following delivery should see each as it happens), and each attaching of the
contract document (tagged `contractUpdate`: a document attached after the last stage change
is published, and a replacement rewrites no earlier release).

Order and paging: every release has a sequence key `(moment in µs since the epoch, kind,
row id)` — kind 0 the creation, 1 a stage change, 2 an acceptance, 3 a payment, 4 a contract
document attached. The key is
made of stored facts that never change, so it is stable; the package walks a project's
releases in key order and a cursor `<project>-<µs>-<kind>-<id>` resumes right after one,
whatever was added meanwhile (new facts are later in time, so they come after it).

Each release is built by `SECTIONS` (ocds.py, ocds_award.py, ocds_contract.py) from the
snapshot at its moment; their parts are combined: objects key by key, lists appended (so the
buyer party and the organisations' parties come out as one `parties` list)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from plugins.procurement import ocds, ocds_award, ocds_contract
from plugins.procurement.ocds import TAGS, Process, Snapshot, moment, release_id

Section = Callable[[Snapshot], dict[str, Any]]
SECTIONS: list[Section] = [ocds.parties, ocds.planning, ocds.tender, ocds_award.organisations, ocds_award.awards,
                           ocds_contract.contracts]
Key = tuple[int, int, int]
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
CREATION, CHANGE, ACCEPTANCE, PAYMENT, DOCUMENT = 0, 1, 2, 3, 4
UPDATES = {ACCEPTANCE: "milestone", PAYMENT: "payment", DOCUMENT: "document"}
UPDATE_TAGS = {"milestone": "implementationUpdate", "payment": "implementationUpdate", "document": "contractUpdate"}


def utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def key(at: datetime, kind: int, row_id: int) -> Key:
    return (utc(at) - EPOCH) // timedelta(microseconds=1), kind, row_id


def _combine(into: dict[str, Any], part: dict[str, Any]) -> None:
    for name, value in part.items():
        if isinstance(value, dict) and isinstance(into.get(name), dict):
            into[name].update(value)
        elif isinstance(value, list) and isinstance(into.get(name), list):
            into[name] = into[name] + value
        else:
            into[name] = value


def release(snap: Snapshot) -> dict[str, Any]:
    project, change = snap.project, snap.change
    if snap.update is not None:
        kind, row_id = snap.update
        rid, tag = f"{project['ocid']}-{kind}-{row_id}", [UPDATE_TAGS[kind]]
    else:
        rid = release_id(project["ocid"], change)
        tag = ["awardCancellation"] if ocds.award_cancelled(snap) else TAGS[snap.stage]
    out: dict[str, Any] = {"ocid": project["ocid"], "id": rid, "date": moment(snap.at), "tag": tag,
                           "initiationType": "tender", "language": ocds.LANGUAGE}
    for section in SECTIONS:
        _combine(out, section(snap))
    out["parties"] = _one_per_id(out["parties"])
    return out


def _one_per_id(parties: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One party per id, with the roles of all: an organisation may be buyer and tenderer alike."""
    by_id: dict[str, dict[str, Any]] = {}
    for party in parties:
        if (seen := by_id.get(party["id"])) is None:
            by_id[party["id"]] = {**party, "roles": list(party["roles"])}
        else:
            seen["roles"] += [r for r in party["roles"] if r not in seen["roles"]]
    return list(by_id.values())


def _events(process: Process) -> list[tuple[Key, dict[str, Any] | None]]:
    """(key, the row) of every fact that makes a release, in key order."""
    extra = process.extra
    events: list[tuple[Key, dict[str, Any] | None]] = [(key(process.project["created_at"], CREATION, 0), None)]
    events += [(key(c["at"], CHANGE, c["id"]), c) for c in process.changes]
    events += [(key(m["decided_at"], ACCEPTANCE, m["id"]), m) for m in extra.get("milestones", [])
               if m["state"] == "accepted" and m["decided_at"] is not None]
    events += [(key(p["recorded_at"], PAYMENT, p["id"]), p) for p in extra.get("payments", [])]
    events += [(key(d["attached_at"], DOCUMENT, d["id"]), d) for d in extra.get("contract_documents", [])]
    return sorted(events, key=lambda e: e[0])


def releases(process: Process) -> list[tuple[Key, dict[str, Any]]]:
    """Every release of the process in key order, each with its sequence key."""
    reached: dict[str, datetime] = {"planning": process.project["created_at"]}
    stage, left, change = "planning", "", None
    out = []
    for seq, row in _events(process):
        at = EPOCH + timedelta(microseconds=seq[0])
        update = None
        if seq[1] == CHANGE:
            change, stage, left = row, row["to_stage"], row["from_stage"]
            reached.setdefault(stage, row["at"])
        elif seq[1] in UPDATES:
            update = (UPDATES[seq[1]], seq[2])
        snap = Snapshot(process, change, stage, dict(reached), left=left, at=at, update=update)
        out.append((seq, release(snap)))
    return out
