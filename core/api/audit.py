"""The audit log, scoped to the districts where the reader holds `audit.read`."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import get
from litestar.params import Parameter

from core import audit
from core.auth import Principal
from core.tables import AuditEvent
from core.paging import PageNo


class AuditEventOut(msgspec.Struct):
    seq: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str
    district_code: str | None
    before: Any
    after: Any
    hash: str


class AuditPage(msgspec.Struct):
    total: int
    page: int
    per_page: int
    items: list[AuditEventOut]


class VerifyOut(msgspec.Struct):
    ok: bool
    checked: int
    first_broken_seq: int | None
    reason: str


Filter = Annotated[str | None, Parameter(max_length=64)]


@get("/api/audit", opt={"permission": "audit.read"}, tags=["audit"], summary="Audit events, newest first")
async def list_events(
    principal: Principal,
    entity: Filter = None,
    entity_id: Filter = None,
    actor: Filter = None,
    action: Filter = None,
    district: Filter = None,
    since: Annotated[str | None, Parameter(description="ISO time, inclusive")] = None,
    until: Annotated[str | None, Parameter(description="ISO time, exclusive")] = None,
    page: PageNo = 1,
    per_page: Annotated[int, Parameter(ge=1, le=200)] = 50,
) -> AuditPage:
    where = audit.conditions(entity=entity, entity_id=entity_id, actor=actor, action=action, district=district,
                             since=since, until=until)
    allowed = principal.districts_where("audit.read")
    if allowed is not None:
        where.append(AuditEvent.district_code.is_in(sorted(allowed) or ["-"]))
    total = await AuditEvent.count().where(*where)
    rows = await (AuditEvent.select().where(*where).order_by(AuditEvent.seq, ascending=False)
                  .limit(per_page).offset((page - 1) * per_page))
    return AuditPage(total, page, per_page, [AuditEventOut(**audit.public_event(r)) for r in rows])


@get("/api/audit/verify", opt={"permission": "audit.read"}, tags=["audit"],
     summary="Check the hash chain; name the first broken or missing event")
async def verify_chain() -> VerifyOut:
    result = await audit.verify()
    return VerifyOut(result.ok, result.checked, result.first_broken_seq, result.reason)


ROUTES = [list_events, verify_chain]
