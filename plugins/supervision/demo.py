"""Demo data for supervision (filled in as the areas land)."""


async def load(district) -> None:
    """Safe to run twice."""
