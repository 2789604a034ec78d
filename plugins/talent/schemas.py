"""Response shapes of the worker-profile API (the OpenAPI document shows each field): a worker as
the roster shows it (identity masked, registration state computed on read), with its status
history and this period's continuing-education hours on the detail and "my profile" answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec

from core.views import row_view
from plugins.talent.tables import (Candidate, College, ServiceLog, VolunteerActivity, VolunteerMember,
                                  VolunteerTeam)


class Worker(msgspec.Struct):
    id: int
    district_code: str
    person_id: int
    name: str
    gender: str
    age: int
    id_number: Annotated[str, msgspec.Meta(description="masked, e.g. 430702********1234")]
    phone: Annotated[str, msgspec.Meta(description="masked, e.g. 139****7777")]
    employer_org_id: int | None
    employer: str
    employer_community_code: str | None
    post_type: str
    position_title: str
    start_date: dt.date | None
    status: str
    education: str
    major: str
    social_work_major: bool
    qualification: str
    certificate_no: str
    certificate_year: int | None
    subsidy: Annotated[int, msgspec.Meta(description="monthly qualification subsidy (yuan), a district setting")]
    first_registered_on: dt.date | None
    registered_on: Annotated[dt.date | None, msgspec.Meta(description="the latest registration")]
    registration_expires: dt.date | None
    registration_state: Annotated[str, msgspec.Meta(
        description="computed on the day it is read: 未登记, 有效, 即将到期 (renewal open) or 已过期")]
    national_state: Annotated[str, msgspec.Meta(
        description="the latest registration application's state in the national system (not_applied without one)")]
    national_state_label: str
    salary_grade: str
    updated_at: dt.datetime


class StatusChange(msgspec.Struct):
    id: int
    from_status: str | None
    to_status: str
    changed_on: dt.date
    reason: str
    actor: str


class EducationHours(msgspec.Struct):
    """Continuing education in the current registration period (a social-work degree counts 90 hours once)."""

    period_start: dt.date
    period_end: dt.date
    required: int
    training_hours: float
    degree_hours: int
    hours: float
    short: float


class WorkerDetail(Worker):
    status_history: list[StatusChange]
    continuing_education: EducationHours | None


class MyProfile(Worker):
    continuing_education: EducationHours | None


class WorkerPage(msgspec.Struct):
    total: int
    page: int
    per_page: int
    items: list[Worker]


class EducationRecord(msgspec.Struct):
    id: int
    worker: int
    district_code: str
    kind: Annotated[str, msgspec.Meta(description="培训 or 学历教育 (a social-work degree: 90 hours, once)")]
    day: dt.date
    provider: str
    title: str
    hours: float
    state: str
    created_at: dt.datetime


def shaped(value: dict[str, Any] | list[dict[str, Any]], shape: Any) -> Any:
    """A row (or rows) as the response Struct; columns the shape does not list are left out."""
    return msgspec.convert(value, shape, from_attributes=False)


# -- records, reserve pool, volunteers and roster import: answers built from their tables ------------

class DeliveryRef(msgspec.Struct):
    """A record a service log may name (offered by another module), e.g. a purchase project."""

    ref: str
    title: str


ServiceLogView = row_view(ServiceLog, "ServiceLogView")
CollegeView = row_view(College, "CollegeView")
CandidateView = row_view(Candidate, "CandidateView")
VolunteerTeamView = row_view(VolunteerTeam, "VolunteerTeamView")
VolunteerMemberView = row_view(VolunteerMember, "VolunteerMemberView")
TeamDetail = row_view(VolunteerTeam, "VolunteerTeamDetail", extra=[
    ("members", list[row_view(VolunteerMember, "VolunteerTeamMember", extra=[("name", str), ("hours", float)])]),
    ("activities", list[row_view(VolunteerActivity, "VolunteerActivityView")]),
    ("total_hours", float)])


class RosterImported(msgspec.Struct):
    """What a roster import did (or, with dry_run, would do): every row valid, or nothing written."""

    rows: int
    created: int
    updated: int
    ignored_columns: list[str]
    dry_run: bool


# -- statistics (plugins.talent.stats) ----------------------------------------------------------------


class MonthCount(msgspec.Struct):
    month: str
    date: str
    workers: int


class CommunityCount(msgspec.Struct):
    code: str | None
    name: str
    workers: int


class Structure(msgspec.Struct):
    """The structure of the active (在岗) roster on a day; shares are 0–1, counts keyed by the glossary's values."""

    on: str
    workers: int
    population: int
    per_10k_residents: float
    certified: int
    share_certified: float
    by_qualification: dict[str, int]
    by_education: dict[str, int]
    share_vocational_or_below: float
    by_age_band: dict[str, int]
    by_age_band_gender: dict[str, dict[str, int]]
    share_40_plus: float
    social_work_major: int
    share_social_work_major: float
    by_post_type: dict[str, int]
    by_gender: dict[str, int]
    registrations_due_90_days: int
    registrations_expired: int
    trend: list[MonthCount]
    by_community: list[CommunityCount]


class DistrictStatistics(Structure):
    district_code: str
    district_name: str
    district_name_en: str


class CityStatistics(msgspec.Struct):
    city: str | None
    on: str
    districts: list[DistrictStatistics]
    total: Structure
