"""The service catalogue's workbench cards (工作台): for those who maintain services (district
admins for the whole district, organisation staff for their own organisation), services still
in draft and published services due for re-verification; for everyone else (residents, social
workers), the published services of their district, one click from the search.
Also the module's dashboard figures (WIDGETS: the district home and the city's side-by-side view)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from core.auth import Principal
from core.contrib import DashboardWidget, WorkbenchItem, WorkbenchProvider
from core.modules import module_settings
from plugins.catalogue.tables import Service

MODULE = "catalogue"
WRITE = "catalogue.service.write"


async def _maintainer_items(ctx: Any, code: str, principal: Principal) -> list[WorkbenchItem]:
    orgs = principal.organization_limit(WRITE, code)
    if orgs is not None and not orgs:
        return []
    scope = [Service.district_code == code]
    if orgs is not None:
        scope.append(Service.organization_id.is_in(sorted(orgs)))
    days = (await module_settings(ctx, code, MODULE))["verify_within_days"]
    stale_before = date.today() - timedelta(days=days)
    published = await Service.count().where(*scope, Service.status == "published")
    drafts = await Service.count().where(*scope, Service.status == "draft")
    stale = await Service.count().where(*scope, Service.status == "published",
                                        Service.last_verified.is_null() | (Service.last_verified < stale_before))
    page = f"/districts/{code}/catalogue"
    own = orgs is not None
    return [
        WorkbenchItem("本机构已发布的服务" if own else "已发布的服务", "Our published services" if own else
                      "Published services", published, page, tone="ok", name="catalogue.published", order=10),
        WorkbenchItem("草稿（未发布）的服务", "Services in draft", drafts, page + "?status=draft",
                      name="catalogue.drafts", order=11),
        WorkbenchItem("需要复核的服务信息", "Services due for re-verification", stale, page,
                      name="catalogue.stale", order=12, hint=f"超过 {days} 天未核实",
                      hint_en=f"Not verified for {days} days"),
    ]


async def items(ctx: Any, code: str, principal: Principal) -> list[WorkbenchItem]:
    if principal.can(WRITE, code):
        return await _maintainer_items(ctx, code, principal)
    if principal.can("catalogue.service.read", code):
        return []  # readers (supervisors, city admins) search and read; nothing waits for them here
    near = await Service.count().where((Service.district_code == code) & (Service.status == "published"))
    return [WorkbenchItem("身边的服务", "Services near me", near, f"/services?district={code}", tone="ok",
                          name="catalogue.near_me", order=10, hint="按服务领域、对象和社区查找",
                          hint_en="Find by field, group and community")]


PROVIDERS = [WorkbenchProvider(MODULE, items)]


async def _published(code: str) -> int:
    return await Service.count().where((Service.district_code == code) & (Service.status == "published"))


# Figures for the district home and the city's side-by-side view (register_dashboard_widgets).
WIDGETS = [DashboardWidget(MODULE, "published", "已发布服务（项）", "Published services", _published)]
