"""Intake of the incubation base: the district's bases (capacity, services, occupancy) and
applications from founding teams or existing organisations — 申请 → 初审 (eligibility
screening, with reasons) → 评审 (a reviewer panel scores) → accepted or rejected.

The applicant states the kind of team (萌芽型, 初创型 or 枢纽型, core.glossary.INCUBATEE_TYPES):
it is what the team says of itself when it applies, shown to screening and the panel.
Eligibility comes from the district's module settings and the shared registry: enough
members; not on the 活动异常名录 or 严重违法失信名单; not already incubating or graduated;
no earlier open application of the same applicant at the base. A team made only of
retirees is reported but not refused (it becomes the "members" milestone). Every stage
move goes through common.move (checked against states.STAGES and audited).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Annotated, Any

import msgspec

from core import audit, db
from core.dates import utc_now
from core.auth import Principal, principal_for_user
from core.codes import phone_error
from core.context import AppContext
from core.errors import ApiError, invalid, not_found, refused
from core.glossary import INCUBATEE_TYPES
from core.modules import module_settings
from core.tables import Community, Organization, User
from plugins.incubation import MODULE, common, states
from plugins.incubation.glossary import SERVICES
from plugins.incubation.tables import Base, Incubatee, PanelScore

BASE_ENTITY = "incubation_base"
OPEN = ("applied", "screened", "accepted")  # an application still being handled
CREDIT_LISTS = {"abnormal": "活动异常名录", "serious": "严重违法失信名单"}
MAX_TEXT = 5000
MAX_MEMBERS = 200


async def _settings(ctx: AppContext, code: str) -> dict[str, Any]:
    return await module_settings(ctx, code, MODULE)


def _clean(value: str | None) -> str:
    return (value or "").strip()


# -- bases ----------------------------------------------------------------------------------------


# A short list of short words (services of a base, service fields): capped so a body cannot carry thousands.
Keys = Annotated[list[Annotated[str, msgspec.Meta(max_length=32)]], msgspec.Meta(max_length=20)]


class BaseIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new base. Every field is checked by the service (422 names the field)."""

    name: str = ""
    capacity: int | None = None  # desks or rooms: incubating residents at one time
    address: str = ""
    services: Keys = []  # keys of glossary.SERVICES
    community_code: str | None = None
    active: bool = True


class BasePatch(msgspec.Struct, forbid_unknown_fields=True):
    """Changes to a base; a field left out (null) stays as it is; community_code "" clears it."""

    name: str | None = None
    capacity: int | None = None
    address: str | None = None
    services: Keys | None = None
    community_code: str | None = None
    active: bool | None = None


async def _community_error(code: str, community_code: str) -> str | None:
    if not await Community.exists().where((Community.code == community_code) & (Community.district_code == code)):
        return f"社区 {community_code} 不在本区县的登记中"
    return None


def _services_error(services: list[str]) -> str | None:
    unknown = [s for s in services if s not in SERVICES]
    if unknown:
        return f"没有这些服务：{'、'.join(unknown)}（可选：{'、'.join(SERVICES)}）"
    return None


async def occupancy(code: str) -> Counter:
    """Incubatees in stage "incubating" on site (not virtual) per base id."""
    rows = await Incubatee.select(Incubatee.base, Incubatee.residency).where(
        (Incubatee.district_code == code) & (Incubatee.stage == "incubating"))
    return Counter(r["base"] for r in rows if common.takes_a_place(r))


def _base_view(row: dict[str, Any], occupied: int) -> dict[str, Any]:
    services = json.loads(row["services"] or "[]")
    return {**row, "services": services, "service_labels": [SERVICES.get(s, s) for s in services],
            "occupancy": occupied, "free": max(row["capacity"] - occupied, 0)}


async def list_bases(code: str, *, active_only: bool = False) -> list[dict[str, Any]]:
    query = Base.select().where(Base.district_code == code)
    if active_only:
        query = query.where(Base.active == True)  # noqa: E712
    rows = await query.order_by(Base.id)
    occupied = await occupancy(code)
    return [_base_view(r, occupied.get(r["id"], 0)) for r in rows]


async def get_base(code: str, base_id: int) -> dict[str, Any]:
    row = await Base.select().where((Base.id == base_id) & (Base.district_code == code)).first()
    if row is None:
        raise not_found("孵化基地")
    return _base_view(row, (await occupancy(code)).get(base_id, 0))


