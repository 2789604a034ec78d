"""Participation routes: me (being built)."""

ROUTES: list = []
