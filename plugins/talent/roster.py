"""Roster import and export (花名册导入导出), shared by the API and the CLI.

An import reads an XLSX or CSV file (`_roster_read`), checks every row with the
worker API's rules (`_roster_check`) and, only when the whole file is valid,
upserts every worker by ID number in one write transaction with one audit
event (naming any late registration a row's 逾期登记原因 let in); any invalid
row rejects the file with every error listed. An export writes the district's
roster in the same columns (`_roster_write`), so an unmasked export imports
again unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from pathlib import PurePath
from typing import Any

import anyio.to_thread

from core import audit, db
from plugins.talent import services
from plugins.talent._roster_check import Checked, check_existing, check_sheet, load_existing, load_references
from plugins.talent._roster_read import HEADERS, MAX_ROWS, RosterInvalid, RowError, Sheet, read_sheet
from plugins.talent._roster_write import XLSX, roster_rows, roster_xlsx, template_xlsx

__all__ = ["HEADERS", "MAX_ROWS", "XLSX", "RosterInvalid", "RowError", "export_roster", "import_roster",
           "template_xlsx"]

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage is 读取, 校验 or 写入."""


def _read_and_check(content: bytes, refs: Any) -> tuple[Sheet, Checked]:
    sheet = read_sheet(content)
    return sheet, check_sheet(sheet, refs)


def _file_label(filename: str | None) -> str:
    return PurePath((filename or "").replace("\\", "/")).name[:200] or "(未命名)"


async def import_roster(code: str, actor: str, content: bytes, filename: str | None, *, dry_run: bool = False,
                        progress: Progress | None = None) -> dict[str, Any]:
    """Validate the file and (unless `dry_run`) write it; raise RosterInvalid listing every problem."""
    report = progress or (lambda stage, done, total: None)
    report("读取", 0, 0)
    refs = await load_references(code)
    sheet, checked = await anyio.to_thread.run_sync(partial(_read_and_check, content, refs))
    report("校验", len(sheet.rows), len(sheet.rows))
    check_existing(code, checked, await load_existing(r.person["id_number"] for r in checked.rows), refs)
    if checked.errors:
        raise RosterInvalid(checked.errors)
    created = sum(not r.exists for r in checked.rows)
    summary = {"rows": len(checked.rows), "created": created, "updated": len(checked.rows) - created,
               "ignored_columns": sheet.ignored, "dry_run": dry_run}
    if dry_run:
        return summary
    async with db.write_transaction():
        results = await services.upsert_workers(
            code, actor, [(row.person, row.profile) for row in checked.rows],
            on_progress=lambda done: report("写入", done, len(checked.rows)))
        created = sum(r.created for r in results)
        summary.update(created=created, updated=len(checked.rows) - created)
        overrides = [{"row": row.row, "worker_id": result.worker_id, "rules": row.overridden,
                      "reason": row.override_reason} for row, result in zip(checked.rows, results) if row.overridden]
        await audit.record(actor=actor, action="import", entity="social_worker", entity_id=f"{len(checked.rows)} rows",
                           district_code=code, after={"created": created, "updated": summary["updated"],
                                                      "file": _file_label(filename),
                                                      **({"registration_overrides": overrides} if overrides else {})})
    report("写入", len(checked.rows), len(checked.rows))
    return summary


async def export_roster(code: str, actor: str, reveal: bool) -> AsyncIterator[bytes]:
    """The roster workbook's bytes; an unmasked export is audited as a reveal before anything is sent."""
    rows = await roster_rows(code, reveal)
    if reveal:
        async with db.write_transaction():
            await audit.record(actor=actor, action="reveal", entity="social_worker_roster",
                               entity_id=f"{len(rows)} rows", district_code=code,
                               after={"fields": ["id_number", "phone"], "rows": len(rows)})
    return roster_xlsx(rows)
