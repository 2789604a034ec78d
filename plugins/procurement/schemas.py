"""What the procurement API answers, typed (so /schema/openapi.json documents it): a project
with its JSON lists parsed and labels added, one project with its stage history, and a page
of projects with the count per stage. Component names start with Procurement (the OpenAPI
document has one namespace for all plugins)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from core.views import row_view
from plugins.procurement.tables import PurchaseProject, StageChange


class ProcurementIndicator(msgspec.Struct):
    """An output (产出) or outcome (效果) indicator with its target."""

    name: str
    unit: str
    target: float
    kind: Annotated[str, msgspec.Meta(description="output | outcome")]
    kind_label: str


ProcurementStageChange = row_view(StageChange, "ProcurementStageChange")


class ProcurementEligibilitySet(msgspec.Struct):
    """Who may bid (terms.EligibilityIn): registration, no credit-list entry and no failed annual
    inspection in two years always apply."""

    allowed_kinds: Annotated[list[str], msgspec.Meta(description="registry legal types accepted")]
    min_grade: str | None
    min_workers: int
    min_past_score: float | None
    require_past_score: bool
    for_new_providers: bool


_TERMS = [("eligibility", ProcurementEligibilitySet),
          ("weights", Annotated[dict[str, int], msgspec.Meta(description="criterion (price, plan, capacity, past) → "
                                                                          "weight; the weights sum to 100")]),
          ("deadline_passed", bool)]
NeedRefs = Annotated[list[str], msgspec.Meta(description="refs of the residents' needs it answers (offer_needs)")]
_JSON_COLUMNS = ("communities", "indicators", "needs", "eligibility", "weights")

ProcurementProject = row_view(PurchaseProject, "ProcurementProject", exclude=_JSON_COLUMNS, extra=[*_TERMS,
    ("communities", list[str]), ("indicators", list[ProcurementIndicator]), ("needs", NeedRefs),
    ("stage_label", str),
    ("method_ocds", Annotated[str, msgspec.Meta(description="OCDS procurementMethod: open | selective | limited | "
                                                           "direct")]),
    ("subject_kind_label", str),
    ("next_stages", Annotated[list[str], msgspec.Meta(description="stages this project may move to now")])])

ProcurementProjectDetail = row_view(PurchaseProject, "ProcurementProjectDetail", exclude=_JSON_COLUMNS, extra=[
    *_TERMS,
    ("communities", list[str]), ("indicators", list[ProcurementIndicator]), ("needs", NeedRefs),
    ("stage_label", str), ("method_ocds", str), ("subject_kind_label", str), ("next_stages", list[str]),
    ("history", Annotated[list[ProcurementStageChange], msgspec.Meta(description="every stage move, oldest first")])])


class ProcurementProjectPage(msgspec.Struct):
    total: int
    page: int
    per_page: int
    stage_counts: Annotated[dict[str, int], msgspec.Meta(
        description="projects per stage under the field and text filters (the stage filter left out)")]
    items: list[ProcurementProject]  # type: ignore[valid-type]


class ProcurementNeed(msgspec.Struct):
    """A resident's need as the module collecting needs offers it (hook offer_needs)."""

    ref: str
    title: str
    community: str
    field: str
    status: str
    status_label: str
    supporters: Annotated[int, msgspec.Meta(description="residents who said they need it too (我也需要), with the poster")]
    linkable: bool
    url: str | None = None


class ProcurementNeeds(msgspec.Struct):
    available: Annotated[bool, msgspec.Meta(description="false where no module collecting needs is enabled")]
    items: list[ProcurementNeed]
