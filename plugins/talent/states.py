"""The national registration system's states of a registration application and the moves
between them (checked here; the caller audits every move):

未申请 → 待审核 → 初审通过 / 初审未通过 → 终审通过 / 终审未通过 → 首次登记已完成 → 已出证.

An application failed at first review goes back to 未申请 to be corrected and submitted again;
one failed at final review is closed (a new application may follow). The application is
editable only before 初审通过, i.e. while 未申请 or 待审核.
"""

from __future__ import annotations

from core.errors import ApiError
from plugins.talent.glossary import NATIONAL_STATES

APPLICATION = {
    "not_applied": ("pending",),
    "pending": ("first_passed", "first_failed"),
    "first_failed": ("not_applied",),
    "first_passed": ("final_passed", "final_failed"),
    "final_passed": ("registered",),
    "final_failed": (),
    "registered": ("issued",),
    "issued": (),
}
EDITABLE = ("not_applied", "pending")
OPEN = tuple(s for s, moves in APPLICATION.items() if moves)
"""States of an application still in progress (a worker has at most one)."""
COMPLETED = ("registered", "issued")
"""States in which the registration has been made (the worker's dates are set)."""


def label(state: str, lang: str = "zh-CN") -> str:
    zh, en = NATIONAL_STATES.get(state, (state, state))
    return en if lang == "en" else zh


def check(current: str, target: str) -> None:
    """Raise 409 unless `current` → `target` is an allowed move."""
    if target not in APPLICATION.get(current, ()):
        allowed = "、".join(label(s) for s in APPLICATION.get(current, ())) or "无"
        raise ApiError(409, f"登记申请当前为“{label(current)}”，不能变为“{label(target)}”（可变为：{allowed}）",
                       "invalid_transition")


def check_editable(current: str) -> None:
    """Raise 409 once the application has passed first review (or been closed)."""
    if current not in EDITABLE:
        raise ApiError(409, f"登记申请当前为“{label(current)}”，初审通过后不能再修改", "not_editable")
