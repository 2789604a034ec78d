"""Audit campaigns: a supervisor samples records of one source (a module's
AuditableRecords) over a period and scope, gives each a verdict and a finding, the
worker or organisation answers, the supervisor closes; a closed campaign has a report.

Sampling is reproducible: the population is the source's records in scope, ordered by
record id, and `random.Random(seed).sample` draws from it, so the stored seed draws the
same records again (`redraw` checks that). Every state move is checked against
`states` and written to the audit log in the same transaction.
"""

from __future__ import annotations

import math
import random
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from core import audit, db
from core.dates import utc_now
from core.auth import Principal
from core.context import AppContext
from core.contrib import AuditableRecords
from core.errors import ApiError, invalid, not_found
from core.tables import Organization, Person
from plugins.supervision import states
from plugins.supervision.tables import Campaign, Evidence, Flag, SampleItem

SCOPES = {"district": "全区县", "organization": "指定机构", "worker": "指定社工"}
SAMPLING = {"percent": "按比例随机抽取", "count": "按数量随机抽取", "flagged": "全部有预警的记录"}
VERDICTS = ("合格", "存疑", "不合格")
MAX_PERIOD_DAYS = 3 * 366
ENTITY = "supervision_campaign"
ITEM_ENTITY = "supervision_item"


def sources(ctx: AppContext) -> dict[str, AuditableRecords]:
    return {s.name: s for s in ctx.contributions.auditable_records}


@dataclass
class NewCampaign:
    title: str
    source: str
    period_start: date
    period_end: date
    scope: str = "district"
    scope_id: int | None = None
    sampling: str = "percent"
    sample_size: float = 10.0
    seed: int | None = None


async def create(ctx: AppContext, code: str, actor: str, new: NewCampaign) -> dict[str, Any]:
    errors = []
    if not new.title.strip():
        errors.append(("title", "请填写抽查名称"))
    if new.source not in sources(ctx):
        errors.append(("source", f"没有这个记录来源（可选：{'、'.join(sources(ctx)) or '无'}）"))
    if new.period_end < new.period_start:
        errors.append(("period_end", "结束日期不能早于开始日期"))
    elif (new.period_end - new.period_start).days > MAX_PERIOD_DAYS:
        errors.append(("period_end", "抽查期间不能超过3年"))
    if new.scope not in SCOPES:
        errors.append(("scope", "范围只能是 district、organization 或 worker"))
    elif new.scope != "district" and new.scope_id is None:
        errors.append(("scope_id", "请指定机构或社工"))
    if new.sampling not in SAMPLING:
        errors.append(("sampling", "抽样方式只能是 percent、count 或 flagged"))
    elif new.sampling == "percent" and not 0 < new.sample_size <= 100:
        errors.append(("sample_size", "比例应在 0 到 100 之间"))
    elif new.sampling == "count" and (new.sample_size < 1 or new.sample_size != int(new.sample_size)):
        errors.append(("sample_size", "数量应为正整数"))
    if new.seed is not None and not 0 <= new.seed < 2**31:
        errors.append(("seed", "随机种子应在 0 到 2147483647 之间"))
    if not errors and new.scope == "organization":
        org = await Organization.select(Organization.district_code).where(Organization.id == new.scope_id).first()
        if org is None or org["district_code"] != code:
            errors.append(("scope_id", "本区县没有这个机构"))
    if errors:
        raise invalid(errors)
    row = {
        "district_code": code, "title": new.title.strip(), "source": new.source, "scope": new.scope,
        "scope_id": None if new.scope == "district" else new.scope_id, "period_start": new.period_start,
        "period_end": new.period_end, "sampling": new.sampling,
        "sample_size": 0.0 if new.sampling == "flagged" else float(new.sample_size),
        "seed": secrets.randbelow(2**31) if new.seed is None else new.seed, "state": "draft", "created_by": actor,
    }
    async with db.write_transaction():
        created = (await Campaign.insert(Campaign(**row)).returning(Campaign.id))[0]["id"]
        await audit.record(actor=actor, action="create", entity=ENTITY, entity_id=created, district_code=code,
                           after=row)
    return await get(code, created)


