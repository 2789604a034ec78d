"""The rules a purchase project must meet on create and update (财政部令第102号 and the
district's settings), each broken rule a field-level Chinese message (422, nothing written):
the field is in the district's guidance catalogue (指导性目录); the subject is a service, not
on the negative list (works, goods, financing, the buyer's own staffing); 单一来源 has a
reason; the period runs forward and is no longer than max_term_months (or, with a reason,
max_term_months_with_reason); the budget is positive and bounded; communities belong to
the district; indicators are few, named and have a numeric target."""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Any

import msgspec

from core.dates import add_months
from core.tables import Community
from plugins.procurement.glossary import (
    INDICATOR_KINDS,
    METHODS,
    NEGATIVE_LIST,
    SINGLE_SOURCE,
    SUBJECT_KINDS,
)

MAX_BUDGET_FEN = 10**12  # 100 亿元: far above any one purchase; keeps sums inside 64 bits
MAX_INDICATORS = 20
MAX_COMMUNITIES = 200
MAX_TEXT = 5000
Short = Annotated[str, msgspec.Meta(max_length=200)]
Long = Annotated[str, msgspec.Meta(max_length=MAX_TEXT)]


class IndicatorIn(msgspec.Struct, forbid_unknown_fields=True):
    """An output (产出) or outcome (效果) indicator with its target, e.g. 服务人次 1200 人次."""

    name: Short = ""
    unit: Annotated[str, msgspec.Meta(max_length=20)] = ""
    target: float | None = None
    kind: Annotated[str, msgspec.Meta(max_length=16)] = "output"


Indicators = Annotated[list[IndicatorIn], msgspec.Meta(max_length=MAX_INDICATORS * 5)]
Codes = Annotated[list[Annotated[str, msgspec.Meta(max_length=12)]], msgspec.Meta(max_length=MAX_COMMUNITIES * 5)]
NEED_REF = r"^[a-z_]{1,32}:[A-Za-z0-9:_-]{1,80}$"  # a need's key as the module offering it names it
Needs = Annotated[list[Annotated[str, msgspec.Meta(pattern=NEED_REF)]], msgspec.Meta(max_length=100)]


def _clean(value: str | None) -> str:
    return (value or "").strip()


def term_exceeds(start: date, end: date, months: int) -> bool:
    """Is the period start..end (both days included) longer than `months` months?"""
    return end >= add_months(start, months)


def _text(errors: list, values: dict, name: str, what: str, limit: int, required: bool = True) -> None:
    if name not in values:
        return
    if required and not values[name]:
        errors.append((name, f"请填写{what}"))
    elif len(values[name]) > limit:
        errors.append((name, f"{what}不能超过{limit}个字"))


