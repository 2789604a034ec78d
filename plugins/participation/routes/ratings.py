"""Participation routes: ratings (being built)."""

ROUTES: list = []
