"""The tender API: a project's tender terms (eligibility set, weights, deadline; managers),
the eligibility dry run for staff, bids (organisation staff bid for and withdraw their own;
readers see them per bids.visible) and the bidders' list of open tenders. The logic is in
plugins.procurement.terms, eligibility and bids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Request, get, post, put
from litestar.params import Parameter
from litestar.response import File

from core import uploads
from core.auth import Principal
from core.errors import not_found
from core.views import view
from plugins.procurement import MODULE, bid_documents, bids, eligibility, projects, terms
from plugins.procurement import schemas as s
from plugins.procurement import schemas_tender as t
from plugins.procurement.routes.api import MANAGE, ONE, READ, TAGS

TENDERS = "/api/districts/{code:str}/procurement/tenders"
BID = {"module": MODULE, "permission": bids.BID}
READ_BIDS = {"module": MODULE, "permission": bids.READ_BIDS}
# A refused bid answers 422 with code `ineligible`; each error's `field` is the reason's code.
BID_ERRORS = {**BID, "errors": (422,)}
# Panel members (procurement.score) and bid readers may download: bid_documents.file decides.
ANY_USER = {"module": MODULE, "authenticated": True}


@dataclass
class ProcurementBidDocumentUpload(uploads.FileUpload):
    pass


BidDocumentForm = Annotated[ProcurementBidDocumentUpload, uploads.MULTIPART]


@put(ONE + "/terms", opt=MANAGE, tags=TAGS,
     summary="Set the tender terms: eligibility set, criterion weights (sum 100), bid deadline (a time without a "
             "zone is Beijing time); in planning, or in tender before the first bid (409 after)")
async def put_terms(code: str, project_id: int, data: terms.TermsIn, principal: Principal
                    ) -> s.ProcurementProjectDetail:
    return view(await terms.update(code, project_id, principal.username, data), s.ProcurementProjectDetail)


@get(ONE + "/eligibility", opt=READ, tags=TAGS,
     summary="Dry run: may this organisation bid? Each failed condition named (kind, status, credit, grade, workers, "
             "inspection, past_score)")
async def get_eligibility(request: Request, code: str, project_id: int,
                          organization_id: Annotated[int, Parameter(ge=1, le=2**31 - 1)]) -> t.ProcurementEligibilityCheck:
    return view(await eligibility.for_project(request.app.state.ctx, code, project_id, organization_id),
                t.ProcurementEligibilityCheck)


@get(ONE + "/bids", opt=READ_BIDS, tags=TAGS,
     summary="Bids: organisation staff see their own organisation's; district readers see all once the deadline has "
             "passed (sealed before); team names masked except for the bidder's own staff")
async def list_bids(code: str, project_id: int, principal: Principal) -> t.ProcurementBids:
    sealed, items = await bids.visible(code, await projects.get_row(code, project_id), principal)
    return view({"sealed": sealed, "items": items}, t.ProcurementBids)


@post(ONE + "/bids", opt=BID_ERRORS, tags=TAGS, status_code=201,
      summary="Bid for one's own organisation while in tender and before the deadline: price ≤ budget, team of its "
              "certified workers, plan. 422 `ineligible` names each reason (the refusal is recorded); 409 on a second "
              "bid of the same organisation")
async def submit_bid(request: Request, code: str, project_id: int, data: bids.BidIn, principal: Principal
                     ) -> t.ProcurementBid:
    return view(await bids.submit(request.app.state.ctx, code, project_id, principal, data), t.ProcurementBid)


@post(ONE + "/bids/{bid_id:int}/withdraw", opt=BID, tags=TAGS, status_code=200,
      summary="Withdraw one's own organisation's bid before the deadline (then a new one may be made)")
async def withdraw_bid(code: str, project_id: int, bid_id: int, principal: Principal) -> t.ProcurementBid:
    return view(await bids.withdraw(code, project_id, bid_id, principal), t.ProcurementBid)


@post(ONE + "/bids/{bid_id:int}/documents", opt=BID, tags=TAGS, request_max_body_size=uploads.BODY_LIMIT,
      summary="Attach a document to one's own organisation's submitted bid before the deadline: PDF, PNG, JPEG, DOCX "
              f"or XLSX within evidence_max_mb, at most {bid_documents.MAX_DOCUMENTS} per bid")
async def attach_bid_document(request: Request, code: str, project_id: int, bid_id: int, principal: Principal,
                              data: BidDocumentForm) -> t.ProcurementBid:
    filename, content = await uploads.received(data)
    return view(await bid_documents.attach(request.app.state.ctx, code, project_id, bid_id, principal, filename,
                                           content), t.ProcurementBid)


@get(ONE + "/bids/{bid_id:int}/documents/{document_id:int}", opt=ANY_USER, tags=TAGS, media_type=uploads.DOWNLOAD,
     summary="Download a bid's document: for whoever may see the bid, and the panel once the deadline has passed")
async def get_bid_document(request: Request, code: str, project_id: int, bid_id: int, document_id: int,
                           principal: Principal) -> File:
    upload = await bid_documents.file(code, project_id, bid_id, document_id, principal)
    return uploads.download(request.app.state.ctx, upload, "投标文件")


@get(TENDERS, opt=BID, tags=TAGS, summary="Projects open for bids, and those one's organisations bid on")
async def list_tenders(code: str, principal: Principal) -> t.ProcurementTenders:
    return view({"items": await bids.tenders(code, principal)}, t.ProcurementTenders)


@get(TENDERS + "/{project_id:int}", opt=BID, tags=TAGS,
     summary="One project open for bids (or bid on by one's organisation), as bidders see it")
async def get_tender(code: str, project_id: int, principal: Principal) -> s.ProcurementProject:
    found = next((p for p in await bids.tenders(code, principal) if p["id"] == project_id), None)
    if found is None:
        raise not_found("招标项目")
    return view(found, s.ProcurementProject)


ROUTES = [put_terms, get_eligibility, list_bids, submit_bid, withdraw_bid, attach_bid_document, get_bid_document,
          list_tenders, get_tender]
