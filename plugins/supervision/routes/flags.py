"""Supervision routes: flags (filled in by its issue work)."""

ROUTES: list = []
