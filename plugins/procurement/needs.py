"""The residents' needs (需求) a purchase project answers. Procurement holds no needs: a module
that collects them (participation) offers them through the core hook `offer_needs`, and a
project keeps the refs it names in its `needs` list (checked on create and edit: each must be
offered and still linkable). The other way round, procurement answers `need_answers`, so the
need's page shows the projects that answer it and since when a service is delivered — a pull
through hooks, so neither module reads the other's tables or is called inside the other's
writes.

Why refs are looked up in the JSON list with LIKE rather than a link table: a project names a
handful of needs, the lookup serves one need's page (a few refs) and `"ref"` with its quotes
cannot match inside another ref; the exact check is repeated on the decoded list."""

from __future__ import annotations

import json
from typing import Any

from core.context import AppContext
from core.plugins import call_async
from plugins.procurement import states
from plugins.procurement.tables import PurchaseProject, StageChange

OFF = "需求征集（居民参与）模块未启用，不能关联需求"
DELIVERING = ("in_delivery", "evaluated", "closed")


async def offered(ctx: AppContext, code: str, refs: list[str] | None = None, field: str | None = None,
                  community: str | None = None) -> list[dict[str, Any]] | None:
    """The needs modules offer (all modules' answers together), or None where none is on."""
    answers = await call_async(ctx.pm.hook.offer_needs, ctx=ctx, district_code=code, refs=refs, field=field,
                               community=community)
    if not any(a is not None for a in answers):
        return None
    found = [need for answer in answers if answer for need in answer]
    return found if refs is None else [n for n in found if n["ref"] in refs]


async def check(ctx: AppContext, code: str, refs: list[str]) -> list[tuple[str, str]]:
    """Errors on `needs`: each named need must be offered in the district and linkable."""
    refs = list(dict.fromkeys(refs))
    if not refs:
        return []
    found = await offered(ctx, code, refs)
    if found is None:
        return [("needs", OFF)]
    by_ref = {n["ref"]: n for n in found}
    unknown = [r for r in refs if r not in by_ref]
    if unknown:
        return [("needs", f"本区县没有这些需求：{'、'.join(unknown[:10])}")]
    closed = [f"{by_ref[r]['title']}（{by_ref[r]['status_label']}）" for r in refs if not by_ref[r]["linkable"]]
    if closed:
        return [("needs", f"这些需求已不能关联：{'、'.join(closed[:10])}")]
    return []


async def answers(code: str, refs: list[str]) -> dict[str, list[dict[str, Any]]]:
    """{need ref: the district's projects naming it (oldest first)} — the `need_answers` hook."""
    refs = [r for r in dict.fromkeys(refs) if '"' not in r]
    if not refs:
        return {}
    where = PurchaseProject.needs.like(f'%{json.dumps(refs[0])}%')
    for ref in refs[1:]:
        where |= PurchaseProject.needs.like(f'%{json.dumps(ref)}%')
    rows = await PurchaseProject.select(
        PurchaseProject.id, PurchaseProject.ocid, PurchaseProject.title, PurchaseProject.stage,
        PurchaseProject.needs).where(
        (PurchaseProject.district_code == code) & where).order_by(PurchaseProject.id)
    started = await _delivering_since([r["id"] for r in rows])
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        named = set(json.loads(row["needs"] or "[]"))
        for ref in refs:
            if ref in named:
                out.setdefault(ref, []).append({
                    "ref": f"procurement:{row['ocid']}", "title": row["title"],
                    "url": f"/districts/{code}/procurement/projects/{row['id']}", "stage": row["stage"],
                    "stage_label": states.label(row["stage"]),
                    "delivering_since": started.get(row["id"])})
    return out


async def _delivering_since(project_ids: list[int]) -> dict[int, Any]:
    """When each project first moved into delivery."""
    if not project_ids:
        return {}
    rows = await StageChange.select(StageChange.project, StageChange.at).where(
        StageChange.project.is_in(project_ids) & (StageChange.to_stage == "in_delivery")).order_by(StageChange.at)
    out: dict[int, Any] = {}
    for row in rows:
        out.setdefault(row["project"], row["at"])
    return out
