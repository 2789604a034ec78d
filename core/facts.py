"""Facts about shared registry records that other modules know, gathered through hooks so a
module never imports another: `organization_facts` merges every module's answer per
organisation (keys documented in core.contrib.ORGANIZATION_FACTS; an unknown key is refused so a
typo is caught in tests, not read as "missing"), `organization_workers` joins the certified
workers the modules list for one organisation."""

from __future__ import annotations

from typing import Any

from core.context import AppContext
from core.contrib import ORGANIZATION_FACTS
from core.plugins import call_async


async def organization_facts(ctx: AppContext, district_code: str, organization_ids: list[int]
                             ) -> dict[int, dict[str, Any]]:
    """`{organization_id: {key: value}}` for every id asked (an empty dict when nobody knows it)."""
    merged: dict[int, dict[str, Any]] = {org_id: {} for org_id in organization_ids}
    if not organization_ids:
        return merged
    answers = await call_async(ctx.pm.hook.organization_facts, ctx=ctx, district_code=district_code,
                               organization_ids=list(organization_ids))
    for answer in answers:
        for org_id, facts in (answer or {}).items():
            for key, value in facts.items():
                kind = ORGANIZATION_FACTS.get(key, (None,))[0]
                if kind is None or not isinstance(value, kind):
                    raise TypeError(f"organization_facts: undocumented key or wrong type {key}={value!r}")
            if org_id in merged:
                merged[org_id].update(facts)
    return merged


async def organization_workers(ctx: AppContext, district_code: str, organization_id: int) -> list[dict[str, Any]]:
    """The organisation's certified workers, as every module that keeps workers lists them."""
    answers = await call_async(ctx.pm.hook.organization_workers, ctx=ctx, district_code=district_code,
                               organization_id=organization_id)
    return [worker for answer in answers for worker in (answer or [])]
