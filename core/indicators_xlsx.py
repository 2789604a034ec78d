"""The city's indicators as an XLSX workbook for a report to the city government: a sheet per
indicator. Its header rows give the indicator, definition, source, unit, target basis and date;
then one row per district (code, name, value, target, gap, status, numerator, denominator) and
the city total last (Σnumerators / Σdenominators, against the default target). The live workbook
measures every district at a date; the submitted one (季度报送) holds each district's frozen figures
of a quarter, with its status and version. Cells go through core.spreadsheets (data, never formulas)."""

from __future__ import annotations

import io
import re
from datetime import date
from urllib.parse import quote
from typing import Any

from litestar import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.spreadsheets import xlsx_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["区县代码", "区县", "数值", "目标值", "差距", "状态", "分子", "分母"]
TOTAL = "全市合计"
SUBMITTED_HEADER = [*HEADER[:2], "报送状态", "版本", *HEADER[2:]]
SUBMITTED_TOTAL = "全市合计（已报送区县）"
ABSENT = "报送时无此指标"
BASIS = "各区县报送时固定的数值；全市合计仅汇总已报送区县的分子、分母"
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


def _sheet(book: Workbook, taken: set[str], total: dict[str, Any], facts: list[tuple[str, str]],
           header: list[str], rows: list[list[Any]]) -> None:
    """One indicator's sheet: its definition and the given facts, then `header` and `rows`; the last
    row (the city total) in bold."""
    sheet = book.create_sheet(sheet_title(total["label"], taken))
    sign = "≥" if total["direction"] == "at_least" else "≤"
    target = "无" if total["target"] is None else f"{sign} {total['target']:g} {total['unit']}"
    for label, value in [("指标", f"{total['label']}（{total['name']}）"), ("定义", total["definition"]),
                         ("数据来源", total["source"]), ("单位", total["unit"]), ("默认目标值", target),
                         ("目标依据", total["target_basis"] or "—"), *facts]:
        sheet.append(xlsx_row(sheet, [label, value]))
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        sheet.cell(sheet.max_row, 2).alignment = Alignment(wrap_text=False, vertical="top")
    sheet.append([])
    sheet.append(header)
    for col in range(1, len(header) + 1):
        sheet.cell(sheet.max_row, col).font = Font(bold=True)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    sheet.cell(sheet.max_row, 2).font = Font(bold=True)
    for col in range(1, len(header) + 1):
        sheet.column_dimensions[sheet.cell(1, col).column_letter].width = 12 if col != 2 else 24


def download(body: bytes, name: str, display_name: str) -> Response[bytes]:
    """The workbook as an attachment: `name` (ASCII) and `display_name` (Chinese, RFC 5987), no sniffing."""
    disposition = f"attachment; filename=\"{name}.xlsx\"; filename*=UTF-8''{quote(display_name)}.xlsx"
    return Response(body, media_type=XLSX, headers={"Content-Disposition": disposition,
                                                    "X-Content-Type-Options": "nosniff"})


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def city_workbook(city_name: str, at: date, result: dict[str, Any]) -> bytes:
    """The workbook of `city_indicators(ctx, city, at)`'s result (live figures at `at`)."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for i, total in enumerate(result["total"]):
        rows = [_row(d["code"], d["name"], d["indicators"][i]) for d in result["districts"]]
        _sheet(book, taken, total, [("统计日期", at.isoformat()), ("地区", city_name)], HEADER,
               [*rows, _row("", TOTAL, total)])
    return _saved(book)


def submitted_workbook(city_name: str, quarter: str, quarter_end: date, found: dict[str, Any]) -> bytes:
    """The workbook of `city_submitted(ctx, city, quarter)`: each district's submitted (frozen)
    figures with its status and version, 未报送 districts as empty rows, and the total of the
    districts that submitted."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    facts = [("季度", f"{quarter}（截至 {quarter_end.isoformat()}）"), ("地区", city_name), ("口径", BASIS)]
    for total in found["total"]:
        rows = []
        for d in found["districts"]:
            if not d["submitted"]:
                rows.append([d["code"], d["name"], d["status_label"], None, *[None] * (len(HEADER) - 2)])
            elif (entry := d["indicators"].get(total["name"])) is None:
                rows.append([d["code"], d["name"], d["status_label"], d["version"], *[None] * 3, ABSENT, None, None])
            else:
                rows.append([d["code"], d["name"], d["status_label"], d["version"], *_row("", "", entry)[2:]])
        rows.append(["", SUBMITTED_TOTAL, "", None, *_row("", "", total)[2:]])
        _sheet(book, taken, total, facts, SUBMITTED_HEADER, rows)
    return _saved(book)
