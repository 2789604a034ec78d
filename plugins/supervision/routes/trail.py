"""Supervision routes: trail (filled in by its issue work)."""

ROUTES: list = []
