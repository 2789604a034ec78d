"""Request and response shapes of the shared registry API (msgspec Structs).

Input structs forbid unknown fields; shape checks (lengths, enums) live here,
code checks (check digits, scoping) in the services so errors name the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
LongName = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Text200 = Annotated[str, msgspec.Meta(max_length=200)]
Phone = Annotated[str, msgspec.Meta(max_length=20)]
LegalType = Literal["social_group", "social_service_institution", "foundation", "community_filed"]
OrgStatus = Literal["registered", "filed", "deregistered", "revoked"]
Grade = Literal["1A", "2A", "3A", "4A", "5A"]
CreditStatus = Literal["normal", "abnormal", "serious"]


class Input(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Base for request bodies: unknown fields are an error, not silently dropped."""


class CommunityCreate(Input):
    code: Annotated[str, msgspec.Meta(description="12-digit statistical code")]
    name: Name


class CommunityUpdate(Input):
    name: Name


class Community(msgspec.Struct):
    code: str
    name: str
    kind: str
    kind_label: str
    parent_code: str | None
    district_code: str


class OrganizationCreate(Input):
    name: LongName
    legal_type: LegalType
    status: OrgStatus
    uscc: Annotated[str | None, msgspec.Meta(description="18-character unified social credit code")] = None
    uscc_exception: bool = False
    grade: Grade | None = None
    registered_on: dt.date | None = None
    community_code: str | None = None
    address: Text200 = ""
    contact_name: Annotated[str, msgspec.Meta(max_length=50)] = ""
    contact_phone: Phone = ""
    credit_status: CreditStatus = "normal"


class OrganizationUpdate(Input):
    name: LongName | None = None
    status: OrgStatus | None = None
    grade: Grade | None = None
    registered_on: dt.date | None = None
    community_code: str | None = None
    address: Text200 | None = None
    contact_name: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    contact_phone: Phone | None = None
    credit_status: CreditStatus | None = None


class Organization(msgspec.Struct):
    id: int
    district_code: str
    uscc: str | None
    uscc_exception: bool
    name: str
    legal_type: str
    legal_type_label: str
    status: str
    status_label: str
    grade: str | None
    registered_on: dt.date | None
    community_code: str | None
    address: str
    contact_name: str
    contact_phone: Annotated[str, msgspec.Meta(description="masked like 138****1234")]
    credit_status: str


class PersonCreate(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    id_number: Annotated[str, msgspec.Meta(description="18-digit resident ID (GB 11643)")]
    phone: Phone = ""
    community_code: str | None = None


class PersonUpdate(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)] | None = None
    phone: Phone | None = None
    community_code: str | None = None


class Person(msgspec.Struct):
    id: int
    district_code: str
    name: str
    id_number: Annotated[str, msgspec.Meta(description="masked like 430702********1234")]
    gender: str
    birth_year: int
    phone: Annotated[str, msgspec.Meta(description="masked like 138****1234")]
    community_code: str | None


class PersonRevealed(msgspec.Struct):
    id: int
    id_number: str
    phone: str


class Page(msgspec.Struct):
    total: int
    page: int
    per_page: int


class CommunityPage(Page):
    items: list[Community]


class OrganizationPage(Page):
    items: list[Organization]


class PersonPage(Page):
    items: list[Person]
