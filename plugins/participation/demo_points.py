"""Participation demo data: points (being built)."""

from __future__ import annotations


async def load(ctx, district) -> None:
    return None
