"""Incubation routes: intake (filled in by its work)."""

ROUTES: list = []
