"""The stages of a purchase project and the moves allowed between them. The names follow
OCDS later on (planning, tender, award, contract, implementation); `cancelled` and
`unsuccessful` end a project early and always carry a reason."""

from __future__ import annotations

from core.errors import ApiError

STAGES: dict[str, tuple[str, ...]] = {
    "planning": ("tender", "cancelled"),
    "tender": ("evaluation", "cancelled", "unsuccessful"),
    "evaluation": ("awarded", "cancelled", "unsuccessful"),
    "awarded": ("contracted", "cancelled"),
    "contracted": ("in_delivery",),
    "in_delivery": ("evaluated",),
    "evaluated": ("closed",),
    "closed": (),
    "cancelled": (),
    "unsuccessful": (),
}
NEEDS_REASON = ("cancelled", "unsuccessful")
ORDER = ("planning", "tender", "evaluation", "awarded", "contracted", "in_delivery", "evaluated", "closed")

LABELS = {
    "planning": "计划中", "tender": "招标/采购公告", "evaluation": "评审中", "awarded": "已确定承接方",
    "contracted": "已签订合同", "in_delivery": "服务实施中", "evaluated": "已绩效评价", "closed": "已结项",
    "cancelled": "已终止", "unsuccessful": "采购失败",
}
LABELS_EN = {
    "planning": "Planning", "tender": "Tender", "evaluation": "Evaluation", "awarded": "Awarded",
    "contracted": "Contracted", "in_delivery": "In delivery", "evaluated": "Evaluated", "closed": "Closed",
    "cancelled": "Cancelled", "unsuccessful": "Unsuccessful",
}
# The tag class of each stage (core/web/tones.py: ok green, bad red, wait amber, done grey).
TONES = {
    "planning": "wait", "tender": "wait", "evaluation": "wait", "awarded": "ok", "contracted": "ok",
    "in_delivery": "ok", "evaluated": "ok", "closed": "done", "cancelled": "bad", "unsuccessful": "bad",
}


def label(stage: str) -> str:
    return LABELS.get(stage, stage)


def check(current: str, target: str) -> None:
    """Raise 409 unless `current` → `target` is an allowed move."""
    if target not in STAGES.get(current, ()):
        allowed = "、".join(label(s) for s in STAGES.get(current, ())) or "无"
        raise ApiError(409, f"项目当前为“{label(current)}”，不能变为“{label(target)}”（可以变为：{allowed}）",
                       "invalid_transition")
