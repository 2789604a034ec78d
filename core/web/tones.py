"""Status tags coloured by meaning, the same everywhere (a page shows the words too, so no
information rests on colour alone): `ok` green, `bad` red, `wait` amber, `done` grey.
Templates write `<span class="tag {{ state|tone }}">`; a state not listed here keeps the plain tag."""

from __future__ import annotations

TONES = {
    "ok": ("合格", "signed_off", "resolved", "graduated", "published", "active", "passed", "已确认", "已处理", "达标"),
    "bad": ("不合格", "failed", "rejected", "exited", "withdrawn", "revoked", "未达标"),
    "wait": ("存疑", "pending", "open", "submitted", "answered", "draft", "planned", "待评定", "待回复",
             "待导师确认", "已回复"),
    "done": ("closed", "dismissed", "sampled", "archived", "已结束", "已忽略", "retired", "无目标值", "暂无数据", "未启用"),
}
_TONE_OF = {value: tone for tone, values in TONES.items() for value in values}


def tone(value: object) -> str:
    """The tone class of a state code or label ('' when it has none)."""
    return _TONE_OF.get(str(value), "")
