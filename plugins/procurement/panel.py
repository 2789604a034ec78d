"""The evaluation panel (评审小组): a district admin names members (users holding
procurement.score in the district); in evaluation, each member first files a
conflict-of-interest declaration — none, some bidders (recused for their bids) or all (recused
altogether) — and only then scores the bids they are not recused for, on the criteria scored by
hand (plan, capacity, past results; 0–100 each; a second score of the same bid replaces the
first). The price score is computed by the lowest-price formula of 综合评分法 (财政部令第87号
第五十五条): the lowest submitted price / this bid's price × 100. A member's weighted score is
Σ weight × criterion score / 100 with the project's weights; a bid's total is the mean of the
weighted scores of the members who scored it and are not recused for it (tally.py)."""

from __future__ import annotations

import json
import math
from typing import Annotated, Any

import msgspec

from core import audit, db
from core.auth import Principal, principal_for_user
from core.context import AppContext
from core.dates import utc_now
from core.errors import ApiError, invalid, refused
from core.tables import User
from plugins.procurement import rules, states
from plugins.procurement.bids import locked_project
from plugins.procurement.glossary import CONFLICTS
from plugins.procurement.tables import Bid, PanelMember, Score

ENTITY = "procurement_panel_member"
SCORE = "procurement.score"
MAX_MEMBERS = 15


class MemberIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(max_length=64)] = ""


class DeclarationIn(msgspec.Struct, forbid_unknown_fields=True):
    """none | some (name the bidders' organisation ids) | all; a statement for some and all."""

    conflict: Annotated[str, msgspec.Meta(max_length=8)] = ""
    organization_ids: Annotated[list[int], msgspec.Meta(max_length=100)] = []
    statement: rules.Long = ""


class ScoreIn(msgspec.Struct, forbid_unknown_fields=True):
    bid_id: int | None = None
    plan: float | None = None
    capacity: float | None = None
    past: float | None = None
    comment: rules.Long = ""


def member_view(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "conflict_orgs": json.loads(row["conflict_orgs"] or "[]"),
            "conflict_label": CONFLICTS[row["conflict"]][0] if row["conflict"] else "未声明"}


def recused(member: dict[str, Any], organization_id: int) -> bool:
    orgs = member["conflict_orgs"] if isinstance(member["conflict_orgs"], list) else json.loads(member["conflict_orgs"])
    return member["conflict"] == "all" or organization_id in orgs


async def name(ctx: AppContext, code: str, project_id: int, actor: str, data: MemberIn) -> dict[str, Any]:
    username = data.username.strip()
    user = await User.select().where((User.username == username) & (User.active == True)).first()  # noqa: E712
    if not username or user is None:
        raise invalid([("username", "没有这个用户")])
    if not (await principal_for_user(ctx, user)).can(SCORE, code):
        raise invalid([("username", f"{username}没有本区县的评审权限（请先授予“政府采购评审专家”角色）")])
    async with db.write_transaction():
        project = await locked_project(code, project_id)
        if project["stage"] not in ("planning", "tender", "evaluation"):
            raise ApiError(409, f"项目当前为“{states.label(project['stage'])}”，不能再组建评审小组", "panel_closed")
        if await PanelMember.exists().where((PanelMember.project == project_id) & (PanelMember.username == username)):
            raise ApiError(409, f"{username}已在评审小组中", "already_member")
        if await PanelMember.count().where(PanelMember.project == project_id) >= MAX_MEMBERS:
            raise invalid([("username", f"评审小组最多{MAX_MEMBERS}人")])
        member_id = (await PanelMember.insert(PanelMember(
            project=project_id, district_code=code, username=username, display_name=user["display_name"],
            named_by=actor)).returning(PanelMember.id))[0]["id"]
        await audit.record(actor=actor, action="create", entity=ENTITY, entity_id=member_id, district_code=code,
                           after={"project": project_id, "username": username})
    return member_view(await PanelMember.select().where(PanelMember.id == member_id).first())


async def membership(code: str, project_id: int, principal: Principal) -> dict[str, Any]:
    member = await PanelMember.select().where((PanelMember.project == project_id) & (PanelMember.district_code == code)
                                              & (PanelMember.username == principal.username)).first()
    if member is None:
        raise refused("您不是本项目评审小组的成员")
    return member


def _in_evaluation(project: dict[str, Any]) -> None:
    if project["stage"] != "evaluation":
        raise ApiError(409, f"项目当前为“{states.label(project['stage'])}”，只有评审阶段可以声明和评分", "not_in_evaluation")


