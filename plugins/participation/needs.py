"""Residents' needs (being built): the `offer_needs` hook."""

from __future__ import annotations


async def offer(ctx, district_code: str, refs, field, community):
    return None
