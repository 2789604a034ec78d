"""Formula injection: every CSV and XLSX cell goes through core.spreadsheets, which writes text
a spreadsheet would run as a formula (= + - @, tab, CR) as text; numbers stay numbers."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from core.contrib import Dataset, DatasetColumn
from core.opendata.formats import write_csv, write_xlsx
from core.spreadsheets import csv_cell, xlsx_row

HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_cells_that_look_like_formulas_become_text(text):
    assert csv_cell(text) == "'" + text


def test_csv_leaves_ordinary_values_alone():
    assert [csv_cell(v) for v in ("社区养老", -5, 2.5, date(2026, 1, 2), True, None, "a=b")] == [
        "社区养老", "-5", "2.5", "2026-01-02", "true", "", "a=b"]


def _round_trip(values: list) -> list:
    book = Workbook()
    sheet = book.active
    sheet.append(xlsx_row(sheet, values))
    out = io.BytesIO()
    book.save(out)
    return list(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())[0]


def test_xlsx_cells_are_data_never_formulas():
    cells = _round_trip([*HOSTILE, -5, 2**60, "普通文本"])
    for cell, text in zip(cells, HOSTILE):
        assert cell.data_type == "s" and cell.value in (text, text.replace("\r", "\n"))  # XML reads CR as LF
    assert all(cell.data_type != "f" for cell in cells)
    assert cells[len(HOSTILE)].value == -5 and cells[len(HOSTILE)].data_type == "n"
    assert cells[len(HOSTILE) + 1].value == str(2**60)  # beyond 2^53 a spreadsheet loses digits


def _dataset() -> Dataset:
    async def rows(districts):
        yield {"name": HOSTILE[0], "count": -3}
        yield {"name": "@SUM(A1:A9)", "count": 7}

    return Dataset(module="example", name="probe", title="探针", description="",
                   columns=(DatasetColumn("name", "名称"), DatasetColumn("count", "数量", "integer")), rows=rows)


async def _collect(chunks) -> bytes:
    return b"".join([chunk async for chunk in chunks])


def test_open_data_downloads_neutralise_formulas():
    text = asyncio.run(_collect(write_csv(_dataset(), ["430702"]))).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["名称", "数量"], ["'" + HOSTILE[0], "-3"], ["'@SUM(A1:A9)", "7"]]

    book = load_workbook(io.BytesIO(asyncio.run(_collect(write_xlsx(_dataset(), ["430702"])))))
    body = list(book.active.iter_rows(min_row=2))
    assert [(c.value, c.data_type) for c in body[0]] == [(HOSTILE[0], "s"), (-3, "n")]
    assert [(c.value, c.data_type) for c in body[1]] == [("@SUM(A1:A9)", "s"), (7, "n")]
