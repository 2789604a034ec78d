"""The profile-section contract (hook `register_profile_sections`), re-exported by core.contrib.

A profile (社区画像 / 组织画像 / 社工档案) is one page and one API answer per community, organisation
or person, built from the sections every module enabled in the district contributes; core.profiles
puts them together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable

PROFILE_KINDS = ("community", "organization", "person")
PUBLIC, SELF = "public", "self"
# the loop's steps in order, with their zh and en words (see ProfileSection)
LOOP_STEPS = {"need": ("居民需求", "Needs"), "project": ("购买项目", "Projects"),
              "organization": ("承接组织", "Organisations"), "worker": ("社工", "Social workers"),
              "activity": ("服务活动", "Activities"), "rating": ("居民评价", "Ratings")}


@dataclass(frozen=True)
class ProfileSection:
    """One module's part of a profile. `kind` is community | organization | person; `name` is
    stable (`participation.community`); `label`/`label_en` head the section; sections show in
    `order`. `access`: "public" (anyone), a permission name (held in the district), or "self" (the
    person of a person profile themself — and staff holding `registry.person.read` there).

    `build(ctx, district_code, key, principal)` (awaitable) gets the record's key (a community's
    12-digit code, an organisation's or person's id, as a string, already known to exist in the
    district) and returns the section's data, or None when there is nothing to show. The data has
    one display shape every page renders the same way:

        {"facts": [[label, value], ...],                  # short label/value lines
         "items": [{"title": ..., "url": ..., "meta": ...}, ...]}   # a list; url, meta optional

    (both keys optional; values are text or numbers). A section reads only its own module's
    tables and the core registry — never another plugin's.

    A community section may also name its steps of the 三社联动 loop, `"loop": [[step, value]]`
    with `step` one of LOOP_STEPS (need, project, organization, worker, activity, rating): core
    puts every section's steps in loop order at the top of the profile (需求 → 项目 → 承接组织 →
    社工 → 活动 → 评价), each linking to the section it came from."""

    module: str
    kind: str
    name: str
    label: str
    label_en: str
    build: Callable[[Any, str, str, Any], Awaitable[dict | None]]
    access: str = PUBLIC
    order: int = 100