async def _check_base(code: str, values: dict[str, Any], occupied: int = 0) -> list[tuple[str, str]]:
    errors = []
    if "name" in values:
        if not values["name"]:
            errors.append(("name", "请填写基地名称"))
        elif len(values["name"]) > 200:
            errors.append(("name", "基地名称不能超过200个字"))
    if "address" in values and len(values["address"]) > 200:
        errors.append(("address", "地址不能超过200个字"))
    if "capacity" in values:
        capacity = values["capacity"]
        if capacity is None:
            errors.append(("capacity", "请填写可容纳的孵化对象数（工位或房间数）"))
        elif capacity < 1:
            errors.append(("capacity", "容量至少为1"))
        elif capacity > 10000:
            errors.append(("capacity", "容量不能超过10000"))
        elif capacity < occupied:
            errors.append(("capacity", f"目前有{occupied}个孵化对象在驻，容量不能少于{occupied}"))
    if "services" in values and (error := _services_error(values["services"])):
        errors.append(("services", error))
    if values.get("community_code") and (error := await _community_error(code, values["community_code"])):
        errors.append(("community_code", error))
    return errors


async def create_base(code: str, actor: str, new: BaseIn) -> dict[str, Any]:
    values = {"name": _clean(new.name), "address": _clean(new.address), "capacity": new.capacity,
              "services": list(dict.fromkeys(new.services)), "community_code": _clean(new.community_code) or None,
              "active": new.active}
    if errors := await _check_base(code, values):
        raise invalid(errors)
    row = {**values, "district_code": code, "services": json.dumps(values["services"])}
    async with db.write_transaction():
        created = (await Base.insert(Base(**row)).returning(Base.id))[0]["id"]
        await audit.record(actor=actor, action="create", entity=BASE_ENTITY, entity_id=created, district_code=code,
                           after={**values})
    return await get_base(code, created)


async def update_base(code: str, base_id: int, actor: str, patch: BasePatch) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ("name", "address"):
        if getattr(patch, name) is not None:
            changes[name] = _clean(getattr(patch, name))
    if patch.capacity is not None:
        changes["capacity"] = patch.capacity
    if patch.services is not None:
        changes["services"] = list(dict.fromkeys(patch.services))
    if patch.community_code is not None:
        changes["community_code"] = _clean(patch.community_code) or None
    if patch.active is not None:
        changes["active"] = patch.active
    async with db.write_transaction():
        before = await get_base(code, base_id)
        if errors := await _check_base(code, changes, before["occupancy"]):
            raise invalid(errors)
        if changes:
            stored = {getattr(Base, k): (json.dumps(v) if k == "services" else v) for k, v in changes.items()}
            await Base.update(stored).where(Base.id == base_id)
            await audit.record(actor=actor, action="update", entity=BASE_ENTITY, entity_id=base_id, district_code=code,
                               before={k: before[k] for k in changes}, after=changes)
    return await get_base(code, base_id)


# -- applications ---------------------------------------------------------------------------------


class MemberIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str = ""
    role: str = ""  # 负责人, 骨干, 成员 … (blank: 成员)
    retired: bool = False


class ApplicationIn(msgspec.Struct, forbid_unknown_fields=True):
    """An application to a base. Every field is checked by the service (422 names the field)."""

    base_id: int | None = None
    name: str = ""  # the team's or organisation's name
    organization_id: int | None = None  # an existing organisation of the district (org staff: only their own)
    incubatee_type: str = ""  # sprout 萌芽型 | startup 初创型 | hub 枢纽型
    fields: Keys = []  # service fields, e.g. 社区养老
    members: Annotated[list[MemberIn], msgspec.Meta(max_length=100)] = []
    intended_services: Keys = []  # keys of glossary.SERVICES the team wants from the base
    community_code: str | None = None
    plan: str = ""
    contact_name: str = ""  # blank: the first member
    contact_phone: str = ""


def may_apply(principal: Principal, code: str) -> bool:
    return principal.can("incubation.apply", code) or principal.can("incubation.manage", code)


def own_organizations(principal: Principal, code: str) -> set[int]:
    """Organisations the principal is staff of (with incubation.apply) in the district."""
    return {g.organization_id for g in principal.grants
            if g.scope == "organization" and g.organization_id is not None and principal.covers(g, code)
            and "incubation.apply" in principal.permissions_by_role.get(g.role, ())}


def refuse_non_applicant() -> ApiError:
    return refused("只有居民、社会组织工作人员可以申请入驻孵化基地（管理员可以代为申请）")


