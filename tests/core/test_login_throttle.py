"""Login that is not a denial of service (issue 11): argon2 off the event loop, throttling
per client address and account kept in the database, alike answers for wrong, unknown and
locked accounts, a lockout strangers cannot turn against the owner, and a CSRF token on the
login form. Requests come from chosen client addresses through httpx's ASGI transport."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import uuid
from datetime import datetime, timedelta, timezone

import httpx
from argon2 import PasswordHasher
from litestar.connection import ASGIConnection

from core import login_guard
from core.identity import ensure_user
from core.tables import AuditEvent, LoginThrottle, User
from tests.conftest import OWN, PASSWORD, run


def _address() -> str:
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def _client(app, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000)),
                             base_url="http://testserver")


def _login_from(app, address: str, username: str, password: str) -> httpx.Response:
    async def attempt():
        async with _client(app, address) as c:
            return await c.post("/api/auth/login", json={"username": username, "password": password})

    return asyncio.run(attempt())


def _new_user() -> tuple[str, str]:
    username, password = f"owner-{uuid.uuid4().hex[:8]}", "right-password-1"
    run(ensure_user(username, password, [{"role": "resident", "district_code": OWN}], fast_hash=True))
    return username, password


def test_parallel_bad_logins_do_not_stall_health(app, client):
    # A hash dearer than the suite's fast ones, so that each check takes a while.
    owner, _ = _new_user()
    dear = PasswordHasher(time_cost=2, memory_cost=16384, parallelism=1).hash("right-password-1")
    run(User.update({User.password_hash: dear}).where(User.username == owner))

    async def scenario():
        async def bad_login(i: int) -> int:
            async with _client(app, _address()) as c:
                r = await c.post("/api/auth/login", json={"username": owner, "password": f"guess-{i}"})
                return r.status_code

        logins = [asyncio.create_task(bad_login(i)) for i in range(32)]
        # Wait until password checks are under way. On the event loop they never show as
        # pending: the loop is busy running them, and this coroutine cannot look meanwhile.
        while not login_guard.pending_hashes() and not all(t.done() for t in logins):
            await asyncio.sleep(0.001)
        async with _client(app, _address()) as c:
            health = await c.get("/healthz")
        checks_pending, logins_running = login_guard.pending_hashes(), sum(not t.done() for t in logins)
        return health.status_code, checks_pending, logins_running, await asyncio.gather(*logins)

    health, checks_pending, logins_running, statuses = asyncio.run(scenario())
    assert health == 200 and statuses == [401] * 32
    # Health answered while the bad logins were still being checked.
    assert checks_pending > 0 and logins_running > 0, (checks_pending, logins_running)


def test_wrong_unknown_and_locked_answer_alike(app, client, ctx):
    owner, password = _new_user()
    home, stranger = _address(), _address()
    assert _login_from(app, home, owner, password).status_code == 200
    for _ in range(ctx.settings.login_max_failures):
        assert _login_from(app, stranger, owner, "guess").status_code == 401
    locked = _login_from(app, stranger, owner, password)  # the right password, but locked here
    wrong = _login_from(app, home, owner, "typo")
    unknown = _login_from(app, home, f"nobody-{uuid.uuid4().hex[:8]}", "typo")

    def answer(r: httpx.Response):
        return r.status_code, r.json(), {k: v for k, v in r.headers.items() if k != "date"}

    assert answer(locked) == answer(wrong) == answer(unknown)
    assert locked.status_code == 401 and locked.json()["code"] == "invalid_credentials"
    assert "retry-after" not in locked.headers
    # Failures stay audited, with the address; the one that locked says so.
    events = run(AuditEvent.select(AuditEvent.action, AuditEvent.after).where(AuditEvent.actor == owner)
                 .order_by(AuditEvent.seq))
    actions = [e["action"] for e in events]
    assert actions == ["login"] + ["login_failed"] * (ctx.settings.login_max_failures - 1) + [
        "login_locked", "login_failed", "login_failed"]
    assert json.loads(events[-2]["after"]) == {"address": stranger, "known_address": False, "locked": True}


def test_a_stranger_cannot_lock_the_owner_out_of_their_usual_address(app, client, ctx):
    owner, password = _new_user()
    home = _address()
    assert _login_from(app, home, owner, password).status_code == 200
    # Failures from several unfamiliar addresses add up to the account-wide lock.
    stranger = _address()
    for _ in range(ctx.settings.login_max_failures - 1):
        assert _login_from(app, stranger, owner, "guess").status_code == 401
    assert _login_from(app, _address(), owner, "guess").status_code == 401
    row = run(LoginThrottle.select().where(LoginThrottle.key == f"name:{owner}").first())
    assert row["blocked_until"] - row["last_failure"] == timedelta(minutes=ctx.settings.login_lock_minutes)
    # Locked for unfamiliar addresses, even with the right password ...
    assert _login_from(app, _address(), owner, password).status_code == 401
    # ... but the owner still gets in from home.
    assert _login_from(app, home, owner, password).status_code == 200


def test_an_owner_who_fails_from_their_own_address_is_locked_there_only(app, client, ctx):
    owner, password = _new_user()
    home, office = _address(), _address()
    for address in (home, office):
        assert _login_from(app, address, owner, password).status_code == 200
    for _ in range(ctx.settings.login_max_failures):
        assert _login_from(app, home, owner, "typo").status_code == 401
    assert _login_from(app, home, owner, password).status_code == 401  # 等保 lockout at that address
    assert _login_from(app, office, owner, password).status_code == 200
    # Once the lock has passed, the right password works at home again.
    run(LoginThrottle.update({LoginThrottle.blocked_until: datetime.now(timezone.utc) - timedelta(seconds=1)})
        .where(LoginThrottle.key == f"pair:{owner}|{home}"))
    assert _login_from(app, home, owner, password).status_code == 200


def test_an_address_waits_longer_after_each_further_failure(app, client):
    address, elsewhere = _address(), _address()
    key = f"addr:{address}"

    def fail() -> httpx.Response:
        return _login_from(app, address, f"ghost-{uuid.uuid4().hex[:8]}", "x")

    for _ in range(login_guard.ADDRESS_FREE_FAILURES - 1):
        assert fail().status_code == 401
    waits = []
    for _ in range(3):
        assert fail().status_code == 401
        row = run(LoginThrottle.select().where(LoginThrottle.key == key).first())
        waits.append((row["blocked_until"] - row["last_failure"]).total_seconds())
        refused = fail()  # at once: inside the wait
        assert refused.status_code == 429 and refused.json()["code"] == "login_throttled", refused.text
        assert 0 < int(refused.headers["retry-after"]) <= waits[-1]
        # A refused attempt is not checked and not counted; then let the wait pass.
        assert run(LoginThrottle.select().where(LoginThrottle.key == key).first())["failures"] == row["failures"]
        run(LoginThrottle.update({LoginThrottle.blocked_until: datetime.now(timezone.utc) - timedelta(seconds=1)})
            .where(LoginThrottle.key == key))
    assert waits == [1.0, 2.0, 4.0]
    # Other addresses are not slowed down.
    assert _login_from(app, elsewhere, f"{OWN}-resident", PASSWORD).status_code == 200


def test_the_login_form_needs_its_csrf_token(client):
    forged = client.post("/login", data={"username": f"{OWN}-admin", "password": PASSWORD}, follow_redirects=False)
    assert forged.status_code == 403 and "sanshe_session" not in forged.headers.get("set-cookie", "")
    assert 'data-testid="login-error"' in forged.text
    form = client.get("/login")
    token = form.text.split('name="_csrf" value="')[1].split('"')[0]
    assert client.cookies["sanshe_login_csrf"] == token
    mismatched = client.post("/login", data={"username": f"{OWN}-admin", "password": PASSWORD, "_csrf": "x" * 43},
                             follow_redirects=False)
    assert mismatched.status_code == 403
    token = mismatched.text.split('name="_csrf" value="')[1].split('"')[0]  # a fresh pair after a refusal
    ok = client.post("/login", data={"username": f"{OWN}-admin", "password": PASSWORD, "_csrf": token},
                     follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == f"/districts/{OWN}/workbench"
    assert client.get("/api/me").json()["username"] == f"{OWN}-admin"


def test_forwarded_for_counts_only_behind_a_trusted_proxy(ctx):
    scope = {"type": "http", "client": ("172.18.0.5", 5000), "path": "/", "method": "POST", "query_string": b"",
             "headers": [(b"x-forwarded-for", b"6.6.6.6, 203.0.113.7")]}
    connection = ASGIConnection(scope)  # type: ignore[arg-type]
    assert login_guard.client_address(connection, dataclasses.replace(ctx.settings, trust_proxy=False)) == "172.18.0.5"
    # Behind the proxy the last entry is the one it added; the first was sent by the client.
    assert login_guard.client_address(connection, dataclasses.replace(ctx.settings, trust_proxy=True)) == "203.0.113.7"
