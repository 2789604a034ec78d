"""The migration that moves evidence metadata into core's `upload` table, run on a database
that already holds evidence rows (a fresh SQLite file, or a new PostgreSQL database on the
test server): each row gets an upload row with the same values and points at it, the copied
columns are gone, and new uploads (and their ids) go on from there."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

from core import db
from tests.served import own_postgres_database

# The last migrations before evidence moved to core.
BEFORE = {"core": "2026-11-30T16:00:00:000000", "supervision": "2026-11-27T07:37:54:209103"}

SCRIPT = """
import asyncio, json, sys
from datetime import datetime, timezone
from piccolo.apps.migrations.commands.forwards import run_forwards
from core import db
from core.tables import Upload

BEFORE = json.loads(sys.argv[1])
ROWS = [("430702", "签到表.png", "image/png", 1200, "a" * 64, "430702-worker", "2026-03-01 08:00:00+00:00"),
        ("430703", "整改报告.pdf", "application/pdf", 88000, "b" * 64, "430703-supervisor", "2026-04-02 09:30:00+00:00")]

async def main():
    for app, migration in BEFORE.items():
        assert (await run_forwards(app, migration_id=migration)).success
    for n, (code, *_) in enumerate(ROWS, start=1):
        await Upload.raw("INSERT INTO supervision_campaign (district_code, title) VALUES ({}, 'x')", code)
        await Upload.raw("INSERT INTO supervision_item (campaign, district_code) VALUES ({}, {})", n, code)
    for code, filename, content_type, size, sha, by, at in ROWS:
        await Upload.raw("INSERT INTO supervision_evidence (item, district_code, filename, content_type, size, sha256, "
                         "uploaded_by, uploaded_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {})", 1 if code == "430702" else 2,
                         code, filename, content_type, size, sha, by, datetime.fromisoformat(at))
    old = await Upload.raw("SELECT * FROM supervision_evidence ORDER BY id")
    await db.migrate()
    evidence = await Upload.raw("SELECT * FROM supervision_evidence ORDER BY id")
    uploads = await Upload.select().order_by(Upload.id)
    new = (await Upload.insert(Upload(district_code="430702", sha256="c" * 64, size=1, content_type="image/png",
                                      filename="新.png", uploaded_by="t")).returning(Upload.id))[0]["id"]
    print(json.dumps({"old": old, "evidence": evidence, "uploads": uploads, "new": new}, default=str))

asyncio.run(main())
"""


def _migrated(tmp_path: Path) -> dict:
    env = {**os.environ, "SANSHE_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    with contextlib.ExitStack() as stack:
        if db.is_postgres():
            env["DATABASE_URL"] = stack.enter_context(own_postgres_database(os.environ["DATABASE_URL"], "sanshe_evmig"))
        done = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(BEFORE)], env=env, capture_output=True,
                              text=True, timeout=300, cwd=Path(__file__).resolve().parents[3])
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_existing_evidence_rows_move_into_core_uploads(ctx, tmp_path):
    result = _migrated(tmp_path)
    old, evidence, uploads = result["old"], result["evidence"], result["uploads"]
    assert len(old) == len(evidence) == len(uploads) == 2
    assert set(evidence[0]) == {"id", "item", "district_code", "upload"}  # the copied columns are gone
    by_id = {u["id"]: u for u in uploads}
    for before, after in zip(old, evidence, strict=True):
        assert (after["id"], after["item"], after["district_code"]) == (before["id"], before["item"],
                                                                        before["district_code"])
        upload = by_id[after["upload"]]
        for column in ("district_code", "filename", "content_type", "size", "sha256", "uploaded_by"):
            assert upload[column] == before[column], column
        assert upload["uploaded_at"].replace("T", " ")[:19] == str(before["uploaded_at"]).replace("T", " ")[:19]
    assert result["new"] > max(by_id)  # PostgreSQL's sequence moved past the copied ids
