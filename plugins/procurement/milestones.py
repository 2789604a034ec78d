"""Milestones of a contract (履约节点): planned by a district admin while the project is
contracted or in delivery — a title, a due date within the contract's term, planned outputs
per output indicator of the project, planned beneficiaries and the payment tied to it (all
milestones together at most the contract value) —, reported by the supplier's staff
(delivered outputs, beneficiaries, date, note, evidence files) and accepted (验收) or sent back
with a reason by the district admin. planned → reported → accepted | sent_back → reported …;
every change is a conditional UPDATE … WHERE state IN (…), audited, 409 on a wrong state."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Annotated, Any

import msgspec
from piccolo.query.functions.aggregate import Sum

from core import audit, db, uploads
from core.auth import Principal
from core.context import AppContext
from core.dates import utc_now
from core.errors import ApiError, invalid, not_found
from plugins.procurement import contracts, projects, rules, states
from plugins.procurement.delivery_tables import Contract, DeliveryMilestone, MilestoneEvidence

ENTITY = "procurement_milestone"
REPORT = "procurement.delivery.report"
WHAT = "履约节点"
MAX_QUANTITY = 10**9
LABELS = {"planned": "待履约", "reported": "待验收", "accepted": "已验收", "sent_back": "已退回"}
LABELS_EN = {"planned": "Planned", "reported": "Reported", "accepted": "Accepted", "sent_back": "Sent back"}
TONES = {"planned": "wait", "reported": "wait", "accepted": "ok", "sent_back": "bad"}
MOVES = {"report": (("planned", "sent_back"), "reported"), "accept": (("reported",), "accepted"),
         "send_back": (("reported",), "sent_back")}
Quantities = Annotated[dict[Annotated[str, msgspec.Meta(max_length=200)], float], msgspec.Meta(max_length=20)]


class MilestoneIn(msgspec.Struct, forbid_unknown_fields=True):
    """A planned milestone. Every field is checked by the service (422 names the field)."""

    title: rules.Short = ""
    due_on: date | None = None  # within the contract's term
    planned_outputs: Quantities = {}  # {output indicator name: quantity}
    planned_beneficiaries: int = 0
    amount_fen: int | None = None  # the payment tied to it, in fen; 0 for none


class ReportIn(msgspec.Struct, forbid_unknown_fields=True):
    """The supplier's report of what was delivered."""

    delivered_outputs: Quantities = {}  # {output indicator name: quantity}
    delivered_beneficiaries: int | None = None
    delivered_on: date | None = None
    note: rules.Long = ""


class SendBackIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: rules.Long = ""


def view(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "planned_outputs": json.loads(row["planned_outputs"] or "{}"),
            "delivered_outputs": json.loads(row["delivered_outputs"] or "{}"), "state_label": LABELS[row["state"]]}


def _quantities(errors: list, field: str, given: dict[str, float], allowed: list[str]) -> dict[str, float]:
    clean = {name.strip(): value for name, value in given.items()}
    for name, value in clean.items():
        if name not in allowed:
            errors.append((field, f"“{name}”不是本项目的产出指标（可选：{'、'.join(allowed) or '无'}）"))
        elif not math.isfinite(value) or value < 0 or value > MAX_QUANTITY:
            errors.append((field, f"“{name}”的数量应在0到{MAX_QUANTITY}之间"))
    return clean


def _count(errors: list, field: str, value: int | None, what: str) -> None:
    if value is None:
        errors.append((field, f"请填写{what}"))
    elif not 0 <= value <= MAX_QUANTITY:
        errors.append((field, f"{what}应在0到{MAX_QUANTITY}之间"))


def _outputs(project: dict[str, Any]) -> list[str]:
    return [i["name"] for i in json.loads(project["indicators"] or "[]") if i.get("kind") == "output"]


def _active(project: dict[str, Any], what: str) -> None:
    if project["stage"] not in contracts.ACTIVE:
        raise ApiError(409, f"项目当前为“{states.label(project['stage'])}”，签订合同后、实施期间才能{what}",
                       "invalid_transition")


