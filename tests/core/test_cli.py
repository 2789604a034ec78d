"""The `sanshe` command: demo twice adds nothing, migrate is idempotent."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

from tests.conftest import PASSWORD, table_counts

TABLES = ("community", "organization", "person", "sanshe_user", "role_grant", "audit_event")


def sanshe(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300)


def test_demo_twice_on_a_fresh_sqlite_database_duplicates_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SANSHE_SECRET_KEY"}}
    env.update(SANSHE_DATA_DIR=str(tmp_path), SANSHE_DEMO_PASSWORD="demo-password-1")
    first = sanshe("demo", "--no-serve", env=env)
    assert first.returncode == 0, first.stderr
    assert "Demo password: demo-password-1" in first.stdout
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # generated key is private

    def counts():
        with sqlite3.connect(tmp_path / "sanshe.sqlite3") as con:
            return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}

    after_first = counts()
    # admin, city-admin, per district the five core roles plus one user per role a plugin adds
    with sqlite3.connect(tmp_path / "sanshe.sqlite3") as con:
        users = {row[0] for row in con.execute("SELECT username FROM sanshe_user")}
    for code in ("430702", "430703"):
        assert {f"{code}-{r}" for r in ("admin", "supervisor", "org", "worker", "resident", "assessor",
                                         "incubation-reviewer", "incubation-mentor")} <= users
    assert len(users) == after_first["sanshe_user"] and len(users) >= 2 + 8 * 2
    assert after_first["community"] > 20 and after_first["person"] > 80  # registry persons plus demo workers
    second = sanshe("demo", "--no-serve", env=env)
    assert second.returncode == 0, second.stderr
    assert counts() == after_first
    verify = sanshe("audit", "verify", env=env)
    assert verify.returncode == 0 and f"{after_first['audit_event']} events" in verify.stdout


def test_demo_and_migrate_on_the_test_database_add_nothing(ctx):
    before = table_counts()
    env = {**os.environ, "SANSHE_DEMO_PASSWORD": PASSWORD}
    assert sanshe("migrate", env=env).returncode == 0
    result = sanshe("demo", "--no-serve", env=env)
    assert result.returncode == 0, result.stderr
    assert table_counts() == before


def test_user_and_token_commands(ctx):
    env = {**os.environ, "SANSHE_NEW_PASSWORD": "cli-password-1"}
    created = sanshe("user", "create", "cli-made", "--role", "supervisor", "--district", "430703", env=env)
    assert created.returncode == 0, created.stderr
    token = sanshe("token", "create", "cli-made", "ops", env=env)
    assert token.returncode == 0 and token.stdout.strip().startswith("sst_")
    bad_role = sanshe("user", "create", "x", "--role", "king", env=env)
    assert bad_role.returncode == 2 and "unknown role 'king'" in bad_role.stderr


def test_serve_options():
    from core.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["serve"]).access_log is True
    quiet = parser.parse_args(["serve", "--workers", "2", "--no-access-log"])
    assert quiet.access_log is False and quiet.workers == 2
