"""Date arithmetic every module needs (registration periods, grade validity, incubation
periods, the quarters of the indicators), the one clock for stored timestamps (UTC), and the one
way people read a time: Beijing time to the minute (`beijing_time`, also the templates'
`beijing` filter)."""

from __future__ import annotations

import calendar
import os
import time
from datetime import date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "CST")  # China has one zone and no daylight saving


def use_beijing_dates() -> None:
    """Make this process's civil date Beijing's, so `date.today()` (a registration day, a listing
    day, "no later than today") is the date people in China live on, whatever zone the host
    runs in: on a UTC host it was yesterday from 00:00 to 08:00 Beijing time. Stored moments stay
    UTC (`utc_now`). An operator's own TZ is respected; `CST-8` needs no time-zone database."""
    if not os.environ.get("TZ"):
        os.environ["TZ"] = "CST-8"
        time.tzset()


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def beijing_date(moment: datetime | date | str | None) -> date | None:
    """The Beijing civil date of a stored moment: a datetime (naive = UTC, as the database hands
    stored moments back), an ISO string of one, or a date (returned as it is); None stays None."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = date.fromisoformat(moment) if len(moment) == 10 else datetime.fromisoformat(moment)
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        return aware.astimezone(BEIJING).date()
    return moment


def beijing_time(value: datetime | date | str | None) -> str:
    """`2026-11-30 20:12` for a moment (stored UTC, or any zone), `2026-11-30` for a date. An ISO
    string is read first; one without a zone is already a local (Beijing) time and only trimmed.
    A naive datetime object is taken as UTC (how the database hands stored moments back)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value) if "T" in value or " " in value.strip() else date.fromisoformat(value)
        except ValueError:
            return value
        if isinstance(parsed, datetime) and parsed.tzinfo is None:
            return parsed.strftime("%Y-%m-%d %H:%M")
        value = parsed
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        try:
            return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
        except OverflowError:  # a moment at the edge of time (0001-01-01T00:00+06:00): shown as written
            return f"{moment.year:04d}-{moment:%m-%d %H:%M %z}"
    return value.isoformat()


def beijing_day_start(day: date) -> str:
    """The stored (UTC, ISO) form of midnight at the start of a Beijing day: what a person means by
    "from 2026-11-30" when the log stores UTC (2026-11-29T16:00:00+00:00)."""
    return datetime(day.year, day.month, day.day, tzinfo=BEIJING).astimezone(timezone.utc).isoformat()


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


# -- quarters (civil dates, e.g. Beijing quarter ends for indicators) ------------------------


def quarter_of(day: date) -> tuple[int, int]:
    """(year, quarter 1–4) of a date."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(day: date) -> str:
    """"2026Q3" for a date in July–September 2026."""
    year, quarter = quarter_of(day)
    return f"{year}Q{quarter}"


def quarter_start(day: date) -> date:
    year, quarter = quarter_of(day)
    return date(year, 3 * quarter - 2, 1)


def quarter_end(day: date) -> date:
    """The last day of the date's quarter."""
    year, quarter = quarter_of(day)
    return (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - timedelta(days=1)


def quarter_ends(at: date, n: int = 8) -> list[date]:
    """The `n` quarter ends up to `at`, oldest first; the current quarter's is `at` itself."""
    ends = [at]
    start = quarter_start(at)
    while len(ends) < n:
        end = start - timedelta(days=1)
        ends.append(end)
        start = quarter_start(end)
    return ends[::-1]
