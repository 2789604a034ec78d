"""The HSDS 3.0 documents we publish, as typed Structs: the OpenAPI document shows their
real schema, and a property with no value is left out (`omit_defaults` with `None`
defaults), as HSDS asks — never `null`, never an empty string.

Only HSDS 3.0 properties exist here (no 3.1 `attribute.label`, no `metadata` with empty
required values): tests validate every document against the official 3.0 schemas, also
with `additionalProperties: false` added everywhere, as HSDS's own CI does."""

from __future__ import annotations

from typing import Literal

import msgspec

Uuid = str
ServiceStatus = Literal["active", "inactive", "defunct", "temporarily closed"]


class Doc(msgspec.Struct, omit_defaults=True):
    """Base of every HSDS object: unset properties are left out of the JSON."""


class HsdsTaxonomy(Doc, kw_only=True):
    id: Uuid
    name: str
    description: str
    uri: str | None = None
    version: str | None = None


class HsdsTaxonomyTerm(Doc, kw_only=True):
    id: Uuid
    code: str | None = None
    name: str
    description: str
    parent_id: Uuid | None = None
    taxonomy: str | None = None
    taxonomy_detail: HsdsTaxonomy | None = None
    language: str | None = None
    taxonomy_id: Uuid | None = None


class HsdsAttribute(Doc, kw_only=True):
    """A link from a record to a taxonomy term (`/taxonomy_terms/{taxonomy_term_id}` answers it)."""

    id: Uuid
    link_id: Uuid | None = None
    taxonomy_term_id: Uuid | None = None
    link_type: str | None = None
    link_entity: str | None = None
    value: str | None = None
    taxonomy_term: HsdsTaxonomyTerm | None = None


class HsdsPhone(Doc, kw_only=True):
    """A service's public hotline (never a person's phone)."""

    id: Uuid
    service_id: Uuid | None = None
    number: str
    type: str | None = None
    description: str | None = None


class HsdsLanguage(Doc, kw_only=True):
    id: Uuid
    service_id: Uuid | None = None
    name: str | None = None
    code: str | None = None


class HsdsSchedule(Doc, kw_only=True):
    id: Uuid
    service_id: Uuid | None = None
    service_at_location_id: Uuid | None = None
    description: str | None = None


class HsdsServiceArea(Doc, kw_only=True):
    id: Uuid
    service_id: Uuid | None = None
    name: str | None = None
    description: str | None = None


class HsdsLocation(Doc, kw_only=True):
    """A place, named by its address text. HSDS `address` needs city, province and postal
    code, which we do not hold, so no `addresses` are published."""

    id: Uuid
    location_type: Literal["physical", "postal", "virtual"]
    organization_id: Uuid | None = None
    name: str | None = None
    description: str | None = None


class HsdsServiceAtLocation(Doc, kw_only=True):
    """List items carry the one-to-one `location` and `service`; the full record carries
    phones, schedules and the location, as HSDS 3.0 `service_at_location` defines."""

    id: Uuid
    service_id: Uuid | None = None
    location_id: Uuid | None = None
    description: str | None = None
    phones: list[HsdsPhone] | None = None
    schedules: list[HsdsSchedule] | None = None
    location: HsdsLocation | None = None
    attributes: list[HsdsAttribute] | None = None
    service: HsdsService | None = None


class HsdsOrganizationIdentifier(Doc, kw_only=True):
    id: Uuid
    organization_id: Uuid | None = None
    identifier_scheme: str | None = None
    identifier_type: str
    identifier: str


class HsdsOrganization(Doc, kw_only=True):
    """List items and nested organisations carry the one-to-one properties only."""

    id: Uuid
    name: str
    description: str
    year_incorporated: int | None = None
    legal_status: str | None = None
    locations: list[HsdsLocation] | None = None
    organization_identifiers: list[HsdsOrganizationIdentifier] | None = None
    attributes: list[HsdsAttribute] | None = None
    services: list[HsdsService] | None = None


class HsdsService(Doc, kw_only=True):
    """List items carry the one-to-one properties (and the one-to-one `organization`);
    `/services/{id}`, `full=true` and ndjson lines carry every related record."""

    id: Uuid
    organization_id: Uuid | None = None
    name: str
    description: str | None = None
    email: str | None = None
    status: ServiceStatus
    fees_description: str | None = None
    eligibility_description: str | None = None
    assured_date: str | None = None
    last_modified: str | None = None
    phones: list[HsdsPhone] | None = None
    schedules: list[HsdsSchedule] | None = None
    service_areas: list[HsdsServiceArea] | None = None
    service_at_locations: list[HsdsServiceAtLocation] | None = None
    languages: list[HsdsLanguage] | None = None
    organization: HsdsOrganization | None = None
    attributes: list[HsdsAttribute] | None = None


class HsdsApiInfo(msgspec.Struct):
    """The `/` answer of the HSDS API reference."""

    version: str
    profile: str
    openapi_url: str


class HsdsPage(msgspec.Struct):
    """The HSDS API's page envelope (`components.schemas.Page` of its openapi.json)."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool


class HsdsServicePage(HsdsPage):
    contents: list[HsdsService]


class HsdsOrganizationPage(HsdsPage):
    contents: list[HsdsOrganization]


class HsdsServiceAtLocationPage(HsdsPage):
    contents: list[HsdsServiceAtLocation]


class HsdsTaxonomyPage(HsdsPage):
    contents: list[HsdsTaxonomy]


class HsdsTaxonomyTermPage(HsdsPage):
    contents: list[HsdsTaxonomyTerm]
