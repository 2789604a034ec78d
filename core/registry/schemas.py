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
CreditList = Literal["abnormal", "serious"]
InspectionResult = Literal["qualified", "basically_qualified", "unqualified", "not_inspected"]
Reason = Annotated[str, msgspec.Meta(max_length=2000)]
Uscc = Annotated[str, msgspec.Meta(description="18-character unified social credit code; "
                                   "positions 1–2 fit the legal type: 51 社会团体, 52 社会服务机构, 53 基金会, "
                                   "59 备案社区社会组织 (usually none)")]
ExceptionReason = Annotated[str, msgspec.Meta(max_length=500, description="why a code failing its check "
                                              "character is accepted (required with uscc_exception)")]


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
    uscc: Uscc | None = None
    uscc_exception: bool = False
    """An early pilot code that is well formed but fails its check character (needs a reason)."""
    uscc_exception_reason: ExceptionReason = ""
    grade: Grade | None = None
    registered_on: dt.date | None = None
    community_code: str | None = None
    address: Text200 = ""
    contact_name: Annotated[str, msgspec.Meta(max_length=50)] = ""
    contact_phone: Phone = ""


class OrganizationUpdate(Input):
    """Fields to change. The credit status is not among them: it follows the credit lists."""

    name: LongName | None = None
    legal_type: LegalType | None = None
    uscc: Uscc | None = None
    uscc_exception: bool | None = None
    """Changing the code drops an earlier exception unless this claims it again."""
    uscc_exception_reason: ExceptionReason | None = None
    status: OrgStatus | None = None
    grade: Grade | None = None
    registered_on: dt.date | None = None
    community_code: str | None = None
    address: Text200 | None = None
    contact_name: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    contact_phone: Phone | None = None


class Organization(msgspec.Struct):
    id: int
    district_code: str
    uscc: str | None
    uscc_exception: bool
    uscc_exception_reason: str
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
    credit_status: Annotated[str, msgspec.Meta(description="normal | abnormal | serious, from the open "
                                               "credit-list entries")]
    credit_status_label: str


class CreditListingCreate(Input):
    credit_list: CreditList
    """abnormal: 活动异常名录; serious: 严重违法失信名单."""
    listed_on: dt.date
    reason: Reason = ""


class CreditListingRemove(Input):
    reason: Reason = ""
    removed_on: dt.date | None = None
    """Default today."""


class CreditListing(msgspec.Struct):
    id: int
    organization_id: int
    credit_list: str
    credit_list_label: str
    listed_on: dt.date
    reason: str
    listed_by: str
    removed_on: dt.date | None
    removal_reason: str
    removed_by: str
    open: bool


class InspectionRecord(Input):
    result: InspectionResult
    """qualified 合格, basically_qualified 基本合格, unqualified 不合格, not_inspected 未参检."""
    note: Reason = ""


class AnnualInspection(msgspec.Struct):
    id: int
    organization_id: int
    year: int
    result: str
    result_label: str
    note: str
    recorded_by: str
    recorded_at: dt.datetime


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