async def _check_application(code: str, data: ApplicationIn) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    errors: list[tuple[str, str]] = []
    name = _clean(data.name)
    if not name:
        errors.append(("name", "请填写团队或组织名称"))
    elif len(name) > 200:
        errors.append(("name", "名称不能超过200个字"))
    base = None
    if data.base_id is None:
        errors.append(("base_id", "请选择孵化基地"))
    else:
        base = await Base.select().where((Base.id == data.base_id) & (Base.district_code == code)).first()
        if base is None:
            errors.append(("base_id", "本区县没有这个孵化基地"))
        elif not base["active"]:
            errors.append(("base_id", f"“{base['name']}”已停止接收申请"))
    if data.incubatee_type not in INCUBATEE_TYPES:
        errors.append(("incubatee_type", f"请选择孵化类型：{'、'.join(v[0] for v in INCUBATEE_TYPES.values())}"))
    fields = list(dict.fromkeys(_clean(f) for f in data.fields))
    if not fields or "" in fields:
        errors.append(("fields", "请至少选择或填写一个服务领域（不能为空）"))
    elif any(len(f) > 50 for f in fields) or len(fields) > 20:
        errors.append(("fields", "服务领域最多20个，每个不超过50个字"))
    members = [{"name": _clean(m.name), "role": _clean(m.role) or "成员", "retired": m.retired} for m in data.members]
    if not members:
        errors.append(("members", "请至少填写一名团队成员"))
    elif len(members) > MAX_MEMBERS:
        errors.append(("members", f"成员不能超过{MAX_MEMBERS}人"))
    for i, m in enumerate(members):
        if not m["name"] or len(m["name"]) > 50:
            errors.append((f"members[{i}].name", f"第{i + 1}名成员的姓名应为1–50个字"))
        if len(m["role"]) > 50:
            errors.append((f"members[{i}].role", f"第{i + 1}名成员的角色不能超过50个字"))
    intended = list(dict.fromkeys(data.intended_services))
    if error := _services_error(intended):
        errors.append(("intended_services", error))
    elif base is not None:
        offered = set(json.loads(base["services"] or "[]"))
        if missing := [SERVICES[s] for s in intended if s not in offered]:
            errors.append(("intended_services", f"“{base['name']}”不提供：{'；'.join(missing)}"))
    community = _clean(data.community_code) or None
    if community and (error := await _community_error(code, community)):
        errors.append(("community_code", error))
    plan = _clean(data.plan)
    if not plan:
        errors.append(("plan", "请填写发展计划（服务内容、对象和下一步打算）"))
    elif len(plan) > MAX_TEXT:
        errors.append(("plan", f"发展计划不能超过{MAX_TEXT}个字"))
    contact_name = _clean(data.contact_name) or (members[0]["name"] if members else "")
    if len(contact_name) > 50:
        errors.append(("contact_name", "联系人姓名不能超过50个字"))
    phone = _clean(data.contact_phone)
    if not phone:
        errors.append(("contact_phone", "请填写联系电话"))
    elif error := phone_error(phone):
        errors.append(("contact_phone", error))
    if data.organization_id is not None and not await Organization.exists().where(
            (Organization.id == data.organization_id) & (Organization.district_code == code)):
        errors.append(("organization_id", "本区县没有这个社会组织"))
    row = {"district_code": code, "base": data.base_id, "name": name, "organization_id": data.organization_id,
           "incubatee_type": data.incubatee_type,
           "fields": json.dumps(fields, ensure_ascii=False), "members": json.dumps(members, ensure_ascii=False),
           "intended_services": "；".join(SERVICES[s] for s in intended if s in SERVICES),
           "community_code": community, "plan": plan, "contact_name": contact_name, "contact_phone": phone}
    return errors, row


async def apply(ctx: AppContext, code: str, principal: Principal, data: ApplicationIn) -> dict[str, Any]:
    """A founding team (resident), an organisation (its staff) or staff on someone's behalf applies."""
    manager = principal.can("incubation.manage", code)
    if not manager and not principal.can("incubation.apply", code):
        raise refuse_non_applicant()
    if data.organization_id is not None and not manager and data.organization_id not in own_organizations(
            principal, code):
        raise refused("只能为本人所在的社会组织申请入驻")
    errors, row = await _check_application(code, data)
    if errors:
        raise invalid(errors)
    row["applicant"] = principal.username
    async with db.write_transaction():
        created = (await Incubatee.insert(Incubatee(**row, stage="applied")).returning(Incubatee.id))[0]["id"]
        after = {k: v for k, v in row.items() if k != "contact_phone"}
        await audit.record(actor=principal.username, action="apply", entity=common.ENTITY, entity_id=created,
                           district_code=code, after=after)
    stored = await common.get_row(code, created)
    return {**common.view(stored, reveal_phone=True), "checks": await eligibility(ctx, code, stored)}


