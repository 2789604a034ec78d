"""Checking roster rows. Each cell is normalised (numbers, dates, spaces) and
checked with the worker API's own rules (`services.check_person`,
`services.check_profile`, and the registration rules of `registration.check_dates`
against what is stored); organisations and communities are looked up once per
file, persons in batches. Every problem becomes a `RowError` naming the row and
the column header, so a clerk can find the cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from core.codes import uscc_error
from core.tables import Community, Organization, Person
from plugins.talent import registration, services
from plugins.talent._roster_read import HEADERS, REQUIRED, RowError, Sheet
from plugins.talent.tables import SocialWorker

# Field names used by services.check_person / check_profile → the column that holds them.
FIELD_COLUMNS = {
    "name": "姓名", "id_number": "身份证号", "phone": "手机号", "education": "学历", "major": "所学专业",
    "qualification": "职业资格等级", "certificate_no": "证书编号", "certificate_year": "取证年份",
    "employer_org_id": "工作单位统一社会信用代码", "employer_community_code": "所在社区代码",
    "post_type": "岗位类型", "start_date": "入职日期", "first_registered_on": "首次登记日期",
    "registered_on": "最近登记日期",
}
DATE_COLUMNS = {"入职日期": "start_date", "首次登记日期": "first_registered_on", "最近登记日期": "registered_on"}
BAD_DATE = "日期无效：应为真实日期，格式 YYYY-MM-DD 或 YYYY/M/D（或 Excel 日期单元格）"
MAX_LENGTHS = {"姓名": 50, "所学专业": 50, "证书编号": 40, "逾期登记原因": 200}  # the columns' Varchar sizes
_DATE = re.compile(r"^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
NUMERIC_ID = "身份证号被表格软件当成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写"
LOOKUP_BATCH = 500


@dataclass
class References:
    """The district's organisations (by credit code) and communities, read once per file."""

    orgs: dict[str, int]
    orgs_without_uscc: set[int]
    communities: set[str]


@dataclass
class Existing:
    """What the database already holds for an ID number in the file."""

    person_district: str
    worker_district: str | None = None
    employer_org_id: int | None = None
    registration: dict[str, Any] = field(default_factory=dict)
    """The stored registration dates (first_registered_on, registered_on)."""


@dataclass
class RosterRow:
    row: int
    person: dict[str, Any]
    profile: dict[str, Any]
    exists: bool = False
    override_reason: str = ""
    overridden: list[str] = field(default_factory=list)
    """Registration rules the row's 逾期登记原因 lifted (audited with the import)."""


@dataclass
class Checked:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


async def load_references(code: str) -> References:
    orgs = await Organization.select(Organization.id, Organization.uscc).where(Organization.district_code == code)
    communities = await Community.select(Community.code).where(Community.district_code == code)
    return References({o["uscc"]: o["id"] for o in orgs if o["uscc"]},
                      {o["id"] for o in orgs if not o["uscc"]}, {c["code"] for c in communities})


async def load_existing(id_numbers: Iterable[str]) -> dict[str, Existing]:
    found: dict[str, Existing] = {}
    ids = sorted(set(id_numbers))
    for start in range(0, len(ids), LOOKUP_BATCH):
        people = await Person.select(Person.id, Person.id_number, Person.district_code).where(
            Person.id_number.is_in(ids[start:start + LOOKUP_BATCH]))
        by_id = {p["id"]: p["id_number"] for p in people}
        for p in people:
            found[p["id_number"]] = Existing(p["district_code"])
        if by_id:
            for w in await SocialWorker.select(SocialWorker.person_id, SocialWorker.district_code,
                                               SocialWorker.employer_org_id, SocialWorker.first_registered_on,
                                               SocialWorker.registered_on).where(
                    SocialWorker.person_id.is_in(list(by_id))):
                entry = found[by_id[w["person_id"]]]
                entry.worker_district, entry.employer_org_id = w["district_code"], w["employer_org_id"]
                entry.registration = {k: w[k] for k in registration.FIELDS}
    return found


def text(value: Any) -> str:
    """A cell as text: whole numbers without '.0', dates as YYYY-MM-DD, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip().strip("\ufeff\u200b").strip()


def parse_date(value: Any) -> date | None:
    """An Excel date cell, or text YYYY-MM-DD / YYYY/M/D; None when it is neither."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not (found := _DATE.match(value.strip())):
        return None
    try:
        return date(int(found.group(1)), int(found.group(3)), int(found.group(4)))
    except ValueError:
        return None


def parse_year(value: Any) -> int | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    raw = text(value)
    return int(raw) if re.fullmatch(r"\d{4}", raw) else None


def _employer(uscc: str, refs: References, problems: dict[str, str]) -> int | None:
    """The organisation with this credit code in the district (None when the cell is empty or wrong)."""
    if not uscc:
        return None
    if uscc in refs.orgs:  # a registered code, a pilot code accepted as an exception included
        return refs.orgs[uscc]
    if error := uscc_error(uscc):
        problems.setdefault("工作单位统一社会信用代码", error)
    else:
        problems.setdefault("工作单位统一社会信用代码", "该统一社会信用代码不是本区县已登记的社会组织")
    return None