async def plan(code: str, project_id: int, actor: str, data: MilestoneIn) -> dict[str, Any]:
    project = await projects.get_row(code, project_id)
    _active(project, "安排履约节点")
    contract = await contracts.get(code, project_id)
    errors: list[tuple[str, str]] = []
    title = data.title.strip()
    if not title:
        errors.append(("title", "请填写节点名称"))
    if data.due_on is None:
        errors.append(("due_on", "请填写计划完成日期"))
    elif not contract["term_start"] <= data.due_on <= contract["term_end"]:
        errors.append(("due_on", f"计划完成日期应在合同服务期限内（{contract['term_start']}至{contract['term_end']}）"))
    outputs = _quantities(errors, "planned_outputs", data.planned_outputs, _outputs(project))
    _count(errors, "planned_beneficiaries", data.planned_beneficiaries, "计划服务人数")
    if data.amount_fen is None or data.amount_fen < 0:
        errors.append(("amount_fen", "请填写本节点对应的付款金额（没有付款填0）"))
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        await db.locked(Contract.select(Contract.id).where(Contract.id == contract["id"])).first()
        _active(await projects.get_row(code, project_id), "安排履约节点")
        planned = (await DeliveryMilestone.select(Sum(DeliveryMilestone.amount_fen, alias="total")).where(
            DeliveryMilestone.contract == contract["id"]).first())["total"] or 0
        planned = int(planned)  # PostgreSQL sums a bigint to numeric
        if planned + data.amount_fen > contract["value_fen"]:
            raise invalid([("amount_fen", f"各履约节点付款金额合计不能超过合同金额：还可安排"
                                          f"{(contract['value_fen'] - planned) / 100:,.2f}元")])
        values = {"title": title, "due_on": data.due_on, "planned_outputs": outputs,
                  "planned_beneficiaries": data.planned_beneficiaries, "amount_fen": data.amount_fen}
        row = (await DeliveryMilestone.insert(DeliveryMilestone(
            project=project_id, contract=contract["id"], district_code=code, created_by=actor,
            **{**values, "planned_outputs": json.dumps(outputs, ensure_ascii=False)})).returning(
            *DeliveryMilestone.all_columns()))[0]
        await audit.record(actor=actor, action="create", entity=ENTITY, entity_id=row["id"], district_code=code,
                           after={**values, "project": project_id})
    return view(row)


async def get(code: str, project_id: int, milestone_id: int) -> dict[str, Any]:
    row = await DeliveryMilestone.select().where(
        (DeliveryMilestone.id == milestone_id) & (DeliveryMilestone.project == project_id)
        & (DeliveryMilestone.district_code == code)).first()
    if row is None:
        raise not_found(WHAT)
    return row


