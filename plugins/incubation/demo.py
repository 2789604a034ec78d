"""Demo data of the incubation base (filled in last)."""


async def load(district, ctx) -> None:
    """Safe to run twice."""
