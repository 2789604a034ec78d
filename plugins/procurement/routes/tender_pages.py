"""The tender pages (filled in below)."""

ROUTES: list = []
