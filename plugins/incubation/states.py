"""The incubation state machines: an incubatee's stage and a milestone's state move only
along these transitions (checked here; callers audit every move)."""

from __future__ import annotations

from core.errors import ApiError

STAGES = {
    "applied": ("screened", "rejected"),
    "screened": ("accepted", "rejected"),
    "accepted": ("incubating", "exited"),
    "incubating": ("graduated", "exited"),
    "graduated": (),
    "exited": (),
    "rejected": (),
}
MILESTONE = {"planned": ("submitted",), "submitted": ("signed_off", "planned"), "signed_off": ()}

LABELS = {
    "applied": "已申请", "screened": "初审通过", "accepted": "评审通过", "incubating": "入驻培育",
    "graduated": "已出壳", "exited": "已退驻", "rejected": "未通过",
    "planned": "未完成", "submitted": "待导师确认", "signed_off": "已确认",
}
LABELS_EN = {
    "applied": "Applied", "screened": "Screened", "accepted": "Accepted", "incubating": "Incubating",
    "graduated": "Graduated", "exited": "Exited", "rejected": "Rejected",
    "planned": "Planned", "submitted": "Awaiting sign-off", "signed_off": "Signed off",
}


def check(machine: dict[str, tuple[str, ...]], current: str, target: str, what: str) -> None:
    """Raise 409 unless `current` → `target` is an allowed move of `machine`."""
    if target not in machine.get(current, ()):
        raise ApiError(409, f"{what}当前为“{LABELS.get(current, current)}”，不能变为“{LABELS.get(target, target)}”",
                       "invalid_transition")
