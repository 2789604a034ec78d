"""Quarterly submissions (季度报送): a district's civil-affairs bureau submits each closed quarter's
indicator figures to the city bureau (市民政局社会工作科); the city compares those, and they do
not move when a correction is entered later in the records.

A report holds `district_indicators(ctx, code, quarter_end)` as it stood when submitted (JSON).
Rows are append only: submitting a quarter again is a correction, needs a `reason` and is stored
as the next `version`; nothing is updated or deleted. Only a closed quarter (its last day before
today, Beijing date) of the last `MAX_BACK` quarters can be submitted. Of two racing submissions
of one quarter the unique index (district_code, quarter, version) keeps one; the other is 409.
Every submission is audited inside its transaction.

`frozen_quarters(code)` (memoized within an indicator scope) is what the quarterly history
(core.indicators_history) reads instead of
recomputing a reported quarter.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from core import audit, db
from core.codes import mask_name
from core.dates import quarter_end, quarter_ends, quarter_label
from core.errors import ApiError, invalid, not_found
from core.indicators import STATUS_LABELS, city_totals, district_indicators, memoized
from core.tables import IndicatorReport, User

if TYPE_CHECKING:
    from core.context import AppContext

ENTITY = "indicator_report"
SUBMIT = "indicators.report.submit"
MAX_BACK = 12
MAX_TEXT = 2000
SUBMITTED, NOT_SUBMITTED = "已报送", "未报送"
QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
VALUE_KEYS = ("name", "module", "label", "label_en", "unit", "direction", "value", "numerator", "denominator",
              "target", "target_basis", "gap", "met", "status", "enabled")


def end_of(quarter: str) -> date | None:
    """The last day of a "2026Q3" quarter; None when the text is not YYYYQn."""
    found = QUARTER.match(quarter or "")
    if not found or not 1 <= int(found.group(1)) <= 9998:
        return None
    return quarter_end(date(int(found.group(1)), 3 * int(found.group(2)), 1))


def closed_quarters(today: date | None = None) -> list[str]:
    """The quarters that may be submitted, newest first: the last `MAX_BACK` closed ones."""
    return [quarter_label(end) for end in reversed(quarter_ends(today or date.today(), MAX_BACK + 1)[:-1])]


def last_closed_quarter(today: date | None = None) -> str:
    return closed_quarters(today)[0]


def _errors(quarter: str, note: str, reason: str) -> list[tuple[str, str]]:
    errors = []
    end = end_of(quarter)
    if end is None:
        errors.append(("quarter", "季度格式应为 YYYYQn，如 2026Q3"))
    elif end >= date.today():
        errors.append(("quarter", f"{quarter} 尚未结束，只能报送已结束的季度"))
    elif quarter not in closed_quarters():
        errors.append(("quarter", f"只能报送最近 {MAX_BACK} 个已结束的季度（最早 {closed_quarters()[-1]}）"))
    if len(note) > MAX_TEXT:
        errors.append(("note", f"说明不能超过{MAX_TEXT}个字"))
    if len(reason) > MAX_TEXT:
        errors.append(("reason", f"更正原因不能超过{MAX_TEXT}个字"))
    return errors


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


async def _names(usernames: set[str]) -> dict[str, str]:
    """username → the masked display name shown publicly (张*; the username itself is never shown)."""
    if not usernames:
        return {}
    rows = await User.select(User.username, User.display_name).where(User.username.is_in(list(usernames)))
    found = {r["username"]: r["display_name"] for r in rows}
    return {u: mask_name(found.get(u) or u) or "" for u in usernames}


def _version(row: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {"version": row["version"], "submitted_by": names.get(row["submitted_by"], ""),
            "submitted_at": _utc(row["submitted_at"]), "reason": row["reason"], "note": row["note"]}


def _unique_violation(exc: BaseException) -> bool:
    name = type(exc).__name__
    return "IntegrityError" in name or "UniqueViolation" in name


async def submit(ctx: AppContext, code: str, actor: str, quarter: str, note: str = "", reason: str = ""
                 ) -> dict[str, Any]:
    """Submit (or correct) the district's figures of a closed quarter; the stored report."""
    quarter, note, reason = quarter.strip(), note.strip(), reason.strip()
    if errors := _errors(quarter, note, reason):
        raise invalid(errors)
    end = end_of(quarter)
    assert end is not None
    values = [{key: row[key] for key in VALUE_KEYS} for row in await district_indicators(ctx, code, end)]
    try:
        async with db.write_transaction():
            last = await IndicatorReport.select(IndicatorReport.version).where(
                (IndicatorReport.district_code == code) & (IndicatorReport.quarter == quarter)
            ).order_by(IndicatorReport.version, ascending=False).first()
            version = (last["version"] + 1) if last else 1
            if last and not reason:
                raise invalid([("reason", f"{quarter} 已报送（第 {last['version']} 版），重新报送须填写更正原因")])
            row = {"district_code": code, "quarter": quarter, "quarter_end": end, "version": version,
                   "values": json.dumps(values, ensure_ascii=False), "note": note, "reason": reason,
                   "submitted_by": actor}
            new_id = (await IndicatorReport.insert(IndicatorReport(**row)).returning(IndicatorReport.id))[0]["id"]
            await audit.record(actor=actor, action="submit" if version == 1 else "correct", entity=ENTITY,
                               entity_id=new_id, district_code=code,
                               after={"quarter": quarter, "version": version, "note": note, "reason": reason})
    except Exception as exc:
        if _unique_violation(exc):
            raise ApiError(409, f"{quarter} 刚刚已由他人报送，请刷新后查看", "report_conflict",
                           [("quarter", "该季度刚刚已报送")]) from exc
        raise
    return await report(code, quarter)


