"""What the tender part of the procurement API answers, typed for the OpenAPI document: an
eligibility check with its named reasons, bids (team names masked for everyone but the bidder's
own staff), panel members with their declarations, scores, the ranked evaluation and the award."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from core.views import row_view
from plugins.procurement.schemas import ProcurementProject
from plugins.procurement.tables import Award, PanelMember


class ProcurementReason(msgspec.Struct):
    code: Annotated[str, msgspec.Meta(description="kind | status | credit | grade | workers | inspection | past_score")]
    message: str


class ProcurementEligibilityCheck(msgspec.Struct):
    """May this organisation bid? Each failed condition is a named reason."""

    organization_id: int
    organization_name: str
    eligible: bool
    reasons: list[ProcurementReason]
    grade: str | None
    priority_grade: Annotated[bool, msgspec.Meta(description="graded 3A or above (ranked first where the district "
                                                             "says so)")]
    certified_workers: Annotated[int | None, msgspec.Meta(description="from the talent module; null when unknown")]
    incubation_graduate: bool | None
    past_score: Annotated[float | None, msgspec.Meta(description="mean outcome score of past projects here")]
    past_projects: int
    new_provider_exemption: bool


class ProcurementTeamMember(msgspec.Struct):
    worker_id: int
    name: Annotated[str, msgspec.Meta(description="in full for the bidder's own staff, else masked (张*)")]
    qualification: str


class ProcurementBidDocument(msgspec.Struct):
    id: int
    filename: str
    content_type: str
    size: int
    uploaded_at: dt.datetime


class ProcurementBid(msgspec.Struct):
    id: int
    project: int
    organization_id: int
    organization_name: str
    price_fen: int
    team: list[ProcurementTeamMember]
    plan: str
    documents: Annotated[list[ProcurementBidDocument], msgspec.Meta(
        description="files attached before the deadline (download: …/bids/{bid_id}/documents/{id})")]
    state: Annotated[str, msgspec.Meta(description="submitted | withdrawn | refused")]
    state_label: str
    reasons: Annotated[list[ProcurementReason], msgspec.Meta(description="why a refused bid was not eligible")]
    submitted_by: str
    submitted_at: dt.datetime
    withdrawn_at: dt.datetime | None
    own: Annotated[bool, msgspec.Meta(description="the reader works for the bidding organisation")]


class ProcurementBids(msgspec.Struct):
    sealed: Annotated[bool, msgspec.Meta(description="true for district readers before the deadline: no bid shown")]
    items: list[ProcurementBid]


ProcurementPanelMember = row_view(PanelMember, "ProcurementPanelMember", exclude=("conflict_orgs",), extra=[
    ("conflict_orgs", Annotated[list[int], msgspec.Meta(description="organisations the member is recused for")]),
    ("conflict_label", str)])


class ProcurementScore(msgspec.Struct):
    bid_id: int
    member_id: int
    plan: float
    capacity: float
    past: float
    comment: str


class ProcurementRankedBid(msgspec.Struct):
    bid_id: int
    organization_id: int
    organization_name: str
    grade: str | None
    priority_grade: bool
    price_fen: int
    price_score: Annotated[float, msgspec.Meta(description="lowest price / this price × 100")]
    member_scores: Annotated[list[float], msgspec.Meta(description="weighted scores of the members counted")]
    scored_by: int
    recused: int
    total: Annotated[float | None, msgspec.Meta(description="mean of member_scores; null before any score")]
    rank: int


ProcurementAward = row_view(Award, "ProcurementAward")


class ProcurementRanking(msgspec.Struct):
    weights: dict[str, int]
    rank_3a_first: bool
    sealed: Annotated[bool, msgspec.Meta(description="before the bid deadline: no bid is shown")]
    bids: list[ProcurementRankedBid]
    members: list[ProcurementPanelMember]  # type: ignore[valid-type]
    complete: bool
    missing: Annotated[list[str], msgspec.Meta(description="what keeps the evaluation from being complete")]
    recommended_bid: int | None
    award: ProcurementAward | None  # type: ignore[valid-type]


class ProcurementSheetRow(msgspec.Struct):
    bid: ProcurementBid
    price_score: float
    recused: bool
    score: ProcurementScore | None


class ProcurementScoringSheet(msgspec.Struct):
    """A panel member's own sheet: their declaration and, once declared, the bids to score."""

    member: ProcurementPanelMember  # type: ignore[valid-type]
    weights: dict[str, int]
    rows: list[ProcurementSheetRow]


class ProcurementTenders(msgspec.Struct):
    """Projects open for bids, and those the reader's organisations bid on."""

    items: list[ProcurementProject]  # type: ignore[valid-type]
