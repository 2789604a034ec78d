"""Writing roster workbooks: the district's roster as the import columns
(streamed from an openpyxl write-only workbook in a temporary file), and the
blank import template with a sheet of allowed values.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import anyio.to_thread
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.codes import mask_id_number, mask_phone
from core.tables import Organization, Person
from core.spreadsheets import xlsx_cell
from plugins.talent._roster_read import HEADERS, MAX_ROWS, REQUIRED
from plugins.talent.glossary import EDUCATION_LEVELS, POST_TYPES, QUALIFICATIONS
from plugins.talent.tables import SocialWorker

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE = "社工花名册"
CHOICES_TITLE = "可选值"
CHOICES = {"学历": EDUCATION_LEVELS, "职业资格等级": QUALIFICATIONS, "岗位类型": POST_TYPES}
TEXT_COLUMNS = ("身份证号", "手机号", "证书编号", "工作单位统一社会信用代码", "所在社区代码")
WIDTHS = {"姓名": 10, "身份证号": 22, "手机号": 14, "工作单位统一社会信用代码": 24, "所在社区代码": 15,
          "岗位类型": 16, "入职日期": 12, "职业资格等级": 14, "首次登记日期": 13, "最近登记日期": 13, "逾期登记原因": 24}
CHUNK = 64 * 1024
PERSON_BATCH = 500


async def roster_rows(code: str, reveal: bool) -> list[list[Any]]:
    """The district's workers as the import columns (逾期登记原因 left empty: the reasons are in the
    audit log), ID number and phone masked unless `reveal`."""
    workers = await SocialWorker.select().where(SocialWorker.district_code == code).order_by(SocialWorker.id)
    people: dict[int, dict[str, Any]] = {}
    person_ids = [w["person_id"] for w in workers]
    for start in range(0, len(person_ids), PERSON_BATCH):
        for p in await Person.select(Person.id, Person.name, Person.id_number, Person.phone).where(
                Person.id.is_in(person_ids[start:start + PERSON_BATCH])):
            people[p["id"]] = p
    uscc = {o["id"]: o["uscc"] for o in await Organization.select(Organization.id, Organization.uscc).where(
        Organization.district_code == code)}
    rows = []
    for w in workers:
        p = people[w["person_id"]]
        id_number, phone = (p["id_number"], p["phone"]) if reveal else (mask_id_number(p["id_number"]),
                                                                         mask_phone(p["phone"]))
        rows.append([p["name"], id_number, phone or "", w["education"], w["major"], w["qualification"],
                     w["certificate_no"], w["certificate_year"], uscc.get(w["employer_org_id"]) or "",
                     w["employer_community_code"] or "", w["post_type"], w["start_date"],
                     w["first_registered_on"], w["registered_on"], ""])
    return rows


def _cell(sheet: Any, value: Any) -> Any:
    """Dates shown as dates; everything else through the one cell writer (data, never a formula)."""
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return xlsx_cell(sheet, value)


def _save_roster(rows: list[list[Any]], file: Any) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    for i, name in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = WIDTHS.get(name, 12)
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])
    workbook.save(file)


async def roster_xlsx(rows: list[list[Any]]) -> AsyncIterator[bytes]:
    """The workbook built in a worker thread into a temporary file, then streamed in chunks."""
    with tempfile.TemporaryFile(prefix="sanshe-roster-", suffix=".xlsx") as file:
        await anyio.to_thread.run_sync(_save_roster, rows, file)
        file.seek(0)
        while chunk := await anyio.to_thread.run_sync(file.read, CHUNK):
            yield chunk


def template_xlsx() -> bytes:
    """A blank roster: the headers (required ones bold), text-formatted code columns, drop-down
    lists for the controlled columns, and a second sheet listing their allowed values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append(list(HEADERS))
    choices = workbook.create_sheet(CHOICES_TITLE)
    choices.append(list(CHOICES))
    longest = max(len(v) for v in CHOICES.values())
    for i in range(longest):
        choices.append([list(values)[i] if i < len(values) else None for values in CHOICES.values()])
    for i, name in enumerate(HEADERS, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = WIDTHS.get(name, 12)
        if name in REQUIRED:
            sheet.cell(row=1, column=i).font = Font(bold=True)
        if name in TEXT_COLUMNS:  # keeps Excel from turning 18-digit IDs into rounded numbers
            sheet.column_dimensions[letter].number_format = "@"
        if name in CHOICES:
            source = get_column_letter(list(CHOICES).index(name) + 1)
            rule = DataValidation(type="list", allow_blank=name not in REQUIRED,
                                  formula1=f"'{CHOICES_TITLE}'!${source}$2:${source}${len(CHOICES[name]) + 1}",
                                  error=f"请从“{CHOICES_TITLE}”表中选择{name}", errorTitle=name)
            rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
