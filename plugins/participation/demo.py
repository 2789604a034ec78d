"""Participation demo data for a district where the module is enabled (safe to run twice):
needs, activities with sign-ups, check-ins and ratings, rewards and the resident's points, and a
committee with a meeting and a decided proposal. Each area loads its own part."""

from __future__ import annotations

from core.modules import enabled_modules
from plugins.participation import demo_activities, demo_committee, demo_needs, demo_points

MODULE = "participation"


async def load(ctx, district) -> None:
    if MODULE not in await enabled_modules(ctx, district.code):
        return
    for part in (demo_needs, demo_activities, demo_points, demo_committee):
        await part.load(ctx, district)