# -- eligibility ----------------------------------------------------------------------------------


def _check(rule: str, ok: bool, reason: str, *, blocking: bool = True) -> dict[str, Any]:
    return {"rule": rule, "ok": ok, "blocking": blocking, "reason": reason}


async def _applied_on_behalf(ctx: AppContext, code: str, username: str) -> bool:
    """Did staff (incubation.manage) enter the application rather than the team itself?"""
    user = await User.select().where(User.username == username).first()
    return user is not None and (await principal_for_user(ctx, user)).can("incubation.manage", code)


async def eligibility(ctx: AppContext, code: str, incubatee: dict[str, Any]) -> list[dict[str, Any]]:
    """The entry conditions, each {"rule", "ok", "blocking", "reason"}: a blocking rule that
    is not ok refuses screening; a non-blocking one is information for the mentor."""
    settings = await _settings(ctx, code)
    members = json.loads(incubatee["members"] or "[]")
    checks = []
    need = settings["min_members"]
    checks.append(_check("members", len(members) >= need,
                         f"团队成员{len(members)}人，达到本区县要求的至少{need}人" if len(members) >= need
                         else f"团队成员只有{len(members)}人，少于本区县要求的至少{need}人"))
    all_retired = bool(members) and all(m.get("retired") for m in members)
    checks.append(_check("members_retired", not all_retired,
                         "成员均为退休人员：不影响入驻，入驻后需完成“吸纳非退休成员”能力建设事项" if all_retired
                         else "团队中有非退休成员", blocking=False))
    org_id = incubatee["organization_id"]
    org = None
    if org_id is not None:
        org = await Organization.select(Organization.name, Organization.credit_status).where(
            (Organization.id == org_id) & (Organization.district_code == code)).first()
    if org_id is None:
        checks.append(_check("credit", True, "发起团队尚未登记，无信用名单记录"))
        checks.append(_check("not_incubated", True, "发起团队尚未登记，未在本区县孵化过"))
    elif org is None:
        checks.append(_check("credit", False, "申请的社会组织不在本区县的登记中"))
    else:
        listed = CREDIT_LISTS.get(org["credit_status"])
        checks.append(_check("credit", listed is None,
                             f"“{org['name']}”已被列入{listed}，不能申请入驻孵化基地" if listed
                             else f"“{org['name']}”未被列入活动异常名录或严重违法失信名单"))
        earlier = await Incubatee.select(Incubatee.id, Incubatee.stage, Incubatee.base).where(
            (Incubatee.district_code == code) & (Incubatee.organization_id == org_id)
            & (Incubatee.id != incubatee["id"]) & Incubatee.stage.is_in(["incubating", "graduated"])).first()
        if earlier:
            names = {b["id"]: b["name"]
                     for b in await Base.select(Base.id, Base.name).where(Base.district_code == code)}
            checks.append(_check("not_incubated", False,
                                 f"“{org['name']}”已在“{names.get(earlier['base'], earlier['base'])}”"
                                 f"{states.LABELS[earlier['stage']]}，不能重复申请入驻"))
        else:
            checks.append(_check("not_incubated", True, f"“{org['name']}”未在本区县的孵化基地入驻或出壳"))
    same = (Incubatee.district_code == code) & (Incubatee.base == incubatee["base"]) & (
        Incubatee.id < incubatee["id"]) & Incubatee.stage.is_in(list(OPEN))
    if org_id is not None:
        same &= Incubatee.organization_id == org_id
    elif await _applied_on_behalf(ctx, code, incubatee["applicant"]):
        same &= (Incubatee.organization_id.is_null()) & (Incubatee.name == incubatee["name"])
    else:
        same &= (Incubatee.organization_id.is_null()) & (Incubatee.applicant == incubatee["applicant"])
    other = await Incubatee.select(Incubatee.id, Incubatee.name, Incubatee.stage).where(same).order_by(
        Incubatee.id).first()
    checks.append(_check("open_application", other is None,
                         f"申请人在本基地已有一份办理中的申请（#{other['id']} {other['name']}，"
                         f"{states.LABELS[other['stage']]}），请先办结" if other else "申请人在本基地没有其他办理中的申请"))
    return checks


