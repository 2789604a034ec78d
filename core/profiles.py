"""Profiles (社区画像 / 组织画像 / 社工档案): one community, organisation or person seen across every
module, from the sections modules contribute (hook `register_profile_sections`,
core.contrib.ProfileSection).

`profile(ctx, code, kind, key, principal)` checks the record exists in the district (404
otherwise, also for another district's record), then builds each section of that kind whose module
is enabled in the district ("core" always is) and whose access the principal meets; a section
that answers None is left out. Modules that are off and would add a section are listed by label
(`modules_off`), so the page can say what is missing. A section's data has the display shape
{"facts": [[label, value], ...], "items": [{"title", "url"?, "meta"?}, ...]} (see ProfileSection).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.auth import Principal
from core.codes import mask_name
from core.contrib import ProfileSection
from core.profiles_contrib import LOOP_STEPS
from core.errors import ApiError
from core.modules import enabled_modules
from core.tables import Community, Organization, Person

if TYPE_CHECKING:
    from core.context import AppContext

PERSON_READ = "registry.person.read"
KIND_WORDS = {"community": "社区", "organization": "社会组织", "person": "人员"}


def is_self(principal: Principal, kind: str, key: str) -> bool:
    return kind == "person" and principal.person_id is not None and str(principal.person_id) == key


def may_read_person(principal: Principal, code: str, person_id: int) -> bool:
    """Staff holding registry.person.read in the district, or the person themself."""
    return principal.can(PERSON_READ, code) or is_self(principal, "person", str(person_id))


def may_see(principal: Principal, section: ProfileSection, code: str, key: str) -> bool:
    if section.access == "public":
        return True
    if section.access == "self":
        return is_self(principal, section.kind, key) or principal.can(PERSON_READ, code)
    return principal.can(section.access, code)


def _missing(kind: str, key: Any) -> ApiError:
    return ApiError(404, f"{KIND_WORDS[kind]} {key} 不存在", "not_found")


async def title_of(code: str, kind: str, key: str, principal: Principal) -> str:
    """The record's name (a person's masked unless it is the viewer themself); 404 when the record
    is not in the district."""
    if kind == "community":
        row = await Community.select(Community.name).where(
            (Community.district_code == code) & (Community.code == key)).first()
    else:
        if not key.isdigit():
            raise _missing(kind, key)
        table = Organization if kind == "organization" else Person
        row = await table.select(table.name).where((table.district_code == code) & (table.id == int(key))).first()
    if row is None:
        raise _missing(kind, key)
    if kind == "person" and not is_self(principal, kind, key):
        return mask_name(row["name"]) or ""
    return row["name"]


async def profile(ctx: AppContext, code: str, kind: str, key: str, principal: Principal) -> dict[str, Any]:
    """{kind, key, title, sections: [{module, name, label, label_en, data}], loop: [{step, label,
    label_en, value, section}] (the sections' loop steps in loop order), modules_off, modules_off_en}."""
    title = await title_of(code, kind, key, principal)
    enabled = set(await enabled_modules(ctx, code))
    sections, off, loop = [], [], []
    for section in ctx.contributions.profile_sections:
        if section.kind != kind:
            continue
        if section.module != "core" and section.module not in enabled:
            spec = ctx.contributions.modules[section.module]
            if (spec.label, spec.label_en) not in off:
                off.append((spec.label, spec.label_en))
            continue
        if not may_see(principal, section, code, key):
            continue
        data = await section.build(ctx, code, key, principal)
        if data is None:
            continue
        loop += [{"step": step, "label": LOOP_STEPS[step][0], "label_en": LOOP_STEPS[step][1], "value": str(value),
                  "section": section.name} for step, value in data.get("loop", []) if step in LOOP_STEPS]
        sections.append({"module": section.module, "name": section.name, "label": section.label,
                         "label_en": section.label_en,
                         "data": {"facts": [list(f) for f in data.get("facts", [])],
                                  "items": [dict(i) for i in data.get("items", [])]}})
    order = list(LOOP_STEPS)
    loop.sort(key=lambda step: order.index(step["step"]))  # stable: sections' order within a step
    return {"kind": kind, "key": key, "title": title, "sections": sections, "loop": loop,
            "modules_off": [label for label, _ in off], "modules_off_en": [label for _, label in off]}
