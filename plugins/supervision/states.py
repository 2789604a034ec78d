"""The state machines of supervision: every move goes forward along an allowed
transition (checked here) and is written to the audit log by the caller."""

from __future__ import annotations

from core.errors import ApiError

CAMPAIGN = {"draft": ("sampled",), "sampled": ("closed",), "closed": ()}
ITEM = {"pending": ("open",), "open": ("answered", "closed"), "answered": ("closed",), "closed": ()}
FLAG = {"open": ("resolved", "dismissed"), "resolved": (), "dismissed": ()}

LABELS = {
    "draft": "草稿", "sampled": "已抽样", "closed": "已结束",
    "pending": "待评定", "open": "待回复", "answered": "已回复",
    "resolved": "已处理", "dismissed": "已忽略",
}


def check(machine: dict[str, tuple[str, ...]], current: str, target: str, what: str) -> None:
    """Raise 409 unless `current` → `target` is an allowed move of `machine`."""
    if target not in machine.get(current, ()):
        raise ApiError(409, f"{what}当前为“{LABELS.get(current, current)}”，不能变为“{LABELS.get(target, target)}”",
                       "invalid_transition")
