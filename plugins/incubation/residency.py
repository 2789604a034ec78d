"""Residency at an incubation base: move-in (mentor, on site or virtual, space, planned
period, the milestone plan), capacity milestones with evidence and the mentor's sign-off,
training attendance, progress reviews, extension (延期), graduation (出壳) into the shared
registry, and exit (退驻). Every change is checked against states.py and written to the
audit log in the same transaction; who may do what is decided here from the Principal and
the row. Graduation and what it needs are in graduation.py.

The way of residency (入驻方式) is decided at move-in, when the base signs the team in: 实体入驻
takes a desk or room and counts against the base's capacity; 虚拟入驻 gets the services
without a place, so it has no space and fills no capacity."""

from __future__ import annotations

from datetime import date
from typing import Any

from core import audit, db
from core.dates import add_months, utc_now
from core.auth import Principal
from core.context import AppContext
from core.errors import ApiError, invalid, not_found, refused
from core.glossary import RESIDENCY_KINDS
from core.modules import module_settings
from core.tables import RoleGrant
from plugins.incubation import MODULE, glossary, graduation, states
from plugins.incubation.common import ENTITY, get_row, move, takes_a_place, view
from plugins.incubation.tables import Base, Incubatee, Milestone, PanelScore, ProgressReview, Training

MILESTONE_ENTITY = "incubation_milestone"
TRAINING_ENTITY = "incubation_training"
REVIEW_ENTITY = "incubation_review"
MAX_TRAINING_HOURS = 200.0


async def settings_of(ctx: AppContext, code: str) -> dict[str, Any]:
    return await module_settings(ctx, code, MODULE)


# -- who may do what -------------------------------------------------------------------------------


def is_applicant(principal: Principal, row: dict[str, Any]) -> bool:
    return principal.is_authenticated and principal.username == row["applicant"]


def may_mentor(principal: Principal, code: str, row: dict[str, Any]) -> bool:
    """The assigned mentor (still holding incubation.mentor here), or a manager of the base."""
    if principal.can("incubation.manage", code):
        return True
    return bool(row["mentor"]) and principal.username == row["mentor"] and principal.can("incubation.mentor", code)


async def mentors(ctx: AppContext, code: str) -> list[dict[str, Any]]:
    """Users who hold incubation.mentor in the district (mentors, district and platform admins)."""
    roles = [name for name, perms in ctx.contributions.role_permissions.items() if "incubation.mentor" in perms]
    if not roles:
        return []
    rows = await RoleGrant.select(RoleGrant.role, RoleGrant.district_code, RoleGrant.city_code,
                                  RoleGrant.user.username, RoleGrant.user.display_name, RoleGrant.user.active).where(
        RoleGrant.role.is_in(roles))
    found: dict[str, dict[str, Any]] = {}
    for r in rows:
        scope = ctx.contributions.roles[r["role"]].scope if r["role"] in ctx.contributions.roles else ""
        city = r["city_code"] or ctx.city_of(r["district_code"] or "")
        covers = scope == "platform" or r["district_code"] == code or (scope == "city" and city == ctx.city_of(code))
        if covers and r["user.active"]:
            found[r["user.username"]] = {"username": r["user.username"], "display_name": r["user.display_name"],
                                         "role": r["role"]}
    return sorted(found.values(), key=lambda m: (m["role"] != "incubation_mentor", m["username"]))


# -- move-in ---------------------------------------------------------------------------------------


