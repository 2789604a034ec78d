"""Residents' needs (需求征集): a resident (or community staff for a resident) posts a need of a
community and a service field; residents add "我也需要" (one each: the unique index on
(need, user_id) decides a race, the count in `Need.supporters` moves by `supporters + 1`);
staff triage it: accepted, merged into another need (its supporters are added to the target),
answered, or declined with a reason — each move conditional on the state the staff saw.

Public answers never carry the poster (`posted_by`, `poster_*`) or the supporters' identities.
Needs are offered to purchase projects through `offer_needs` (ref "participation:need:<id>"),
and a need's page asks `need_answers` which projects answer it."""

from __future__ import annotations

from typing import Any

from core import audit, db
from core.context import AppContext
from core.dates import utc_now
from core.errors import ApiError, invalid, not_found
from core.glossary import SERVICE_FIELDS
from core.modules import enabled_modules
from core.plugins import call_async
from core.tables import Community
from plugins.participation.glossary import NEED_STATES
from plugins.participation.tables import Need, NeedSupport

MODULE = "participation"
REF = "participation:need:"
LINKABLE = ("open", "accepted", "answered")
SUPPORTABLE = ("open", "accepted")
# Which triage moves each state allows (merged, answered and declined are final).
MOVES = {"open": ("accepted", "merged", "answered", "declined"), "accepted": ("merged", "answered", "declined")}
PUBLIC = (Need.id, Need.district_code, Need.community_code, Need.field, Need.title, Need.description, Need.state,
          Need.reason, Need.merged_into, Need.supporters, Need.created_at, Need.triaged_at)


def label(state: str, language: str = "zh-CN") -> str:
    words = NEED_STATES.get(state, (state, state))
    return words[1] if language == "en" else words[0]


async def communities(code: str, kinds: tuple[str, ...] = ("community",)) -> dict[str, str]:
    rows = await Community.select(Community.code, Community.name).where(
        (Community.district_code == code) & Community.kind.is_in(list(kinds))).order_by(Community.code)
    return {r["code"]: r["name"] for r in rows}


def _public(row: dict[str, Any], names: dict[str, str], language: str = "zh-CN") -> dict[str, Any]:
    code = row["district_code"]
    return {**{k: row[k] for k in ("id", "community_code", "field", "title", "description", "state", "reason",
                                   "merged_into", "supporters", "created_at", "triaged_at")},
            "community_name": names.get(row["community_code"], row["community_code"]),
            "state_label": label(row["state"], language), "ref": f"{REF}{row['id']}",
            "url": f"/districts/{code}/participation/needs/{row['id']}",
            "merged_into_url": f"/districts/{code}/participation/needs/{row['merged_into']}"
            if row["merged_into"] else None}


async def list_needs(code: str, state: str | None = None, field: str | None = None, community: str | None = None,
                     page: int = 1, per_page: int = 20, language: str = "zh-CN") -> dict[str, Any]:
    """{total, page, per_page, items}: most supported first (newest first among equals)."""
    where = Need.district_code == code
    if state:
        where &= Need.state == state
    if field:
        where &= Need.field == field
    if community:
        where &= Need.community_code == community
    async with db.read_together():
        total = await Need.count().where(where)
        rows = await Need.select(*PUBLIC).where(where).order_by(Need.supporters, ascending=False).order_by(
            Need.id, ascending=False).limit(per_page).offset((page - 1) * per_page)
        names = await communities(code)
    return {"total": total, "page": page, "per_page": per_page,
            "items": [_public(r, names, language) for r in rows]}


async def _row(code: str, need_id: int) -> dict[str, Any]:
    row = await Need.select().where((Need.district_code == code) & (Need.id == need_id)).first()
    if not row:
        raise not_found("需求")
    return row


async def get_need(ctx: AppContext, code: str, need_id: int, language: str = "zh-CN",
                   staff: bool = False) -> dict[str, Any]:
    """The public need with the projects answering it (`need_answers`); staff also see whether a
    resident or staff posted it, and who triaged it."""
    async with db.read_together():
        row = await _row(code, need_id)
        names = await communities(code)
    out = _public(row, names, language)
    answers = await call_async(ctx.pm.hook.need_answers, ctx=ctx, district_code=code, refs=[out["ref"]])
    out["answers"] = [a for answer in answers if answer for a in answer.get(out["ref"], [])]
    if staff:  # who posted it, in kind only: a resident themself or staff for residents
        mine = row["poster_user_id"] is not None
        out["poster"] = ("居民本人提出" if mine else "社区工作者代登记") if language != "en" else (
            "Posted by a resident" if mine else "Posted by staff for residents")
    else:
        out["poster"] = None
    out["triaged_by"] = row["triaged_by"] if staff else None
    return out


def _checked(code: str, data: Any, names: dict[str, str]) -> list[tuple[str, str]]:
    errors = []
    if data.community_code not in names:
        errors.append(("community_code", "请选择本区县的一个社区"))
    if data.field not in SERVICE_FIELDS:
        errors.append(("field", "请选择服务领域"))
    title = data.title.strip()
    if not title:
        errors.append(("title", "必填，不能为空"))
    elif len(title) > 120:
        errors.append(("title", "不能超过 120 字"))
    if len(data.description) > 5000:
        errors.append(("description", "不能超过 5000 字"))
    return errors


async def create(code: str, data: Any, actor: str, user_id: int | None, person_id: int | None) -> dict[str, Any]:
    """A new open need; 422 naming each bad field, nothing written."""
    names = await communities(code)
    if errors := _checked(code, data, names):
        raise invalid(errors)
    async with db.write_transaction():
        row = (await Need.insert(Need(district_code=code, community_code=data.community_code, field=data.field,
                                      title=data.title.strip(), description=data.description.strip(),
                                      posted_by=actor, poster_user_id=user_id, poster_person_id=person_id))
               .returning(*PUBLIC))[0]
        await audit.record(actor=actor, action="create", entity="need", entity_id=row["id"], district_code=code,
                           after={"community_code": data.community_code, "field": data.field, "title": row["title"]})
    return _public(row, names)


