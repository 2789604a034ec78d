"""Who may be assessed (社会组织评估, 民政部令第39号): a registered organisation — not a filed
community organisation, not deregistered or revoked — that is on no credit list (民政部令
第60号) and has held its registration for the district's `min_registered_years` full years
(default 2; 0 turns the condition off) on the assessment date."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.dates import add_years
from core.glossary import CREDIT_LISTS

CLOSED_STATUSES = {"deregistered": "已注销", "revoked": "已撤销"}
DEFAULT_MIN_REGISTERED_YEARS = 2


def eligibility_error(org: dict[str, Any], assessed_on: date, min_years: int) -> str | None:
    """Why the organisation may not be assessed on that day (民政部令第39号), or None."""
    name = org["name"]
    if org["status"] in CLOSED_STATUSES:
        return f"“{name}”{CLOSED_STATUSES[org['status']]}，不能评估"
    if org["status"] != "registered":
        return f"“{name}”是备案的社区社会组织，未经登记：只有已登记的社会组织可以参加评估"
    if org["credit_status"] in CREDIT_LISTS:  # credit_status follows the open list entries
        return f"“{name}”已被列入{CREDIT_LISTS[org['credit_status']][0]}，不能参加评估"
    if min_years and org["registered_on"] is None:
        return f"“{name}”没有登记日期，无法核实登记已满{min_years}年（民政部令第39号），请先补全登记信息"
    if min_years and add_years(org["registered_on"], min_years) > assessed_on:
        return (f"“{name}”于{org['registered_on']}登记，到评估日期{assessed_on}登记未满{min_years}年："
                f"参加评估须取得登记证书满{min_years}年（民政部令第39号）")
    return None
