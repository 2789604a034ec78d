"""The procurement pages: the district's projects (stage chips, filters, the 新建项目 form
for managers) and one project (facts, indicators, the stage timeline in Beijing time, the
moves allowed now as buttons). Scripts are static files (CSP): static/home.js, project.js."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from core.auth import Principal
from core.glossary import SERVICE_FIELDS, TARGET_GROUPS
from core.paging import PageNo
from core.tables import Community
from plugins.procurement import MODULE, needs, projects, states
from plugins.procurement.glossary import INDICATOR_KINDS, METHODS, SUBJECT_KINDS

PAGE = "/districts/{code:str}/procurement"
READ = {"module": MODULE, "permission": "procurement.read"}
PER_PAGE = 20


async def _places(code: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The district's streets, and its communities named with their street."""
    rows = await Community.select(Community.code, Community.name, Community.kind, Community.parent_code).where(
        Community.district_code == code).order_by(Community.code)
    streets = {r["code"]: r["name"] for r in rows if r["kind"] == "street"}
    communities = [{"code": r["code"], "name": f"{streets.get(r['parent_code'] or '', '')} {r['name']}".strip()}
                   for r in rows if r["kind"] == "community"]
    return [{"code": k, "name": v} for k, v in streets.items()], communities


def _render(request: Request, name: str, principal: Principal, code: str, **context: Any) -> Template:
    from core.web.pages import render

    return render(request, name, principal, district=request.app.state.ctx.districts[code], labels=states.LABELS,
                  labels_en=states.LABELS_EN, tones=states.TONES, methods=METHODS, subject_kinds=SUBJECT_KINDS,
                  indicator_kinds=INDICATOR_KINDS, field_names_en=SERVICE_FIELDS,
                  can_manage=principal.can("procurement.manage", code), **context)


@get(PAGE, opt=READ, include_in_schema=False)
async def home_page(request: Request, code: str, principal: Principal,
                    stage: Annotated[str | None, QueryParameter(name="stage", max_length=16)] = None,
                    field: Annotated[str | None, QueryParameter(name="field", max_length=50)] = None,
                    q: Annotated[str | None, QueryParameter(name="q", max_length=100)] = None,
                    page: PageNo = 1) -> Template:
    stage = stage if stage in states.STAGES else None
    found = await projects.listing(code, stage, field or None, q, page, PER_PAGE)
    settings = await projects.settings_of(request.app.state.ctx, code)
    streets, communities = await _places(code)
    return _render(request, "procurement/home.html", principal, code, found=found, stage=stage, field=field or "",
                   q=q or "", pages=max(1, -(-found["total"] // PER_PAGE)), settings=settings,
                   catalogue=settings["guidance_catalogue"], streets=streets, communities=communities,
                   target_groups=TARGET_GROUPS, order=states.ORDER,
                   place_names={c["code"]: c["name"] for c in [*streets, *communities]},
                   open_needs=await needs.offered(request.app.state.ctx, code)
                   if principal.can("procurement.manage", code) else None)


@get(PAGE + "/projects/{project_id:int}", opt=READ, include_in_schema=False)
async def project_page(request: Request, code: str, project_id: int, principal: Principal) -> Template:
    item = await projects.detail(code, project_id)
    streets, communities = await _places(code)
    names = {c["code"]: c["name"] for c in [*streets, *communities]}
    from plugins.procurement import contracts
    from plugins.procurement.routes import delivery_pages, evaluation_pages
    from plugins.procurement.routes.tender_pages import project_context  # the tender sections (slice 2)

    linked = (await needs.offered(request.app.state.ctx, code, item["needs"]) or []) if item["needs"] else []
    return _render(request, "procurement/project.html", principal, code, item=item, place_names=names,
                   linked_needs=linked, missing_needs=len(item["needs"]) - len(linked),
                   needs_reason=states.NEEDS_REASON, **await project_context(request, code, item, principal),
                   **(await delivery_pages.context(request, code, item, principal)
                      if principal.can(contracts.READ, code) else {}),
                   **await evaluation_pages.context(request, code, item, principal))


ROUTES = [home_page, project_page]
