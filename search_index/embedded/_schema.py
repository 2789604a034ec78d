"""Index layout of the embedded backend: tantivy schema per IndexSpec, the
stored spec file, and document conversion.

Field naming in tantivy (the spec's names get a prefix, so a field may be both
searchable and filterable): `_pk` primary key (raw, fast, stored), `_pko1`/`_pko2`
its first 16 UTF-8 bytes as two unsigned fast fields (order ties by primary
key without loading documents), `_doc` the
whole document as JSON bytes (stored only), `s_<f>` bigram tokens of a
searchable field (with positions: phrases), `_where` one token `<token>#<mask>`
per distinct token (and Han trigram, so three-character words need no phrase) of the document, the mask's bits naming the searchable
fields holding it (the first field is the highest bit: a one-token query is a
union of these terms, each scored by its mask, over one posting per document
instead of one per field), `k_<f>` keyword values of a filterable field (raw,
multi-valued), `c_<f>` the combination of a facet field's values (sorted,
joined by US; single-valued and fast, so counting a facet is one pass over one
column: a multi-valued column is ~10x slower to aggregate), `o_<f>` sort key
of a sortable field (raw, fast).
"""

from __future__ import annotations

import json
import os
import re
import struct
from dataclasses import asdict
from pathlib import Path
from typing import Any

import msgspec
import tantivy

from ..base import IndexSpec, SearchError
from ._text import field_text, normalize, tokens, where_terms

FORMAT = 3
"""Bump when tokenisation or layout changes: indexes are rebuilt from their stored documents."""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_FIELD = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
SPEC_FILE = "spec.json"
MAX_SEARCHABLE = 16
"""Field masks are scores: at most 16 bits keeps every sum of them exact in a float32."""
COMBINE = "\x1f"
_MASK_SUFFIX = [f"#{mask:x}" for mask in range(1 << MAX_SEARCHABLE)]
_ENCODE = msgspec.json.Encoder(enc_hook=str)


def valid_name(name: str) -> bool:
    return bool(isinstance(name, str) and _NAME.match(name))


def validate(spec: IndexSpec) -> None:
    if not valid_name(spec.name):
        raise SearchError(f"invalid index name {spec.name!r} (letters, digits, '-' and '_' only)")
    if not spec.searchable:
        raise SearchError(f"index {spec.name!r} has no searchable field")
    if len(spec.searchable) > MAX_SEARCHABLE:
        raise SearchError(f"index {spec.name!r} has more than {MAX_SEARCHABLE} searchable fields")
    for field in (*spec.searchable, *spec.filterable, *spec.facets, *spec.sortable, spec.primary_key):
        if not _FIELD.match(field):
            raise SearchError(f"invalid field name {field!r} in index {spec.name!r}")
    missing = set(spec.facets) - set(spec.filterable)
    if missing:
        raise SearchError(f"facets {sorted(missing)} of index {spec.name!r} are not filterable")


def keyword_fields(spec: IndexSpec) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*spec.filterable, *spec.facets)))


