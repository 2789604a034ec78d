"""The vocabularies the catalogue uses: the JSON-LD context and the IRIs DCAT-AP 3.0.1 asks for.

EU authority tables (language, file type, data theme, planned availability) and
ADMS (publisher and licence types) are the controlled vocabularies DCAT-AP names;
media types are IANA's. Labels are given in English (the tables' own) and in Chinese.
"""

from __future__ import annotations

from core.opendata.dcat._nodes import Context, DcatConcept, DcatConceptScheme, DcatLangString, DcatTermDefinition

LANGUAGE_TAG = "zh-CN"
IRI = DcatTermDefinition(type="@id")
CHINESE = DcatTermDefinition(language=LANGUAGE_TAG)

CONTEXT: Context = {
    "@version": 1.1,  # `@included` is JSON-LD 1.1
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    **{term: CHINESE for term in ("dct:title", "dct:description", "dcat:keyword", "skos:prefLabel", "foaf:name")},
    **{term: IRI for term in (
        "dct:license", "dct:language", "dct:publisher", "dct:format", "dct:type", "dct:conformsTo",
        "dcat:downloadURL", "dcat:accessURL", "dcat:landingPage", "dcat:mediaType", "dcat:theme",
        "dcat:themeTaxonomy", "dcat:endpointURL", "dcat:endpointDescription", "dcat:servesDataset",
        "dcatap:availability", "foaf:homepage", "skos:inScheme")},
}


def _labels(english: str, chinese: str) -> list[DcatLangString]:
    return [DcatLangString(english, "en"), DcatLangString(chinese, LANGUAGE_TAG)]


EU = "http://publications.europa.eu/resource/authority"
CHINESE_LANGUAGE = f"{EU}/language/ZHO"

FILE_TYPES = {"csv": f"{EU}/file-type/CSV", "json": f"{EU}/file-type/JSON", "xlsx": f"{EU}/file-type/XLSX"}
"""Download format (core.opendata.formats.FORMATS key) → EU file-type IRI."""


def media_type_iri(media_type: str) -> str:
    return f"https://www.iana.org/assignments/media-types/{media_type}"


THEME_SCHEME = DcatConceptScheme(f"{EU}/data-theme", _labels("Data theme", "数据主题"))
# Community, social organisations and social work are all "population and society".
SOCIETY = DcatConcept(f"{EU}/data-theme/SOCI", _labels("Population and society", "人口与社会"),
                      THEME_SCHEME.id)

STABLE = DcatConcept(f"{EU}/planned-availability/STABLE", _labels("Stable", "长期可用"),
                     f"{EU}/planned-availability")

ADMS = "http://purl.org/adms"
LOCAL_AUTHORITY = DcatConcept(f"{ADMS}/publishertype/LocalAuthority",
                              _labels("Local Authority", "地方政府部门"), f"{ADMS}/publishertype/1.0")
_ATTRIBUTION = DcatConcept(f"{ADMS}/licencetype/Attribution", _labels("Attribution", "署名"),
                           f"{ADMS}/licencetype/1.0")
_SHARE_ALIKE = DcatConcept(f"{ADMS}/licencetype/ShareAlike", _labels("Share alike", "相同方式共享"),
                           f"{ADMS}/licencetype/1.0")
_PUBLIC_DOMAIN = DcatConcept(f"{ADMS}/licencetype/PublicDomain", _labels("Public domain", "公有领域"),
                             f"{ADMS}/licencetype/1.0")

LICENCES: dict[str, tuple[str, tuple[DcatConcept, ...]]] = {
    "CC-BY-4.0": ("https://creativecommons.org/licenses/by/4.0/", (_ATTRIBUTION,)),
    "CC-BY-SA-4.0": ("https://creativecommons.org/licenses/by-sa/4.0/", (_ATTRIBUTION, _SHARE_ALIKE)),
    "CC0-1.0": ("https://creativecommons.org/publicdomain/zero/1.0/", (_PUBLIC_DOMAIN,)),
    "ODbL-1.0": ("https://opendatacommons.org/licenses/odbl/1-0/", (_ATTRIBUTION, _SHARE_ALIKE)),
    "PDDL-1.0": ("https://opendatacommons.org/licenses/pddl/1-0/", (_PUBLIC_DOMAIN,)),
}
"""Licence identifier → its IRI and ADMS licence types."""
LICENCE_TYPES = {url: types for url, types in LICENCES.values()}


def licence_url(licence: str) -> str:
    """A licence as an IRI: known identifiers mapped, URLs kept, others through SPDX."""
    if licence.startswith(("http://", "https://")):
        return licence
    known = LICENCES.get(licence)
    return known[0] if known else f"https://spdx.org/licenses/{licence}.html"
