"""The tender pages: what the project page shows of the tender (terms, bids, the evaluation and
the award, with the managers' forms), a panel member's scoring sheet (declaration first), and
the bidders' pages — the open tenders and one tender with the organisation's eligibility, its
bids and the bid form (team from its certified workers). Scripts: static/tender.js, sheet.js,
bid.js (CSP: no inline script)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from core.auth import Principal
from core.errors import not_found
from core.facts import organization_workers
from core.glossary import LEGAL_TYPES
from plugins.procurement import MODULE, bids, eligibility, projects, tally
from plugins.procurement.glossary import BARRED_KINDS, CONFLICTS, CRITERIA, GRADE_ORDER, REFUSALS
from plugins.procurement.routes.pages import PAGE, _render
from plugins.procurement.tables import Bid, PanelMember

SCORE = {"module": MODULE, "permission": "procurement.score"}
BID = {"module": MODULE, "permission": "procurement.bid"}
WORDS = {"legal_types": LEGAL_TYPES, "barred_kinds": BARRED_KINDS, "criteria": CRITERIA, "grades": GRADE_ORDER,
         "conflicts": CONFLICTS, "refusals": REFUSALS}


async def project_context(request: Request, code: str, item: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """What the project page adds for the tender: bids, the evaluation, forms allowed now."""
    row = await projects.get_row(code, item["id"])
    sealed, seen = (await bids.visible(code, row, principal)) if principal.can(bids.READ_BIDS, code) else (True, [])
    settings = await projects.settings_of(request.app.state.ctx, code)
    result = await tally.results(row, settings["rank_3a_first"]) if item["stage"] != "planning" else None
    has_bids = await Bid.exists().where(Bid.project == item["id"])
    manage = principal.can("procurement.manage", code)
    return {"bids_sealed": sealed, "bids": seen, "ranking": result, **WORDS,
            "terms_editable": manage and (item["stage"] == "planning" or (item["stage"] == "tender" and not has_bids)),
            "is_member": await PanelMember.exists().where((PanelMember.project == item["id"])
                                                          & (PanelMember.username == principal.username))}


@get(PAGE + "/projects/{project_id:int}/panel", opt=SCORE, include_in_schema=False)
async def sheet_page(request: Request, code: str, project_id: int, principal: Principal) -> Template:
    row = await projects.get_row(code, project_id)
    sheet = await tally.sheet(code, row, principal)
    orgs = sorted({r["organization_id"] for r in await Bid.select(Bid.organization_id).where(
        (Bid.project == project_id) & (Bid.state == "submitted"))})
    names = await bids.org_names(orgs)
    return _render(request, "procurement/sheet.html", principal, code, item=projects.view(row), sheet=sheet,
                   bidders=[{"organization_id": o, "organization_name": names.get(o, "")} for o in orgs], **WORDS)


@get(PAGE + "/tenders", opt=BID, include_in_schema=False)
async def tenders_page(request: Request, code: str, principal: Principal) -> Template:
    return _render(request, "procurement/tenders.html", principal, code, items=await bids.tenders(code, principal))


@get(PAGE + "/tenders/{project_id:int}", opt=BID, include_in_schema=False)
async def tender_page(request: Request, code: str, project_id: int, principal: Principal) -> Template:
    item = next((p for p in await bids.tenders(code, principal) if p["id"] == project_id), None)
    if item is None:
        raise not_found("招标项目")
    ctx = request.app.state.ctx
    row = await projects.get_row(code, project_id)
    own = sorted(principal.organization_limit(bids.BID, code) or [])
    checks = [await eligibility.check(ctx, code, row, org_id) for org_id in own]
    workers = {org_id: await organization_workers(ctx, code, org_id) for org_id in own}
    _, mine = await bids.visible(code, row, principal)
    return _render(request, "procurement/tender.html", principal, code, item=item, checks=checks, workers=workers,
                   mine=mine, open=item["stage"] == "tender" and item["bid_deadline"] and not item["deadline_passed"],
                   reason_labels={k: v[0] for k, v in REFUSALS.items()}, reason_labels_en={k: v[1] for k, v in
                                                                                           REFUSALS.items()}, **WORDS)


ROUTES = [sheet_page, tenders_page, tender_page]
