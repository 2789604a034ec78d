"""A project's tender terms: the capacity-based eligibility set (who may bid), the weights of
the evaluation criteria (summing to 100) and the bid deadline. They may change while the
project is in planning, and in tender until the first bid arrives (409 after: bidders must
all be judged by the terms they saw). The deadline is stored UTC; a time without a zone is
read as Beijing time. Also the guards on moves that depend on them: tender → evaluation only
after the deadline, and → awarded only through the award (award.py)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Annotated, Any

import msgspec

from core import audit, db
from core.dates import BEIJING, utc_now
from core.errors import ApiError, invalid
from core.glossary import LEGAL_TYPES
from plugins.procurement import states
from plugins.procurement.glossary import BARRED_KINDS, CRITERIA, DEFAULT_KINDS, GRADE_ORDER
from plugins.procurement.tables import Bid, PurchaseProject

MAX_WORKERS = 1000
Kind = Annotated[str, msgspec.Meta(max_length=32)]


class EligibilityIn(msgspec.Struct, forbid_unknown_fields=True):
    """Who may bid. Registration (not filed-only, not deregistered or revoked), no credit-list
    entry and no failed annual inspection in two years always apply (财政部令第102号, 民政部令第60号)."""

    allowed_kinds: Annotated[list[Kind], msgspec.Meta(max_length=10)] = msgspec.field(
        default_factory=lambda: list(DEFAULT_KINDS))
    min_grade: Annotated[str, msgspec.Meta(max_length=2)] | None = None  # 1A..5A; None: no grade needed
    min_workers: int = 0  # certified social workers on staff (counted by the talent module)
    min_past_score: float | None = None  # lowest past outcome score (0–100) of this module's evaluations
    require_past_score: bool = False  # an organisation with no past score fails min_past_score
    for_new_providers: bool = False  # a graduated incubatee may bid even below min_grade / min_past_score


class TermsIn(msgspec.Struct, forbid_unknown_fields=True):
    """Changes to the tender terms; a part left out (null) stays as it is."""

    eligibility: EligibilityIn | None = None
    weights: dict[Annotated[str, msgspec.Meta(max_length=16)], int] | None = None
    bid_deadline: datetime | None = None


def eligibility_of(row: dict[str, Any]) -> dict[str, Any]:
    """The project's eligibility set, defaults filled in."""
    return msgspec.to_builtins(msgspec.convert(json.loads(row.get("eligibility") or "{}"), EligibilityIn))


def weights_of(row: dict[str, Any]) -> dict[str, int]:
    stored = json.loads(row.get("weights") or "{}")
    return stored or {name: weight for name, (_, _, weight) in CRITERIA.items()}


def deadline_passed(row: dict[str, Any], now: datetime | None = None) -> bool:
    deadline = row.get("bid_deadline")
    return deadline is not None and _aware(deadline) <= (now or utc_now())


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def check_eligibility(e: EligibilityIn) -> list[tuple[str, str]]:
    errors = []
    barred = [k for k in e.allowed_kinds if k in BARRED_KINDS]
    if barred:
        errors.append(("eligibility.allowed_kinds", f"{'、'.join(BARRED_KINDS[k] for k in barred)}不得作为承接主体"
                                                    "（财政部令第102号第八条）"))
    elif not e.allowed_kinds:
        errors.append(("eligibility.allowed_kinds", "至少选择一种可以承接的组织类型"))
    elif unknown := [k for k in e.allowed_kinds if k not in LEGAL_TYPES]:
        errors.append(("eligibility.allowed_kinds", f"没有这种组织类型：{'、'.join(unknown)}"))
    if e.min_grade is not None and e.min_grade not in GRADE_ORDER:
        errors.append(("eligibility.min_grade", f"评估等级应为{'、'.join(GRADE_ORDER)}之一"))
    if not 0 <= e.min_workers <= MAX_WORKERS:
        errors.append(("eligibility.min_workers", f"持证社工人数要求应在0到{MAX_WORKERS}之间"))
    if e.min_past_score is not None and not 0 <= e.min_past_score <= 100:
        errors.append(("eligibility.min_past_score", "以往绩效评价得分要求应在0到100之间"))
    if e.require_past_score and e.min_past_score is None:
        errors.append(("eligibility.min_past_score", "要求有以往绩效评价得分时，须填写最低分"))
    return errors


