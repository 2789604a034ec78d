"""Purchase projects: create (checked by rules.check, then the ocid set), change while in
planning, list with filters and paging, read one with its stage history, and move between
stages — a conditional UPDATE … WHERE stage = <current>, so of two racing moves exactly one
wins and the other gets 409 naming the stage it found. Every write is audited."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count

from core import audit, db
from core.context import AppContext
from core.dates import utc_now
from core.errors import ApiError, invalid, not_found
from core.modules import module_settings
from plugins.procurement import MODULE, needs, rules, states, terms
from plugins.procurement.glossary import INDICATOR_KINDS, METHODS, SUBJECT_KINDS
from plugins.procurement.tables import PurchaseProject, StageChange

ENTITY = "procurement_project"
_JSON = ("communities", "indicators", "needs")
_TEXT = ("title", "buyer", "field", "target_group", "method", "method_reason", "term_reason", "subject_kind")


class ProjectIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new project. Every field is checked by the service (422 names the field)."""

    title: rules.Short = ""
    buyer: rules.Short = ""  # the district bureau or a street (街道) name
    buyer_community_code: str | None = None  # the buying street's registry code
    field: rules.Short = ""  # a service field of the district's guidance catalogue
    target_group: rules.Short = ""
    communities: rules.Codes = []
    budget_fen: int | None = None  # money in fen (分)
    period_start: date | None = None
    period_end: date | None = None
    term_reason: rules.Long = ""  # required when the term is longer than max_term_months
    method: rules.Short = ""  # 公开招标 | 邀请招标 | 竞争性谈判 | 竞争性磋商 | 单一来源 | 询价
    method_reason: rules.Long = ""  # required for 单一来源
    subject_kind: rules.Short = "service"  # service; works, goods, financing, staffing are refused
    indicators: rules.Indicators = []
    needs: rules.Needs = []


class ProjectPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Changes to a project in planning; a field left out (null) stays as it is;
    buyer_community_code "" clears it."""

    title: rules.Short | None = None
    buyer: rules.Short | None = None
    buyer_community_code: str | None = None
    field: rules.Short | None = None
    target_group: rules.Short | None = None
    communities: rules.Codes | None = None
    budget_fen: int | None = None
    period_start: date | None = None
    period_end: date | None = None
    term_reason: rules.Long | None = None
    method: rules.Short | None = None
    method_reason: rules.Long | None = None
    subject_kind: rules.Short | None = None
    indicators: rules.Indicators | None = None
    needs: rules.Needs | None = None


async def settings_of(ctx: AppContext, code: str) -> dict[str, Any]:
    return await module_settings(ctx, code, MODULE)


def _values(data: ProjectIn | ProjectPatch) -> dict[str, Any]:
    """The fields given, cleaned (text trimmed, lists without repeats)."""
    out: dict[str, Any] = {}
    for name in data.__struct_fields__:
        value = getattr(data, name)
        if value is None and isinstance(data, ProjectPatch):
            continue
        if name in _TEXT:
            value = (value or "").strip()
        elif name == "buyer_community_code":
            value = (value or "").strip() or None
        elif name == "communities":
            value = list(dict.fromkeys(c.strip() for c in value if c.strip()))
        elif name == "indicators":
            value = [{"name": i.name.strip(), "unit": i.unit.strip(), "target": i.target, "kind": i.kind}
                     for i in value]
        out[name] = value
    return out


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (json.dumps(v, ensure_ascii=False) if k in _JSON else v) for k, v in values.items()}


def view(row: dict[str, Any]) -> dict[str, Any]:
    """A row as the API shows it: JSON lists parsed, labels of stage, method and subject."""
    out = {**row, **{k: json.loads(row[k] or "[]") for k in _JSON}}
    out["stage_label"] = states.label(row["stage"])
    out["method_ocds"] = METHODS.get(row["method"], ("", ""))[1]
    out["subject_kind_label"] = SUBJECT_KINDS.get(row["subject_kind"], (row["subject_kind"],))[0]
    for item in out["indicators"]:
        item["kind_label"] = INDICATOR_KINDS.get(item.get("kind", ""), ("",))[0]
    out["next_stages"] = list(states.STAGES.get(row["stage"], ()))
    out["eligibility"], out["weights"] = terms.eligibility_of(row), terms.weights_of(row)
    out["deadline_passed"] = terms.deadline_passed(row)
    return out


async def get_row(code: str, project_id: int) -> dict[str, Any]:
    row = await PurchaseProject.select().where(
        (PurchaseProject.id == project_id) & (PurchaseProject.district_code == code)).first()
    if row is None:
        raise not_found("购买服务项目")
    return row


async def history(project_id: int) -> list[dict[str, Any]]:
    return await StageChange.select().where(StageChange.project == project_id).order_by(StageChange.id)


async def detail(code: str, project_id: int) -> dict[str, Any]:
    row = await get_row(code, project_id)
    return {**view(row), "history": await history(project_id)}


async def create(ctx: AppContext, code: str, actor: str, data: ProjectIn) -> dict[str, Any]:
    values = _values(data)
    settings = await settings_of(ctx, code)
    if errors := await rules.check(code, values, settings) + await needs.check(ctx, code, values["needs"]):
        raise invalid(errors)
    async with db.write_transaction():
        created = (await PurchaseProject.insert(PurchaseProject(
            **_stored(values), district_code=code, stage="planning", created_by=actor)).returning(
            PurchaseProject.id))[0]["id"]
        ocid = f"{settings['ocid_prefix']}-{code}-{created}"
        await PurchaseProject.update({PurchaseProject.ocid: ocid}).where(PurchaseProject.id == created)
        await audit.record(actor=actor, action="create", entity=ENTITY, entity_id=created, district_code=code,
                           after={**values, "ocid": ocid, "stage": "planning"})
    return await detail(code, created)


async def update(ctx: AppContext, code: str, project_id: int, actor: str, patch: ProjectPatch) -> dict[str, Any]:
    """Change a project while it is in planning (409 in any later stage)."""
    changes = _values(patch)
    async with db.write_transaction():
        row = await get_row(code, project_id)
        before = {**row, **{k: json.loads(row[k] or "[]") for k in _JSON}}
        if before["stage"] != "planning":
            raise ApiError(409, f"项目当前为“{states.label(before['stage'])}”，只有计划中的项目可以修改",
                           "not_editable")
        merged = {**{k: before[k] for k in ProjectIn.__struct_fields__}, **changes}
        errors = await rules.check(code, merged, await settings_of(ctx, code))
        if "needs" in changes:
            errors += await needs.check(ctx, code, changes["needs"])
        if errors:
            raise invalid(errors)
        changes = {k: v for k, v in changes.items() if before[k] != v}
        if changes:
            updated = await PurchaseProject.update({**{getattr(PurchaseProject, k): v for k, v in
                                                       _stored(changes).items()}, PurchaseProject.updated_at: utc_now()}
                                                   ).where((PurchaseProject.id == project_id)
                                                           & (PurchaseProject.stage == "planning")).returning(
                PurchaseProject.id)
            if not updated:
                raise ApiError(409, "项目已被他人推进，不能再修改", "conflict")
            await audit.record(actor=actor, action="update", entity=ENTITY, entity_id=project_id, district_code=code,
                               before={k: before[k] for k in changes}, after=changes)
    return await detail(code, project_id)


async def move(code: str, project_id: int, target: str, reason: str, actor: str,
               bid_deadline: datetime | None = None, via_award: bool = False, *, ctx: AppContext | None = None
               ) -> dict[str, Any]:
    """Move a project to `target` along states.STAGES; cancelled and unsuccessful need a reason.
    Moving to tender may set the bid deadline; the guards of terms.guard_move apply. What follows
    from a move (the contract it needs, the catalogue offer) is delivery.py's; it needs `ctx` for
    moves to in_delivery and closed."""
    from plugins.procurement import delivery

    reason = (reason or "").strip()
    deadline = terms.as_utc(bid_deadline) if bid_deadline else None
    if deadline and (target != "tender" or terms.check_deadline(deadline)):
        raise invalid(terms.check_deadline(deadline) or [("bid_deadline", "只有进入招标阶段时可以同时设置投标截止时间")])
    if target not in states.STAGES:
        raise invalid([("to", f"没有这个阶段：{target}")])
    if target in states.NEEDS_REASON and not reason:
        raise invalid([("reason", f"变为“{states.label(target)}”须说明理由")])
    if len(reason) > rules.MAX_TEXT:
        raise invalid([("reason", f"理由不能超过{rules.MAX_TEXT}个字")])
    async with db.write_transaction():
        row = await get_row(code, project_id)
        states.check(row["stage"], target)
        terms.guard_move(row, target, via_award)
        await delivery.before_move(row, target)
        extra = {PurchaseProject.bid_deadline: deadline} if deadline else {}
        moved = await PurchaseProject.update({
            PurchaseProject.stage: target, PurchaseProject.stage_reason: reason,
            PurchaseProject.updated_at: utc_now(), **extra}).where(
            (PurchaseProject.id == project_id) & (PurchaseProject.stage == row["stage"])).returning(PurchaseProject.id)
        if not moved:  # another move won between our read and this update
            now = await get_row(code, project_id)
            raise ApiError(409, f"项目已被他人改为“{states.label(now['stage'])}”，请刷新后重试", "conflict")
        await StageChange.insert(StageChange(project=project_id, from_stage=row["stage"], to_stage=target,
                                             reason=reason, actor=actor))
        after = {"stage": target, "reason": reason, **({"bid_deadline": deadline} if deadline else {})}
        await audit.record(actor=actor, action="move", entity=ENTITY, entity_id=project_id, district_code=code,
                           before={"stage": row["stage"]}, after=after)
        await delivery.after_move(ctx, code, row, target, actor)
    return await detail(code, project_id)


async def listing(code: str, stage: str | None, field: str | None, q: str | None, page: int, per_page: int
                  ) -> dict[str, Any]:
    """A page of the district's projects, newest first, with the count per stage (for the chips)."""
    where = [PurchaseProject.district_code == code]
    if field:
        where.append(PurchaseProject.field == field)
    if q and q.strip():
        term = q.strip().replace("\\", "").replace("%", "").replace("_", "")
        where.append(PurchaseProject.title.like(f"%{term}%") | PurchaseProject.buyer.like(f"%{term}%"))
    counts = {s: 0 for s in states.STAGES}
    for r in await PurchaseProject.select(PurchaseProject.stage, Count()).where(*where).group_by(
            PurchaseProject.stage):
        counts[r["stage"]] = r["count"]
    if stage:
        where.append(PurchaseProject.stage == stage)
    total = await PurchaseProject.count().where(*where)
    rows = await PurchaseProject.select().where(*where).order_by(PurchaseProject.id, ascending=False).limit(
        per_page).offset((page - 1) * per_page)
    return {"total": total, "page": page, "per_page": per_page, "stage_counts": counts,
            "items": [view(r) for r in rows]}
