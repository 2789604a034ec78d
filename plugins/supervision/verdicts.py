"""A campaign's sampled records a page at a time, filtered by state or verdict, and
verdicts for several records at once.

A campaign can hold hundreds of records: the campaign page shows `PER_PAGE` of them, the
filter counts say how many each state holds, and a supervisor marks a whole selection
合格 in one request. That request is all or nothing: every record is checked first (in
this campaign, still waiting for a verdict), a refusal names each record it concerns
(`items.<id>`), and every record's move is audited on its own, in one transaction."""

from __future__ import annotations

from collections import Counter
from typing import Any

from core import audit, db
from core.dates import utc_now
from core.errors import ApiError, invalid
from plugins.supervision import campaigns, states
from plugins.supervision.tables import SampleItem

PER_PAGE = 20
MAX_BULK = 200
# Filter key → (中文, English, where-clause builder); the order is the order of the filter links.
FILTERS: dict[str, tuple[str, str, Any]] = {
    "pending": ("待评定", "Awaiting verdict", lambda: SampleItem.state == "pending"),
    "passed": ("合格", "Passed", lambda: SampleItem.verdict == "合格"),
    "doubtful": ("存疑", "Doubtful", lambda: SampleItem.verdict == "存疑"),
    "failed": ("不合格", "Failed", lambda: SampleItem.verdict == "不合格"),
    "open": ("待回复", "Awaiting answer", lambda: SampleItem.state == "open"),
    "answered": ("已回复", "Answered", lambda: SampleItem.state == "answered"),
    "closed": ("已结束", "Closed", lambda: SampleItem.state == "closed"),
}
_VERDICT_KEYS = {"合格": "passed", "存疑": "doubtful", "不合格": "failed"}


async def counts(campaign_id: int) -> dict[str, int]:
    """How many records each filter shows, and `all`."""
    out: Counter = Counter()
    for r in await SampleItem.select(SampleItem.state, SampleItem.verdict).where(SampleItem.campaign == campaign_id):
        out["all"] += 1
        out[r["state"]] += 1
        if r["verdict"] in _VERDICT_KEYS:
            out[_VERDICT_KEYS[r["verdict"]]] += 1
    return {key: out.get(key, 0) for key in ("all", *FILTERS)}


async def page(code: str, campaign_id: int, show: str | None, page_no: int,
               per_page: int = PER_PAGE) -> tuple[list[dict[str, Any]], int]:
    """One page of the campaign's records (by id) under filter `show`, and how many match."""
    await campaigns.get(code, campaign_id)
    where = [SampleItem.campaign == campaign_id]
    if show in FILTERS:
        where.append(FILTERS[show][2]())
    total = await SampleItem.count().where(*where)
    rows = await (SampleItem.select().where(*where).order_by(SampleItem.id)
                  .limit(per_page).offset((page_no - 1) * per_page))
    return await campaigns._decorate(rows), total


def _check(verdict: str, finding: str, item_ids: list[int]) -> list[tuple[str, str]]:
    errors = []
    if verdict not in campaigns.VERDICTS:
        errors.append(("verdict", "评定结果只能是 合格、存疑 或 不合格"))
    elif verdict != "合格" and not finding.strip():
        errors.append(("finding", "存疑或不合格时请写明发现的问题"))
    if not item_ids:
        errors.append(("item_ids", "请至少选择一条抽查记录"))
    elif len(item_ids) > MAX_BULK:
        errors.append(("item_ids", f"一次最多评定{MAX_BULK}条"))
    return errors


async def give_verdicts(code: str, campaign_id: int, actor: str, item_ids: list[int], verdict: str,
                        finding: str = "") -> list[dict[str, Any]]:
    """The same verdict for several records of one campaign, all or none."""
    ids = list(dict.fromkeys(item_ids))
    errors = _check(verdict, finding, ids)
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        campaign = await campaigns.get(code, campaign_id)
        if campaign["state"] != "sampled":
            raise ApiError(409, f"抽查当前为“{states.LABELS[campaign['state']]}”，不能再评定", "invalid_transition")
        rows = {r["id"]: r for r in await SampleItem.select(SampleItem.id, SampleItem.state).where(
            (SampleItem.campaign == campaign_id) & SampleItem.id.is_in(ids))}
        for item_id in ids:
            row = rows.get(item_id)
            if row is None:
                errors.append((f"items.{item_id}", f"记录 {item_id} 不属于本次抽查"))
            elif row["state"] != "pending":
                errors.append((f"items.{item_id}", f"已评定过（当前为“{states.LABELS[row['state']]}”），请取消勾选"))
        if errors:
            raise invalid(errors, f"{len(errors)}条记录不能评定，均未保存")
        values = {SampleItem.verdict: verdict, SampleItem.finding: finding.strip(), SampleItem.reviewed_by: actor,
                  SampleItem.reviewed_at: utc_now(), SampleItem.state: "open"}
        moved = await SampleItem.update(values).where(
            SampleItem.id.is_in(ids) & (SampleItem.state == "pending")).returning(SampleItem.id)
        if len(moved) != len(ids):  # someone judged one of them between the check and the update
            raise ApiError(409, "抽查记录已被他人修改，请刷新", "conflict")
        for item_id in ids:
            await audit.record(actor=actor, action="verdict", entity=campaigns.ITEM_ENTITY, entity_id=item_id,
                               district_code=code, before={"state": "pending"},
                               after={"state": "open", "verdict": verdict, "finding": finding.strip(),
                                      "reviewed_by": actor})
    rows = await SampleItem.select().where(SampleItem.id.is_in(ids)).order_by(SampleItem.id)
    return await campaigns._decorate(rows)
