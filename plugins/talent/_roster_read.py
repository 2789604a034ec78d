"""Reading a roster upload: tell XLSX from CSV by the bytes themselves, map the
header row onto the roster columns, and return the data rows with their
spreadsheet row numbers (the header is row 1). Problems with the file as a
whole raise `RosterInvalid` naming row 1 (the header) or no row (the file).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import openpyxl

from core.errors import ApiError

# The roster's columns, in template order (the Chinese headers are what spreadsheets carry).
HEADERS = ("姓名", "身份证号", "手机号", "学历", "所学专业", "职业资格等级", "证书编号", "取证年份",
           "工作单位统一社会信用代码", "所在社区代码", "岗位类型", "入职日期", "首次登记日期", "最近登记日期",
           "逾期登记原因")
# The registration columns came later: a file without them still imports (and keeps the dates stored).
OPTIONAL_HEADERS = ("首次登记日期", "最近登记日期", "逾期登记原因")
REQUIRED = ("姓名", "身份证号", "学历", "岗位类型")
MAX_ROWS = 50_000
# An XLSX is a zip: 1 MB can unpack to gigabytes. 50,000 rows of the roster unpack to ~30 MB.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COLUMNS = 200  # header cells read; wider sheets are cut here (their extra columns are ignored anyway)
MAX_LISTED_ERRORS = 200


@dataclass(frozen=True)
class RowError:
    """One problem: spreadsheet row (None for the file itself), column header, cell value, Chinese message."""

    row: int | None
    column: str | None
    value: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        # `field` keeps the project's {field, message} error items readable by generic clients.
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message,
                "field": self.column or "file"}

    def line(self) -> str:
        """`第N行 [列名] 值: 信息`, as the CLI prints it."""
        if self.row is None:
            return f"[文件] {self.message}"
        return f"第{self.row}行 [{self.column or '整行'}] {self.value or '（空）'}: {self.message}"


class RosterInvalid(ApiError):
    """The file is rejected as a whole: 422 `import_invalid` with every row error (the first
    MAX_LISTED_ERRORS in the response; `row_errors` keeps them all for the CLI)."""

    def __init__(self, errors: list[RowError], detail: str | None = None):
        if detail is None:
            detail = f"导入文件有 {len(errors)} 处错误，整个文件未导入，请修改后重新上传"
            if len(errors) > MAX_LISTED_ERRORS:
                detail += f"（仅列出前 {MAX_LISTED_ERRORS} 处）"
        super().__init__(422, detail, "import_invalid")
        self.row_errors = errors
        self.errors = [e.as_dict() for e in errors[:MAX_LISTED_ERRORS]]


def file_error(message: str, row: int | None = None) -> RosterInvalid:
    return RosterInvalid([RowError(row, None, None, message)], detail=message)


NOT_A_SHEET = "上传的文件不是表格：请上传 Excel 工作簿（.xlsx）或 CSV 文件"


@dataclass
class Sheet:
    """The header's column positions, the headers not in the roster, and the non-blank data rows."""

    columns: dict[str, int]
    ignored: list[str]
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)

    def cells(self, values: tuple[Any, ...]) -> dict[str, Any]:
        return {name: values[i] if i < len(values) else None for name, i in self.columns.items()}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_name(value: Any) -> str:
    return "" if value is None else str(value).strip().strip("\ufeff\u200b").strip()


def _sniff(content: bytes) -> str:
    if not content.strip():
        raise file_error("文件为空，请使用导入模板填写后上传")
    if content.startswith(b"PK\x03\x04"):
        return "xlsx"
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise file_error("不支持旧版 Excel 文件（.xls）：请在 Excel 中另存为 .xlsx 或 CSV 后上传")
    if content.startswith(b"%PDF"):
        raise file_error(f"上传的是 PDF 文件。{NOT_A_SHEET}")
    return "csv"


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Chinese Excel saves as "CSV")."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Binary data decodes as GB18030 surprisingly often; control characters give it away.
        if any(ch < " " and ch not in "\t\r\n" for ch in text[:65536]):
            break
        return text
    raise file_error(NOT_A_SHEET)


