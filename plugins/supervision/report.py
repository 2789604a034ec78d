"""The report of a closed campaign: its facts, the verdict counts, every sampled record
with its finding, answer and conclusion — as XLSX (two sheets) and for the printable page."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.context import AppContext
from core.errors import ApiError
from core.spreadsheets import xlsx_row
from plugins.supervision import campaigns, states

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = [("record_id", "记录编号", 10), ("day", "日期", 12), ("person_name", "社工", 10),
           ("organization_name", "机构", 24), ("summary", "记录摘要", 40), ("verdict", "评定", 8),
           ("finding", "发现的问题", 40), ("response", "回复", 40), ("close_note", "处理结论", 30),
           ("evidence", "佐证材料", 10), ("closed_by", "结束人", 12)]


async def data(ctx: AppContext, code: str, campaign_id: int) -> dict[str, Any]:
    campaign = await campaigns.get(code, campaign_id)
    if campaign["state"] != "closed":
        raise ApiError(409, "抽查关闭后才能生成报告", "not_closed")
    rows = await campaigns.items(code, campaign_id)
    source = campaigns.sources(ctx).get(campaign["source"])
    verdicts = Counter(r["verdict"] for r in rows)
    facts = [
        ("抽查名称", campaign["title"]), ("区县", ctx.districts[code].name),
        ("记录来源", source.title if source else campaign["source"]),
        ("抽查期间", f"{campaign['period_start']} 至 {campaign['period_end']}"),
        ("范围", campaigns.SCOPES[campaign["scope"]] + (f"（{campaign['scope_id']}）" if campaign["scope_id"] else "")),
        ("抽样方式", campaigns.SAMPLING[campaign["sampling"]]
         + ("" if campaign["sampling"] == "flagged" else f"（{campaign['sample_size']:g}"
            + ("%）" if campaign["sampling"] == "percent" else "条）"))),
        ("随机种子", str(campaign["seed"])), ("范围内记录数", str(campaign["population"])),
        ("抽取记录数", str(len(rows))),
        ("评定结果", "，".join(f"{v} {verdicts.get(v, 0)} 条" for v in campaigns.VERDICTS)),
        ("状态", states.LABELS[campaign["state"]]), ("发起人", campaign["created_by"]),
        ("结束人", campaign["closed_by"]), ("结束时间", str(campaign["closed_at"] or "")[:19]),
        ("抽查结论", campaign["summary"]),
    ]
    return {"campaign": campaign, "facts": facts, "items": rows, "verdicts": dict(verdicts)}


def _cell(row: dict[str, Any], key: str) -> Any:
    value = row.get(key)
    if key == "evidence":
        return len(value or [])
    return "" if value is None else str(value) if key == "day" else value


def xlsx(report: dict[str, Any]) -> bytes:
    book = Workbook()
    facts = book.active
    facts.title = "概况"
    facts.column_dimensions["A"].width = 16
    facts.column_dimensions["B"].width = 80
    for label, value in report["facts"]:
        facts.append(xlsx_row(facts, [label, value]))
        facts.cell(facts.max_row, 1).font = Font(bold=True)
        facts.cell(facts.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    detail = book.create_sheet("抽查明细")
    detail.append([title for _, title, _ in COLUMNS])
    for i, (_, _, width) in enumerate(COLUMNS, start=1):
        detail.column_dimensions[detail.cell(1, i).column_letter].width = width
        detail.cell(1, i).font = Font(bold=True)
    for row in report["items"]:
        detail.append(xlsx_row(detail, [_cell(row, key) for key, _, _ in COLUMNS]))
    detail.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
