"""The compiled release of a record: our releases merged by the OCDS 1.1.5 merge rules
(https://standard.open-contracting.org/1.1/en/schema/merging/), written here for our own
releases rather than taken from a library that would need the release schema at run time.

- `id`, `date` and `tag` are omitted when merged (`omitWhenMerged`); the compiled release has
  `tag: ["compiled"]`, `id` `<ocid>-<date of the newest release>` and that date.
- Objects merge field by field, a later value replacing an earlier one.
- Arrays of objects merge by their `id` (an object whose `id` is new is appended, in order of
  first appearance), except the `wholeListMerge` arrays of the schema, which are replaced whole,
  like arrays of strings or numbers.
- Empty objects and arrays add nothing; a null removes the field.

The tests compare this with `ocdsmerge`, the reference implementation, on every record they
build (tests/plugins/procurement/test_ocds.py).
"""

from __future__ import annotations

from typing import Any

OMIT_WHEN_MERGED = ("id", "date", "tag")
WHOLE_LIST_MERGE = frozenset({"additionalIdentifiers", "additionalClassifications"})  # the schema's, 1.1.5


def _merge_list(into: list[dict[str, Any]], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {item.get("id"): item for item in into}
    for item in items:
        existing = by_id.get(item.get("id"))
        if existing is None:
            existing = {"id": item["id"]} if "id" in item else {}
            into.append(existing)
            if "id" in item:
                by_id[item["id"]] = existing
        _merge_object(existing, item)
    return into


def _merge_object(into: dict[str, Any], values: dict[str, Any]) -> None:
    for key, value in values.items():
        if value is None:
            into.pop(key, None)
        elif isinstance(value, dict):
            if value:
                _merge_object(into.setdefault(key, {}), value)
        elif isinstance(value, list) and value and key not in WHOLE_LIST_MERGE \
                and all(isinstance(item, dict) for item in value):
            into[key] = _merge_list(into.get(key) or [], value)
        elif value != []:
            into[key] = value


def compile_releases(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release of one process's releases (oldest first; sorted by date, stably)."""
    ordered = sorted(releases, key=lambda r: r["date"])
    newest = ordered[-1]
    merged: dict[str, Any] = {"tag": ["compiled"], "id": f"{newest['ocid']}-{newest['date']}", "date": newest["date"]}
    for release in ordered:
        _merge_object(merged, {k: v for k, v in release.items() if k not in OMIT_WHEN_MERGED})
    return merged
