"""What the delivery API answers, typed (so /schema/openapi.json documents it): a contract, a
milestone with its outputs parsed, its evidence files and what is paid on it, a payment, and
a project's whole delivery (contract, milestones, payments, totals, service-log hours, the
catalogue's answer). Component names start with Procurement."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from core.views import row_view
from plugins.procurement.delivery_tables import Contract, DeliveryMilestone, Payment

Quantities = Annotated[dict[str, float], msgspec.Meta(description="{output indicator name: quantity}")]

ProcurementContract = row_view(Contract, "ProcurementContract", exclude=("catalogue",))
ProcurementContractDetail = row_view(Contract, "ProcurementContractDetail", exclude=("catalogue",),
                                     extra=[("supplier_name", str)])
ProcurementPayment = row_view(Payment, "ProcurementPayment")


class ProcurementEvidence(msgspec.Struct):
    """A file the supplier attached to a milestone (download: …/evidence/{id})."""

    id: int
    milestone: int
    filename: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime


ProcurementMilestone = row_view(DeliveryMilestone, "ProcurementMilestone",
                                exclude=("planned_outputs", "delivered_outputs"), extra=[
    ("planned_outputs", Quantities), ("delivered_outputs", Quantities),
    ("state_label", Annotated[str, msgspec.Meta(description="待履约 | 待验收 | 已验收 | 已退回")]),
    ("evidence", list[ProcurementEvidence], []),
    ("paid_fen", Annotated[int, msgspec.Meta(description="paid on this milestone so far, in fen")], 0)])


class ProcurementDeliveryTotals(msgspec.Struct):
    value_fen: int
    planned_fen: Annotated[int, msgspec.Meta(description="the milestones' payment amounts together")]
    paid_fen: int
    unpaid_fen: int


class ProcurementDeliveryHours(msgspec.Struct):
    """Submitted, current service logs that name the project (hook delivery_hours)."""

    hours: float
    logs: int
    beneficiaries: Annotated[int, msgspec.Meta(description="people served, as the logs count them")]
    workers: int


class ProcurementCatalogueAnswer(msgspec.Struct):
    """What the service catalogue did with the project's service offer."""

    state: Annotated[str, msgspec.Meta(description="published | suspended | skipped | off")]
    reason: str
    service_id: int | None
    at: str


class ProcurementDelivery(msgspec.Struct):
    """A project's delivery; contract, totals and hours are null before a contract."""

    project_id: int
    contract: ProcurementContractDetail | None  # type: ignore[valid-type]
    milestones: list[ProcurementMilestone]  # type: ignore[valid-type]
    payments: list[ProcurementPayment]  # type: ignore[valid-type]
    totals: ProcurementDeliveryTotals | None
    hours: ProcurementDeliveryHours | None
    catalogue: ProcurementCatalogueAnswer | None