async def bidders(project_id: int) -> set[int]:
    return {r["organization_id"] for r in await Bid.select(Bid.organization_id).where(
        (Bid.project == project_id) & (Bid.state == "submitted"))}


async def declare(code: str, project_id: int, principal: Principal, data: DeclarationIn) -> dict[str, Any]:
    orgs = sorted(set(data.organization_ids))
    errors = []
    if data.conflict not in CONFLICTS:
        errors.append(("conflict", "请选择：无利益冲突、与部分投标人存在利益冲突、或整体回避"))
    elif data.conflict == "some" and not orgs:
        errors.append(("organization_ids", "请选择与您存在利益冲突的投标人"))
    elif data.conflict != "some" and orgs:
        errors.append(("organization_ids", "只有“与部分投标人存在利益冲突”时才列出投标人"))
    if data.conflict in ("some", "all") and not data.statement.strip():
        errors.append(("statement", "请说明利益冲突的情形（如：近三年曾在该机构任职）"))
    async with db.write_transaction():
        project = await locked_project(code, project_id)
        member = await membership(code, project_id, principal)
        _in_evaluation(project)
        if member["declared_at"] is not None:
            raise ApiError(409, "您已提交利益冲突声明，不能重复提交", "already_declared")
        if unknown := [str(o) for o in orgs if o not in await bidders(project_id)]:
            errors.append(("organization_ids", f"这些组织没有对本项目投标：{'、'.join(unknown)}"))
        if errors:
            raise invalid(errors)
        values = {"conflict": data.conflict, "conflict_orgs": orgs, "statement": data.statement.strip()}
        await PanelMember.update({PanelMember.conflict: data.conflict, PanelMember.conflict_orgs: json.dumps(orgs),
                                  PanelMember.statement: values["statement"], PanelMember.declared_at: utc_now()}
                                 ).where(PanelMember.id == member["id"])
        await audit.record(actor=principal.username, action="declare", entity=ENTITY, entity_id=member["id"],
                           district_code=code, after=values)
    return member_view(await PanelMember.select().where(PanelMember.id == member["id"]).first())


def _check_scores(data: ScoreIn) -> list[tuple[str, str]]:
    errors = []
    for field, label in (("plan", "服务方案"), ("capacity", "服务能力"), ("past", "以往业绩")):
        value = getattr(data, field)
        if value is None or not math.isfinite(value) or not 0 <= value <= 100:
            errors.append((field, f"{label}得分应为0到100之间的数字"))
    if data.bid_id is None:
        errors.append(("bid_id", "请选择要评分的投标"))
    return errors


async def score(code: str, project_id: int, principal: Principal, data: ScoreIn) -> dict[str, Any]:
    if errors := _check_scores(data):
        raise invalid(errors)
    async with db.write_transaction():
        project = await locked_project(code, project_id)
        member = await membership(code, project_id, principal)
        _in_evaluation(project)
        if member["declared_at"] is None:
            raise ApiError(409, "请先提交利益冲突声明，再评分", "declaration_required")
        bid = await Bid.select().where((Bid.id == data.bid_id) & (Bid.project == project_id)
                                       & (Bid.state == "submitted")).first()
        if bid is None:
            raise invalid([("bid_id", "本项目没有这个有效投标")])
        if recused(member, bid["organization_id"]):
            raise ApiError(409, "您已声明与该投标人存在利益冲突，须回避，不能为其评分", "recused")
        values = {"plan": data.plan, "capacity": data.capacity, "past": data.past, "comment": data.comment.strip()}
        where = (Score.bid == bid["id"]) & (Score.member == member["id"])
        before = await Score.select(Score.plan, Score.capacity, Score.past, Score.comment).where(where).first()
        if before:
            await Score.update({**{getattr(Score, k): v for k, v in values.items()}, Score.scored_at: utc_now()}
                               ).where(where)
        else:
            await Score.insert(Score(project=project_id, bid=bid["id"], member=member["id"], **values))
        await audit.record(actor=principal.username, action="score", entity="procurement_score",
                           entity_id=f"{bid['id']}:{member['id']}", district_code=code, before=before,
                           after={**values, "bid": bid["id"]})
    return {"bid_id": bid["id"], "member_id": member["id"], **values}


async def members(project_id: int) -> list[dict[str, Any]]:
    rows = await PanelMember.select().where(PanelMember.project == project_id).order_by(PanelMember.id)
    return [member_view(r) for r in rows]


async def scores(project_id: int) -> list[dict[str, Any]]:
    return await Score.select().where(Score.project == project_id).order_by(Score.id)

