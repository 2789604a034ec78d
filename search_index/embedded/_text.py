"""Text handling for the embedded backend: bigram tokens and highlighting.

Indexed text is a space-separated token string (tantivy's `whitespace`
tokenizer assigns consecutive positions). Each run of Han characters becomes
its overlapping bigrams (a lone Han character stays a one-character token);
every other run of letters/digits becomes one lowercase word. Between words
(wherever the text had a space or punctuation) a BREAK token is inserted, so a
phrase over consecutive bigrams only matches inside one unbroken run: a query
term of 3+ Han characters, searched as the phrase of its bigrams, matches
exactly the documents containing it as a substring.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import unicodedata
from typing import Any

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_WORD = re.compile(r"[^\W_]+")
_RUN = re.compile(f"[{_HAN}]+|[^{_HAN}]+")
_HAN_CHAR = re.compile(f"[{_HAN}]")
_ALNUM = f"[^\\W_{_HAN}]"  # a letter or digit that is not Han
# One pass over the text: a Han run, another run of letters/digits, or a separator.
_PIECE = re.compile(f"([{_HAN}]+)|({_ALNUM}+)|([\\W_]+)")
BREAK = "|"
LIST_JOINER = "、"


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def is_han(char: str) -> bool:
    return bool(_HAN_CHAR.match(char))


def tokens(text: str, *, normalized: bool = False) -> list[str]:
    """Tokens of `text` in order, with BREAK between words."""
    out: list[str] = []
    pending_break = False
    for han, other, separator in _PIECE.findall(text if normalized else normalize(text)):
        if separator:
            pending_break = bool(out)
            continue
        if pending_break:
            out.append(BREAK)
            pending_break = False
        if len(han) > 1:
            out.extend([han[i : i + 2] for i in range(len(han) - 1)])
        else:
            out.append(han or other)
    return out


_BIGRAMS = re.compile(f"(?=([{_HAN}]{{2}}))")
_TRIGRAMS = re.compile(f"(?=([{_HAN}]{{3}}))")
_OTHER = re.compile(f"{_ALNUM}+")


def where_terms(normalized: str) -> set[str]:
    """The terms a document holds for one-term lookups (`_where`): every Han bigram and
    trigram inside a run of Han characters, and every other word (regex scans, no
    per-token Python)."""
    return {*_BIGRAMS.findall(normalized), *_TRIGRAMS.findall(normalized), *_OTHER.findall(normalized)}


def trigrams(toks: list[str]) -> list[str]:
    """The Han trigrams of a token list: two adjacent bigrams that overlap (only bigrams of
    one Han run do: runs are parted by BREAK or a Latin word)."""
    return [a + b[1] for a, b in zip(toks, toks[1:]) if len(a) == 2 == len(b) and a[1] == b[0]]


def field_text(value: Any) -> str:
    """The display text of a field value (lists joined with '、')."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return LIST_JOINER.join(field_text(v) for v in value if v is not None)
    return str(value)


def query_terms(q: str) -> list[list[str]]:
    """Whitespace-separated terms of `q`, each as its token list (empty terms dropped)."""
    terms = []
    for term in q.split():
        toks = tokens(term)
        if toks:
            terms.append(toks)
    return terms


@functools.cache
def _variants() -> dict[str, str]:
    """For each character, the other characters that NFKC folds onto it alone
    (fullwidth Ａ onto A, compatibility ideographs onto unified ones); built once."""
    out: dict[str, str] = {}
    for cp in itertools.chain(range(0xA0, 0xD800), range(0xF900, 0x10000), range(0x2F800, 0x2FA20)):
        char = chr(cp)
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) == 1 and folded != char:
            out[folded] = out.get(folded, "") + char
    return out


def _fold_insensitive(term: str) -> str:
    """`term` as a regex that also matches its characters' compatibility forms, so
    documents are matched as they are, without normalising them per search."""
    variants = _variants()
    out = []
    for char in term:
        others = "".join(dict.fromkeys(variants.get(char, "") + variants.get(char.lower(), "")
                                       + variants.get(char.upper(), "")))
        out.append(f"[{re.escape(char + others)}]" if others else re.escape(char))
    return "".join(out)


def highlight_pattern(q: str) -> re.Pattern[str] | None:
    """A case-insensitive pattern matching every query term as a substring, in
    any compatibility form (what NFKC folds onto it).

    A term that starts or ends with a Latin letter/digit must not continue a
    longer Latin word there, mirroring the word match used for search."""
    parts = []
    for term in sorted({unicodedata.normalize("NFKC", t) for t in q.split()}, key=len, reverse=True):
        if not _WORD.search(term):
            continue
        part = _fold_insensitive(term)
        if re.match(_ALNUM, term[0]):
            part = f"(?<!{_ALNUM}){part}"
        if re.match(_ALNUM, term[-1]):
            part = f"{part}(?!{_ALNUM})"
        parts.append(part)
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


_SEPARATOR = "\x1e"  # whitespace to str.split, so never inside a query term
_SPECIAL = re.compile("[&<>\"']")


def _no_escape(text: str) -> str:
    return text


def highlight_fields(texts: dict[str, str], pattern: re.Pattern[str]) -> dict[str, str]:
    """Each field's text HTML-escaped with every match wrapped in <mark>, for the fields
    with a match. One regex pass over the fields joined by a separator that no match can
    span, and no escaping at all for text without HTML specials (most Chinese text)."""
    joined = _SEPARATOR.join(texts.values())
    if joined.count(_SEPARATOR) != len(texts) - 1:  # a field holds the separator itself
        out = {}
        for name, text in texts.items():
            out.update({name: v for v in highlight_fields({"": text.replace(_SEPARATOR, " ")}, pattern).values()})
        return out
    escape = html.escape if _SPECIAL.search(joined) else _no_escape
    parts, pos = [], 0
    for m in pattern.finditer(joined):
        lo, hi = m.span()
        if lo == hi:
            continue
        parts += [escape(joined[pos:lo]), "<mark>", escape(joined[lo:hi]), "</mark>"]
        pos = hi
    if not parts:
        return {}
    parts.append(escape(joined[pos:]))
    marked = "".join(parts).split(_SEPARATOR)
    return {name: text for name, text in zip(texts, marked) if "<mark>" in text}
