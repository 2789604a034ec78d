"""The city's indicators as an XLSX workbook for a report to the city government: a sheet per
indicator. Its header rows give the indicator, definition, source, unit, target basis and date;
then one row per district (code, name, value, target, gap, status, numerator, denominator) and
the city total last (Σnumerators / Σdenominators, against the default target). Cells go through
core.spreadsheets (data, never formulas)."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.spreadsheets import xlsx_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["区县代码", "区县", "数值", "目标值", "差距", "状态", "分子", "分母"]
TOTAL = "全市合计"
WIDTHS = [12, 24, 12, 12, 12, 12, 12, 12]
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def sheet_title(label: str, taken: set[str]) -> str:
    """A sheet name from the label: at most 31 characters, none Excel forbids, unique."""
    base = _BAD_TITLE.sub("_", label)[:31] or "指标"
    title, n = base, 2
    while title in taken:
        suffix = f"({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def _row(code: str, name: str, entry: dict[str, Any]) -> list[Any]:
    return [code, name, entry["value"], entry["target"], entry["gap"], entry["status_label"],
            entry["numerator"], entry["denominator"]]


def city_workbook(city_name: str, at: date, result: dict[str, Any]) -> bytes:
    """The workbook of `city_indicators(ctx, city, at)`'s result."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for i, total in enumerate(result["total"]):
        sheet = book.create_sheet(sheet_title(total["label"], taken))
        sign = "≥" if total["direction"] == "at_least" else "≤"
        target = "无" if total["target"] is None else f"{sign} {total['target']:g} {total['unit']}"
        facts = [("指标", f"{total['label']}（{total['name']}）"), ("定义", total["definition"]),
                 ("数据来源", total["source"]), ("单位", total["unit"]), ("默认目标值", target),
                 ("目标依据", total["target_basis"] or "—"), ("统计日期", at.isoformat()),
                 ("地区", city_name)]
        for label, value in facts:
            sheet.append(xlsx_row(sheet, [label, value]))
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
            sheet.cell(sheet.max_row, 2).alignment = Alignment(wrap_text=False, vertical="top")
        sheet.append([])
        sheet.append(HEADER)
        for col in range(1, len(HEADER) + 1):
            sheet.cell(sheet.max_row, col).font = Font(bold=True)
        for district in result["districts"]:
            sheet.append(xlsx_row(sheet, _row(district["code"], district["name"], district["indicators"][i])))
        sheet.append(xlsx_row(sheet, _row("", TOTAL, total)))
        sheet.cell(sheet.max_row, 2).font = Font(bold=True)
        for col, width in enumerate(WIDTHS, start=1):
            sheet.column_dimensions[sheet.cell(1, col).column_letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