async def move_in(ctx: AppContext, code: str, incubatee_id: int, actor: str, mentor: str, space: str,
                  moved_in_on: date | None, residency: str) -> dict[str, Any]:
    """accepted → incubating with a mentor, on site (a space, unless the base is full) or
    virtual (no space); creates the milestone plan (one per kind, due dates spread over the period)."""
    settings = await settings_of(ctx, code)
    mentor, space = mentor.strip(), space.strip()
    errors = []
    if mentor not in {m["username"] for m in await mentors(ctx, code)}:
        errors.append(("mentor", f"用户“{mentor}”不是本区县的孵化导师" if mentor else "请指定导师"))
    if residency not in RESIDENCY_KINDS:
        errors.append(("residency", f"请选择入驻方式：{'或'.join(v[0] for v in RESIDENCY_KINDS.values())}"))
    if len(space) > 100:
        errors.append(("space", "场地（工位）不能超过100个字"))
    elif residency == "virtual" and space:
        errors.append(("space", "虚拟入驻不占用场地，场地（工位）请留空"))
    if errors:
        raise invalid(errors)
    day = moved_in_on or date.today()
    planned_end = add_months(day, settings["period_months"])
    async with db.write_transaction():
        row = await get_row(code, incubatee_id)
        states.check(states.STAGES, row["stage"], "incubating", "孵化对象")
        base = await db.locked(Base.select().where(Base.id == row["base"])).first()
        if base is None or not base["active"]:
            raise ApiError(409, "该孵化基地已停用，不能入驻", "base_inactive")
        residents = [r for r in await Incubatee.select(Incubatee.space, Incubatee.residency).where(
            (Incubatee.base == base["id"]) & (Incubatee.stage == "incubating")) if takes_a_place(r)]
        if residency != "virtual" and len(residents) >= base["capacity"]:
            raise ApiError(409, f"{base['name']}已满：容量{base['capacity']}个，实体入驻{len(residents)}个，暂不能实体入驻"
                                "（可选择虚拟入驻）", "base_full")
        if space and space in {r["space"] for r in residents}:
            raise ApiError(409, f"场地“{space}”已有其他孵化对象使用", "space_taken", [("space", "已被占用")])
        await move(code, incubatee_id, "incubating", actor, {
            Incubatee.mentor: mentor, Incubatee.residency: residency, Incubatee.space: space,
            Incubatee.moved_in_on: day, Incubatee.planned_end: planned_end}, "move_in")
        plan = []
        for i, (kind, (title, _)) in enumerate(glossary.MILESTONES.items()):
            due = add_months(day, round(settings["period_months"] * (i + 1) / len(glossary.MILESTONES)))
            plan.append(Milestone(incubatee=incubatee_id, district_code=code, kind=kind, title=title, due_on=due))
        await Milestone.insert(*plan)
        await audit.record(actor=actor, action="milestone_plan", entity=ENTITY, entity_id=incubatee_id,
                           district_code=code, after={m.kind: m.due_on for m in plan})
    return await get_row(code, incubatee_id)


# -- milestones ------------------------------------------------------------------------------------


async def get_milestone(code: str, milestone_id: int) -> dict[str, Any]:
    row = await Milestone.select().where((Milestone.id == milestone_id) & (Milestone.district_code == code)).first()
    if row is None:
        raise not_found("能力建设事项")
    return row


def milestone_view(row: dict[str, Any]) -> dict[str, Any]:
    titles = glossary.MILESTONES.get(row["kind"], (row["title"], row["title"]))
    return {**row, "state_label": states.LABELS[row["state"]], "title_en": titles[1]}


async def _move_milestone(code: str, milestone_id: int, principal: Principal, target: str, values: dict[Any, Any],
                          action: str, who: str) -> dict[str, Any]:
    """Check who acts (`who`: applicant | mentor), the incubatee's stage and the milestone's
    state, then apply the move with its audit event in one transaction."""
    async with db.write_transaction():
        row = await get_milestone(code, milestone_id)
        incubatee = await get_row(code, row["incubatee"])
        if who == "applicant" and not (is_applicant(principal, incubatee)
                                       or principal.can("incubation.manage", code)):
            raise refused("只有申请人本人或孵化基地管理人员可以提交能力建设事项")
        if who == "mentor" and not may_mentor(principal, code, incubatee):
            raise refused("只有该孵化对象的导师或孵化基地管理人员可以确认或退回")
        if incubatee["stage"] != "incubating":
            raise ApiError(409, f"孵化对象当前为“{states.LABELS[incubatee['stage']]}”，能力建设事项不能再修改",
                           "invalid_transition")
        states.check(states.MILESTONE, row["state"], target, "能力建设事项")
        changed = await Milestone.update({Milestone.state: target, **values}).where(
            (Milestone.id == milestone_id) & (Milestone.state == row["state"])).returning(Milestone.id)
        if not changed:
            raise ApiError(409, "能力建设事项已被他人修改，请刷新后重试", "conflict")
        after = {"state": target, **{c._meta.name: v for c, v in values.items() if not c._meta.name.endswith("_at")}}
        await audit.record(actor=principal.username, action=action, entity=MILESTONE_ENTITY, entity_id=milestone_id,
                           district_code=code, before={"state": row["state"]}, after=after)
    return milestone_view(await get_milestone(code, milestone_id))


