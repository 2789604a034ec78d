"""What the OCDS endpoints answer, typed for the OpenAPI document (the packages themselves are
streamed; these Structs describe them, and the contract test checks every answer against
them). The official JSON Schemas are the authority: tests validate every package with them.
Names start with Ocds (one OpenAPI namespace for all plugins)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

Tag = Literal["planning", "planningUpdate", "tender", "tenderAmendment", "tenderUpdate", "tenderCancellation",
              "award", "awardUpdate", "awardCancellation", "contract", "contractUpdate", "contractAmendment",
              "implementation", "implementationUpdate", "contractTermination", "compiled"]
Section = Annotated[dict[str, Any], msgspec.Meta(description="as the OCDS 1.1.5 release schema defines it")]
Sections = Annotated[list[dict[str, Any]], msgspec.Meta(description="as the OCDS 1.1.5 release schema defines it")]


class OcdsPublisher(msgspec.Struct):
    name: str


class OcdsLinks(msgspec.Struct):
    next: Annotated[str, msgspec.Meta(description="the next page (same filters, a cursor)")]


class OcdsRelease(msgspec.Struct, rename="camel"):
    """An OCDS 1.1.5 release (https://standard.open-contracting.org/schema/1__1__5/release-schema.json)."""

    ocid: str
    id: str
    date: Annotated[str, msgspec.Meta(description="RFC 3339, UTC")]
    tag: list[Tag]
    initiation_type: Literal["tender"]
    language: str = "zh"
    parties: Sections = []
    buyer: Section = {}
    planning: Section = {}
    tender: Section = {}
    awards: Sections = []
    contracts: Sections = []


class OcdsLinkedRelease(msgspec.Struct):
    url: str
    date: str
    tag: list[Tag]


class OcdsRecord(msgspec.Struct, rename="camel"):
    ocid: str
    releases: list[OcdsLinkedRelease]
    compiled_release: OcdsRelease


class _Package(msgspec.Struct, rename="camel"):
    uri: str
    version: Literal["1.1"]
    published_date: str
    publisher: OcdsPublisher
    license: str
    publication_policy: str
    links: Annotated[OcdsLinks | None, msgspec.Meta(description="present when there is a next page")] = None


class OcdsReleasePackage(_Package):
    """An OCDS 1.1.5 release package (release-package-schema.json), one page of releases."""

    releases: list[OcdsRelease] = []


class OcdsRecordPackage(_Package):
    """An OCDS 1.1.5 record package (record-package-schema.json), one page of records."""

    records: list[OcdsRecord] = []


class OcdsPublication(msgspec.Struct):
    """About the OCDS publication: where the packages are and the publication policy."""

    standard: str
    version: str
    releases: str
    records: str
    license: str
    publishers: dict[str, str]
    ocid_prefixes: Annotated[dict[str, str], msgspec.Meta(description="district code → ocid prefix")]
    policy: list[str]
