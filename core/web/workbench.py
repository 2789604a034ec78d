"""The workbench (工作台): the page a user lands on after logging in, listing what waits for them
in their district, one card per task with a real count and a link to the page where it is done.

Cards come from the `register_workbench_items` hook (each module's own `workbench.py`), asked
only for modules the district has enabled; each provider offers only cards whose pages the
principal may open. Core adds the district admin's module summary. A user whose grants do not
reach the district gets 403 (another district's workbench is not theirs to read).
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass, field

from litestar import Request, get
from litestar.response import Template

from core.auth import Principal
from core.context import AppContext
from core.contrib import WorkbenchItem
from core.errors import refused
from core.modules import enabled_modules
from core.web.i18n import language_of
from core.web.pages import render

log = logging.getLogger("sanshe.workbench")


@dataclass
class Section:
    """The cards one module (or core) offers this user."""

    module: str
    label: str
    label_en: str
    items: list[WorkbenchItem] = field(default_factory=list)


def reaches(principal: Principal, code: str) -> bool:
    """Does any of the principal's grants cover the district (platform, its city, or itself)?"""
    return any(principal.covers(g, code) for g in principal.grants)


def _core_items(ctx: AppContext, code: str, principal: Principal, enabled: list[str]) -> list[WorkbenchItem]:
    if not principal.can("district.modules.manage", code):
        return []
    installed = len(ctx.contributions.modules)
    off = installed - len(enabled)
    return [WorkbenchItem(
        "功能模块", "Modules", len(enabled), f"/districts/{code}", tone="ok", name="core.modules",
        hint=f"已启用 {len(enabled)} 个，未启用 {off} 个" if off else f"已全部启用（{installed} 个）",
        hint_en=f"{len(enabled)} on, {off} off" if off else f"All {installed} on", order=0)]


async def collect(ctx: AppContext, code: str, principal: Principal) -> list[Section]:
    """The user's sections for the district: core's first, then each enabled module's cards.
    A provider that fails leaves its module out (logged) rather than the whole page."""
    enabled = await enabled_modules(ctx, code)
    sections = [Section("core", "本区县", "This district", _core_items(ctx, code, principal, enabled))]
    specs = ctx.contributions.modules
    for provider in ctx.contributions.workbench:
        if provider.module not in enabled:
            continue
        try:
            result = provider.items(ctx, code, principal)
            items = await result if inspect.isawaitable(result) else result
        except Exception:  # one module's fault must not take the user's whole workbench down
            log.exception("workbench provider of %s failed for %s", provider.module, code)
            continue
        spec = specs[provider.module]
        section = next((s for s in sections if s.module == provider.module), None)
        if section is None:
            section = Section(provider.module, spec.label, spec.label_en)
            sections.append(section)
        section.items.extend(items or [])
    for section in sections:
        section.items.sort(key=lambda i: i.order)
    return [s for s in sections if s.items]


def role_labels(ctx: AppContext, principal: Principal, code: str, language: str) -> list[str]:
    roles = ctx.contributions.roles
    names = dict.fromkeys(g.role for g in principal.grants if principal.covers(g, code) and g.role in roles)
    return [roles[n].label if language == "zh-CN" else roles[n].label_en for n in names]


@get("/districts/{code:str}/workbench", opt={"authenticated": True}, include_in_schema=False)
async def workbench_page(request: Request, code: str, principal: Principal) -> Template:
    """工作台: what waits for this user in the district, counted now."""
    ctx: AppContext = request.app.state.ctx
    if not reaches(principal, code):
        raise refused("这不是您所在区县的工作台")
    sections = await collect(ctx, code, principal)
    language = language_of(request)
    return render(request, "workbench.html", principal, district=ctx.districts[code], sections=sections,
                  roles=role_labels(ctx, principal, code, language),
                  pending=sum(i.count for s in sections for i in s.items if i.tally and i.tone in ("wait", "bad")))


ROUTES = [workbench_page]
