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

ProcurementProject = row_view(PurchaseProject, "ProcurementProject", exclude=("communities", "indicators", "needs"),
                              extra=[
    ("communities", list[str]), ("indicators", list[ProcurementIndicator]), ("needs", list[int]),
    ("stage_label", str),
    ("method_ocds", Annotated[str, msgspec.Meta(description="OCDS procurementMethod: open | selective | limited | "
                                                           "direct")]),
    ("subject_kind_label", str),
    ("next_stages", Annotated[list[str], msgspec.Meta(description="stages this project may move to now")])])

ProcurementProjectDetail = row_view(PurchaseProject, "ProcurementProjectDetail",
                                    exclude=("communities", "indicators", "needs"), extra=[
    ("communities", list[str]), ("indicators", list[ProcurementIndicator]), ("needs", list[int]),
    ("stage_label", str), ("method_ocds", str), ("subject_kind_label", str), ("next_stages", list[str]),
    ("history", Annotated[list[ProcurementStageChange], msgspec.Meta(description="every stage move, oldest first")])])


class ProcurementProjectPage(msgspec.Struct):
    total: int
    page: int
    per_page: int
    stage_counts: Annotated[dict[str, int], msgspec.Meta(
        description="projects per stage under the field and text filters (the stage filter left out)")]
    items: list[ProcurementProject]  # type: ignore[valid-type]
