"""Request and response shapes of the catalogue API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec

Fee = Literal["free", "subsidised", "paid"]
Status = Literal["draft", "published", "suspended", "closed"]
ShortText = Annotated[str, msgspec.Meta(max_length=200)]
LongText = Annotated[str, msgspec.Meta(max_length=4000)]


# Caps: the vocabulary has 10 target groups; a district has a few hundred communities at most.
TargetGroups = Annotated[list[Annotated[str, msgspec.Meta(max_length=32)]], msgspec.Meta(max_length=20)]
Communities = Annotated[list[Annotated[str, msgspec.Meta(max_length=12)]], msgspec.Meta(max_length=500)]


class ServiceCreate(msgspec.Struct, forbid_unknown_fields=True):
    organization_id: int
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=120)]
    field: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    description: LongText = ""
    target_groups: TargetGroups = []
    eligibility: LongText = ""
    fee: Fee = "free"
    fee_description: ShortText = ""
    communities: Communities = []
    address: ShortText = ""
    opening_hours: ShortText = ""
    contact_phone: Annotated[str, msgspec.Meta(max_length=20)] = ""
    email: Annotated[str, msgspec.Meta(max_length=100)] = ""
    status: Status = "draft"
    source: Annotated[str, msgspec.Meta(max_length=100)] = ""
    last_verified: dt.date | None = None


class ServiceUpdate(msgspec.Struct, forbid_unknown_fields=True):
    organization_id: int | None = None
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=120)] | None = None
    field: Annotated[str, msgspec.Meta(min_length=1, max_length=32)] | None = None
    description: LongText | None = None
    target_groups: TargetGroups | None = None
    eligibility: LongText | None = None
    fee: Fee | None = None
    fee_description: ShortText | None = None
    communities: Communities | None = None
    address: ShortText | None = None
    opening_hours: ShortText | None = None
    contact_phone: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    email: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    status: Status | None = None
    source: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    last_verified: dt.date | None = None


class Service(msgspec.Struct):
    id: int
    district_code: str
    organization_id: int
    provider: str
    name: str
    description: str
    field: str
    target_groups: list[str]
    eligibility: str
    fee: str
    fee_label: str
    fee_description: str
    communities: list[str]
    address: str
    opening_hours: str
    contact_phone: Annotated[str, msgspec.Meta(description="the service's public hotline")]
    email: str
    status: str
    status_label: str
    source: str
    last_verified: dt.date | None
    updated_at: dt.datetime


class ServicePage(msgspec.Struct):
    total: int
    page: int
    per_page: int
    items: list[Service]


class SearchHit(msgspec.Struct):
    id: int
    name: str
    description: str
    field: str
    targets: list[str]
    district: str
    district_name: str
    provider: str
    organization_id: int
    communities: list[str]
    address: str
    opening_hours: str
    contact_phone: str
    fee: str
    fee_label: str
    last_verified: str | None
    highlight: dict[str, str]


class SearchResponse(msgspec.Struct):
    total: int
    page: int
    per_page: int
    q: str
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None
    """When nothing matched: a hint in Chinese on what to try."""


class ServiceDetail(msgspec.Struct):
    service: SearchHit
    eligibility: str
    fee_description: str
    email: str
    source: str
    community_names: list[str]
    provider_grade: str | None
    extra: dict[str, Any] = {}