async def _change(code: str, project_id: int, milestone_id: int, action: str, actor: str,
                  values: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """Move a milestone by `action` (MOVES) with `values`, if its state still allows it."""
    sources, target = MOVES[action]
    async with db.write_transaction():
        row = await get(code, project_id, milestone_id)
        stored = {getattr(DeliveryMilestone, k): (json.dumps(v, ensure_ascii=False) if k.endswith("outputs") else v)
                  for k, v in values.items()}
        changed = await DeliveryMilestone.update({**stored, DeliveryMilestone.state: target}).where(
            (DeliveryMilestone.id == milestone_id) & DeliveryMilestone.state.is_in(list(sources))).returning(
            DeliveryMilestone.id)
        if not changed:
            allowed = "、".join(LABELS[s] for s in sources)
            raise ApiError(409, f"履约节点当前为“{LABELS[row['state']]}”，只有“{allowed}”的节点可以这样处理",
                           "invalid_transition")
        await audit.record(actor=actor, action=action, entity=ENTITY, entity_id=milestone_id, district_code=code,
                           before={"state": row["state"], **before}, after={"state": target, **values})
    return view(await get(code, project_id, milestone_id))


async def report(code: str, project_id: int, milestone_id: int, principal: Principal,
                 data: ReportIn) -> dict[str, Any]:
    """The supplier's staff report a milestone delivered (planned or sent back → reported)."""
    contract = await contracts.visible(code, project_id, principal, REPORT)
    row = await get(code, project_id, milestone_id)
    project = await projects.get_row(code, project_id)
    _active(project, "报告履约情况")
    errors: list[tuple[str, str]] = []
    planned = json.loads(row["planned_outputs"] or "{}")
    outputs = _quantities(errors, "delivered_outputs", data.delivered_outputs,
                          list(dict.fromkeys([*planned, *_outputs(project)])))
    _count(errors, "delivered_beneficiaries", data.delivered_beneficiaries, "实际服务人数")
    if data.delivered_on is None:
        errors.append(("delivered_on", "请填写完成日期"))
    elif not contract["term_start"] <= data.delivered_on <= date.today():
        errors.append(("delivered_on", f"完成日期应在合同开始（{contract['term_start']}）之后、不晚于今天"))
    if errors:
        raise invalid(errors)
    values = {"delivered_outputs": outputs, "delivered_beneficiaries": data.delivered_beneficiaries,
              "delivered_on": data.delivered_on, "note": data.note.strip(), "reported_by": principal.username,
              "reported_at": utc_now()}
    return await _change(code, project_id, milestone_id, "report", principal.username, values, {})


async def accept(code: str, project_id: int, milestone_id: int, actor: str) -> dict[str, Any]:
    await get(code, project_id, milestone_id)
    return await _change(code, project_id, milestone_id, "accept", actor,
                         {"decided_by": actor, "decided_at": utc_now(), "decision_reason": ""}, {})


async def send_back(code: str, project_id: int, milestone_id: int, actor: str, reason: str) -> dict[str, Any]:
    row = await get(code, project_id, milestone_id)
    if not reason.strip():
        raise invalid([("reason", "退回须说明理由（如：佐证材料不足、服务人次与记录不符）")])
    return await _change(code, project_id, milestone_id, "send_back", actor,
                         {"decided_by": actor, "decided_at": utc_now(), "decision_reason": reason.strip()},
                         {"decision_reason": row["decision_reason"]})


async def listing(code: str, project_id: int) -> list[dict[str, Any]]:
    rows = await DeliveryMilestone.select().where(
        (DeliveryMilestone.project == project_id) & (DeliveryMilestone.district_code == code)).order_by(
        DeliveryMilestone.due_on, DeliveryMilestone.id)
    return [view(r) for r in rows]


# -- evidence ------------------------------------------------------------------------------------


async def add_evidence(ctx: AppContext, code: str, project_id: int, milestone_id: int, principal: Principal,
                       filename: str, data: bytes) -> dict[str, Any]:
    """The supplier's staff attach a file to a milestone not yet accepted."""
    await contracts.visible(code, project_id, principal, REPORT)
    row = await get(code, project_id, milestone_id)
    if row["state"] == "accepted":
        raise ApiError(409, "履约节点已验收，不能再添加佐证材料", "invalid_transition")
    limit_mb = (await projects.settings_of(ctx, code))["evidence_max_mb"]
    stored = await uploads.prepare(ctx, filename, data, limit_mb)
    async with db.write_transaction():
        upload = await uploads.insert(stored, code, principal.username)
        evidence_id = (await MilestoneEvidence.insert(MilestoneEvidence(
            milestone=milestone_id, district_code=code, upload=upload["id"])).returning(MilestoneEvidence.id))[0]["id"]
        shown = {k: upload[k] for k in EVIDENCE_SHOWN}
        await audit.record(actor=principal.username, action="attach", entity="procurement_milestone_evidence",
                           entity_id=evidence_id, district_code=code,
                           after={"milestone": milestone_id, "upload": upload["id"], **shown})
    return {"id": evidence_id, "milestone": milestone_id, **shown, "uploaded_at": upload["uploaded_at"]}


EVIDENCE_SHOWN = ("filename", "content_type", "size", "uploaded_by")


async def evidence_of(milestone_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The evidence files of these milestones, oldest first."""
    out: dict[int, list[dict[str, Any]]] = {m: [] for m in milestone_ids}
    if not milestone_ids:
        return out
    rows = await MilestoneEvidence.select(
        MilestoneEvidence.id, MilestoneEvidence.milestone, *(getattr(MilestoneEvidence.upload, k)
                                                             for k in (*EVIDENCE_SHOWN, "uploaded_at"))).where(
        MilestoneEvidence.milestone.is_in(milestone_ids)).order_by(MilestoneEvidence.id)
    for r in rows:
        out[r["milestone"]].append({"id": r["id"], "milestone": r["milestone"],
                                    **{k: r[f"upload.{k}"] for k in (*EVIDENCE_SHOWN, "uploaded_at")}})
    return out


async def evidence_file(code: str, project_id: int, milestone_id: int, evidence_id: int,
                        principal: Principal) -> dict[str, Any]:
    """The upload row of one evidence file, for staff of the district and the supplier."""
    await contracts.visible(code, project_id, principal)
    await get(code, project_id, milestone_id)
    row = await MilestoneEvidence.select().where(
        (MilestoneEvidence.id == evidence_id) & (MilestoneEvidence.milestone == milestone_id)).first()
    if row is None:
        raise not_found("佐证材料")
    return await uploads.get(code, row["upload"], "佐证材料")
