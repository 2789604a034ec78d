"""The catalogue's JSON-LD node objects as msgspec Structs, so `/schema/openapi.json` documents them.

Field names are the compact IRIs the `@context` defines; a field left at its
default is omitted (no empty values in the graph). Plain strings of text
properties carry the `zh-CN` language tag through the context; English labels
of EU vocabulary concepts are explicit `@value`/`@language` objects.
"""

from __future__ import annotations

from typing import Union

import msgspec
from msgspec import field


class DcatTermDefinition(msgspec.Struct, omit_defaults=True):
    """A JSON-LD term definition: values are IRIs (`@id`) or tagged with a language."""

    type: str | None = field(default=None, name="@type")
    language: str | None = field(default=None, name="@language")


Context = dict[str, Union[str, float, DcatTermDefinition]]


class DcatLangString(msgspec.Struct):
    value: str = field(name="@value")
    language: str = field(name="@language")


class DcatTypedLiteral(msgspec.Struct):
    """A literal with its XML Schema datatype, e.g. `xsd:dateTime`."""

    value: str = field(name="@value")
    type: str = field(name="@type")


class DcatResource(msgspec.Struct, tag_field="@type", omit_defaults=True):
    """A resource the catalogue refers to by IRI, described once in `@included`."""

    id: str = field(name="@id")


class DcatDocument(DcatResource, tag="foaf:Document"):
    """A web page (home page, landing page)."""


class DcatLinguisticSystem(DcatResource, tag="dct:LinguisticSystem"):
    """A language from the EU language authority table."""


class DcatMediaType(DcatResource, tag="dct:MediaType"):
    """An IANA media type."""


class DcatFileType(DcatResource, tag="dct:MediaTypeOrExtent"):
    """A file type from the EU file-type authority table."""


class DcatStandard(DcatResource, tag="dct:Standard"):
    """A standard a data service conforms to."""


class DcatConcept(DcatResource, tag="skos:Concept"):
    pref_label: list[DcatLangString] = field(default_factory=list, name="skos:prefLabel")
    in_scheme: str | None = field(default=None, name="skos:inScheme")


class DcatConceptScheme(DcatResource, tag="skos:ConceptScheme"):
    title: list[DcatLangString] = field(default_factory=list, name="dct:title")


class DcatLicenceDocument(DcatResource, tag="dct:LicenseDocument"):
    types: list[str] = field(default_factory=list, name="dct:type")
    """ADMS licence-type concepts (attribution, share-alike, public domain)."""


class DcatAgent(DcatResource, tag="foaf:Agent"):
    """A publisher: a civil-affairs bureau."""

    name: str = field(name="foaf:name")
    type: str | None = field(default=None, name="dct:type")


Included = Union[DcatDocument, DcatLinguisticSystem, DcatMediaType, DcatFileType, DcatStandard, DcatConcept,
                 DcatConceptScheme, DcatLicenceDocument, DcatAgent]


class DcatLocation(msgspec.Struct, tag_field="@type", tag="dct:Location"):
    """A district: its GB/T 2260 code and name."""

    id: str = field(name="@id")
    identifier: str = field(name="dct:identifier")
    pref_label: str = field(name="skos:prefLabel")


class DcatDistribution(msgspec.Struct, tag_field="@type", tag="dcat:Distribution", omit_defaults=True):
    title: str = field(name="dct:title")
    description: str = field(name="dct:description")
    media_type: str = field(name="dcat:mediaType")
    download_url: str = field(name="dcat:downloadURL")
    access_url: str = field(name="dcat:accessURL")
    licence: str = field(name="dct:license")
    availability: str = field(name="dcatap:availability")
    format: str | None = field(default=None, name="dct:format")


class DcatDataset(msgspec.Struct, tag_field="@type", tag="dcat:Dataset", omit_defaults=True):
    id: str = field(name="@id")
    identifier: str = field(name="dct:identifier")
    title: str = field(name="dct:title")
    description: str = field(name="dct:description")
    licence: str = field(name="dct:license")
    publisher: str = field(name="dct:publisher")
    landing_page: str = field(name="dcat:landingPage")
    keyword: list[str] = field(name="dcat:keyword")
    theme: list[str] = field(name="dcat:theme")
    spatial: list[DcatLocation] = field(name="dct:spatial")
    distribution: list[DcatDistribution] = field(name="dcat:distribution")
    modified: DcatTypedLiteral | None = field(default=None, name="dct:modified")


class DcatDataService(msgspec.Struct, tag_field="@type", tag="dcat:DataService", omit_defaults=True):
    id: str = field(name="@id")
    identifier: str = field(name="dct:identifier")
    title: str = field(name="dct:title")
    description: str = field(name="dct:description")
    endpoint_url: str = field(name="dcat:endpointURL")
    endpoint_description: str = field(name="dcat:endpointDescription")
    licence: str = field(name="dct:license")
    publisher: str = field(name="dct:publisher")
    keyword: list[str] = field(name="dcat:keyword")
    theme: list[str] = field(name="dcat:theme")
    conforms_to: str | None = field(default=None, name="dct:conformsTo")
    serves_dataset: list[str] = field(default_factory=list, name="dcat:servesDataset")


class DcatCatalog(msgspec.Struct, omit_defaults=True, kw_only=True):
    """The whole catalogue: a `dcat:Catalog` node with its datasets and data services embedded and
    every resource they refer to (publishers, licences, formats, themes, ...) described in `@included`."""

    context: Context = field(name="@context")
    id: str = field(name="@id")
    type: str = field(name="@type")
    title: str = field(name="dct:title")
    description: str = field(name="dct:description")
    language: str = field(name="dct:language")
    licence: str = field(name="dct:license")
    publisher: str = field(name="dct:publisher")
    homepage: str = field(name="foaf:homepage")
    modified: DcatTypedLiteral | None = field(default=None, name="dct:modified")
    spatial: list[DcatLocation] = field(name="dct:spatial")
    theme_taxonomy: str = field(name="dcat:themeTaxonomy")
    dataset: list[DcatDataset] = field(name="dcat:dataset")
    service: list[DcatDataService] = field(name="dcat:service")
    included: list[Included] = field(name="@included")