async def _rows(code: str, quarter: str | None = None) -> list[dict[str, Any]]:
    where = IndicatorReport.district_code == code
    if quarter is not None:
        where = where & (IndicatorReport.quarter == quarter)
    return await IndicatorReport.select().where(where).order_by(IndicatorReport.quarter_end, ascending=False) \
        .order_by(IndicatorReport.version, ascending=False)


async def report(code: str, quarter: str) -> dict[str, Any]:
    """The quarter's latest version with its values and every version (newest first); 404 if never submitted."""
    rows = await _rows(code, quarter)
    if not rows:
        raise not_found(f"{quarter} 的报送记录")
    names = await _names({r["submitted_by"] for r in rows})
    latest = rows[0]
    return {"district_code": code, "quarter": quarter, "quarter_end": latest["quarter_end"],
            **_version(latest, names), "values": json.loads(latest["values"]),
            "versions": [_version(r, names) for r in rows]}


async def reports(code: str) -> list[dict[str, Any]]:
    """Every submitted quarter's latest version (no values), newest quarter first, with its version count."""
    rows = await _rows(code)
    names = await _names({r["submitted_by"] for r in rows})
    latest: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["quarter"] not in latest:
            latest[r["quarter"]] = {"quarter": r["quarter"], "quarter_end": r["quarter_end"], **_version(r, names),
                                    "versions": 0}
        latest[r["quarter"]]["versions"] += 1
    return list(latest.values())


async def frozen_quarters(code: str) -> dict[str, list[dict[str, Any]]]:
    """{quarter: its latest version's values} for the district, read once per indicator scope."""

    async def load() -> dict[str, list[dict[str, Any]]]:
        rows = await IndicatorReport.select(IndicatorReport.quarter, IndicatorReport.version,
                                            IndicatorReport.values).where(IndicatorReport.district_code == code)
        best: dict[str, tuple[int, str]] = {}
        for r in rows:
            if r["quarter"] not in best or r["version"] > best[r["quarter"]][0]:
                best[r["quarter"]] = (r["version"], r["values"])
        return {q: json.loads(v) for q, (_, v) in best.items()}

    return await memoized(("core", "indicator_reports", code), load)


async def city_status(ctx: AppContext, city_code: str, quarter: str) -> list[dict[str, Any]]:
    """Each district of the city: the quarter's latest version (with values) or 未报送."""
    members = [d for d in ctx.districts.values() if d.city_code == city_code]
    rows = await IndicatorReport.select().where(
        IndicatorReport.district_code.is_in([d.code for d in members] or [""]) & (IndicatorReport.quarter == quarter))
    latest: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["district_code"] not in latest or r["version"] > latest[r["district_code"]]["version"]:
            latest[r["district_code"]] = r
    out = []
    for d in members:
        r = latest.get(d.code)
        out.append({"code": d.code, "name": d.name, "name_en": d.name_en, "submitted": r is not None,
                    "status_label": SUBMITTED if r else NOT_SUBMITTED, "version": r["version"] if r else None,
                    "submitted_at": _utc(r["submitted_at"]) if r else None,
                    "values": json.loads(r["values"]) if r else None})
    return out


async def city_submitted(ctx: AppContext, city_code: str, quarter: str) -> dict[str, Any]:
    """The city's districts' submitted figures of a quarter side by side, as the city compares them:
    `{"districts": [{code, name, name_en, submitted, version, submitted_at, "indicators": {name: row}
    or None}], "total": [...]}` where the total sums the frozen numerators and denominators of the
    districts that submitted (core.indicators.city_totals)."""
    status = await city_status(ctx, city_code, quarter)
    sums = {name: [0.0, 0.0, 0] for name in ctx.contributions.indicators}
    for district in status:
        rows = {}
        for row in district.pop("values") or ():
            rows[row["name"]] = {**row, "status_label": STATUS_LABELS.get(row["status"], "")}
            if row["name"] in sums and row["enabled"] and row["numerator"] is not None:
                sums[row["name"]][0] += row["numerator"]
                sums[row["name"]][1] += row["denominator"]
                sums[row["name"]][2] += 1
        district["indicators"] = rows if district["submitted"] else None
    return {"districts": status, "total": city_totals(ctx, sums)}
