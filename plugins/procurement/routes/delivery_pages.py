"""Delivery pages: the contracts a principal may see (a supplier's staff: their organisation's,
with the milestones waiting for them — their way in, also from the workbench card) and one
project's delivery for the supplier's staff (who may not open the project page itself). The
project page includes the same delivery section (templates/procurement/_delivery.html) via
`context()`; its script is static/delivery.js."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, get
from litestar.response import Template

from core.auth import Principal
from core.tables import Organization
from plugins.procurement import MODULE, contracts, delivery, milestones, projects
from plugins.procurement.routes.pages import PAGE, _render

READ = {"module": MODULE, "permission": "procurement.delivery.read"}


async def _suppliers(code: str) -> list[dict[str, Any]]:
    return await Organization.select(Organization.id, Organization.name).where(
        (Organization.district_code == code) & Organization.status.not_in(["deregistered", "revoked"])).order_by(
        Organization.name)


async def context(request: Request, code: str, project: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """What _delivery.html needs for `project` (a detail dict or row) and the principal."""
    found = await delivery.view(request.app.state.ctx, code, project["id"], principal)
    contract = found["contract"]
    manage = principal.can("procurement.manage", code)
    indicators = project["indicators"] if isinstance(project["indicators"], list) else json.loads(project["indicators"])
    return {"delivery": found, "output_names": [i["name"] for i in indicators if i["kind"] == "output"],
            "can_report": bool(contract) and principal.can(milestones.REPORT, code)
                          and contracts.may_see(principal, code, contract, milestones.REPORT),
            "suppliers": await _suppliers(code) if manage and project["stage"] == "awarded" and not contract else [],
            "milestone_labels": milestones.LABELS, "milestone_labels_en": milestones.LABELS_EN,
            "milestone_tones": milestones.TONES, "active": project["stage"] in contracts.ACTIVE,
            "settings": await projects.settings_of(request.app.state.ctx, code)}


@get(PAGE + "/delivery", opt=READ, include_in_schema=False)
async def delivery_list_page(request: Request, code: str, principal: Principal) -> Template:
    return _render(request, "procurement/delivery_list.html", principal, code, rows=await delivery.mine(code, principal))


@get(PAGE + "/delivery/{project_id:int}", opt=READ, include_in_schema=False)
async def delivery_page(request: Request, code: str, project_id: int, principal: Principal) -> Template:
    project = await projects.detail(code, project_id)
    await contracts.visible(code, project_id, principal)  # 404 before a contract, or for another supplier
    return _render(request, "procurement/delivery.html", principal, code, item=project,
                   **await context(request, code, project, principal))


ROUTES = [delivery_list_page, delivery_page]
