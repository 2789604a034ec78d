"""Login defences: password hashing off the event loop, and throttling of failed logins.

Hashing. argon2 is slow by design; run on the event loop it stalls every request of the
worker. `verify_password` and `hash_password` run it in worker threads, at most
`HASH_THREADS` at a time per event loop (an anyio CapacityLimiter), so a flood of logins
queues for those threads instead of taking all of them; past `MAX_WAITING_HASHES` queued
checks a login is refused at once with 429 `login_busy`.

Throttling. Counters live in the `login_throttle` table, so every worker process sees the
same ones; each update locks its row (SELECT … FOR UPDATE on PostgreSQL, the IMMEDIATE write
transaction on SQLite), so parallel failures are all counted. Three kinds of counter:

- per client address (`addr:`): every failed login from the address counts. After
  `ADDRESS_FREE_FAILURES` of them each further failure makes the address wait 1, 2, 4 …
  seconds (at most `login_lock_minutes`) before its next attempt; an attempt during the wait
  is refused with 429 `login_throttled` and Retry-After, before any password check. This
  answer is about the address, so it says nothing about which accounts exist.
- per account name and address (`pair:`): the 等保 lockout. `login_max_failures` consecutive
  failures lock the account for that address for `login_lock_minutes`, doubling with each
  further lockout (at most a day); a successful login resets it and marks the address as
  one the account has logged in from ("known").
- per account name (`name:`): failures from addresses the account has never logged in from
  count here, and lock the account the same way — but only for such unfamiliar addresses.
  A stranger can therefore not lock the owner out of the addresses they usually log in from.

Account counters are kept per name whether or not the account exists, and while an account
is locked the password is still checked and the answer is the one a wrong password gets
(401, same body), so neither the answer nor its timing tells which names exist or are
locked. Account counters are forgotten after a day without failures, address counters after
`login_lock_minutes` without failures once their wait is over. The client address is the
ASGI peer, or with `trust_proxy` the last X-Forwarded-For entry (the one our proxy added).
"""

from __future__ import annotations

import asyncio
import math
import os
import random
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

import anyio
import anyio.to_thread
from litestar.connection import ASGIConnection

from core import db, security
from core.errors import ApiError
from core.settings import Settings
from core.tables import LoginThrottle

HASH_THREADS = max(1, min(4, os.cpu_count() or 1))
MAX_WAITING_HASHES = 64
ADDRESS_FREE_FAILURES = 20
ACCOUNT_MAX_LOCK = timedelta(days=1)
ACCOUNT_FORGET = timedelta(days=1)

T = TypeVar("T")
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = weakref.WeakKeyDictionary()


async def _off_loop(function: Callable[..., T], *args) -> T:
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(HASH_THREADS)
    if limiter.statistics().tasks_waiting >= MAX_WAITING_HASHES:
        raise ApiError(429, "登录请求过多，请稍后再试", "login_busy", headers={"Retry-After": "1"})
    return await anyio.to_thread.run_sync(function, *args, limiter=limiter)


def pending_hashes() -> int:
    """Password checks and hashes running or queued in worker threads for this event loop."""
    limiter = _limiters.get(asyncio.get_running_loop())
    if limiter is None:
        return 0
    statistics = limiter.statistics()
    return statistics.borrowed_tokens + statistics.tasks_waiting


async def verify_password(password_hash: str, password: str) -> bool:
    """security.verify_password in a bounded worker thread."""
    return await _off_loop(security.verify_password, password_hash, password)


async def hash_password(password: str, fast: bool = False) -> str:
    """security.hash_password in a bounded worker thread."""
    return await _off_loop(security.hash_password, password, fast)


def client_address(connection: ASGIConnection, settings: Settings) -> str:
    """The address a login comes from; X-Forwarded-For only when the settings trust a proxy.
    Its last entry is the one our proxy appended; earlier ones are whatever the client sent."""
    if settings.trust_proxy:
        hops = [h.strip() for v in connection.headers.getall("x-forwarded-for", []) for h in v.split(",")]
        hops = [h for h in hops if h]
        if hops:
            return hops[-1][:64]
    client = connection.scope.get("client")
    return (client[0] if client else "unknown")[:64]


