"""Validators for the official OCDS 1.1.5 schemas copied into tests/data/ocds-1.1.5 (see its
README): JSON Schema draft-04 with a format checker; the packages' reference to the release
schema by its canonical URL resolves to the local file (nothing is fetched)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

DATA = Path(__file__).resolve().parents[2] / "data" / "ocds-1.1.5"
BASE = "https://standard.open-contracting.org/schema/1__1__5/"
FILES = ("release-schema.json", "release-package-schema.json", "record-package-schema.json")


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@cache
def validator(name: str) -> Draft4Validator:
    registry = Registry().with_resources(
        (BASE + file, Resource.from_contents(load(file), default_specification=DRAFT4)) for file in FILES)
    return Draft4Validator(load(name), registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def problems(name: str, document: Any) -> list[str]:
    """Every error of `document` against schema `name`, with where it is."""
    return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
            for e in validator(name).iter_errors(document)]
