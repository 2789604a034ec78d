"""Stable HSDS ids. Services, organisations and services-at-location get UUIDs that carry
our integer id (RFC 9562 version 8: a fixed 48-bit prefix, a kind, the id), so a lookup by
UUID is a primary-key lookup, never a scan. Everything else (nested records, locations,
taxonomies and their terms) gets a name-based UUID (version 5) from what it is."""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("5b7e0f4c-3f0e-4c57-9d0e-7a1f6d1c5e21")
PREFIX = 0x5A4E_5348_4531  # fixed, "ZNSHE1"
KINDS = {"service": 1, "organization": 2, "service_at_location": 3}


def hsds_id(kind: str, pk: int) -> str:
    """The UUID of record `pk` of `kind`; invertible (`pk_from_hsds_id`) for the kinds in KINDS."""
    if kind in KINDS:
        value = (PREFIX << 80) | (0x8 << 76) | (KINDS[kind] << 64) | (0b10 << 62) | pk
        return str(uuid.UUID(int=value))
    return stable_id(kind, str(pk))  # nested records: stable, never looked up


def pk_from_hsds_id(kind: str, value: str) -> int | None:
    """The id inside a UUID made by `hsds_id(kind, …)`, else None."""
    try:
        number = uuid.UUID(value).int
    except ValueError:
        return None
    if number >> 80 != PREFIX or (number >> 76) & 0xF != 0x8 or (number >> 64) & 0xFFF != KINDS[kind]:
        return None
    return number & ((1 << 62) - 1)


def stable_id(*parts: str) -> str:
    """A name-based UUID: the same parts always give the same id."""
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
