"""Streamed writers for the download formats. Only a dataset's declared columns are written.

Every writer is an async generator of byte chunks, so a large dataset is never
held in memory: CSV and JSON are encoded row by row; XLSX goes through an
openpyxl write-only workbook saved to an anonymous temporary file that is read
back in chunks and vanishes when closed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from openpyxl import Workbook

from core.contrib import Dataset
from core.spreadsheets import csv_cell, json_default, xlsx_row

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    media_type: str
    """The Content-Type sent with a download."""
    iana: str
    """The bare IANA media type, for catalogues."""


FORMATS: dict[str, Format] = {
    "csv": Format("csv", "CSV", "text/csv", "text/csv"),  # Litestar adds "; charset=utf-8" to text/*
    "json": Format("json", "JSON", "application/json", "application/json"),
    "xlsx": Format("xlsx", "Excel (XLSX)",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


async def public_rows(ds: Dataset, districts: list[str]) -> AsyncIterator[dict[str, Any]]:
    """The dataset's rows projected onto its declared columns (nothing else ever leaves)."""
    names = [c.name for c in ds.columns]
    async for row in ds.rows(districts):
        yield {name: row.get(name) for name in names}


async def _buffered(pieces: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Join small pieces into chunks of about CHUNK bytes."""
    buffer = bytearray()
    async for piece in pieces:
        buffer += piece
        if len(buffer) >= CHUNK:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


async def _csv_pieces(ds: Dataset, districts: list[str]) -> AsyncIterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.title for c in ds.columns])
    yield ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8
    async for row in public_rows(ds, districts):
        out.seek(0)
        out.truncate()
        writer.writerow([csv_cell(v) for v in row.values()])
        yield out.getvalue().encode("utf-8")


def write_csv(ds: Dataset, districts: list[str]) -> AsyncIterator[bytes]:
    """UTF-8 with BOM; the header row holds the column titles."""
    return _buffered(_csv_pieces(ds, districts))


async def _json_pieces(ds: Dataset, districts: list[str]) -> AsyncIterator[bytes]:
    yield b"["
    separator = b"\n"
    async for row in public_rows(ds, districts):
        yield separator + json.dumps(row, ensure_ascii=False, default=json_default).encode("utf-8")
        separator = b",\n"
    yield b"\n]"


def write_json(ds: Dataset, districts: list[str]) -> AsyncIterator[bytes]:
    """A JSON array of objects keyed by column name."""
    return _buffered(_json_pieces(ds, districts))


def _sheet_title(title: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    return cleaned[:31] or "data"


def _discard_sheet_file(sheet: Any) -> None:
    """Remove openpyxl's own per-sheet temporary file when a download stops half way."""
    writer = getattr(sheet, "_writer", None)
    path = getattr(writer, "out", None)
    if isinstance(path, str) and os.path.exists(path):
        rows = getattr(sheet, "_rows", None)
        if rows is not None:  # end its XML now, while the file is open, not later in the garbage collector
            with suppress(Exception):
                rows.close()
        with suppress(Exception):
            writer.close()
        with suppress(OSError):
            writer.cleanup()


async def write_xlsx(ds: Dataset, districts: list[str]) -> AsyncIterator[bytes]:
    """One sheet: the column titles, then the rows; streamed from a temporary file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(ds.title))
    try:
        with tempfile.TemporaryFile(prefix="sanshe-opendata-", suffix=".xlsx") as file:
            sheet.append([c.title for c in ds.columns])
            async for row in public_rows(ds, districts):
                sheet.append(xlsx_row(sheet, list(row.values())))
            await anyio.to_thread.run_sync(workbook.save, file)
            file.seek(0)
            while chunk := await anyio.to_thread.run_sync(file.read, CHUNK):
                yield chunk
    finally:
        _discard_sheet_file(sheet)


WRITERS = {"csv": write_csv, "json": write_json, "xlsx": write_xlsx}
