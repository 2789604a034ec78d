"""Typed answers made from table rows, so every API answer has a real schema.

`row_view(Table, "CampaignView", extra=[("items", dict[str, int])])` builds a msgspec Struct with
one field per column (its Python type; nullable columns may be None) plus the extra fields, and
`view(row, CampaignView)` turns a row dict into it. Only the declared fields leave: a column left
out of the view (`exclude`) is never sent, even when the row dict carries it.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from piccolo.table import Table

S = TypeVar("S", bound=msgspec.Struct)


def row_view(table: type[Table], name: str, *, exclude: tuple[str, ...] = (),
             extra: list[tuple[str, Any] | tuple[str, Any, Any]] | None = None,
             rename: dict[str, str] | None = None, module: str | None = None) -> type[msgspec.Struct]:
    """A Struct named `name` for rows of `table`: columns (minus `exclude`, some `rename`d as
    the answer calls them) then `extra` fields (`(name, type)` or `(name, type, default)`)."""
    fields: list[Any] = []
    for column in table._meta.columns:
        column_name = column._meta.name
        if column_name in exclude:
            continue
        kind: Any = column.value_type
        if column._meta.null:
            kind = kind | None
        fields.append(((rename or {}).get(column_name, column_name), kind))
    fields.extend(extra or [])
    required = [f for f in fields if len(f) == 2]
    optional = [f for f in fields if len(f) == 3]
    return msgspec.defstruct(name, [*required, *optional], module=module or table.__module__)


def view(row: dict[str, Any], kind: type[S]) -> S:
    """`row` as the Struct `kind` (extra keys dropped; types checked)."""
    return msgspec.convert(row, kind, strict=False)


def views(rows: list[dict[str, Any]], kind: type[S]) -> list[S]:
    return [view(row, kind) for row in rows]
