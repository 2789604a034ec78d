"""Participation routes: committee (being built)."""

ROUTES: list = []
