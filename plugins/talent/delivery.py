"""Service logs as delivery evidence: a worker's log may name a record another module offers
(hook `offer_delivery_refs`, e.g. a purchase project in delivery awarded to the worker's
employer), and the hours of submitted, current logs roll up per ref (hook `delivery_hours`)."""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Count, Sum

from core.context import AppContext
from core.plugins import call_async
from plugins.talent.tables import ServiceLog


async def offered_refs(ctx: AppContext, code: str, worker: dict[str, Any]) -> list[dict[str, str]]:
    """The delivery records the worker's employer may log hours against (none without an employer)."""
    if not worker.get("employer_org_id"):
        return []
    batches = await call_async(ctx.pm.hook.offer_delivery_refs, ctx=ctx, district_code=code,
                               organization_id=worker["employer_org_id"])
    return [offer for batch in batches if batch for offer in batch]


async def check_ref(ctx: AppContext, code: str, worker: dict[str, Any], ref: str | None) -> str | None:
    """Why the worker may not name `ref` on a log, or None."""
    if not ref:
        return None
    if ref not in {o["ref"] for o in await offered_refs(ctx, code, worker)}:
        return "只能选择本人所在组织正在实施的服务项目"
    return None


async def hours(code: str, refs: list[str]) -> dict[str, dict[str, Any]]:
    if not refs:
        return {}
    current = ((ServiceLog.district_code == code) & ServiceLog.delivery_ref.is_in(list(refs))
               & (ServiceLog.state == "submitted") & (ServiceLog.superseded == False))  # noqa: E712
    out = {ref: {"hours": 0.0, "logs": 0, "beneficiaries": 0, "workers": 0} for ref in refs}
    rows = await ServiceLog.select(ServiceLog.delivery_ref, Sum(ServiceLog.hours, alias="hours"),
                                   Sum(ServiceLog.beneficiaries, alias="beneficiaries"),
                                   Count(alias="logs")).where(current).group_by(ServiceLog.delivery_ref)
    for r in rows:
        out[r["delivery_ref"]].update(hours=float(r["hours"] or 0), logs=r["logs"],
                                      beneficiaries=int(r["beneficiaries"] or 0))
    workers = await ServiceLog.select(ServiceLog.delivery_ref, ServiceLog.worker).where(current).distinct()
    for r in workers:
        out[r["delivery_ref"]]["workers"] += 1
    return out
