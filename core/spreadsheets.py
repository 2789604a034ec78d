"""The one way every CSV and XLSX cell is written (open data, reports, roster exports).

A spreadsheet runs text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula (OWASP's "CSV injection"): a worker's answer `=HYPERLINK("http://evil", "查看")` would
become a live link in a supervisor's report. So text written by people is neutralised:

- in CSV it gets a leading apostrophe, which spreadsheet programs read as "this is text";
- in XLSX the cell is typed as a string, so it shows exactly as written and is never evaluated.

Numbers, dates and booleans are written as themselves (a negative number stays a number).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_EXACT_INT = 2**53  # larger integers lose digits in a spreadsheet; written as text


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def plain_text(value: Any) -> str:
    """A value as text (no neutralising): ISO dates, true/false, JSON for lists and objects."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=json_default)
    return str(value)


def csv_cell(value: Any) -> str:
    """A CSV cell: text that a spreadsheet would run as a formula gets a leading apostrophe."""
    text = plain_text(value)
    return f"'{text}" if isinstance(value, str) and is_formula_like(text) else text


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """An XLSX cell for `sheet` (write-only or not) that is data, never a formula: numbers, dates
    and booleans as themselves (huge integers and zoned times as text), text without the control
    characters XLSX cannot hold, typed as a string when it looks like a formula."""
    if value is None or isinstance(value, (bool, float, Decimal)):
        return value
    if isinstance(value, int):
        return value if abs(value) < EXCEL_MAX_EXACT_INT else str(value)
    if isinstance(value, (datetime, time)) and value.tzinfo is not None:
        return value.isoformat()
    if isinstance(value, (datetime, date, time)):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", plain_text(value))
    if is_formula_like(text):
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def xlsx_row(sheet: Any, values: list[Any]) -> list[Any]:
    return [xlsx_cell(sheet, value) for value in values]
