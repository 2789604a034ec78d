"""Response shapes of the worker-profile API (the OpenAPI document shows each field): a worker as
the roster shows it (identity masked, registration state computed on read), with its status
history and this period's continuing-education hours on the detail and "my profile" answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec


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