def refusals(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in checks if c["blocking"] and not c["ok"]]


async def check_eligibility(ctx: AppContext, code: str, incubatee_id: int) -> dict[str, Any]:
    row = await common.get_row(code, incubatee_id)
    checks = await eligibility(ctx, code, row)
    return {"incubatee_id": incubatee_id, "stage": row["stage"], "eligible": not refusals(checks), "checks": checks,
            "stored": json.loads(row["eligibility"] or "[]")}


# -- screening, panel review, decision ------------------------------------------------------------


def _must_be(row: dict[str, Any], stage: str, target: str) -> None:
    if row["stage"] != stage:
        states.check({stage: (target,)}, row["stage"], target, "孵化对象")


async def screen(ctx: AppContext, code: str, incubatee_id: int, actor: str, passed: bool, reason: str,
                 *, reveal_phone: bool = True) -> dict[str, Any]:
    """初审: applied → screened when every blocking rule passes, or → rejected with a reason.
    The eligibility checks are stored with the move."""
    reason = _clean(reason)
    target = "screened" if passed else "rejected"
    if not passed and not reason:
        raise invalid([("reason", "初审不通过时请写明理由")])
    if len(reason) > MAX_TEXT:
        raise invalid([("reason", f"理由不能超过{MAX_TEXT}个字")])
    async with db.write_transaction():
        row = await common.get_row(code, incubatee_id)
        _must_be(row, "applied", target)
        checks = await eligibility(ctx, code, row)
        if passed and (refused := refusals(checks)):
            raise ApiError(409, f"不符合入驻条件（{len(refused)}项），不能通过初审", "not_eligible",
                           [(c["rule"], c["reason"]) for c in refused])
        moved = await common.move(code, incubatee_id, target, actor, {
            Incubatee.eligibility: json.dumps(checks, ensure_ascii=False), Incubatee.decision_reason: reason},
            "screen" if passed else "reject", expect="applied")
    return common.view(moved, reveal_phone=reveal_phone)


async def _scores(incubatee_id: int) -> list[dict[str, Any]]:
    return await PanelScore.select().where(PanelScore.incubatee == incubatee_id).order_by(PanelScore.id)


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    mean = round(sum(r["score"] for r in rows) / len(rows), 1) if rows else None
    return {"count": len(rows), "mean": mean}


async def list_scores(ctx: AppContext, code: str, incubatee_id: int) -> dict[str, Any]:
    row = await common.get_row(code, incubatee_id)
    settings = await _settings(ctx, code)
    rows = await _scores(incubatee_id)
    return {"incubatee_id": incubatee_id, "stage": row["stage"], "scores": rows, **_summary(rows),
            "min_reviewers": settings["min_reviewers"], "accept_score": settings["accept_score"],
            "review_score": row["review_score"]}


async def score(code: str, incubatee_id: int, reviewer: str, value: float, comment: str) -> dict[str, Any]:
    """评审: one score (0–100) per reviewer while the application is screened; a second
    score by the same reviewer replaces the first (both audited)."""
    comment = _clean(comment)
    errors = []
    if not math.isfinite(value) or not 0 <= value <= 100:
        errors.append(("score", "评分应在0到100之间"))
    if len(comment) > MAX_TEXT:
        errors.append(("comment", f"评审意见不能超过{MAX_TEXT}个字"))
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        row = await common.get_row(code, incubatee_id)
        if row["stage"] != "screened":
            raise ApiError(409, f"孵化对象当前为“{states.LABELS.get(row['stage'], row['stage'])}”，"
                                "只有初审通过、尚未作出评审决定的申请可以评分", "invalid_transition")
        # Touching the row takes its lock on PostgreSQL, so scores and the decision queue up.
        locked = await Incubatee.update({Incubatee.updated_at: utc_now()}).where(
            (Incubatee.id == incubatee_id) & (Incubatee.stage == "screened")).returning(Incubatee.id)
        if not locked:
            raise ApiError(409, "孵化对象已被他人修改，请刷新后重试", "conflict")
        existing = await PanelScore.select().where(
            (PanelScore.incubatee == incubatee_id) & (PanelScore.reviewer == reviewer)).first()
        value = float(value)
        if existing:
            await PanelScore.update({PanelScore.score: value, PanelScore.comment: comment,
                                     PanelScore.scored_at: utc_now()}).where(PanelScore.id == existing["id"])
            before = {"reviewer": reviewer, "score": existing["score"], "comment": existing["comment"]}
        else:
            await PanelScore.insert(PanelScore(incubatee=incubatee_id, reviewer=reviewer, score=value, comment=comment))
            before = None
        await audit.record(actor=reviewer, action="rescore" if existing else "score", entity=common.ENTITY,
                           entity_id=incubatee_id, district_code=code, before=before,
                           after={"reviewer": reviewer, "score": value, "comment": comment})
    rows = await _scores(incubatee_id)
    mine = next(r for r in rows if r["reviewer"] == reviewer)
    return {**mine, **{f"panel_{k}": v for k, v in _summary(rows).items()}, "replaced": existing is not None}


