"""Bounded fuzzing in CI (issue 11): schemathesis against `/schema/openapi.json` of a served app
(tests/fuzz_support.py), first anonymous — it sees the demo data unchanged — then as a district admin
with a bearer token. Every answer must be a non-5xx, a status the document lists for the operation,
a documented content type and, for JSON, a body matching the documented schema; the server's own log
must hold no traceback. The bar is 0 failures.

Budget: `SANSHE_FUZZ_EXAMPLES` examples per operation in the fuzzing phase (default 3; the coverage
phase adds its own boundary and invalid values of every parameter, ~40 per operation), and a time
cap per identity (60 s anonymous, 240 s admin; `SANSHE_FUZZ_CAP_SCALE` scales both). On this 2-core
machine, idle, both legs finish inside their caps (2026-12-02: anonymous 36 s on either database; the
admin 90 s on SQLite and 148 s on PostgreSQL, whose leg once outgrew a 120 s cap and was cut before
schemathesis could write its report); on a busy one the cap cuts the run (a warning says how many
operations it reached). With the demo loaded first, the module adds about 3 minutes.

On PostgreSQL (DATABASE_URL set) the served app gets a database of its own on the same server, so
CI's second leg fuzzes PostgreSQL without the admin's writes touching the suite's database.
`-m "not fuzz"` leaves this module out of a quick local run.
"""

from __future__ import annotations

import os
import warnings

import httpx
import pytest

from tests.fuzz_support import ADMIN, FuzzResult, Served, fuzz, served

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("SANSHE_FUZZ_EXAMPLES", "3"))
SCALE = float(os.environ.get("SANSHE_FUZZ_CAP_SCALE", "1"))


@pytest.fixture(scope="module")
def app_served() -> Served:
    with served(os.environ.get("DATABASE_URL")) as app:
        yield app


def test_the_admin_leg_is_authenticated_and_reaches_the_district(app_served):
    """The admin's token works, so the admin leg fuzzes past the access checks (were it refused,
    every answer would be a documented 401 and the run would pass without testing anything)."""
    headers = {"Authorization": f"Bearer {app_served.admin_token}"}
    me = httpx.get(f"{app_served.url}/api/me", headers=headers, timeout=10)
    assert me.status_code == 200 and me.json()["username"] == ADMIN
    assert httpx.get(f"{app_served.url}/api/districts/430702/persons", headers=headers, timeout=10).status_code == 200


def _failure_text(result: FuzzResult) -> str:
    """The command's own account of each failure (with a curl line to reproduce it)."""
    text = result.output
    start = text.find("FAILURES")
    end = text.find("WARNINGS", start) if start >= 0 else -1
    return text[start:end if end > 0 else None][:20000] if start >= 0 else text[-5000:]


@pytest.mark.parametrize("identity, cap", [("anonymous", 60), ("district_admin", 240)])
def test_schemathesis_finds_no_failure(app_served, identity, cap, capsys):
    result = fuzz(app_served, identity, max_examples=EXAMPLES, cap_seconds=cap * SCALE)
    with capsys.disabled():  # the figures belong in every CI log, not only a failing one
        print(f"\nfuzz [{app_served.database}] {result.summary()}")
    assert result.requests >= result.operations["tested"] > 0, result.output[-5000:]
    assert not result.failures and not result.errors, f"{result.summary()}\n{_failure_text(result)}"
    assert result.server_errors == 0 and result.tracebacks == 0, f"{result.summary()}\n{result.answers}"
    if result.capped:
        warnings.warn(f"fuzz {identity}: the {cap * SCALE:.0f} s cap cut the run at {result.operations['tested']} "
                      f"of {result.operations['selected']} operations (a busy machine?)", stacklevel=1)