async def submit(code: str, milestone_id: int, principal: Principal, evidence: str) -> dict[str, Any]:
    """planned → submitted with evidence (the applicant or a manager)."""
    if not evidence.strip():
        raise invalid([("evidence", "请说明完成情况（文件名称、编号或链接）")])
    return await _move_milestone(code, milestone_id, principal, "submitted", {
        Milestone.evidence: evidence.strip()[:4000], Milestone.submitted_at: utc_now(), Milestone.note: ""},
        "submit", "applicant")


async def sign_off(code: str, milestone_id: int, principal: Principal, note: str = "") -> dict[str, Any]:
    """submitted → signed_off (the assigned mentor or a manager)."""
    return await _move_milestone(code, milestone_id, principal, "signed_off", {
        Milestone.signed_off_by: principal.username, Milestone.signed_off_at: utc_now(), Milestone.note: note.strip()},
        "sign_off", "mentor")


async def send_back(code: str, milestone_id: int, principal: Principal, note: str) -> dict[str, Any]:
    """submitted → planned with a note saying what is missing."""
    if not note.strip():
        raise invalid([("note", "请写明退回的原因和需要补充的内容")])
    return await _move_milestone(code, milestone_id, principal, "planned", {Milestone.note: note.strip()},
                                 "send_back", "mentor")


async def milestones_of(incubatee_id: int) -> list[dict[str, Any]]:
    rows = await Milestone.select().where(Milestone.incubatee == incubatee_id).order_by(Milestone.id)
    return [milestone_view(r) for r in rows]


# -- training and progress reviews -------------------------------------------------------------------


async def _writable(code: str, incubatee_id: int, principal: Principal, stages: tuple[str, ...]) -> dict[str, Any]:
    row = await get_row(code, incubatee_id)
    if not may_mentor(principal, code, row):
        raise refused("只有该孵化对象的导师或孵化基地管理人员可以记录")
    if row["stage"] not in stages:
        raise ApiError(409, f"孵化对象当前为“{states.LABELS[row['stage']]}”，不能再记录", "invalid_transition")
    return row


async def add_training(code: str, incubatee_id: int, principal: Principal, day: date, title: str, hours: float,
                       attendees: int) -> dict[str, Any]:
    errors = []
    if not title.strip() or len(title.strip()) > 200:
        errors.append(("title", "请填写培训名称（不超过200字）"))
    if not 0 < hours <= MAX_TRAINING_HOURS:
        errors.append(("hours", f"学时应大于0且不超过{MAX_TRAINING_HOURS:g}"))
    if not 1 <= attendees <= 1000:
        errors.append(("attendees", "参加人数应在1到1000之间"))
    if day > date.today():
        errors.append(("day", "培训日期不能晚于今天"))
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        await _writable(code, incubatee_id, principal, ("accepted", "incubating"))
        values = {"incubatee": incubatee_id, "district_code": code, "day": day, "title": title.strip(),
                  "hours": float(hours), "attendees": attendees}
        created = (await Training.insert(Training(**values)).returning(Training.id))[0]["id"]
        await audit.record(actor=principal.username, action="create", entity=TRAINING_ENTITY, entity_id=created,
                           district_code=code, after=values)
    return await Training.select().where(Training.id == created).first()


async def trainings_of(incubatee_id: int) -> list[dict[str, Any]]:
    return await Training.select().where(Training.incubatee == incubatee_id).order_by(Training.day, Training.id)


async def add_review(code: str, incubatee_id: int, principal: Principal, kind: str, day: date, rating: str,
                     summary: str) -> dict[str, Any]:
    errors = []
    if kind not in glossary.REVIEW_KINDS:
        errors.append(("kind", f"评估类型只能是{'、'.join(glossary.REVIEW_KINDS)}"))
    if rating not in glossary.RATINGS:
        errors.append(("rating", f"评估结论只能是{'、'.join(glossary.RATINGS)}"))
    if not summary.strip():
        errors.append(("summary", "请填写评估意见"))
    if day > date.today():
        errors.append(("day", "评估日期不能晚于今天"))
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        await _writable(code, incubatee_id, principal, ("incubating",))
        values = {"incubatee": incubatee_id, "district_code": code, "kind": kind, "day": day,
                  "reviewer": principal.username, "rating": rating, "summary": summary.strip()[:4000]}
        created = (await ProgressReview.insert(ProgressReview(**values)).returning(ProgressReview.id))[0]["id"]
        await audit.record(actor=principal.username, action="create", entity=REVIEW_ENTITY, entity_id=created,
                           district_code=code, after=values)
    return await ProgressReview.select().where(ProgressReview.id == created).first()


