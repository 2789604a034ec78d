"""Generated purchase projects in bulk for bench/procurement.py: every path through the stages
of the OCDS tests' generator (tests/plugins/procurement/ocds_data.py: PATHS, START, MARK) in a
mature mix, written straight to the tables in one transaction, CHUNK rows per insert, with their
stage history spread over realistic intervals (a three-week bid window, a year of service). With
`delivery=True` the projects also get what their stage implies (_procurement_delivery.py): bids,
the award, the contract, milestones, payments and the evaluation.

Why a second generator: the tests' one writes row by row a small set that covers each OCDS
case (a withdrawn bid, an award not to the top bid, a late milestone); this one writes ten
thousand projects in about a minute, which row by row would take far longer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core import db
from core.tables import Organization
from plugins.procurement import states
from plugins.procurement.glossary import METHODS, PRIORITY_FIELDS
from plugins.procurement.tables import PurchaseProject, StageChange
from tests.plugins.procurement.ocds_data import MARK, PATHS, START

# A district some years in: most projects have run their course (closed), several are being
# delivered; about six releases per project (bench/procurement.py).
MATURE_PATHS = PATHS + [list(states.ORDER)] * 12 + [list(states.ORDER[:6])] * 3
CHUNK = 500
# Days from the move before to the move into each stage.
STEP_DAYS = {"tender": 2, "evaluation": 21, "awarded": 7, "contracted": 10, "in_delivery": 5, "evaluated": 340,
             "closed": 25, "cancelled": 6, "unsuccessful": 4}
NAMES = ("社区居家养老服务", "残疾人康复服务", "社区矫正帮扶", "婚姻家庭辅导", "青少年心理支持")


@dataclass
class Planned:
    """One project to write: its row, its path, its moves (from, to, when, reason)."""

    index: int
    row: PurchaseProject
    path: list[str]
    moves: list[tuple[str, str, datetime, str]]
    project_id: int = 0

    def reached(self, stage: str) -> datetime | None:
        return next((at for _, to, at, _ in self.moves if to == stage), None)


def _eligibility(i: int) -> str:
    rules = {"min_grade": "3A" if i % 3 == 0 else None, "min_workers": i % 4,
             "min_past_score": 70.0 if i % 5 == 0 else None}
    return json.dumps({k: v for k, v in rules.items() if v is not None})


def plan(code: str, i: int, path: list[str], created: datetime, buyer: str) -> Planned:
    """Project number `i` (its title carries the number) on `path`, created at `created`."""
    method = list(METHODS)[i % len(METHODS)]
    moves, at = [], created
    for left, to in zip(path, path[1:]):
        at += timedelta(days=STEP_DAYS[to], minutes=i % 600)
        why = "终止原因" if to == "cancelled" else "采购失败原因" if to == "unsuccessful" else "推进"
        moves.append((left, to, at, f"第{i}号项目：{why}"))
    start = (created + timedelta(days=45)).date()
    budget = (50 + (i * 37) % 750) * 1000 * 100  # 5万 to 80万 yuan, in fen
    tender_at = next((when for _, to, when, _ in moves if to == "tender"), None)
    row = PurchaseProject(
        district_code=code, title=f"生成项目{i}{NAMES[i % 5]}{MARK}", buyer=buyer, field=PRIORITY_FIELDS[i % 5],
        target_group="居民", budget_fen=budget, period_start=start, period_end=date(start.year + 1, start.month, 1)
        - timedelta(days=1), method=method, method_reason="唯一具备资质的承接主体" if method == "单一来源" else "",
        indicators=json.dumps([{"name": "服务人次", "unit": "人次", "target": 100 + i % 2000, "kind": "output"},
                               {"name": "满意度", "unit": "%", "target": 90, "kind": "outcome"}]),
        eligibility=_eligibility(i), bid_deadline=tender_at + timedelta(days=20) if tender_at else None,
        stage=path[-1], stage_reason=moves[-1][3] if moves else "",
        outcome_score=float(70 + (i * 7) % 26) if "evaluated" in path else None,
        created_by=f"{code}-admin", created_at=created, updated_at=at)
    return Planned(i, row, path, moves)


async def generate(code: str, count: int, prefix: str = "ocds-sanshe", *, paths: list[list[str]] = PATHS,
                   first: int = 0, start: datetime = START, spacing: timedelta = timedelta(hours=7),
                   delivery: bool = False) -> list[int]:
    """`count` projects in district `code` (ids returned), numbered from `first`, created `spacing`
    apart from `start` (by number), cycling through `paths`, methods and fields."""
    import _procurement_delivery as generated_delivery

    registry = await Organization.select(Organization.name).where(
        (Organization.district_code == code) & Organization.uscc.is_not_null()).order_by(Organization.id).first()
    suppliers = await generated_delivery.suppliers(code) if delivery else []
    ids: list[int] = []
    async with db.write_transaction():
        for low in range(first, first + count, CHUNK):
            batch = [plan(code, i, paths[i % len(paths)], start + spacing * i,
                          registry["name"] if registry and i % 10 == 3 else f"街道办事处{i % 4}号")
                     for i in range(low, min(first + count, low + CHUNK))]
            await _insert(code, prefix, batch)
            if delivery:
                await generated_delivery.add(code, batch, suppliers)
            ids += [p.project_id for p in batch]
    return ids


async def _insert(code: str, prefix: str, batch: list[Planned]) -> None:
    """The projects (their ids read back by title), their ocids, their stage changes."""
    rows = await PurchaseProject.insert(*[p.row for p in batch]).returning(PurchaseProject.id, PurchaseProject.title)
    by_title = {r["title"]: r["id"] for r in rows}
    for p in batch:
        p.project_id = by_title[p.row.title]
    await PurchaseProject.raw(
        "UPDATE procurement_project SET ocid = {} || CAST(id AS TEXT) WHERE ocid IS NULL AND id >= {} AND id <= {}",
        f"{prefix}-{code}-", min(by_title.values()), max(by_title.values()))
    changes = [StageChange(project=p.project_id, from_stage=left, to_stage=to, reason=reason, actor=f"{code}-admin",
                           at=at) for p in batch for left, to, at, reason in p.moves]
    for low in range(0, len(changes), CHUNK):
        await StageChange.insert(*changes[low:low + CHUNK])
