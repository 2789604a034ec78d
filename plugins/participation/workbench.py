"""Participation's to-do cards on the workbench (工作台)."""

PROVIDERS: list = []