def check_indicators(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    errors = []
    if len(items) > MAX_INDICATORS:
        return [("indicators", f"绩效指标最多{MAX_INDICATORS}项")]
    for i, item in enumerate(items):
        if not item["name"]:
            errors.append(("indicators", f"第{i + 1}项绩效指标缺少名称"))
        target = item["target"]
        if target is None or not math.isfinite(target):
            errors.append(("indicators", f"第{i + 1}项绩效指标“{item['name'] or '—'}”的目标值应为数字"))
        elif target < 0 or target > 10**12:
            errors.append(("indicators", f"第{i + 1}项绩效指标的目标值应在0到10¹²之间"))
        if item["kind"] not in INDICATOR_KINDS:
            errors.append(("indicators", f"第{i + 1}项绩效指标的类型应为产出指标或效果指标"))
    return errors


async def check(code: str, values: dict[str, Any], settings: dict[str, Any]) -> list[tuple[str, str]]:
    """Errors of `values` (a full new project, or a planning project with changes applied)."""
    errors: list[tuple[str, str]] = []
    _text(errors, values, "title", "项目名称", 200)
    _text(errors, values, "buyer", "购买主体", 200)
    _text(errors, values, "target_group", "服务对象", 100, required=False)
    catalogue = settings["guidance_catalogue"]
    field = values.get("field", "")
    if not field:
        errors.append(("field", "请选择服务领域"))
    elif field not in catalogue:
        catalogue_words = "、".join(catalogue) or "空"
        errors.append(("field", f"“{field}”不在本区县的指导性目录中，不能作为政府购买服务项目（目录：{catalogue_words}）"))
    kind = values.get("subject_kind", "service")
    if kind in NEGATIVE_LIST:
        errors.append(("subject_kind", f"购买内容属于“{SUBJECT_KINDS[kind][0]}”，在负面清单中：{NEGATIVE_LIST[kind]}"))
    elif kind not in SUBJECT_KINDS:
        errors.append(("subject_kind", "购买内容类型无效，只能购买服务"))
    method = values.get("method", "")
    if method not in METHODS:
        errors.append(("method", f"请选择采购方式：{'、'.join(METHODS)}"))
    elif method == SINGLE_SOURCE and not values.get("method_reason"):
        errors.append(("method_reason", "采用单一来源方式须说明理由（如：只能从唯一承接主体购买）"))
    for name, what in (("method_reason", "采用该方式的理由"), ("term_reason", "服务期限的理由")):
        _text(errors, values, name, what, MAX_TEXT, required=False)
    budget = values.get("budget_fen")
    if budget is None:
        errors.append(("budget_fen", "请填写预算金额"))
    elif budget <= 0:
        errors.append(("budget_fen", "预算金额应大于0"))
    elif budget >= MAX_BUDGET_FEN:
        errors.append(("budget_fen", "预算金额应小于100亿元"))
    errors += _check_period(values, settings)
    errors += await _check_places(code, values)
    errors += check_indicators(values.get("indicators", []))
    return errors


def _check_period(values: dict[str, Any], settings: dict[str, Any]) -> list[tuple[str, str]]:
    return check_term(values.get("period_start"), values.get("period_end"), values.get("term_reason"), settings)


def check_term(start: date | None, end: date | None, reason: str | None, settings: dict[str, Any],
               names: tuple[str, str, str] = ("period_start", "period_end", "term_reason")) -> list[tuple[str, str]]:
    """The term rules of a project's period or a contract's term (fields named by `names`:
    start, end, reason): it runs forward, is at most max_term_months, or with a reason at most
    max_term_months_with_reason (财政部令第102号)."""
    start_name, end_name, reason_name = names
    if start is None:
        return [(start_name, "请填写服务开始日期")]
    if end is None:
        return [(end_name, "请填写服务结束日期")]
    if end < start:
        return [(end_name, "服务结束日期不能早于开始日期")]
    usual, longest = settings["max_term_months"], settings["max_term_months_with_reason"]
    if term_exceeds(start, end, longest):
        return [(end_name, f"服务期限不能超过{longest}个月（财政部令第102号）")]
    if term_exceeds(start, end, usual) and not reason:
        return [(reason_name, f"服务期限超过{usual}个月，须说明理由（如：持续性、稳定性服务）")]
    return []


async def _check_places(code: str, values: dict[str, Any]) -> list[tuple[str, str]]:
    errors = []
    street = values.get("buyer_community_code")
    if street and not await Community.exists().where(
            (Community.code == street) & (Community.district_code == code) & (Community.kind == "street")):
        errors.append(("buyer_community_code", f"{street} 不是本区县登记的街道（乡镇）"))
    communities = values.get("communities", [])
    if len(communities) > MAX_COMMUNITIES:
        errors.append(("communities", f"服务社区最多{MAX_COMMUNITIES}个"))
    elif communities:
        known = {r["code"] for r in await Community.select(Community.code).where(
            (Community.district_code == code) & (Community.kind == "community")
            & Community.code.is_in(communities))}
        unknown = [c for c in communities if c not in known]
        if unknown:
            errors.append(("communities", f"这些社区不在本区县的登记中：{'、'.join(unknown[:10])}"))
    return errors
