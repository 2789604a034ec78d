"""What the ratings API takes and answers. Public forms carry no resident and no hidden comment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

Score = Annotated[int, msgspec.Meta(ge=1, le=5)]


class RatingIn(msgspec.Struct, forbid_unknown_fields=True):
    """1–5 on 专业性 (professional), 及时性 (timeliness), 态度 (attitude), 效果 (effect)."""

    professional: Score
    timeliness: Score
    attitude: Score
    effect: Score
    comment: Annotated[str, msgspec.Meta(max_length=1000)] = ""


class HideIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class ParticipationRating(msgspec.Struct):
    """A rating as the public sees it: the comment is empty when moderation hid it."""

    id: int
    subject: str
    service_ref: str | None
    professional: int
    timeliness: int
    attitude: int
    effect: int
    score: float
    comment: str
    hidden: bool
    created_at: datetime


class ParticipationRatingCreated(ParticipationRating):
    careful: bool
    points: int  # points credited for a careful rating (0: not careful, or the rule gives none)


class ParticipationRatingStaff(ParticipationRating):
    """A rating on the staff list: the comment kept even when hidden, with the reason."""

    organization_id: int | None
    worker_person_id: int | None
    community_code: str | None
    field: str
    careful: bool
    hidden_reason: str
    hidden_by: str
    hidden_at: datetime | None


class ParticipationRatingList(msgspec.Struct):
    total: int
    page: int
    per_page: int
    items: list[ParticipationRating]


class ParticipationRatingStaffList(msgspec.Struct):
    total: int
    page: int
    per_page: int
    items: list[ParticipationRatingStaff]


class ParticipationRatingSummary(msgspec.Struct):
    """The roll-up with the small-sample guard: no average below `min_ratings` ratings."""

    count: int
    min_ratings: int
    enough: bool
    average: float | None
    dimensions: dict[str, float | None]
    label: str
