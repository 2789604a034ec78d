"""`sanshe supervision …` commands (filled in by the flags work)."""

COMMANDS: list = []
