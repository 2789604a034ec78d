"""Supervision routes: campaigns (filled in by its issue work)."""

ROUTES: list = []