def _csv_rows(content: bytes) -> Iterator[tuple[Any, ...]]:
    try:
        for values in csv.reader(io.StringIO(_decode(content), newline="")):
            yield tuple(values)
    except csv.Error:
        raise file_error(f"CSV 文件格式错误。{NOT_A_SHEET}") from None


def _check_unpacked_size(content: bytes) -> None:
    """Refuse a workbook that would unpack beyond MAX_UNPACKED_BYTES, before parsing any of it
    (zipfile never yields more than a member's declared size, so the declared sizes are the bound)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise file_error("无法读取该 Excel 文件：文件已损坏或不是 .xlsx 工作簿") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise file_error(f"该 Excel 文件解压后超过 {MAX_UNPACKED_BYTES // 2**20} MB，请删去多余内容或拆分成多个文件分别导入")


def _read(content: bytes) -> tuple[list[Any], Iterator[tuple[int, tuple[Any, ...]]], Any]:
    """(header cells, numbered data rows, workbook to close or None)."""
    if _sniff(content) == "csv":
        rows = _csv_rows(content)
        header = list(next(rows, ()))[:MAX_COLUMNS]
        return header, enumerate(rows, start=2), None
    _check_unpacked_size(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        header = list(next(sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS, values_only=True), ()))
    except Exception:  # noqa: BLE001 - any failure here means the bytes are not a workbook we can read
        raise file_error("无法读取该 Excel 文件：文件已损坏或不是 .xlsx 工作簿") from None
    # read_only pads rows to max_col: read data rows only as wide as the last header cell.
    width = max((i + 1 for i, v in enumerate(header) if not _blank(v)), default=1)
    header = header[:width]
    return header, enumerate(sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2), workbook


def _map_header(header: list[Any]) -> Sheet:
    columns: dict[str, int] = {}
    ignored: list[str] = []
    errors: list[RowError] = []
    for i, value in enumerate(header):
        name = _header_name(value)
        if not name:
            continue
        if name not in HEADERS:
            ignored.append(name)
        elif name in columns:
            errors.append(RowError(1, name, name, f"表头“{name}”出现了两次，请只保留一列"))
        else:
            columns[name] = i
    missing = [name for name in HEADERS if name not in columns and name not in OPTIONAL_HEADERS]
    errors += [RowError(1, name, "", f"缺少表头“{name}”") for name in missing]
    if not columns:
        raise RosterInvalid(errors, detail="第1行不是花名册的表头（如 姓名、身份证号），请使用导入模板")
    if errors:
        parts = ([f"缺少 {'、'.join(missing)}"] if missing else []) + [e.message for e in errors if e.value]
        needed = len(HEADERS) - len(OPTIONAL_HEADERS)
        raise RosterInvalid(errors, detail=f"表头不符合导入模板（须包含模板的前 {needed} 列）：" + "；".join(parts))
    return Sheet(columns, ignored)


def _collect(header: list[Any], numbered: Iterator[tuple[int, tuple[Any, ...]]]) -> Sheet:
    if all(_blank(v) for v in header):
        if all(all(_blank(v) for v in values) for _, values in numbered):
            raise file_error("文件为空，请使用导入模板填写后上传")
        raise file_error("第1行没有表头：请使用导入模板，第1行为列名", row=1)
    sheet = _map_header(header)
    for number, values in numbered:
        if all(_blank(v) for v in values):
            continue  # spreadsheets often carry formatted but empty rows
        if len(sheet.rows) == MAX_ROWS:
            raise file_error(f"数据超过 {MAX_ROWS} 行的上限（第{number}行起），请拆分成多个文件分别导入", row=number)
        sheet.rows.append((number, tuple(values)))
    if not sheet.rows:
        raise file_error("文件只有表头，没有数据行", row=2)
    return sheet


def read_sheet(content: bytes) -> Sheet:
    """Parse the upload (blocking: call from a worker thread in the app); raise RosterInvalid
    for an empty or unreadable file, a wrong header, no data rows or too many rows."""
    header, numbered, workbook = _read(content)
    try:
        return _collect(header, numbered)
    except RosterInvalid:
        raise
    except Exception:  # noqa: BLE001 - a damaged worksheet part inside a readable zip
        raise file_error("无法读取该 Excel 文件的工作表内容，文件可能已损坏") from None
    finally:
        if workbook is not None:
            workbook.close()
