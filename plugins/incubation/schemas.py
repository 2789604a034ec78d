"""What the incubation API answers, typed (so /schema/openapi.json documents it): bases with
their occupancy, incubatees as the lists, screening and the decision show them (JSON columns
parsed, labels added, the phone masked unless the reader may see it), an incubatee's stored
row as the residency moves answer it, eligibility checks, panel scores, milestones, training,
progress reviews, one incubatee's whole detail and the district dashboard.

Every component name starts with Incubation or Incubatee: the OpenAPI document has one
namespace for all plugins."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from core.views import row_view
from plugins.incubation.tables import Base, Incubatee, Milestone, PanelScore, ProgressReview, Training


class IncubationMember(msgspec.Struct):
    """A member of the applying team, as stated in the application."""

    name: str
    role: str
    retired: bool


class IncubationCheck(msgspec.Struct):
    """One entry condition: a blocking one that is not ok refuses screening."""

    rule: Annotated[str, msgspec.Meta(
        description="members | members_retired | credit | not_incubated | open_application")]
    ok: bool
    blocking: bool
    reason: str


class IncubationPanel(msgspec.Struct):
    """The review panel's scores so far: how many, and their mean (none without scores)."""

    count: int
    mean: float | None


class IncubationNeed(msgspec.Struct):
    """Something that still stands in the way of graduation."""

    kind: Annotated[str, msgspec.Meta(description="a milestone kind, final_review or credit")]
    title: str
    title_en: str


# A base with its services parsed (keys and labels), the on-site residents it holds and the places left.
IncubationBase = row_view(Base, "IncubationBase", exclude=("services",), extra=[
    ("services", list[str]), ("service_labels", list[str]),
    ("occupancy", Annotated[int, msgspec.Meta(description="incubatees on site now (virtual ones take no place)")]),
    ("free", int)])

_PARSED = ("fields", "members", "eligibility")
_VIEW_EXTRA: list = [
    ("fields", list[str]), ("members", list[IncubationMember]),
    ("eligibility", Annotated[list[IncubationCheck], msgspec.Meta(description="the checks stored at screening")]),
    ("stage_label", str), ("incubatee_type_label", str), ("residency_label", str)]
# An incubatee as screening and the decision answer it: JSON columns parsed, labels added; the
# contact phone is masked unless the reader is a manager or the applicant.
IncubateeView = row_view(Incubatee, "IncubateeView", exclude=_PARSED, extra=_VIEW_EXTRA)
# The answer to an application: the new incubatee and its entry conditions checked now.
IncubateeApplied = row_view(Incubatee, "IncubateeApplied", exclude=_PARSED, extra=[
    *_VIEW_EXTRA, ("checks", list[IncubationCheck])])
# An incubatee in the district's list or the applicant's own list: with its base's name and the panel.
IncubateeListed = row_view(Incubatee, "IncubateeListed", exclude=_PARSED, extra=[
    *_VIEW_EXTRA, ("base_name", str), ("panel", IncubationPanel)])

IncubationPanelScore = row_view(PanelScore, "IncubationPanelScore")
# A reviewer's score as given, with the panel after it and whether it replaced an earlier one.
IncubationScoreGiven = row_view(PanelScore, "IncubationScoreGiven", extra=[
    ("panel_count", int), ("panel_mean", float | None), ("replaced", bool)])
IncubationMilestone = row_view(Milestone, "IncubationMilestone", extra=[("state_label", str), ("title_en", str)])
IncubationTraining = row_view(Training, "IncubationTraining")
IncubationReview = row_view(ProgressReview, "IncubationReview")

# One incubatee with everything about it (panel scores only for district readers, else empty).
IncubateeDetail = row_view(Incubatee, "IncubateeDetail", exclude=_PARSED, extra=[
    *_VIEW_EXTRA, ("base_name", str), ("base_address", str), ("panel_scores", list[IncubationPanelScore]),
    ("milestones", list[IncubationMilestone]), ("trainings", list[IncubationTraining]), ("training_hours", float),
    ("reviews", list[IncubationReview]),
    ("days_incubated", Annotated[int | None, msgspec.Meta(description="none before move-in")]),
    ("overdue_days", Annotated[int, msgspec.Meta(description="days past the planned end while incubating")]),
    ("graduation_needs", Annotated[list[IncubationNeed], msgspec.Meta(
        description="empty when graduation may proceed, or once graduated, exited or rejected")])])


class IncubationEligibility(msgspec.Struct):
    incubatee_id: int
    stage: str
    eligible: bool
    checks: Annotated[list[IncubationCheck], msgspec.Meta(description="the entry conditions checked now")]
    stored: Annotated[list[IncubationCheck], msgspec.Meta(description="those stored at screening")]


class IncubationScores(msgspec.Struct):
    incubatee_id: int
    stage: str
    scores: list[IncubationPanelScore]  # type: ignore[valid-type]
    count: int
    mean: float | None
    min_reviewers: Annotated[int, msgspec.Meta(description="district setting: scores needed to accept")]
    accept_score: Annotated[float, msgspec.Meta(description="district setting: the mean needed to accept")]
    review_score: Annotated[float | None, msgspec.Meta(description="the mean stored at the decision")]


# -- the dashboard ----------------------------------------------------------------------------------


class IncubationStageCount(msgspec.Struct):
    stage: str
    label: str
    label_en: str
    count: int


class IncubationGraduationTimes(msgspec.Struct):
    """Graduates, and the days from move-in to graduation of those with both dates (`timed`)."""

    count: int
    timed: int
    median_days: float | None
    mean_days: float | None
    min_days: int | None
    max_days: int | None


class IncubationMilestoneKind(msgspec.Struct):
    kind: str
    title: str
    title_en: str
    total: int
    submitted: int
    signed_off: int
    share: Annotated[float, msgspec.Meta(description="signed off / total, 0 to 1")]


class IncubationMilestoneCompletion(msgspec.Struct):
    total: int
    signed_off: int
    submitted: int
    share: float
    by_kind: list[IncubationMilestoneKind]


class IncubationOccupancy(msgspec.Struct):
    id: int
    name: str
    active: bool
    capacity: int
    incubating: Annotated[int, msgspec.Meta(description="on-site residents, each taking a place")]
    virtual: Annotated[int, msgspec.Meta(description="virtual residents, taking no place")]
    free: int
    share: float


class IncubationStats(msgspec.Struct):
    district_code: str
    on: dt.date
    incubatees: int
    by_stage: list[IncubationStageCount]
    graduation: IncubationGraduationTimes
    milestones: IncubationMilestoneCompletion
    occupancy: list[IncubationOccupancy]
    capacity: Annotated[int, msgspec.Meta(description="places of the active bases")]
    overdue: Annotated[int, msgspec.Meta(description="incubating past the planned end")]