@dataclass(frozen=True)
class Attempt:
    """One login attempt as the throttle sees it, before the password is checked."""

    username: str
    address: str
    known_address: bool  # the account has logged in from this address before
    locked: bool  # the account is locked for this address

    @property
    def keys(self) -> tuple[str, str, str]:
        return f"addr:{self.address}", f"name:{self.username}", f"pair:{self.username}|{self.address}"


def _active(row: dict | None, now: datetime) -> bool:
    return bool(row and row["blocked_until"] and row["blocked_until"] > now)


async def check(settings: Settings, username: str, address: str, now: datetime) -> Attempt:
    """Refuse a throttled address with 429; otherwise say whether the account is locked for it."""
    attempt = Attempt(username, address, False, False)
    addr_key, name_key, pair_key = attempt.keys
    rows = {r["key"]: r for r in await LoginThrottle.select().where(LoginThrottle.key.is_in(list(attempt.keys)))}
    if _active(rows.get(addr_key), now):
        wait = math.ceil((rows[addr_key]["blocked_until"] - now).total_seconds())
        raise ApiError(429, f"此地址登录失败次数过多，请 {wait} 秒后再试", "login_throttled",
                       headers={"Retry-After": str(wait)})
    known = bool(rows.get(pair_key) and rows[pair_key]["last_success"])
    locked = _active(rows.get(pair_key), now) or (not known and _active(rows.get(name_key), now))
    return Attempt(username, address, known, locked)


def _address_wait(settings: Settings, failures: int) -> timedelta | None:
    if failures < ADDRESS_FREE_FAILURES:
        return None
    return timedelta(seconds=min(2 ** (failures - ADDRESS_FREE_FAILURES), settings.login_lock_minutes * 60))


def _account_lock(settings: Settings, failures: int) -> timedelta | None:
    if failures % settings.login_max_failures:
        return None
    lockouts = failures // settings.login_max_failures
    return min(timedelta(minutes=settings.login_lock_minutes) * 2 ** min(lockouts - 1, 16), ACCOUNT_MAX_LOCK)


async def _locked_row(key: str) -> dict:
    # Insert-if-absent first, so two first failures cannot both insert; then lock the row.
    await LoginThrottle.raw("INSERT INTO login_throttle (key, failures) VALUES ({}, 0) ON CONFLICT (key) DO NOTHING", key)
    return await db.locked(LoginThrottle.select().where(LoginThrottle.key == key)).first()


async def record_failure(settings: Settings, attempt: Attempt, now: datetime) -> bool:
    """Count a failed login (call inside the write transaction); True if it locked the account."""
    addr_key, name_key, pair_key = attempt.keys
    keys = [addr_key]
    if not attempt.locked:  # failures while locked extend nothing: the lock is already there
        keys += [pair_key] if attempt.known_address else [pair_key, name_key]
    locked_now = False
    for key in sorted(keys):  # one order for every worker, so two transactions cannot deadlock
        row = await _locked_row(key)
        is_address = key == addr_key
        forget = timedelta(minutes=settings.login_lock_minutes) if is_address else ACCOUNT_FORGET
        since = max(t for t in (row["last_failure"], row["blocked_until"], now - 2 * forget) if t is not None)
        failures = row["failures"] + 1 if now - since <= forget else 1
        wait = _address_wait(settings, failures) if is_address else _account_lock(settings, failures)
        locked_now |= bool(wait) and not is_address
        await LoginThrottle.update({
            LoginThrottle.failures: failures,
            LoginThrottle.last_failure: now,
            LoginThrottle.blocked_until: now + wait if wait else None,
        }).where(LoginThrottle.id == row["id"])
    if random.random() < 1 / 64:
        await _forget_stale(now)
    return locked_now


async def record_success(attempt: Attempt, now: datetime) -> None:
    """Reset the account's counter for this address and remember the address as known."""
    row = await _locked_row(attempt.keys[2])
    await LoginThrottle.update({
        LoginThrottle.failures: 0, LoginThrottle.blocked_until: None, LoginThrottle.last_success: now,
    }).where(LoginThrottle.id == row["id"])


async def _forget_stale(now: datetime) -> None:
    """Drop counters nobody has failed on for two days (and that remember no success), so
    guessing random names cannot grow the table without bound."""
    await LoginThrottle.delete().where(
        LoginThrottle.last_success.is_null()
        & (LoginThrottle.last_failure < now - 2 * ACCOUNT_FORGET)
        & (LoginThrottle.blocked_until.is_null() | (LoginThrottle.blocked_until < now))
    )
