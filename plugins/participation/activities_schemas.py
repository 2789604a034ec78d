"""What the activities API takes and answers: announcing an activity, the public activity
(never a resident's name, never the check-in code), sign-ups and check-ins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Text = Annotated[str, msgspec.Meta(max_length=4000)]
Place = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
Id = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]


class ActivityIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new activity. A time without a zone is Beijing time."""

    title: Title
    field: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    place: Place
    starts_at: datetime
    ends_at: datetime
    capacity: Annotated[int, msgspec.Meta(ge=1, le=5000)]
    target_group: Annotated[str, msgspec.Meta(max_length=32)] = "全体居民"
    description: Text = ""
    community_code: Annotated[str, msgspec.Meta(max_length=12)] | None = None
    service_ref: Annotated[str, msgspec.Meta(max_length=120)] | None = None
    service_title: Annotated[str, msgspec.Meta(max_length=200)] = ""
    organization_id: Id | None = None
    worker_person_id: Id | None = None
    volunteer_hours: Annotated[float, msgspec.Meta(ge=0, le=24)] = 0.0


class ReasonIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason


class CheckinIn(msgspec.Struct, forbid_unknown_fields=True):
    signup_id: Id


class CodeIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(max_length=12)]


class ParticipationActivity(msgspec.Struct):
    """An activity as anyone sees it: places left and the waiting count, no names."""

    id: int
    district_code: str
    community_code: str | None
    community_name: str
    field: str
    title: str
    description: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    target_group: str
    service_ref: str | None
    service_title: str
    organization_id: int | None
    worker_person_id: int | None
    volunteer_hours: float
    state: str
    state_label: str
    phase: str  # upcoming | ongoing | past
    reason: str
    signed_up: int  # places taken (signed up, attended or no-show)
    waiting: int
    places_left: int
    my_state: str | None = None  # the caller's own sign-up, when a resident asks
    my_signup_id: int | None = None
    my_position: int | None = None
    my_rated: bool = False


class ParticipationActivityPage(msgspec.Struct):
    total: int
    page: int
    per_page: int
    items: list[ParticipationActivity]


class ParticipationSignupResult(msgspec.Struct):
    id: int
    activity_id: int
    state: str  # signed_up | waiting | cancelled | attended
    position: int | None  # place on the waiting list (1 = next to move up), else null
    points: int = 0  # points credited by a check-in


class ParticipationSignupRow(msgspec.Struct):
    """A sign-up on the staff list: the name masked."""

    id: int
    name: str
    state: str
    state_label: str
    created_at: datetime
    checked_in_at: datetime | None
    checked_in_via: str


class ParticipationSignupList(msgspec.Struct):
    activity_id: int
    signed_up: int
    waiting: int
    items: list[ParticipationSignupRow]


class ParticipationCheckinCode(msgspec.Struct):
    code: str
    valid_until: datetime


class ParticipationNoShows(msgspec.Struct):
    activity_id: int
    no_shows: int
