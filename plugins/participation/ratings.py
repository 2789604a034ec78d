"""Ratings (being built): the supervision rule and the `rating_averages` hook."""

from __future__ import annotations

RULES: list = []


async def averages_for_refs(ctx, district_code: str, refs: list[str]) -> dict:
    return {}