async def decide(ctx: AppContext, code: str, incubatee_id: int, actor: str, accept: bool, reason: str,
                 *, reveal_phone: bool = True) -> dict[str, Any]:
    """screened → accepted with enough scores and a mean at the threshold, or → rejected with a reason."""
    reason = _clean(reason)
    target = "accepted" if accept else "rejected"
    if not accept and not reason:
        raise invalid([("reason", "评审不通过时请写明理由")])
    if len(reason) > MAX_TEXT:
        raise invalid([("reason", f"理由不能超过{MAX_TEXT}个字")])
    settings = await _settings(ctx, code)
    async with db.write_transaction():
        row = await common.get_row(code, incubatee_id)
        _must_be(row, "screened", target)
        summary = _summary(await _scores(incubatee_id))
        if accept:
            missing = []
            if summary["count"] < settings["min_reviewers"]:
                missing.append(("scores", f"已有{summary['count']}位评审专家评分，至少需要{settings['min_reviewers']}位"))
            if summary["mean"] is not None and summary["mean"] < settings["accept_score"]:
                missing.append(("review_score", f"评审平均分{summary['mean']:g}，低于入驻分数线"
                                                f"{settings['accept_score']:g}"))
            if missing:
                raise ApiError(409, "还不能评审通过", "review_incomplete", missing)
        moved = await common.move(code, incubatee_id, target, actor, {
            Incubatee.review_score: summary["mean"], Incubatee.decision_reason: reason},
            "accept" if accept else "reject", expect="screened")
    return common.view(moved, reveal_phone=reveal_phone)


# -- lists ----------------------------------------------------------------------------------------


async def _decorate(code: str, rows: list[dict[str, Any]], reveal) -> list[dict[str, Any]]:
    """Views with the base's name and the panel's score count and mean."""
    names = {b["id"]: b["name"] for b in await Base.select(Base.id, Base.name).where(Base.district_code == code)}
    scores: dict[int, list[dict]] = {}
    for s in await PanelScore.select(PanelScore.incubatee, PanelScore.score).where(
            PanelScore.incubatee.is_in([r["id"] for r in rows] or [0])):
        scores.setdefault(s["incubatee"], []).append(s)
    return [{**common.view(r, reveal_phone=reveal(r)), "base_name": names.get(r["base"], ""),
             "panel": _summary(scores.get(r["id"], []))} for r in rows]


async def list_incubatees(code: str, principal: Principal, stage: str | None = None,
                          base_id: int | None = None) -> list[dict[str, Any]]:
    """The district's incubatees (staff), newest first; phones shown in full to managers."""
    if stage and stage not in states.STAGES:
        raise invalid([("stage", f"阶段应为 {'、'.join(states.STAGES)} 之一")])
    query = Incubatee.select().where(Incubatee.district_code == code)
    if stage:
        query = query.where(Incubatee.stage == stage)
    if base_id is not None:
        query = query.where(Incubatee.base == base_id)
    rows = await query.order_by(Incubatee.id, ascending=False)
    manager = principal.can("incubation.manage", code)
    return await _decorate(code, rows, lambda r: manager or r["applicant"] == principal.username)


async def mine(code: str, principal: Principal) -> list[dict[str, Any]]:
    """What an applicant follows: rows they applied for, and rows of organisations they are staff of."""
    where = Incubatee.applicant == principal.username
    if orgs := own_organizations(principal, code):
        where |= Incubatee.organization_id.is_in(sorted(orgs))
    rows = await Incubatee.select().where((Incubatee.district_code == code) & where).order_by(
        Incubatee.id, ascending=False)
    return await _decorate(code, rows, lambda r: r["applicant"] == principal.username)
