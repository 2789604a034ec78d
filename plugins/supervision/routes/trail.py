"""The audit trail page: the core audit log of this district, filtered by entity, actor
or time, with the chain check (intact, or the first broken link); events read in words
(plugins/supervision/trail_words.py), never as JSON."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from litestar import Request, get
from litestar.params import Parameter
from litestar.response import Template

from core import audit
from core.auth import Principal
from core.dates import beijing_day_start
from core.errors import invalid
from core.tables import AuditEvent
from core.paging import PageNo
from plugins.supervision import trail_words

PER_PAGE = 50
Text = Annotated[str | None, Parameter(max_length=64)]
When = Annotated[str | None, Parameter(max_length=32, description="a Beijing day, YYYY-MM-DD")]


def _day_bound(value: str | None, field: str, next_day: bool = False) -> str | None:
    """A Beijing day picked on the page as the UTC instant the log compares: the start of that day
    (自), or of the next one (至, so the day picked is included)."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise invalid([(field, "日期格式应为 YYYY-MM-DD")]) from None
    if (next_day and day == date.max) or (not next_day and day == date.min):
        return None  # no bound: every event is before the end of time and after its start
    return beijing_day_start(day + timedelta(days=1) if next_day else day)


@get("/districts/{code:str}/supervision/audit", opt={"module": "supervision", "permission": "audit.read"},
     include_in_schema=False)
async def audit_page(request: Request, code: str, principal: Principal, entity: Text = None, entity_id: Text = None,
                     actor: Text = None, since: When = None, until: When = None,
                     page: PageNo = 1) -> Template:
    from core.web.pages import render

    where = audit.conditions(entity=entity, entity_id=entity_id, actor=actor, district=code,
                             since=_day_bound(since, "since"), until=_day_bound(until, "until", next_day=True))
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