async def reviews_of(incubatee_id: int) -> list[dict[str, Any]]:
    return await ProgressReview.select().where(ProgressReview.incubatee == incubatee_id).order_by(
        ProgressReview.day, ProgressReview.id)


# -- extension, exit (graduation: graduation.py) ---------------------------------------------------------------------


async def extend(ctx: AppContext, code: str, incubatee_id: int, actor: str, reason: str) -> dict[str, Any]:
    """延期: planned_end + extension_months, at most max_extensions times, only while incubating."""
    if not reason.strip():
        raise invalid([("reason", "请填写延期原因")])
    settings = await settings_of(ctx, code)
    async with db.write_transaction():
        row = await get_row(code, incubatee_id)
        if row["stage"] != "incubating":
            raise ApiError(409, f"孵化对象当前为“{states.LABELS[row['stage']]}”，只有入驻培育中的可以延期",
                           "invalid_transition")
        if row["extensions"] >= settings["max_extensions"]:
            raise ApiError(409, f"已延期{row['extensions']}次，本区县最多延期{settings['max_extensions']}次",
                           "too_many_extensions")
        planned_end = add_months(row["planned_end"], settings["extension_months"])
        changed = await Incubatee.update({Incubatee.planned_end: planned_end, Incubatee.updated_at: utc_now(),
                                          Incubatee.extensions: row["extensions"] + 1}).where(
            (Incubatee.id == incubatee_id) & (Incubatee.extensions == row["extensions"])
            & (Incubatee.stage == "incubating")).returning(Incubatee.id)
        if not changed:
            raise ApiError(409, "孵化对象已被他人修改，请刷新后重试", "conflict")
        await audit.record(actor=actor, action="extend", entity=ENTITY, entity_id=incubatee_id, district_code=code,
                           before={"planned_end": row["planned_end"], "extensions": row["extensions"]},
                           after={"planned_end": planned_end, "extensions": row["extensions"] + 1,
                                  "reason": reason.strip()})
    return await get_row(code, incubatee_id)


async def exit(code: str, incubatee_id: int, actor: str, reason: str,  # noqa: A001 - the domain's word (退驻)
               exited_on: date | None = None) -> dict[str, Any]:
    """退驻 without graduation: accepted or incubating → exited, with the reason recorded."""
    if not reason.strip():
        raise invalid([("reason", "请填写退驻原因")])
    day = exited_on or date.today()
    if day > date.today():
        raise invalid([("exited_on", "退驻日期不能晚于今天")])
    return await move(code, incubatee_id, "exited", actor,
                      {Incubatee.exit_reason: reason.strip()[:4000], Incubatee.exited_on: day}, "exit")


# -- the detail view ----------------------------------------------------------------------------------


def days_incubated(row: dict[str, Any], today: date | None = None) -> int | None:
    if row["moved_in_on"] is None:
        return None
    end = row["graduated_on"] or row["exited_on"] or today or date.today()
    return max((end - row["moved_in_on"]).days, 0)


async def detail(ctx: AppContext, code: str, incubatee_id: int, principal: Principal) -> dict[str, Any]:
    """Everything about one incubatee, for district readers and the applicant themself. The
    phone is shown whole to managers and the applicant; panel scores only to readers."""
    row = await get_row(code, incubatee_id)
    reader = principal.can("incubation.read", code)
    if not (reader or is_applicant(principal, row)):
        raise refused("只有孵化基地工作人员和申请人本人可以查看")
    out = view(row, reveal_phone=principal.can("incubation.manage", code) or is_applicant(principal, row))
    base = await Base.select(Base.name, Base.capacity, Base.address).where(Base.id == row["base"]).first()
    out["base_name"] = base["name"] if base else ""
    out["base_address"] = base["address"] if base else ""
    out["panel_scores"] = (await PanelScore.select().where(PanelScore.incubatee == incubatee_id).order_by(
        PanelScore.id)) if reader else []
    out["milestones"] = await milestones_of(incubatee_id)
    out["trainings"] = await trainings_of(incubatee_id)
    out["training_hours"] = sum(t["hours"] for t in out["trainings"])
    out["reviews"] = await reviews_of(incubatee_id)
    out["days_incubated"] = days_incubated(row)
    today = date.today()
    out["overdue_days"] = ((today - row["planned_end"]).days if row["stage"] == "incubating" and row["planned_end"]
                           and row["planned_end"] < today else 0)
    out["graduation_needs"] = [] if row["stage"] in ("graduated", "exited", "rejected") else \
        await graduation.graduation_needs(ctx, code, row)
    return out
