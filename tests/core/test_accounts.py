"""Operator account commands: `sanshe user set-password | deactivate | activate` end sessions,
stop tokens and leave an audit event each."""

from __future__ import annotations

import os

from core.identity import ensure_user
from core.tables import AuditEvent, User
from tests.conftest import bearer, login, run
from tests.core.test_cli import sanshe

NAME = "ops-account-1"


def _env(password: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SANSHE_NEW_PASSWORD", None)
    if password is not None:
        env["SANSHE_NEW_PASSWORD"] = password
    return env


def _events(user_id: int) -> list[str]:
    rows = run(AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.entity == "user") & (AuditEvent.entity_id == str(user_id))).order_by(AuditEvent.id))
    return [row["action"] for row in rows]


def test_set_password_ends_sessions_and_only_the_new_password_works(ctx, client):
    user_id = run(ensure_user(NAME, "old-password-1", [{"role": "supervisor", "district_code": "430702"}],
                              fast_hash=True))
    login(client, NAME, "old-password-1")
    assert client.get("/api/me").status_code == 200

    short = sanshe("user", "set-password", NAME, env=_env("short"))
    assert short.returncode == 2 and "at least 8 characters" in short.stderr
    changed = sanshe("user", "set-password", NAME, env=_env("new-password-2"))
    assert changed.returncode == 0, changed.stderr
    assert "1 session(s) ended" in changed.stdout

    assert client.get("/api/me").status_code == 401  # the old session is gone
    del client.headers["X-CSRF-Token"]
    assert client.post("/api/auth/login", json={"username": NAME, "password": "old-password-1"}).status_code == 401
    assert client.post("/api/auth/login", json={"username": NAME, "password": "new-password-2"}).status_code == 200
    assert "set_password" in _events(user_id)


def test_deactivate_blocks_sessions_and_tokens_until_activated(ctx, client):
    user_id = run(ensure_user("ops-account-2", "password-one-1",
                              [{"role": "supervisor", "district_code": "430702"}], fast_hash=True))
    login(client, "ops-account-2", "password-one-1")
    token = client.post("/api/me/tokens", json={"name": "ops"}).json()["token"]

    assert sanshe("user", "deactivate", "ops-account-2", env=_env()).returncode == 0
    assert run(User.select(User.active).where(User.id == user_id).first())["active"] is False
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/me", headers=bearer(token)).status_code == 401

    assert sanshe("user", "activate", "ops-account-2", env=_env()).returncode == 0
    assert client.get("/api/me", headers=bearer(token)).status_code == 200  # the token was not revoked
    events = [e for e in _events(user_id) if e in {"deactivate", "activate"}]
    assert events == ["deactivate", "activate"]


def test_unknown_user_is_named(ctx):
    result = sanshe("user", "deactivate", "nobody-here", env=_env())
    assert result.returncode == 2 and "user 'nobody-here' does not exist" in result.stderr
