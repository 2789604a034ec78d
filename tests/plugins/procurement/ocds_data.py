"""A generated set of purchase projects for the OCDS tests: every path through the stages
(each prefix of planning → closed, cancellation from planning, tender, evaluation and award,
failure in tender and evaluation), written straight to the tables with their stage history
spread over days, so dates, `since` and paging have something to bite on. A few buyers are
registry organisations with a credit code (their parties carry a CN-USCC identifier)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from core.tables import Organization
from plugins.procurement import states
from plugins.procurement.glossary import METHODS, PRIORITY_FIELDS
from plugins.procurement.tables import PurchaseProject, StageChange

PATHS = [list(states.ORDER[:n]) for n in range(1, len(states.ORDER) + 1)] + [
    ["planning", "cancelled"], ["planning", "tender", "cancelled"],
    ["planning", "tender", "evaluation", "cancelled"], ["planning", "tender", "evaluation", "awarded", "cancelled"],
    ["planning", "tender", "unsuccessful"], ["planning", "tender", "evaluation", "unsuccessful"],
]
START = datetime(2025, 3, 1, 1, 30, tzinfo=timezone.utc)
MARK = "（生成）"


async def generate(code: str, count: int, prefix: str = "ocds-sanshe") -> list[int]:
    """`count` projects in district `code` (ids returned), cycling through PATHS, methods and fields."""
    registry = await Organization.select(Organization.name).where(
        (Organization.district_code == code) & Organization.uscc.is_not_null()).order_by(Organization.id).first()
    methods = list(METHODS)
    ids = []
    for i in range(count):
        created = START + timedelta(hours=7 * i)
        method = methods[i % len(methods)]
        buyer = registry["name"] if registry and i % 10 == 3 else f"街道办事处{i % 4}号"
        [row] = await PurchaseProject.insert(PurchaseProject(
            district_code=code, title=f"生成项目{i}{MARK}", buyer=buyer, field=PRIORITY_FIELDS[i % 5],
            target_group="居民", budget_fen=100_000 + i * 12_345, period_start=date(2025 + i % 3, 1, 1),
            period_end=date(2025 + i % 3, 12, 31), method=method,
            method_reason="唯一具备资质的承接主体" if method == "单一来源" else "",
            indicators=json.dumps([{"name": "服务人次", "unit": "人次", "target": 100 + i, "kind": "output"}]),
            created_by=f"{code}-admin", created_at=created, updated_at=created)).returning(PurchaseProject.id)
        pid = row["id"]
        path = PATHS[i % len(PATHS)]
        at = created
        for step, (left, to) in enumerate(zip(path, path[1:]), start=1):
            at = created + timedelta(days=3 * step, minutes=i)
            reason = f"第{i}号项目：{'终止原因' if to == 'cancelled' else '采购失败原因' if to == 'unsuccessful' else '推进'}"
            await StageChange.insert(StageChange(project=pid, from_stage=left, to_stage=to, reason=reason,
                                                 actor=f"{code}-admin", at=at))
        await PurchaseProject.update({PurchaseProject.ocid: f"{prefix}-{code}-{pid}", PurchaseProject.stage: path[-1],
                                      PurchaseProject.stage_reason: reason if len(path) > 1 else "",
                                      PurchaseProject.updated_at: at}).where(PurchaseProject.id == pid)
        ids.append(pid)
    return ids
