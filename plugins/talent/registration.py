"""Registration of social workers (社会工作者职业水平证书登记, 民发〔2009〕44号): the rules a
registration date must satisfy, and the registration state, computed whenever it is read.

A worker keeps two dates: the first registration (`first_registered_on`) and the latest one
(`registered_on`, a first registration or a re-registration); a registration is valid three
years. The rules, shared by the worker API, the roster import and registration applications:

- only a qualified worker (助理社会工作师 / 社会工作师 / 高级社会工作师, with the exam year) registers;
- no registration is dated before the exam year, nor after today;
- the first registration falls within one year of passing: we store the exam year only, so the
  deadline is the end of the following year. Later is refused unless an override reason is
  given (the caller audits it);
- a re-registration falls in the three months before the current registration expires; after
  expiry only with an override reason, before the window never.

Only what a write changes is checked: re-saving a profile (or re-importing an exported roster)
leaves the stored dates alone and checks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.dates import add_months, add_years

REGISTRATION_YEARS = 3
RENEWAL_MONTHS = 3
LEVELS = ("助理社会工作师", "社会工作师", "高级社会工作师")
FIELDS = ("first_registered_on", "registered_on")

RULE_QUALIFIED = "办理登记须持有社会工作者职业水平证书（助理社会工作师、社会工作师或高级社会工作师）"
RULE_EXAM_YEAR = "办理登记须填写取证年份（职业水平考试合格的年份）"
RULE_NOT_BEFORE_EXAM = "登记日期不能早于职业水平考试年份"
RULE_FIRST_WITHIN_YEAR = "首次登记须在考试合格后一年内办理（民发〔2009〕44号）"
RULE_RENEWAL_WINDOW = "再登记须在登记有效期（3年）届满前3个月内办理（民发〔2009〕44号）"


def expiry(registered_on: date) -> date:
    """The last day a registration is valid: three years on."""
    return add_years(registered_on, REGISTRATION_YEARS)


def renewal_opens(expires: date) -> date:
    """The first day a re-registration is accepted: three months before expiry."""
    return add_months(expires, -RENEWAL_MONTHS)


def first_deadline(exam_year: int) -> date:
    """The last day of a first registration on time (one year after passing, at the latest)."""
    return date(exam_year + 1, 12, 31)


def registration_state(registered_on: date | None, today: date) -> tuple[str, date | None]:
    """(state, expiry) on `today`: 未登记, 有效, 即将到期 (the renewal window is open) or 已过期."""
    if registered_on is None:
        return "未登记", None
    expires = expiry(registered_on)
    if expires < today:
        return "已过期", expires
    return ("即将到期" if today >= renewal_opens(expires) else "有效"), expires


def application_kind(worker: dict[str, Any]) -> str:
    """首次登记 for a worker never registered (or registered before their newest qualification), else 再登记."""
    first = worker.get("first_registered_on") or worker.get("registered_on")
    if worker.get("registered_on") is None or first is None:
        return "首次登记"
    year = worker.get("certificate_year")
    return "首次登记" if year is not None and year > first.year else "再登记"


@dataclass
class Verdict:
    """Field errors (field, Chinese message naming the rule) and the rules an override reason lifted."""

    errors: list[tuple[str, str]] = field(default_factory=list)
    overridden: list[str] = field(default_factory=list)


def resolve(stored: dict[str, Any] | None, given: dict[str, Any]) -> tuple[date | None, date | None]:
    """The (first, latest) registration dates after a write of `given` (dates not given keep their
    stored value). A first date later than the latest moves the latest with it; a worker's first
    registration is also their latest, and the reverse."""
    old_first = stored.get("first_registered_on") if stored else None
    old_latest = stored.get("registered_on") if stored else None
    first = given.get("first_registered_on") or old_first
    latest = given.get("registered_on") or old_latest
    if given.get("first_registered_on") and not given.get("registered_on") and (latest is None or first > latest):
        latest = first
    if first is None and old_latest is None:
        first = latest
    return first, latest


def _late(verdict: Verdict, field_name: str, rule: str, message: str, override_reason: str) -> None:
    if override_reason.strip():
        verdict.overridden.append(rule)
    else:
        verdict.errors.append((field_name, f"{message}；如确需逾期办理，请填写逾期原因"))


def _qualified(verdict: Verdict, qualification: str, exam_year: int | None) -> bool:
    if qualification not in LEVELS:
        verdict.errors.append(("qualification", RULE_QUALIFIED))
    elif exam_year is None:
        verdict.errors.append(("certificate_year", RULE_EXAM_YEAR))
    return not verdict.errors


def _dated(verdict: Verdict, field_name: str, day: date, exam_year: int, today: date) -> bool:
    if day > today:
        verdict.errors.append((field_name, "登记日期不能晚于今天"))
    elif day < date(exam_year, 1, 1):
        verdict.errors.append((field_name, f"{RULE_NOT_BEFORE_EXAM}（取证年份为{exam_year}年）"))
    else:
        return True
    return False


def _renewal(verdict: Verdict, field_name: str, day: date, previous: date, override_reason: str) -> None:
    """`day` as a re-registration of the registration made on `previous`."""
    expires = expiry(previous)
    opens = renewal_opens(expires)
    window = f"上次登记{previous}，有效期至{expires}，可在{opens}至{expires}之间办理再登记"
    if day < opens:
        verdict.errors.append((field_name, f"{RULE_RENEWAL_WINDOW}：{window}"))
    elif day > expires:
        _late(verdict, field_name, RULE_RENEWAL_WINDOW, f"{RULE_RENEWAL_WINDOW}：{window}，登记已过期",
              override_reason)


def check_dates(stored: dict[str, Any] | None, values: dict[str, Any], override_reason: str = "",
                today: date | None = None) -> Verdict:
    """The registration rules for a profile write.

    `stored` is the worker as stored (None for a new one); `values` holds the qualification and
    exam year after the write and the registration dates given (absent or None: unchanged).
    """
    today = today or date.today()
    verdict = Verdict()
    old_first = stored.get("first_registered_on") if stored else None
    old_latest = stored.get("registered_on") if stored else None
    first, latest = resolve(stored, values)
    first_changed, latest_changed = first != old_first, latest != old_latest
    if not (first_changed or latest_changed):
        return verdict
    exam_year = values.get("certificate_year")
    if not _qualified(verdict, values.get("qualification", "无"), exam_year):
        return verdict
    # The first registration is named by the field the caller gave it in.
    first_field = "first_registered_on" if values.get("first_registered_on") else "registered_on"
    if first_changed and first is not None and _dated(verdict, first_field, first, exam_year, today):
        if first > first_deadline(exam_year):
            _late(verdict, first_field, RULE_FIRST_WITHIN_YEAR,
                  f"{RULE_FIRST_WITHIN_YEAR}：{exam_year}年考试合格的，应在{first_deadline(exam_year)}前办理首次登记",
                  override_reason)
    if not latest_changed or latest is None or latest == first or verdict.errors:
        return verdict
    if not _dated(verdict, "registered_on", latest, exam_year, today):
        return verdict
    if first is not None and latest < first:
        verdict.errors.append(("registered_on", "最近登记日期不能早于首次登记日期"))
    elif old_latest is not None and latest > old_latest:
        _renewal(verdict, "registered_on", latest, old_latest, override_reason)
    elif old_latest is None and first is not None and latest < renewal_opens(expiry(first)):
        # a new worker's history: the latest registration renews an earlier one at the soonest
        verdict.errors.append(("registered_on", f"{RULE_RENEWAL_WINDOW}：首次登记{first}，"
                                                f"再登记最早可在{renewal_opens(expiry(first))}办理"))
    return verdict


def check_application(worker: dict[str, Any], kind: str, applied_on: date, override_reason: str = "",
                      today: date | None = None) -> Verdict:
    """The rules for a registration application dated `applied_on` (field `applied_on`)."""
    today = today or date.today()
    verdict = Verdict()
    exam_year = worker.get("certificate_year")
    if not _qualified(verdict, worker.get("qualification", "无"), exam_year):
        return verdict
    if not _dated(verdict, "applied_on", applied_on, exam_year, today):
        return verdict
    if kind == "首次登记":
        if applied_on > first_deadline(exam_year):
            _late(verdict, "applied_on", RULE_FIRST_WITHIN_YEAR,
                  f"{RULE_FIRST_WITHIN_YEAR}：{exam_year}年考试合格的，应在{first_deadline(exam_year)}前申请首次登记",
                  override_reason)
    else:
        _renewal(verdict, "applied_on", applied_on, worker["registered_on"], override_reason)
    return verdict
