"""Participation routes: points (being built)."""

ROUTES: list = []