def check_weights(weights: dict[str, int]) -> list[tuple[str, str]]:
    if set(weights) != set(CRITERIA):
        return [("weights", f"评分权重应包括且只包括：{'、'.join(v[0] for v in CRITERIA.values())}")]
    if any(not 0 <= w <= 100 for w in weights.values()):
        return [("weights", "每项权重应在0到100之间")]
    if sum(weights.values()) != 100:
        return [("weights", f"各项权重之和应为100（现为{sum(weights.values())}）")]
    return []


def as_utc(moment: datetime) -> datetime:
    """A deadline as typed: a time without a zone is Beijing time."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)).astimezone(timezone.utc)


def check_deadline(moment: datetime) -> list[tuple[str, str]]:
    return [] if moment > utc_now() else [("bid_deadline", "投标截止时间应晚于现在")]


async def update(code: str, project_id: int, actor: str, data: TermsIn) -> dict[str, Any]:
    """Change the tender terms (planning, or tender before the first bid); audited."""
    from plugins.procurement import projects

    changes: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    if data.eligibility is not None:
        errors += check_eligibility(data.eligibility)
        changes["eligibility"] = msgspec.to_builtins(data.eligibility)
    if data.weights is not None:
        errors += check_weights(data.weights)
        changes["weights"] = dict(data.weights)
    if data.bid_deadline is not None:
        changes["bid_deadline"] = as_utc(data.bid_deadline)
        errors += check_deadline(changes["bid_deadline"])
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        row = await projects.get_row(code, project_id)
        await _editable(row)
        before = {"eligibility": eligibility_of(row), "weights": weights_of(row), "bid_deadline": row["bid_deadline"]}
        stored = {getattr(PurchaseProject, k): (json.dumps(v, ensure_ascii=False) if k != "bid_deadline" else v)
                  for k, v in changes.items()}
        if stored:
            updated = await PurchaseProject.update({**stored, PurchaseProject.updated_at: utc_now()}).where(
                (PurchaseProject.id == project_id) & (PurchaseProject.stage == row["stage"])).returning(
                PurchaseProject.id)
            if not updated:
                raise ApiError(409, "项目已被他人推进，请刷新后重试", "conflict")
            await audit.record(actor=actor, action="terms", entity=projects.ENTITY, entity_id=project_id,
                               district_code=code, before={k: before[k] for k in changes}, after=changes)
    return await projects.detail(code, project_id)


async def _editable(row: dict[str, Any]) -> None:
    if row["stage"] == "tender" and await Bid.exists().where(Bid.project == row["id"]):
        raise ApiError(409, "已有投标，投标条件、评分权重和截止时间不能再修改", "terms_locked")
    if row["stage"] not in ("planning", "tender"):
        raise ApiError(409, f"项目当前为“{states.label(row['stage'])}”，投标条件只能在计划中或招标阶段（首个投标前）修改",
                       "terms_locked")


def guard_move(row: dict[str, Any], target: str, via_award: bool) -> None:
    """409 for the moves the stage table allows but the tender terms do not (yet)."""
    if target == "evaluation" and row["stage"] == "tender" and not deadline_passed(row):
        raise ApiError(409, "投标截止时间未到（或未设置），不能进入评审", "deadline_not_passed")
    if target == "awarded" and not via_award:
        raise ApiError(409, "确定承接方须通过评审结果的“确定承接方”进行（记录中标投标与理由）", "award_required")
