"""Participation routes: needs (being built)."""

ROUTES: list = []