def check_row(number: int, cells: dict[str, Any], refs: References) -> tuple[RosterRow | None, list[RowError]]:
    """Normalise and check one row; return the upsert values or the row's errors (one per column)."""
    values = {name: text(cells.get(name)) for name in HEADERS}
    problems: dict[str, str] = {}
    for name in REQUIRED:
        if not values[name]:
            problems[name] = "必填项不能为空"
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            problems.setdefault(name, f"不能超过 {limit} 个字")
    id_number = values["身份证号"].upper()
    if isinstance(cells["身份证号"], (int, float)) or _SCIENTIFIC.match(id_number):
        problems.setdefault("身份证号", NUMERIC_ID)
    person = {"name": values["姓名"], "id_number": id_number, "phone": values["手机号"],
              "community_code": values["所在社区代码"] or None}
    profile: dict[str, Any] = {
        "education": values["学历"], "major": values["所学专业"],
        "social_work_major": "社会工作" in values["所学专业"] or "社工" in values["所学专业"],
        "qualification": values["职业资格等级"] or "无", "certificate_no": values["证书编号"],
        "certificate_year": None, "employer_org_id": None,
        "employer_community_code": values["所在社区代码"] or None,
        "post_type": values["岗位类型"], "start_date": None,
    }
    if values["取证年份"] and (year := parse_year(cells["取证年份"])) is None:
        problems.setdefault("取证年份", "取证年份应为四位数字年份，如 2019")
    elif values["取证年份"]:
        profile["certificate_year"] = year
    for column, key in DATE_COLUMNS.items():
        if values[column]:  # an empty registration cell keeps the stored date (an import never deregisters)
            profile[key] = parse_date(cells[column])
            if profile[key] is None:
                problems.setdefault(column, BAD_DATE)
    profile["employer_org_id"] = _employer(values["工作单位统一社会信用代码"].upper(), refs, problems)
    if profile["employer_community_code"] and profile["employer_community_code"] not in refs.communities:
        problems.setdefault("所在社区代码", "社区代码不在本区县的街道社区登记中")
    # The worker API's own rules; a column keeps only its first problem.
    vocabulary = {k: v for k, v in profile.items() if k not in ("education", "post_type") or v}
    for field_name, message in services.check_person(person) + services.check_profile(vocabulary):
        problems.setdefault(FIELD_COLUMNS[field_name], message)
    if problems:
        return None, [RowError(number, name, values[name], problems[name]) for name in HEADERS if name in problems]
    return RosterRow(number, person, profile, override_reason=values["逾期登记原因"]), []


def check_sheet(sheet: Sheet, refs: References) -> Checked:
    """Every row's own checks plus duplicates within the file (blocking, CPU only)."""
    out = Checked()
    first_row: dict[str, int] = {}
    for number, values in sheet.rows:
        row, errors = check_row(number, sheet.cells(values), refs)
        out.errors += errors
        if row is None:
            continue
        id_number = row.person["id_number"]
        if id_number in first_row:
            out.errors.append(RowError(number, "身份证号", id_number,
                                       f"与第{first_row[id_number]}行的身份证号重复（同一文件中每人只能出现一次）"))
            continue
        first_row[id_number] = number
        out.rows.append(row)
    return out


def check_existing(code: str, checked: Checked, existing: dict[str, Existing], refs: References) -> None:
    """Rows against the database: another district's person or worker is never changed from here,
    and registration dates follow the registration rules given what is stored."""
    for row in checked.rows:
        found = existing.get(row.person["id_number"])
        ours = found is not None and found.person_district == code and (found.worker_district or code) == code
        _check_registration(row, found.registration if ours and found.worker_district else None, checked)
        if found is None:
            continue
        if found.person_district != code or (found.worker_district or code) != code:
            checked.errors.append(RowError(row.row, "身份证号", row.person["id_number"],
                                           "此人已登记在其他区县，不能由本区县导入修改；如已调入本区县，请先办理人员转移"))
            continue
        row.exists = found.worker_district is not None
        # 所在社区 seeds a new person's community; a registered person's own record is not the roster's to change.
        row.person.pop("community_code", None)
        # The file cannot name an employer that has no credit code: an empty cell keeps it.
        if row.profile["employer_org_id"] is None and found.employer_org_id in refs.orgs_without_uscc:
            del row.profile["employer_org_id"]
    checked.errors.sort(key=lambda e: (e.row or 0, HEADERS.index(e.column) if e.column in HEADERS else -1))


def _check_registration(row: RosterRow, stored: dict[str, Any] | None, checked: Checked) -> None:
    verdict = registration.check_dates(stored, row.profile, row.override_reason)
    for field_name, message in verdict.errors:
        column = FIELD_COLUMNS[field_name]
        value = row.profile.get(field_name)
        checked.errors.append(RowError(row.row, column, text(value), message))
    row.overridden = verdict.overridden
