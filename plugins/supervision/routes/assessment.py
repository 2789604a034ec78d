"""Supervision routes: assessment (filled in by its issue work)."""

ROUTES: list = []
