"""Secrets the server must read back, kept encrypted at rest: the TOTP seeds of two-factor login
(等保 level 3: authentication data is protected in storage, so a copied database or backup
archive does not give away anyone's second factor).

Sealed text is "v1:" + base64url(nonce ‖ AES-256-GCM ciphertext and tag). The key is derived
(HKDF-SHA256) from SANSHE_SECRET_KEY and a purpose label, so it is never the key that signs
cookies. The associated data binds a sealed value to its row ("two_factor:user:17"): a value
copied onto another row does not open.

Key rotation: set the new SANSHE_SECRET_KEY and list the old one in SANSHE_PREVIOUS_SECRET_KEYS.
Values sealed with a previous key still open, and `core.twofactor.reseal` (run at start-up)
rewrites every one under the current key; then the old key may be dropped. Text without the
prefix is a value stored before sealing existed (plaintext); it opens as-is and is resealed the
same way.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "v1:"
NONCE_BYTES = 12


class Unreadable(Exception):
    """A sealed value no configured key opens (a wrong or lost key, another row's value, tampering)."""


def _key(secret_key: str, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"sanshe secretbox v1 {purpose}".encode()).derive(secret_key.encode())


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def seal(plain: str, secret_key: str, purpose: str, bound_to: str) -> str:
    """`plain` encrypted under the current key, bound to `bound_to` (the row it is stored in)."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key(secret_key, purpose)).encrypt(nonce, plain.encode(), bound_to.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal(stored: str, keys: Sequence[str], purpose: str, bound_to: str) -> tuple[str, int | None]:
    """(the plain value, the index in `keys` of the key that opened it); index None for a legacy
    plaintext value. Unreadable when no key opens it."""
    if not is_sealed(stored):
        return stored, None
    body = stored[len(PREFIX):]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise Unreadable("not a sealed value") from exc
    if len(raw) <= NONCE_BYTES:
        raise Unreadable("not a sealed value")
    for index, key in enumerate(keys):
        try:
            plain = AESGCM(_key(key, purpose)).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], bound_to.encode())
        except InvalidTag:
            continue
        return plain.decode(), index
    raise Unreadable("no configured key opens it (SANSHE_SECRET_KEY changed without SANSHE_PREVIOUS_SECRET_KEYS?)")
