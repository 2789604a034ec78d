"""What the evaluation API answers, typed (so /schema/openapi.json documents it): a project's
outcome evaluation as the principal may see it, and an organisation's procurement record.
Component names start with Procurement."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec


class ProcurementIndicatorScore(msgspec.Struct):
    score: Annotated[float, msgspec.Meta(description="0..100")]
    note: str


class ProcurementEvaluationPart(msgspec.Struct):
    """The buyer's or the third party's scores. While the evaluation is open the third party's stay
    with the evaluator and the evaluator does not see the buyer's (`hidden`, scores empty)."""

    scored: bool
    hidden: bool
    scores: Annotated[dict[str, ProcurementIndicatorScore], msgspec.Meta(description="{indicator: score and note}")]
    score: Annotated[float | None, msgspec.Meta(description="the mean of the indicator scores")]
    by: str
    at: datetime | None


class ProcurementEvaluationUsers(msgspec.Struct):
    """Service users' ratings (hook rating_averages): live while open, fixed at completion."""

    average: Annotated[float | None, msgspec.Meta(description="1..5")]
    count: int
    score: Annotated[float | None, msgspec.Meta(description="average × 20; null when too few ratings")]
    counted: Annotated[bool, msgspec.Meta(description="count ≥ min_ratings; if not, the weight is shared out")]
    note: str


class ProcurementEvaluatedIndicator(msgspec.Struct):
    name: str
    unit: str
    target: float
    kind: Annotated[str, msgspec.Meta(description="output | outcome")]
    kind_label: str
    achieved: Annotated[float | None, msgspec.Meta(
        description="outputs delivered in accepted milestones; null for outcome indicators")]
    percent: Annotated[float | None, msgspec.Meta(description="achieved as % of target")]


class ProcurementBeneficiaries(msgspec.Struct):
    planned: int
    served: Annotated[int, msgspec.Meta(description="delivered beneficiaries of accepted milestones")]
    accepted_milestones: int


class ProcurementEvaluation(msgspec.Struct):
    """A project's outcome evaluation (绩效评价)."""

    id: int
    project_id: int
    district_code: str
    organization_id: Annotated[int, msgspec.Meta(description="the contract's supplier")]
    ocid: str | None
    title: str
    stage: str
    evaluator: str
    evaluator_name: str
    state: Annotated[str, msgspec.Meta(description="open | completed")]
    weights: Annotated[dict[str, int], msgspec.Meta(description="{buyer, users, third_party: %} fixed at opening")]
    used_weights: Annotated[dict[str, float] | None, msgspec.Meta(
        description="the weights applied at completion (users' weight shared out when too few ratings)")]
    min_ratings: int
    indicators: list[ProcurementEvaluatedIndicator]
    beneficiaries: ProcurementBeneficiaries
    buyer: ProcurementEvaluationPart
    third_party: ProcurementEvaluationPart
    users: ProcurementEvaluationUsers
    total: Annotated[float | None, msgspec.Meta(description="the weighted score 0..100 once completed")]
    grade: Annotated[str, msgspec.Meta(description="优秀 ≥ 90 | 良好 ≥ 80 | 合格 ≥ 60 | 不合格; empty while open")]
    findings: str
    opened_by: str
    opened_at: datetime
    completed_by: str
    completed_at: datetime | None
    me: Annotated[str, msgspec.Meta(description="the part the asker scores: buyer | third_party | empty")]


class ProcurementRecordEvaluation(msgspec.Struct):
    total: float
    grade: str
    completed_at: datetime


class ProcurementRecordItem(msgspec.Struct):
    project_id: int
    ocid: str | None
    title: str
    field: str
    stage: str
    stage_label: str
    number: str
    value_fen: int
    paid_fen: int
    signed_on: date
    term_start: date
    term_end: date
    evaluation: ProcurementRecordEvaluation | None


class ProcurementOrganizationRecord(msgspec.Struct):
    """An organisation's purchase-of-services record in the district."""

    organization_id: int
    name: str
    contracts: int
    value_fen: int
    paid_fen: int
    evaluated: int
    mean_score: Annotated[float | None, msgspec.Meta(description="mean total of its completed evaluations")]
    items: list[ProcurementRecordItem]
