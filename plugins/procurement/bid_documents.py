"""A bid's documents (资质证明, 服务方案, 报价明细 …): files the bidding organisation's staff attach
to their own submitted bid while the tender is open, through the core's checked upload service
(type read from the content, size within the district's `evidence_max_mb`). At most
`MAX_DOCUMENTS` per bid; a withdrawn bid keeps its files on the record, a new bid starts with
none. Who may download one: whoever may see the bid (`bids.one`: the bidder's staff; district
readers after the deadline) and the project's panel members once the deadline has passed."""

from __future__ import annotations

from typing import Any

from core import audit, db, uploads
from core.auth import Principal
from core.context import AppContext
from core.errors import ApiError, not_found
from plugins.procurement import bids, projects, terms
from plugins.procurement.tables import Bid, BidDocument, PanelMember

ENTITY = "procurement_bid_document"
MAX_DOCUMENTS = 10


async def attach(ctx: AppContext, code: str, project_id: int, bid_id: int, principal: Principal,
                 filename: str, data: bytes) -> dict[str, Any]:
    """Attach a file to one's own organisation's submitted bid before the deadline."""
    bid = await _own_bid(code, project_id, bid_id, principal)
    limit_mb = (await projects.settings_of(ctx, code))["evidence_max_mb"]
    stored = await uploads.prepare(ctx, filename, data, limit_mb)
    async with db.write_transaction():
        bids.open_for_bids(await bids.locked_project(code, project_id))
        state = (await Bid.select(Bid.state).where(Bid.id == bid_id).first())["state"]
        if state != "submitted":
            raise ApiError(409, "该投标已不是有效投标，不能再添加文件", "not_submitted")
        if await BidDocument.count().where(BidDocument.bid == bid_id) >= MAX_DOCUMENTS:
            raise ApiError(409, f"每份投标最多{MAX_DOCUMENTS}个文件", "too_many_documents")
        upload = await uploads.insert(stored, code, principal.username)
        document_id = (await BidDocument.insert(BidDocument(bid=bid_id, district_code=code, upload=upload["id"]))
                       .returning(BidDocument.id))[0]["id"]
        await audit.record(actor=principal.username, action="attach", entity=ENTITY, entity_id=document_id,
                           district_code=code, after={"bid": bid_id, "organization_id": bid["organization_id"],
                                                      "upload": upload["id"], "filename": stored.filename})
    return await bids.one(code, project_id, bid_id, principal)


async def _own_bid(code: str, project_id: int, bid_id: int, principal: Principal) -> dict[str, Any]:
    bid = await Bid.select().where((Bid.id == bid_id) & (Bid.project == project_id)
                                   & (Bid.district_code == code)).first()
    if bid is None or bid["organization_id"] not in (principal.organization_limit(bids.BID, code) or set()):
        raise not_found("投标")
    return bid


async def file(code: str, project_id: int, bid_id: int, document_id: int, principal: Principal) -> dict[str, Any]:
    """The upload row of one document, for those who may see the bid or sit on the panel."""
    project = await projects.get_row(code, project_id)
    member = await PanelMember.exists().where((PanelMember.project == project_id)
                                              & (PanelMember.username == principal.username))
    if not (member and terms.deadline_passed(project)):
        await bids.one(code, project_id, bid_id, principal)  # 404 unless the bid is visible
    row = await BidDocument.select().where((BidDocument.id == document_id) & (BidDocument.bid == bid_id)
                                           & (BidDocument.bid.project == project_id)
                                           & (BidDocument.district_code == code)).first()
    if row is None:
        raise not_found("投标文件")
    return await uploads.get(code, row["upload"], "投标文件")
