"""Our shared vocabulary as HSDS taxonomies: service fields (the eight common fields plus
every field a catalogue district adds in its `extra_fields` setting), target groups and
organisation evaluation grades. Ids are name-based UUIDs of the term's value, so they
are the same in every district and stay stable as long as the word does.

A service or organisation points at its terms with attributes; each term an attribute
names is answered by `/taxonomy_terms/{id}` (a field that a district has since dropped
from its settings stays a term while a published service still uses it)."""

from __future__ import annotations

from dataclasses import dataclass

from core.context import AppContext
from core.glossary import GRADES, SERVICE_FIELDS, TARGET_GROUPS
from core.modules import module_settings
from plugins.catalogue.glossary import HSDS_EXTRA_FIELD, HSDS_TAXONOMIES as TAXONOMIES
from plugins.catalogue.hsds._documents import HsdsAttribute, HsdsTaxonomy, HsdsTaxonomyTerm
from plugins.catalogue.hsds._ids import stable_id
from plugins.catalogue.services import service_fields
from plugins.catalogue.tables import Service


def taxonomy_id(key: str) -> str:
    return stable_id("taxonomy", key)


TAXONOMY_KEYS = {taxonomy_id(key): key for key in TAXONOMIES}


def taxonomy_document(key: str) -> HsdsTaxonomy:
    name, description = TAXONOMIES[key]
    return HsdsTaxonomy(id=taxonomy_id(key), name=name, description=description)


@dataclass(frozen=True)
class Term:
    """One value of one of our taxonomies."""

    taxonomy: str
    value: str

    @property
    def id(self) -> str:
        return stable_id("taxonomy_term", self.taxonomy, self.value)

    def document(self) -> HsdsTaxonomyTerm:
        if self.taxonomy == "evaluation_grade":
            name, english = GRADES[self.value]
            description = f"社会组织评估等级{name}（evaluation grade {english}）"
        else:
            name = self.value
            known = SERVICE_FIELDS if self.taxonomy == "service_field" else TARGET_GROUPS
            description = known.get(self.value, HSDS_EXTRA_FIELD)
        return HsdsTaxonomyTerm(id=self.id, code=self.value, name=name, description=description,
                                taxonomy=TAXONOMIES[self.taxonomy][0], language="zh",
                                taxonomy_id=taxonomy_id(self.taxonomy))

    def matches(self, text: str) -> bool:
        document = self.document()
        return any(text.lower() in part.lower() for part in (document.name, self.value, document.description))


def target_term(value: str) -> Term | None:
    """Target groups are checked against the glossary on every write; anything else is not a term."""
    return Term("target_group", value) if value in TARGET_GROUPS else None


def grade_term(value: str | None) -> Term | None:
    return Term("evaluation_grade", value) if value in GRADES else None


def attribute(term: Term, link_entity: str, link_id: str) -> HsdsAttribute:
    return HsdsAttribute(id=stable_id("attribute", link_entity, link_id, term.id), link_id=link_id,
                         taxonomy_term_id=term.id, link_type=term.taxonomy, link_entity=link_entity,
                         taxonomy_term=term.document())


async def vocabulary(ctx: AppContext, districts: list[str]) -> list[Term]:
    """Every term, in glossary order: fields (common, then each district's own, then any
    a published service still uses), target groups, grades."""
    fields = [*await _set_field_terms(ctx, districts), *await _used_field_terms(districts)]
    return [*dict.fromkeys(fields), *_fixed_terms()]


async def find_term(ctx: AppContext, districts: list[str], term_id: str) -> Term | None:
    """The term with this id. The glossary and the settings come first (no table read);
    only an id outside them costs one DISTINCT over the published services' fields."""
    known = [*_fixed_terms(), *await _set_field_terms(ctx, districts)]
    if found := next((term for term in known if term.id == term_id), None):
        return found
    return next((term for term in await _used_field_terms(districts) if term.id == term_id), None)


def _fixed_terms() -> list[Term]:
    return [*(Term("target_group", v) for v in TARGET_GROUPS), *(Term("evaluation_grade", v) for v in GRADES)]


async def _set_field_terms(ctx: AppContext, districts: list[str]) -> list[Term]:
    """The eight common fields and each catalogue district's own (its `extra_fields`)."""
    fields: list[str] = []
    for code in districts:
        fields += service_fields(await module_settings(ctx, code, "catalogue"))
    return [Term("service_field", value) for value in dict.fromkeys([*SERVICE_FIELDS, *fields])]


async def _used_field_terms(districts: list[str]) -> list[Term]:
    """Fields published services use, also one a district has since dropped from its settings."""
    if not districts:
        return []
    rows = await Service.select(Service.field).where(
        Service.status == "published", Service.district_code.is_in(districts)).distinct()
    return [Term("service_field", value) for value in sorted(row["field"] for row in rows)]