async def get(code: str, campaign_id: int) -> dict[str, Any]:
    row = await Campaign.select().where((Campaign.id == campaign_id) & (Campaign.district_code == code)).first()
    if row is None:
        raise not_found("抽查")
    return row


async def list_campaigns(code: str, state: str | None = None) -> list[dict[str, Any]]:
    query = Campaign.select().where(Campaign.district_code == code)
    if state:
        query = query.where(Campaign.state == state)
    rows = await query.order_by(Campaign.id, ascending=False)
    counts = await _item_counts([r["id"] for r in rows])
    return [{**r, "items": counts.get(r["id"], {})} for r in rows]


async def _item_counts(campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    if not campaign_ids:
        return {}
    rows = await SampleItem.select(SampleItem.campaign, SampleItem.state, SampleItem.verdict).where(
        SampleItem.campaign.is_in(campaign_ids))
    out: dict[int, Counter] = {}
    for r in rows:
        c = out.setdefault(r["campaign"], Counter())
        c["total"] += 1
        c[r["state"]] += 1
        if r["verdict"]:
            c[r["verdict"]] += 1
    return {k: dict(v) for k, v in out.items()}


# -- sampling ---------------------------------------------------------------------------------


async def population(ctx: AppContext, campaign: dict[str, Any]) -> list[dict[str, Any]]:
    """The source's records in the campaign's period and scope, by record id."""
    source = sources(ctx).get(campaign["source"])
    if source is None:
        raise ApiError(409, f"记录来源 {campaign['source']} 已不可用（模块未安装）", "source_missing")
    records = [r async for r in source.fetch(campaign["district_code"], campaign["period_start"],
                                             campaign["period_end"])]
    if campaign["scope"] == "organization":
        records = [r for r in records if r.get("organization_id") == campaign["scope_id"]]
    elif campaign["scope"] == "worker":
        records = [r for r in records if r.get("subject") == campaign["scope_id"]]
    if campaign["sampling"] == "flagged":
        flagged = {r["record_id"] for r in await Flag.select(Flag.record_id).where(
            (Flag.district_code == campaign["district_code"]) & (Flag.record_type == source.record_type)
            & (Flag.state != "dismissed"))}
        records = [r for r in records if str(r["id"]) in flagged]
    return sorted(records, key=lambda r: _order_key(r["id"]))


def _order_key(record_id: Any) -> tuple[int, Any]:
    return (0, int(record_id)) if str(record_id).isascii() and str(record_id).isdigit() else (1, str(record_id))


def draw(records: list[dict[str, Any]], sampling: str, size: float, seed: int) -> list[dict[str, Any]]:
    """The sample: every record for `flagged`, else `random.Random(seed).sample` of
    ceil(n × percent / 100) or min(count, n) records, returned in record order."""
    if sampling == "flagged":
        return list(records)
    wanted = math.ceil(len(records) * size / 100) if sampling == "percent" else min(int(size), len(records))
    picked = set(random.Random(seed).sample(range(len(records)), wanted))
    return [r for i, r in enumerate(records) if i in picked]


async def sample(ctx: AppContext, code: str, campaign_id: int, actor: str) -> dict[str, Any]:
    campaign = await get(code, campaign_id)
    states.check(states.CAMPAIGN, campaign["state"], "sampled", "抽查")
    records = await population(ctx, campaign)
    drawn = draw(records, campaign["sampling"], campaign["sample_size"], campaign["seed"])
    if not drawn:
        raise ApiError(409, f"抽查范围内没有记录（{campaign['period_start']}至{campaign['period_end']}），"
                            "请调整期间、范围或抽样方式", "empty_sample")
    async with db.write_transaction():
        moved = await Campaign.update({Campaign.state: "sampled", Campaign.population: len(records),
                                       Campaign.sampled_at: utc_now()}).where(
            (Campaign.id == campaign_id) & (Campaign.state == "draft")).returning(Campaign.id)
        if not moved:  # another request sampled it first
            raise ApiError(409, "抽查已被抽样", "invalid_transition")
        await SampleItem.insert(*[SampleItem(
            campaign=campaign_id, district_code=code, record_id=str(r["id"]), day=r.get("day"),
            subject=r.get("subject"), person_id=r.get("person_id"), organization_id=r.get("organization_id"),
            summary=str(r.get("summary", ""))[:500]) for r in drawn])
        await audit.record(actor=actor, action="sample", entity=ENTITY, entity_id=campaign_id, district_code=code,
                           before={"state": "draft"},
                           after={"state": "sampled", "population": len(records), "seed": campaign["seed"],
                                  "records": [str(r["id"]) for r in drawn]})
    return await get(code, campaign_id)


async def redraw(ctx: AppContext, code: str, campaign_id: int) -> dict[str, Any]:
    """Draw again with the stored seed and compare with the stored sample."""
    campaign = await get(code, campaign_id)
    records = await population(ctx, campaign)
    drawn = [str(r["id"]) for r in draw(records, campaign["sampling"], campaign["sample_size"], campaign["seed"])]
    stored = [r["record_id"] for r in await SampleItem.select(SampleItem.record_id).where(
        SampleItem.campaign == campaign_id).order_by(SampleItem.id)]
    return {"seed": campaign["seed"], "population": len(records), "drawn": drawn, "stored": stored,
            "same": campaign["state"] != "draft" and sorted(drawn) == sorted(stored)}


# -- findings ---------------------------------------------------------------------------------


async def items(code: str, campaign_id: int) -> list[dict[str, Any]]:
    await get(code, campaign_id)
    rows = await SampleItem.select().where(SampleItem.campaign == campaign_id).order_by(SampleItem.id)
    return await _decorate(rows)


async def _decorate(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add the person's name, the organisation's name and the evidence list."""
    persons = {p["id"]: p["name"] for p in await Person.select(Person.id, Person.name).where(
        Person.id.is_in(sorted({r["person_id"] for r in rows if r["person_id"]}) or [0]))}
    orgs = {o["id"]: o["name"] for o in await Organization.select(Organization.id, Organization.name).where(
        Organization.id.is_in(sorted({r["organization_id"] for r in rows if r["organization_id"]}) or [0]))}
    files: dict[int, list[dict]] = {}
    for e in await Evidence.select(Evidence.id, Evidence.item, *[getattr(Evidence.upload, n).as_alias(n) for n in (
            "filename", "size", "content_type", "uploaded_by", "uploaded_at")]).where(
            Evidence.item.is_in([r["id"] for r in rows] or [0])).order_by(Evidence.id):
        files.setdefault(e["item"], []).append(e)
    return [{**r, "person_name": persons.get(r["person_id"], ""), "organization_name": orgs.get(r["organization_id"], ""),
             "evidence": files.get(r["id"], [])} for r in rows]


async def item(code: str, item_id: int) -> dict[str, Any]:
    row = await SampleItem.select().where((SampleItem.id == item_id) & (SampleItem.district_code == code)).first()
    if row is None:
        raise not_found("抽查记录")
    return row


async def _move_item(code: str, item_id: int, target: str, actor: str, values: dict[Any, Any],
                     action: str, campaign_state: str = "sampled") -> dict[str, Any]:
    """Check and apply one item move (and the campaign's state), audited, in one transaction."""
    async with db.write_transaction():
        row = await item(code, item_id)
        campaign = await get(code, row["campaign"])
        if campaign["state"] != campaign_state:
            raise ApiError(409, f"抽查当前为“{states.LABELS[campaign['state']]}”，不能再修改", "invalid_transition")
        states.check(states.ITEM, row["state"], target, "抽查记录")
        moved = await SampleItem.update({SampleItem.state: target, **values}).where(
            (SampleItem.id == item_id) & (SampleItem.state == row["state"])).returning(SampleItem.id)
        if not moved:
            raise ApiError(409, "抽查记录已被他人修改，请刷新", "conflict")
        after = {"state": target, **{k._meta.name: v for k, v in values.items() if not k._meta.name.endswith("_at")}}
        await audit.record(actor=actor, action=action, entity=ITEM_ENTITY, entity_id=item_id, district_code=code,
                           before={"state": row["state"]}, after=after)
    return (await _decorate([await item(code, item_id)]))[0]


async def give_verdict(code: str, item_id: int, actor: str, verdict: str, finding: str) -> dict[str, Any]:
    if verdict not in VERDICTS:
        raise invalid([("verdict", "评定结果只能是 合格、存疑 或 不合格")])
    if verdict != "合格" and not finding.strip():
        raise invalid([("finding", "存疑或不合格时请写明发现的问题")])
    return await _move_item(code, item_id, "open", actor, {
        SampleItem.verdict: verdict, SampleItem.finding: finding.strip(), SampleItem.reviewed_by: actor,
        SampleItem.reviewed_at: utc_now()}, "verdict")


def may_answer(principal: Principal, code: str, row: dict[str, Any]) -> bool:
    """The worker the record is about, or staff of the worker's organisation."""
    if not principal.can("supervision.finding.respond", code):
        return False
    if row["person_id"] is not None and principal.person_id == row["person_id"]:
        return True
    limit = principal.organization_limit("supervision.finding.respond", code)
    return limit is not None and row["organization_id"] in limit


async def answer(code: str, item_id: int, principal: Principal, response: str) -> dict[str, Any]:
    if not response.strip():
        raise invalid([("response", "请填写回复内容")])
    if not may_answer(principal, code, await item(code, item_id)):
        raise not_found("抽查记录")
    return await _move_item(code, item_id, "answered", principal.username, {
        SampleItem.response: response.strip(), SampleItem.responded_by: principal.username,
        SampleItem.responded_at: utc_now()}, "answer")


async def close_item(code: str, item_id: int, actor: str, note: str) -> dict[str, Any]:
    row = await item(code, item_id)
    if row["verdict"] != "合格" and not note.strip():
        raise invalid([("note", "请写明处理结论")])
    return await _move_item(code, item_id, "closed", actor, {
        SampleItem.close_note: note.strip(), SampleItem.closed_by: actor, SampleItem.closed_at: utc_now()}, "close")


async def close(code: str, campaign_id: int, actor: str, summary: str) -> dict[str, Any]:
    async with db.write_transaction():
        campaign = await get(code, campaign_id)
        states.check(states.CAMPAIGN, campaign["state"], "closed", "抽查")
        open_items = await SampleItem.count().where((SampleItem.campaign == campaign_id)
                                                    & (SampleItem.state != "closed"))
        if open_items:
            raise ApiError(409, f"还有{open_items}条抽查记录未结束，全部结束后才能关闭抽查", "items_open")
        if not summary.strip():
            raise invalid([("summary", "请填写抽查结论")])
        await Campaign.update({Campaign.state: "closed", Campaign.summary: summary.strip(), Campaign.closed_by: actor,
                               Campaign.closed_at: utc_now()}).where(Campaign.id == campaign_id)
        await audit.record(actor=actor, action="close", entity=ENTITY, entity_id=campaign_id, district_code=code,
                           before={"state": campaign["state"]}, after={"state": "closed", "summary": summary.strip()})
    return await get(code, campaign_id)


async def findings_for(principal: Principal, code: str) -> list[dict[str, Any]]:
    """Findings the principal may see and answer: about themself, or their organisation's staff.
    Only findings a supervisor has given (not records still waiting for a verdict)."""
    query = SampleItem.select().where((SampleItem.district_code == code) & (SampleItem.state != "pending"))
    conditions = []
    if principal.person_id is not None:
        conditions.append(SampleItem.person_id == principal.person_id)
    organizations = principal.organization_limit("supervision.finding.respond", code)
    if organizations:
        conditions.append(SampleItem.organization_id.is_in(sorted(organizations)))
    if not conditions:
        return []
    where = conditions[0] if len(conditions) == 1 else conditions[0] | conditions[1]
    rows = await query.where(where).order_by(SampleItem.id, ascending=False)
    return await _decorate([r for r in rows if may_answer(principal, code, r)])
