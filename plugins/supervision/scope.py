"""Picking a campaign's scope by name, and naming it again on the campaign page.

Organisations come from the shared registry. Workers are whoever the chosen record source
says its records are about (`subject`, with the registry `person_id`), named from the
registry: supervision knows workers only through the `register_auditable_records` hook, so
a worker can be picked when the source has records of theirs in the period."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.context import AppContext
from core.tables import Organization, Person
from plugins.supervision import campaigns
from plugins.supervision.tables import SampleItem

LIMIT = 10


@dataclass
class Candidate:
    id: int
    name: str
    detail: str


async def _records(ctx: AppContext, code: str, source: str | None, start: date | None,
                   end: date | None) -> list[dict[str, Any]] | None:
    """The source's records in the period (district-wide), or None when no source/period is known."""
    found = campaigns.sources(ctx).get(source or "")
    if found is None or start is None or end is None or end < start or (end - start).days > campaigns.MAX_PERIOD_DAYS:
        return None
    return [r async for r in found.fetch(code, start, end)]


async def candidates(ctx: AppContext, code: str, scope: str, q: str, source: str | None = None,
                     start: date | None = None, end: date | None = None) -> list[Candidate]:
    """Up to LIMIT organisations or workers of the district whose name contains `q`, with how
    many of the source's records in the period concern each."""
    q = q.strip()
    if not q or scope not in ("organization", "worker"):
        return []
    records = await _records(ctx, code, source, start, end)
    if scope == "organization":
        orgs = await (Organization.select(Organization.id, Organization.name).where(
            (Organization.district_code == code) & Organization.name.like(f"%{_like(q)}%"))
            .order_by(Organization.name).limit(LIMIT))
        per_org = Counter(r.get("organization_id") for r in records or [])
        return [Candidate(o["id"], o["name"], "" if records is None else f"期间内{per_org.get(o['id'], 0)}条记录")
                for o in orgs]
    if records is None:
        return []
    per_worker = Counter(r["subject"] for r in records if r.get("subject") is not None)
    person_of = {r["subject"]: r.get("person_id") for r in records if r.get("subject") is not None}
    names = {p["id"]: p["name"] for p in await Person.select(Person.id, Person.name).where(
        Person.id.is_in(sorted({p for p in person_of.values() if p}) or [0]) & Person.name.like(f"%{_like(q)}%"))}
    orgs = await _org_names({r.get("organization_id") for r in records if r.get("subject") in person_of})
    org_of = {r["subject"]: r.get("organization_id") for r in records if r.get("subject") is not None}
    found = [Candidate(worker, names[person], " · ".join(filter(None, [
        orgs.get(org_of.get(worker)), f"期间内{per_worker[worker]}条记录"])))
        for worker, person in person_of.items() if person in names]
    return sorted(found, key=lambda c: (c.name, c.id))[:LIMIT]


def _like(text: str) -> str:
    """`text` with LIKE's wildcards taken literally (so "%" finds a percent sign, not everything)."""
    return text.replace("%", "").replace("_", "")


async def _org_names(ids: set[Any]) -> dict[int, str]:
    wanted = sorted(i for i in ids if isinstance(i, int))
    return {o["id"]: o["name"] for o in await Organization.select(Organization.id, Organization.name).where(
        Organization.id.is_in(wanted or [0]))}


async def name(ctx: AppContext, campaign: dict[str, Any]) -> str:
    """The organisation's or worker's name a campaign is scoped to ("" for the whole district)."""
    if campaign["scope"] == "organization" and campaign["scope_id"]:
        return (await _org_names({campaign["scope_id"]})).get(campaign["scope_id"], "")
    if campaign["scope"] != "worker" or not campaign["scope_id"]:
        return ""
    person = await SampleItem.select(SampleItem.person_id).where(
        (SampleItem.campaign == campaign["id"]) & (SampleItem.subject == campaign["scope_id"])).first()
    if person is None:  # a draft: ask the source who the worker is
        records = await _records(ctx, campaign["district_code"], campaign["source"], campaign["period_start"],
                                 campaign["period_end"]) or []
        person = next(({"person_id": r.get("person_id")} for r in records if r.get("subject") == campaign["scope_id"]),
                      None)
    if person is None or not person["person_id"]:
        return ""
    row = await Person.select(Person.name).where(Person.id == person["person_id"]).first()
    return row["name"] if row else ""
