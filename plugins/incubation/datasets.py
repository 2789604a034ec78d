"""Open datasets of the incubation base (filled in by the residency work)."""

DATASETS: list = []
