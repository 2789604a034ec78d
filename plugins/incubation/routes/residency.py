"""Incubation routes: residency (filled in by its work)."""

ROUTES: list = []
