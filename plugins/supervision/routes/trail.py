"""The audit trail page: the core audit log of this district, filtered by entity, actor
or time, with the chain check (intact, or the first broken link); events read in words
(plugins/supervision/trail_words.py), never as JSON."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get
from litestar.params import Parameter
from litestar.response import Template

from core import audit
from core.auth import Principal
from core.tables import AuditEvent
from core.paging import PageNo
from plugins.supervision import trail_words

PER_PAGE = 50
Text = Annotated[str | None, Parameter(max_length=64)]
When = Annotated[str | None, Parameter(max_length=32, description="ISO date or time")]


@get("/districts/{code:str}/supervision/audit", opt={"module": "supervision", "permission": "audit.read"},
     include_in_schema=False)
async def audit_page(request: Request, code: str, principal: Principal, entity: Text = None, entity_id: Text = None,
                     actor: Text = None, since: When = None, until: When = None,
                     page: PageNo = 1) -> Template:
    from core.web.pages import render

    where = audit.conditions(entity=entity, entity_id=entity_id, actor=actor, district=code, since=since, until=until)
    total = await AuditEvent.count().where(*where)
    rows = await (AuditEvent.select().where(*where).order_by(AuditEvent.seq, ascending=False)
                  .limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    entities = sorted({r["entity"] for r in await AuditEvent.select(AuditEvent.entity).where(
        AuditEvent.district_code == code).distinct()})
    ctx = request.app.state.ctx
    return render(request, "supervision/audit.html", principal, district=ctx.districts[code],
                  events=await trail_words.describe(ctx, [audit.public_event(r) for r in rows]), total=total, page=page,
                  pages=max(1, -(-total // PER_PAGE)),
                  entities=[(e, trail_words.entity_label(ctx, e)) for e in entities], check=await audit.verify(),
                  filters={"entity": entity or "", "entity_id": entity_id or "", "actor": actor or "",
                           "since": since or "", "until": until or ""})


ROUTES = [audit_page]
