"""Validators for the official HSDS 3.0 schemas copied into tests/data/hsds-3.0 (see its
README): each document is checked as published and strictly, with `additionalProperties:
false` added to every object, as HSDS's own CI checks its examples. Object schemas refer
to each other by file name; they are registered under the canonical 3.0 URL, so nothing
is fetched."""

from __future__ import annotations

import copy
import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DATA = Path(__file__).resolve().parents[2] / "data" / "hsds-3.0"
BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
MODES = ("published", "strict")


def load(name: str) -> dict[str, Any]:
    """A schema by its path under schema/ (e.g. `compiled/service.json`, `taxonomy.json`)."""
    path = DATA / name
    if not path.exists():
        return json.loads(gzip.decompress((DATA / f"{name}.gz").read_bytes()))
    return json.loads(path.read_text(encoding="utf-8"))


def strict(schema: Any) -> Any:
    """The schema with `additionalProperties: false` on every object that lists properties."""
    out = copy.deepcopy(schema)
    stack = [out]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "properties" in node and node.get("type", "object") == "object":
                node["additionalProperties"] = False
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


@cache
def validator(name: str, mode: str) -> Draft202012Validator:
    change = strict if mode == "strict" else (lambda schema: schema)
    objects = [path.name for path in DATA.glob("*.json") if path.name != "openapi.json"]
    registry = Registry().with_resources(
        (BASE + file, Resource.from_contents(change(load(file)), default_specification=DRAFT202012))
        for file in objects)
    schema = change(load(name)) if name.startswith("compiled/") else {"$ref": BASE + name}
    return Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(name: str, document: Any) -> list[str]:
    """Every error of `document` against schema `name`, in both modes, with where it is."""
    found = []
    for mode in MODES:
        for error in validator(name, mode).iter_errors(document):
            path = "/".join(str(p) for p in error.absolute_path)
            found.append(f"{mode} {name} {document.get('id', '?')} /{path}: {error.message}")
    return found