def _unique_violation(exc: BaseException) -> bool:
    name = type(exc).__name__
    return "IntegrityError" in name or "UniqueViolation" in name


async def support(code: str, need_id: int, user_id: int, actor: str) -> dict[str, Any]:
    """"我也需要": once per resident (409 `already_supported`), on an open or accepted need."""
    try:
        async with db.write_transaction():
            row = await _row(code, need_id)
            if row["state"] not in SUPPORTABLE:
                raise ApiError(409, f"这条需求{label(row['state'])}，不能再附议", "need_closed")
            if await NeedSupport.exists().where((NeedSupport.need == need_id) & (NeedSupport.user_id == user_id)):
                raise ApiError(409, "您已经表示过需要", "already_supported")
            await NeedSupport.insert(NeedSupport(need=need_id, district_code=code, user_id=user_id))
            updated = await Need.update({Need.supporters: Need.supporters + 1}).where(
                Need.id == need_id).returning(Need.supporters)
            await audit.record(actor=actor, action="support", entity="need", entity_id=need_id, district_code=code,
                               after={"supporters": updated[0]["supporters"]})
    except Exception as exc:
        if _unique_violation(exc):
            raise ApiError(409, "您已经表示过需要", "already_supported") from exc
        raise
    return {"need_id": need_id, "supporters": updated[0]["supporters"], "supported": True}


async def triage(code: str, need_id: int, data: Any, actor: str) -> dict[str, Any]:
    """Move a need (open → accepted|merged|answered|declined; accepted → merged|answered|declined).
    `expected_state`, when given, must still be the need's state; the UPDATE is conditional on the
    state read, so of two racing moves one wins and the other answers 409 `stale_state`."""
    row = await _row(code, need_id)
    current = data.expected_state or row["state"]
    errors: list[tuple[str, str]] = []
    reason = data.reason.strip()
    if data.state == "declined" and not reason:
        errors.append(("reason", "不予受理时须说明理由"))
    if len(reason) > 2000:
        errors.append(("reason", "不能超过 2000 字"))
    if data.state == "merged" and data.merged_into is None:
        errors.append(("merged_into", "合并时须指定合并到哪条需求"))
    if errors:
        raise invalid(errors)
    target = None
    if data.state == "merged":
        if data.merged_into == need_id:
            raise invalid([("merged_into", "不能合并到自身")])
        target = await Need.select(Need.id, Need.state).where(
            (Need.district_code == code) & (Need.id == data.merged_into)).first()
        if not target:
            raise ApiError(404, "要合并到的需求不存在", "not_found", [("merged_into", "本区县没有这条需求")])
        if target["state"] not in SUPPORTABLE:
            raise invalid([("merged_into", f"目标需求{label(target['state'])}，不能合并到它")])
    if data.state not in MOVES.get(current, ()):
        raise ApiError(409, f"需求当前为“{label(row['state'])}”，不能改为“{label(data.state)}”", "stale_state")
    async with db.write_transaction():
        moved = await Need.update({Need.state: data.state, Need.reason: reason, Need.merged_into: data.merged_into
                                   if data.state == "merged" else None, Need.triaged_by: actor,
                                   Need.triaged_at: utc_now()}).where(
            (Need.id == need_id) & (Need.district_code == code) & (Need.state == current)).returning(Need.id)
        if not moved:
            raise ApiError(409, "需求已被他人处理，请刷新后重试", "stale_state")
        if target:
            count = (await Need.select(Need.supporters).where(Need.id == need_id).first())["supporters"]
            done = await Need.update({Need.supporters: Need.supporters + count}).where(
                (Need.id == target["id"]) & Need.state.is_in(list(SUPPORTABLE))).returning(Need.id)
            if not done:
                raise ApiError(409, "目标需求已被他人处理，请刷新后重试", "stale_state")
        await audit.record(actor=actor, action=f"triage_{data.state}", entity="need", entity_id=need_id,
                           district_code=code, before={"state": current},
                           after={"state": data.state, "reason": reason, "merged_into": data.merged_into})
    names = await communities(code)
    return _public(await _row(code, need_id), names)


async def offer(ctx: AppContext, district_code: str, refs, field, community) -> list[dict[str, Any]] | None:
    """The `offer_needs` hook (see core/hookspecs.py): None where the module is off."""
    if MODULE not in await enabled_modules(ctx, district_code):
        return None
    where = Need.district_code == district_code
    if refs is not None:
        ids = [int(r[len(REF):]) for r in refs if r.startswith(REF) and r[len(REF):].isdigit()
               and len(r[len(REF):]) < 18]
        if not ids:
            return []
        where &= Need.id.is_in(ids)
    else:
        where &= Need.state.is_in(list(LINKABLE))
        if field:
            where &= Need.field == field
        if community:
            where &= Need.community_code == community
    query = Need.select(*PUBLIC).where(where).order_by(Need.supporters, ascending=False).order_by(Need.id)
    rows = await (query if refs is not None else query.limit(200))
    names = await communities(district_code)
    return [{"ref": f"{REF}{r['id']}", "title": r["title"], "community": r["community_code"],
             "community_name": names.get(r["community_code"], ""), "field": r["field"], "status": r["state"],
             "status_label": label(r["state"]), "supporters": r["supporters"], "linkable": r["state"] in LINKABLE,
             "url": f"/districts/{district_code}/participation/needs/{r['id']}"} for r in rows]