def build_schema(spec: IndexSpec) -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("_pk", stored=True, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_unsigned_field("_pko1", fast=True)
    sb.add_unsigned_field("_pko2", fast=True)
    sb.add_bytes_field("_doc", stored=True)
    for field in spec.searchable:
        sb.add_text_field(f"s_{field}", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("_where", tokenizer_name="whitespace", index_option="basic")
    for field in keyword_fields(spec):
        sb.add_text_field(f"k_{field}", tokenizer_name="raw", index_option="basic")
    for field in spec.facets:
        sb.add_text_field(f"c_{field}", fast=True, tokenizer_name="raw", index_option="basic")
    for field in spec.sortable:
        sb.add_text_field(f"o_{field}", fast=True, tokenizer_name="raw", index_option="basic")
    return sb.build()


# -- stored spec ---------------------------------------------------------------------------

def spec_record(spec: IndexSpec, data_dir: str) -> dict[str, Any]:
    return {"format": FORMAT, "spec": asdict(spec), "data": data_dir}


def read_record(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / SPEC_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise SearchError(f"cannot read {folder / SPEC_FILE}: {exc}") from exc


def write_record(folder: Path, record: dict[str, Any]) -> None:
    tmp = folder / f"{SPEC_FILE}.tmp"
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp, folder / SPEC_FILE)


def spec_from_record(record: dict[str, Any]) -> IndexSpec:
    raw = record["spec"]
    return IndexSpec(**{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})


def same_layout(record: dict[str, Any] | None, spec: IndexSpec) -> bool:
    return bool(record) and record.get("format") == FORMAT and spec_from_record(record) == spec


# -- documents -----------------------------------------------------------------------------

def sort_key(value: Any) -> str | None:
    """Order-preserving string for a sortable value: numbers as sign-adjusted
    float64 hex (numeric order), strings (ISO dates included) as they are."""
    if value is None:
        return None
    if isinstance(value, (bool, int, float)):
        bits = struct.unpack(">Q", struct.pack(">d", float(value)))[0]
        bits = bits ^ 0xFFFF_FFFF_FFFF_FFFF if bits >> 63 else bits | 1 << 63
        return f"{bits:016x}"
    return str(value).replace("\x00", "")


def pk_order(pk: str) -> tuple[int, int]:
    """The first 16 UTF-8 bytes of `pk` as two big-endian numbers: their order is
    the strings' order, except between keys sharing those 16 bytes."""
    head = pk.encode("utf-8")[:16].ljust(16, b"\0")
    return int.from_bytes(head[:8], "big"), int.from_bytes(head[8:], "big")


def _keywords(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value if v is not None]
    return [str(value)]


def combination(values: list[str]) -> str:
    """The `c_` value of a facet field: its distinct values, sorted, joined by COMBINE."""
    return COMBINE.join(sorted({v.replace(COMBINE, " ") for v in values}))


def field_masks(spec: IndexSpec, terms: list[set[str]]) -> str:
    """The `_where` tokens for the term sets of the searchable fields, in spec order.

    Terms are grouped by mask with set operations (regions of a Venn diagram, at most
    2^fields of them), so the work per term happens in C, not in a Python loop."""
    regions: dict[int, set[str]] = {}
    bit = 1 << len(spec.searchable)
    for field_terms in terms:
        bit >>= 1
        rest = set(field_terms)
        for mask in list(regions):
            both = regions[mask] & rest
            if both:
                regions[mask] -= both
                if not regions[mask]:
                    del regions[mask]
                regions[mask | bit] = both  # a new key: no earlier mask has this bit
                rest -= both
                if not rest:
                    break
        if rest:
            regions[bit] = rest
    return " ".join([f"{_MASK_SUFFIX[mask]} ".join(region) + _MASK_SUFFIX[mask] for mask, region in regions.items()])


def document_id(spec: IndexSpec, doc: dict[str, Any]) -> str:
    pk = doc.get(spec.primary_key) if isinstance(doc, dict) else None
    if pk is None or isinstance(pk, (dict, list, tuple, bool)) or str(pk) == "":
        raise SearchError(f"document without a usable {spec.primary_key!r} for index {spec.name!r}")
    return str(pk)


def to_tantivy(spec: IndexSpec, doc: dict[str, Any]) -> tuple[str, tantivy.Document]:
    pk = document_id(spec, doc)
    out = tantivy.Document()
    out.add_text("_pk", pk)
    first, second = pk_order(pk)
    out.add_unsigned("_pko1", first)
    out.add_unsigned("_pko2", second)
    try:
        out.add_bytes("_doc", _ENCODE.encode(doc))
    except (TypeError, ValueError, msgspec.EncodeError) as exc:
        raise SearchError(f"document {pk!r} cannot be stored as JSON: {exc}") from exc
    terms = []
    for field in spec.searchable:
        text = normalize(field_text(doc.get(field)))
        toks = tokens(text, normalized=True)
        if toks:
            out.add_text(f"s_{field}", " ".join(toks))
        terms.append(where_terms(text))
    where = field_masks(spec, terms)
    if where:
        out.add_text("_where", where)
    for field in keyword_fields(spec):
        for value in _keywords(doc.get(field)):
            out.add_text(f"k_{field}", value)
    for field in spec.facets:
        values = _keywords(doc.get(field))
        if values:
            out.add_text(f"c_{field}", combination(values))
    for field in spec.sortable:
        key = sort_key(doc.get(field))
        if key is not None:
            # The primary key makes every sort key unique: ties order by it.
            out.add_text(f"o_{field}", f"{key}\x00{pk}")
    return pk, out


def from_stored(stored: tantivy.Document) -> dict[str, Any]:
    return msgspec.json.decode(stored.get_first("_doc"))
