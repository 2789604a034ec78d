"""People read times in Beijing time: no page shows an ISO timestamp (`2026-11-30T12:08:00…`,
UTC or otherwise) in its text. Every page a district's staff reach without an id in the path, and the pages
they link to, is fetched as each staff role, and its visible text (not attributes, not JSON data blocks) is searched."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import OWN

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
LINK = re.compile(r'href="(/districts/\d{6}/[^"?#.]*)"')
HIDDEN = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.S)


def _page_paths(app) -> list[str]:
    paths = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if "GET" not in handler.http_methods or handler.include_in_schema:
                continue
            path = route.path.replace("{code:str}", OWN)
            if "{" not in path and not path.startswith(("/static", "/schema", "/opendata/hsds")) \
                    and not path.endswith((".xlsx", ".csv", ".json", ".jsonld", ".ttl", ".ico", ".ndjson")):
                paths.add(path)
    return sorted(paths)


@pytest.mark.parametrize("role", ["admin", "supervisor", "org", "worker"])
def test_no_page_shows_an_iso_timestamp(app, client, role):
    from tests.conftest import login

    login(client, f"{OWN}-{role}")
    shown, seen = [], set()
    paths = _page_paths(app)
    assert len(paths) >= 10, paths
    queue = [(path, 0) for path in paths]
    while queue and len(seen) < 300:
        path, depth = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = client.get(path, headers={"Accept": "text/html"})
        if answer.status_code != 200 or "text/html" not in answer.headers.get("content-type", ""):
            continue
        text = HIDDEN.sub(" ", answer.text)
        shown += [f"{path}: {m.group(0)}" for m in ISO_TIME.finditer(text)]
        if depth == 0:  # one step further: the records the lists link to (a campaign, a flag, …)
            queue += [(link, 1) for link in LINK.findall(answer.text) if link not in seen]
    assert shown == []


def test_beijing_time_reads_every_form_a_time_comes_in():
    from datetime import date, datetime, timedelta, timezone

    from core.dates import beijing_time

    assert beijing_time(datetime(2026, 11, 30, 12, 12, tzinfo=timezone.utc)) == "2026-11-30 20:12"
    assert beijing_time(datetime(2026, 11, 30, 23, 30)) == "2026-12-01 07:30"  # naive from the database: UTC
    assert beijing_time("2026-11-30T16:05:09.123+00:00") == "2026-12-01 00:05"
    assert beijing_time(datetime(2026, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=-5)))) == "2026-01-01 22:00"
    assert beijing_time("2026-03-01T09:30:00") == "2026-03-01 09:30"  # no zone: already local
    assert beijing_time(date(2026, 2, 28)) == beijing_time("2026-02-28") == "2026-02-28"
    assert beijing_time(None) == beijing_time("") == ""
    assert beijing_time("not a time") == "not a time"
    # moments Beijing time cannot reach (a payload someone stored) are shown as written, not an error page
    assert beijing_time("0001-01-01T00:00:00+06:00") == "0001-01-01 00:00 +0600"
    assert beijing_time("9999-12-31T23:30:00-12:00") == "9999-12-31 23:30 -1200"


@pytest.mark.parametrize("tz, zone", [(None, "beijing"), ("UTC", "utc")])
def test_the_civil_date_is_beijings_unless_the_operator_sets_tz(tz, zone):
    """Loading the settings (every entry point does) makes date.today() the Beijing date on a
    host in any zone; an operator's explicit TZ is kept. Checked in a fresh process at a moment
    the process's local offset (always distinguishes the two) and its dates."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TZ"}
    if tz:
        env["TZ"] = tz
    script = ("from datetime import date, datetime, timezone\n"
              "from core.dates import BEIJING\nfrom core.settings import load_settings\nload_settings()\n"
              "import time\nnow = datetime.now(timezone.utc)\n"
              "print(time.localtime().tm_gmtoff, date.today(), now.astimezone(BEIJING).date(), now.date())")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout.split()
    offset, today, beijing, utc = out
    assert (int(offset), today) == ((8 * 3600, beijing) if zone == "beijing" else (0, utc))


def test_beijing_date_of_stored_moments():
    """The one converter the indicators and profiles use: a stored moment's Beijing civil date."""
    from datetime import date, datetime, timezone

    from core.dates import beijing_date

    assert beijing_date(None) is None
    assert beijing_date(date(2026, 6, 30)) == date(2026, 6, 30)
    assert beijing_date("2026-06-30") == date(2026, 6, 30)
    assert beijing_date(datetime(2026, 6, 30, 15, 59)) == date(2026, 6, 30)   # naive = UTC: 23:59 Beijing
    assert beijing_date(datetime(2026, 6, 30, 16, 0)) == date(2026, 7, 1)     # 00:00 Beijing
    assert beijing_date(datetime(2026, 6, 30, 16, 0, tzinfo=timezone.utc)) == date(2026, 7, 1)
    assert beijing_date("2026-06-30T16:00:00+00:00") == date(2026, 7, 1)
