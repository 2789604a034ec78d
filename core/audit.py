"""The tamper-evident audit log.

Every write appends an `AuditEvent` inside the writer's transaction. Events are
numbered 1, 2, 3, … and each stores sha256(previous hash + canonical JSON of
itself), so editing a row breaks its own hash, deleting one leaves a gap in the
numbers, and removing the newest is caught because the next event's seq and the
chain head no longer agree. `verify()` walks the chain and names the first break.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from core import db
from core.tables import AuditEvent, AuditHead

GENESIS = "0" * 64
PG_AUDIT_LOCK = 7_320_001  # advisory lock key that serialises appends on PostgreSQL


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def canonical(value: Any) -> str:
    """Stable JSON: sorted keys, no spaces, non-ASCII kept, dates as ISO strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    body = canonical({k: fields[k] for k in sorted(fields)})
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _hashed_fields(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("seq", "at", "actor", "action", "entity", "entity_id", "district_code", "before", "after")
    return {k: row[k] for k in keys}


async def record(
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: Any,
    district_code: str | None,
    before: Any = None,
    after: Any = None,
) -> dict[str, Any]:
    """Append one event; call inside the write transaction of the change it records."""
    async with db.write_transaction():
        if db.is_postgres():
            await db.engine().run_ddl(f"SELECT pg_advisory_xact_lock({PG_AUDIT_LOCK})")
        last = await AuditEvent.select(AuditEvent.seq, AuditEvent.hash).order_by(
            AuditEvent.seq, ascending=False
        ).first()
        prev_hash = last["hash"] if last else GENESIS
        fields = {
            "seq": (last["seq"] + 1) if last else 1,
            "at": datetime.now(timezone.utc).isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "entity": entity,
            "entity_id": str(entity_id),
            "district_code": district_code,
            "before": canonical(before),
            "after": canonical(after),
        }
        digest = event_hash(prev_hash, fields)
        await AuditEvent.insert(AuditEvent(**fields, prev_hash=prev_hash, hash=digest))
        updated = await AuditHead.update({AuditHead.seq: fields["seq"], AuditHead.hash: digest}).where(
            AuditHead.id > 0
        ).returning(AuditHead.id)
        if not updated:
            await AuditHead.insert(AuditHead(seq=fields["seq"], hash=digest))
    return {**fields, "prev_hash": prev_hash, "hash": digest}


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""


async def verify(batch: int = 5000) -> VerifyResult:
    """Walk the whole chain in seq order; report the first edited, missing or reordered event."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    while True:
        rows = await (
            AuditEvent.select()
            .where(AuditEvent.seq >= expected_seq)
            .order_by(AuditEvent.seq)
            .limit(batch)
        )
        if not rows:
            head = await AuditHead.select().first()
            if head and head["seq"] >= expected_seq:
                return VerifyResult(False, checked, expected_seq, f"事件 {expected_seq} 缺失（被删除）")
            if head and head["hash"] != prev_hash:
                return VerifyResult(False, checked, head["seq"], "链头哈希与最后一个事件不符")
            return VerifyResult(True, checked)
        for row in rows:
            if row["seq"] != expected_seq:
                return VerifyResult(False, checked, expected_seq, f"事件 {expected_seq} 缺失（被删除）")
            if row["prev_hash"] != prev_hash:
                return VerifyResult(False, checked, row["seq"], f"事件 {row['seq']} 的前序哈希与链不符")
            if event_hash(prev_hash, _hashed_fields(row)) != row["hash"]:
                return VerifyResult(False, checked, row["seq"], f"事件 {row['seq']} 的内容被修改")
            prev_hash, expected_seq, checked = row["hash"], expected_seq + 1, checked + 1


def conditions(*, entity: str | None = None, entity_id: str | None = None, actor: str | None = None,
               action: str | None = None, district: str | None = None, since: str | None = None,
               until: str | None = None) -> list[Any]:
    """Where-clauses for listing events: exact entity, id, actor, action and district;
    `since` inclusive and `until` exclusive (ISO dates or times)."""
    where = []
    for column, value in ((AuditEvent.entity, entity), (AuditEvent.entity_id, entity_id),
                          (AuditEvent.actor, actor), (AuditEvent.action, action),
                          (AuditEvent.district_code, district)):
        if value:
            where.append(column == value.strip())
    if since:
        where.append(AuditEvent.at >= since)
    if until:
        where.append(AuditEvent.at < until)
    return where


def public_event(row: dict[str, Any]) -> dict[str, Any]:
    """An event as the API returns it, with before/after parsed back into JSON."""
    out = {k: row[k] for k in ("seq", "at", "actor", "action", "entity", "entity_id", "district_code")}
    out["before"] = json.loads(row["before"])
    out["after"] = json.loads(row["after"])
    out["hash"] = row["hash"]
    return out
