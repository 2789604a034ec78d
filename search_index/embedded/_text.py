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

import html
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


def tokens(text: str) -> list[str]:
    """Tokens of `text` in order, with BREAK between words."""
    out: list[str] = []
    pending_break = False
    for han, other, separator in _PIECE.findall(normalize(text)):
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


def field_text(value: Any) -> str:
    """The display text of a field value (lists joined with '、')."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return LIST_JOINER.join(field_text(v) for v in value if v is not None)
    return str(value)


def indexed_text(value: Any) -> str:
    """The token string stored in a searchable field."""
    return " ".join(tokens(field_text(value)))


def query_terms(q: str) -> list[list[str]]:
    """Whitespace-separated terms of `q`, each as its token list (empty terms dropped)."""
    terms = []
    for term in q.split():
        toks = tokens(term)
        if toks:
            terms.append(toks)
    return terms


def highlight_pattern(q: str) -> re.Pattern[str] | None:
    """A case-insensitive pattern matching every query term as a substring.

    A term that starts or ends with a Latin letter/digit must not continue a
    longer Latin word there, mirroring the word match used for search."""
    parts = []
    for term in sorted({unicodedata.normalize("NFKC", t) for t in q.split()}, key=len, reverse=True):
        if not _WORD.search(term):
            continue
        part = re.escape(term)
        if re.match(_ALNUM, term[0]):
            part = f"(?<!{_ALNUM}){part}"
        if re.match(_ALNUM, term[-1]):
            part = f"{part}(?!{_ALNUM})"
        parts.append(part)
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def highlight(text: str, pattern: re.Pattern[str]) -> str | None:
    """`text` HTML-escaped with every match wrapped in <mark>; None without a match."""
    folded = unicodedata.normalize("NFKC", text)
    if len(folded) != len(text):  # compatibility forms changed lengths: match the original
        folded = text
    out, pos = [], 0
    for m in pattern.finditer(folded):
        if m.end() == m.start():
            continue
        out.append(html.escape(text[pos : m.start()]))
        out.append(f"<mark>{html.escape(text[m.start() : m.end()])}</mark>")
        pos = m.end()
    if not out:
        return None
    out.append(html.escape(text[pos:]))
    return "".join(out)
