"""Secrets handling: argon2 password hashes, random tokens stored as SHA-256,
and HMAC-signed session cookies."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hashers: dict[bool, PasswordHasher] = {
    False: PasswordHasher(),
    # Cheap parameters for test suites only (SANSHE_ARGON2_FAST=1): still argon2id.
    True: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
}
TOKEN_PREFIX = "sst_"


def hash_password(password: str, fast: bool = False) -> str:
    return _hashers[fast].hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hashers[False].verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def sign(value: str, key: str) -> str:
    mac = hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{value}.{mac}"


def unsign(signed: str, key: str) -> str | None:
    """The value if the signature is right, else None."""
    if not signed.isascii():  # every value we sign is ASCII; compare_digest raises on other str
        return None
    value, _, mac = signed.rpartition(".")
    if not value or not hmac.compare_digest(sign(value, key), signed):
        return None
    return value
