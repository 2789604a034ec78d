"""The city view (全市对比): a city admin compares the city's districts side by side — one table,
a column per district, a row per figure: resident population, then every module's dashboard
widgets (`register_dashboard_widgets`), "未启用" where the district has not enabled the module.
Platform admins may open any city; a city admin only their own (403 elsewhere)."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, get
from litestar.response import Template

from core.auth import Principal
from core.context import AppContext
from core.districts import city_members
from core.errors import refused
from core.modules import enabled_modules
from core.web.pages import render

OFF = None  # a cell of a module the district has not enabled


@dataclass
class Row:
    name: str
    module: str
    label: str
    label_en: str
    values: list[Any] = field(default_factory=list)
    module_label: str = ""
    """The contributing module's name, shown on its own line above the figure's label."""
    module_label_en: str = ""


def may_compare(principal: Principal, city_code: str) -> bool:
    return any(g.scope == "platform" or (g.scope == "city" and g.city_code == city_code) for g in principal.grants)


async def _value(widget, code: str) -> Any:
    value = widget.value(code)
    return await value if inspect.isawaitable(value) else value


async def city_links(ctx: AppContext, principal: Principal, districts: list) -> list:
    """Modules' city views (nav items with `{city}`): those of a module on in one of the districts
    whose permission the caller holds there."""
    enabled = {d.code: await enabled_modules(ctx, d.code) for d in districts}
    return [item for item in ctx.contributions.nav_items if "{city}" in item.path and any(
        item.module in enabled[d.code] and (item.permission is None or principal.can(item.permission, d.code))
        for d in districts)]


async def compare(ctx: AppContext, city_code: str) -> tuple[list, list[Row]]:
    """The city's districts and one row per figure, the values in district order."""
    districts = [d for d in ctx.districts.values() if d.city_code == city_code]
    enabled = {d.code: await enabled_modules(ctx, d.code) for d in districts}
    rows = [Row("population", "core", "常住人口（人）", "Resident population", [d.population for d in districts]),
            Row("modules", "core", "已启用模块（个）", "Modules enabled", [len(enabled[d.code]) for d in districts])]
    order = list(ctx.contributions.modules)
    for widget in sorted(ctx.contributions.widgets, key=lambda w: order.index(w.module) if w.module in order else 99):
        spec = ctx.contributions.modules.get(widget.module)
        rows.append(Row(f"{widget.module}.{widget.name}", widget.module, widget.label, widget.label_en,
                        [await _value(widget, d.code) if widget.module in enabled[d.code] else OFF
                         for d in districts], spec.label if spec else "", spec.label_en if spec else ""))
    return districts, rows


@get("/cities/{city_code:str}", opt={"authenticated": True}, include_in_schema=False)
async def city_page(request: Request, city_code: str, principal: Principal) -> Template:
    """全市对比: the city's districts side by side."""
    ctx: AppContext = request.app.state.ctx
    city_members(ctx.districts, city_code)
    if not may_compare(principal, city_code):
        raise refused("只能查看本市各区县的对比")
    districts, rows = await compare(ctx, city_code)
    return render(request, "city.html", principal, city_code=city_code, city_name=districts[0].city_name,
                  districts=districts, rows=rows, population=sum(d.population for d in districts),
                  links=await city_links(ctx, principal, districts))


ROUTES = [city_page]
