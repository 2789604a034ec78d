"""Participation routes: stats (being built)."""

ROUTES: list = []
