"""Supervision rules over the shared registry, contributed by core (module "supervision",
so they run where a district enables supervision):

- an organisation on the 活动异常名录 for 2 years or more and still not on the
  严重违法失信名单 should be moved there (民政部令第60号); flagged once per entry.
"""

from __future__ import annotations

from datetime import date

from core.contrib import SupervisionRule
from core.dates import add_years
from core.tables import CreditListing, Organization

ABNORMAL_YEARS = 2


async def abnormal_for_two_years(district_code: str, today: date, settings: dict):
    """Open abnormal-list entries listed at least ABNORMAL_YEARS full years ago, of organisations
    not already on the serious list. The key names the entry, so it is flagged once; a new
    listing after a removal is a new entry and a new flag."""
    rows = await CreditListing.select(CreditListing.id, CreditListing.organization, CreditListing.credit_list,
                                      CreditListing.listed_on).where(
        (CreditListing.district_code == district_code) & CreditListing.removed_on.is_null()).order_by(
        CreditListing.id)
    serious = {r["organization"] for r in rows if r["credit_list"] == "serious"}
    due = [r for r in rows if r["credit_list"] == "abnormal" and r["organization"] not in serious
           and add_years(r["listed_on"], ABNORMAL_YEARS) <= today]
    if not due:
        return
    names = {o["id"]: o["name"] for o in await Organization.select(Organization.id, Organization.name).where(
        Organization.id.is_in(sorted({r["organization"] for r in due})))}
    for row in due:
        org_id = row["organization"]
        yield {"key": f"registry.abnormal_two_years:{row['id']}", "record_type": "organization",
               "record_id": str(org_id), "subject": None, "organization_id": org_id, "severity": "high",
               "message": f"“{names.get(org_id, org_id)}”自{row['listed_on']}列入活动异常名录，已满{ABNORMAL_YEARS}年"
                          f"（{(today - row['listed_on']).days}天）仍未移出：依民政部令第60号应列入严重违法失信名单，"
                          "请核实后办理"}


RULES = [SupervisionRule("supervision", "registry.abnormal_two_years", "列入活动异常名录满2年未移出", "high",
                         abnormal_for_two_years)]
