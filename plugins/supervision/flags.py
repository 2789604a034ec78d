"""Flags: running the modules' supervision rules (filled in by the flags work)."""


async def start_scheduler(app) -> None:
    """Start the in-app scheduled scan (not yet)."""
