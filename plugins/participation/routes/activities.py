"""Participation routes: activities (being built)."""

ROUTES: list = []
