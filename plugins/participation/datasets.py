"""Participation's open datasets (aggregates only, no person; small cells suppressed)."""

DATASETS: list = []
