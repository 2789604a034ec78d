"""Supervision rules and auditable records of the incubation base (filled in by the residency work)."""

RULES: list = []
SOURCES: list = []
