"""Procurement's sections of a community's and an organisation's profile (hook
`register_profile_sections`) — the loop's middle: need → purchase project → organisation.

- community (public): the purchase projects delivering there (a project serves a community when
  its 12-digit code is among the project's `communities`), each with its stage, the organisation
  it was awarded to and its outcome score once evaluated; and the residents' needs those projects
  name, looked up through the core hook `offer_needs` (never the needs module's tables), each
  linking to the need's page; and the organisations delivering them (a project in delivery or
  past it), each linking to its profile — the loop's next step. Projects are public from planning
  on (OCDS publication policy).
- organisation (public): the projects awarded to it, with the award price, stage and the outcome
  total and grade of each completed evaluation; their count and mean outcome score.
- organisation bids (`procurement.read`): every bid the organisation made whose deadline has
  passed (bids stay sealed before it, for readers too — bids.visible), with its state and price.

A project links to its page (/districts/{code}/procurement/projects/{id}) for procurement readers;
anyone else, who may not open that page, gets the project's public OCDS record instead."""

from __future__ import annotations

import json
from statistics import mean

from core.contrib import ProfileSection
from core.dates import beijing_time
from core.tables import Organization
from plugins.procurement import MODULE, needs, states, terms
from plugins.procurement.evaluation_tables import ProjectEvaluation
from plugins.procurement.glossary import BID_STATES
from plugins.procurement.tables import Award, Bid, PurchaseProject

READ = "procurement.read"
DELIVERING = ("in_delivery", "evaluated", "closed")


def _project_url(code: str, row: dict, principal) -> str:
    if principal.can(READ, code) or not row.get("ocid"):
        return f"/districts/{code}/procurement/projects/{row['id']}"
    return f"/opendata/ocds/records/{row['ocid']}"


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f} 元"


def _outcome(evaluation: dict | None) -> str:
    if not evaluation or evaluation["total"] is None:
        return ""
    return f"绩效评价 {evaluation['total']:.1f} 分" + (f"（{evaluation['grade']}）" if evaluation["grade"] else "")


async def _names(code: str, ids) -> dict[int, str]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    rows = await Organization.select(Organization.id, Organization.name).where(
        (Organization.district_code == code) & Organization.id.is_in(ids))
    return {r["id"]: r["name"] for r in rows}


async def _evaluations(code: str, project_ids: list[int]) -> dict[int, dict]:
    if not project_ids:
        return {}
    rows = await ProjectEvaluation.select(ProjectEvaluation.project, ProjectEvaluation.total,
                                          ProjectEvaluation.grade).where(
        (ProjectEvaluation.district_code == code) & (ProjectEvaluation.state == "completed")
        & ProjectEvaluation.project.is_in(project_ids))
    return {r["project"]: r for r in rows}


def _mean_fact(label: str, evaluations: list[dict]) -> list:
    totals = [e["total"] for e in evaluations if e["total"] is not None]
    return [label, f"{mean(totals):.1f} 分（{len(totals)} 个项目）" if totals else "尚无"]


def _serves(row: dict, community: str) -> bool:
    try:
        return community in json.loads(row["communities"] or "[]")
    except ValueError:
        return False


async def community_projects(ctx, code: str, key: str, principal) -> dict | None:
    rows = await PurchaseProject.select(
        PurchaseProject.id, PurchaseProject.ocid, PurchaseProject.title, PurchaseProject.stage,
        PurchaseProject.communities, PurchaseProject.needs).where(
        (PurchaseProject.district_code == code) & PurchaseProject.communities.like(f'%{json.dumps(key)}%')
    ).order_by(PurchaseProject.id, ascending=False)
    rows = [r for r in rows if _serves(r, key)]
    ids = [r["id"] for r in rows]
    awards = {a["project"]: a["organization_id"] for a in await Award.select(
        Award.project, Award.organization_id).where((Award.district_code == code) & Award.project.is_in(ids or [0]))}
    names = await _names(code, awards.values())
    evaluations = await _evaluations(code, ids)
    items = []
    for r in rows:
        meta = [states.label(r["stage"])]
        if r["id"] in awards:
            meta.append(f"承接：{names.get(awards[r['id']], '—')}")
        meta.append(_outcome(evaluations.get(r["id"])))
        items.append({"title": r["title"], "url": _project_url(code, r, principal),
                      "meta": " · ".join(m for m in meta if m)})
    delivering: dict[int, list[str]] = {}
    for r in rows:
        if r["id"] in awards and r["stage"] in DELIVERING:
            delivering.setdefault(awards[r["id"]], []).append(r["title"])
    items += [{"title": names[org], "url": f"/districts/{code}/organizations/{org}/profile",
               "meta": f"承接组织 · {'、'.join(titles)}"}
              for org, titles in sorted(delivering.items(), key=lambda kv: names.get(kv[0], "")) if org in names]
    answering: dict[str, list[str]] = {}
    for r in rows:
        for ref in json.loads(r["needs"] or "[]"):
            answering.setdefault(ref, []).append(r["title"])
    offered = await needs.offered(ctx, code, sorted(answering)) if answering else []
    for need in offered or []:
        items.append({"title": need["title"], "url": need["url"],
                      "meta": f"居民需求 · {need['status_label']} · 回应项目：{'、'.join(answering[need['ref']])}"})
    facts = [["购买服务项目", f"{len(rows)} 个"],
             ["实施中或已完成", f"{sum(1 for r in rows if r['stage'] in DELIVERING)} 个"],
             _mean_fact("平均绩效评价得分", list(evaluations.values()))]
    if offered is not None:
        facts.append(["项目回应的居民需求", f"{len(offered)} 条"])
    loop = [["project", f"{len(rows)} 个"], ["organization", f"{len(delivering)} 家"]]
    return {"facts": facts, "items": items, "loop": loop}


async def organization_projects(ctx, code: str, key: str, principal) -> dict | None:
    awards = await Award.select(Award.project, Award.price_fen).where(
        (Award.district_code == code) & (Award.organization_id == int(key))).order_by(Award.id, ascending=False)
    ids = [a["project"] for a in awards]
    projects = {p["id"]: p for p in await PurchaseProject.select(
        PurchaseProject.id, PurchaseProject.ocid, PurchaseProject.title, PurchaseProject.stage).where(
        (PurchaseProject.district_code == code) & PurchaseProject.id.is_in(ids or [0]))}
    evaluations = await _evaluations(code, ids)
    items = []
    for a in awards:
        project = projects.get(a["project"])
        if project is None:
            continue
        meta = [states.label(project["stage"]), f"中标金额 {_yuan(a['price_fen'])}", _outcome(evaluations.get(a["project"]))]
        items.append({"title": project["title"], "url": _project_url(code, project, principal),
                      "meta": " · ".join(m for m in meta if m)})
    facts = [["承接购买服务项目", f"{len(items)} 个"], ["已绩效评价", f"{len(evaluations)} 个"],
             _mean_fact("平均绩效评价得分", list(evaluations.values()))]
    return {"facts": facts, "items": items}


async def organization_bids(ctx, code: str, key: str, principal) -> dict | None:
    bids = await Bid.select(Bid.id, Bid.project, Bid.state, Bid.price_fen, Bid.submitted_at).where(
        (Bid.district_code == code) & (Bid.organization_id == int(key))).order_by(Bid.id, ascending=False)
    projects = {p["id"]: p for p in await PurchaseProject.select(
        PurchaseProject.id, PurchaseProject.ocid, PurchaseProject.title, PurchaseProject.bid_deadline).where(
        (PurchaseProject.district_code == code) & PurchaseProject.id.is_in([b["project"] for b in bids] or [0]))}
    won = {a["bid"] for a in await Award.select(Award.bid).where(
        (Award.district_code == code) & (Award.organization_id == int(key)))}
    opened = [b for b in bids if b["project"] in projects and terms.deadline_passed(projects[b["project"]])]
    items = []
    for b in opened:
        project = projects[b["project"]]
        state = "中标" if b["id"] in won else BID_STATES.get(b["state"], (b["state"],))[0]
        items.append({"title": project["title"], "url": _project_url(code, project, principal),
                      "meta": f"{state} · 报价 {_yuan(b['price_fen'])} · {beijing_time(b['submitted_at'])}"})
    facts = [["投标（已截止）", f"{len(opened)} 次"], ["中标", f"{sum(1 for b in opened if b['id'] in won)} 次"]]
    return {"facts": facts, "items": items}


SECTIONS = [
    ProfileSection(MODULE, "community", "procurement.community", "购买服务项目", "Purchase projects delivered here",
                   community_projects, order=40),
    ProfileSection(MODULE, "organization", "procurement.organization", "承接的购买服务项目",
                   "Purchase projects awarded", organization_projects, order=40),
    ProfileSection(MODULE, "organization", "procurement.bids", "投标记录", "Bids", organization_bids,
                   access=READ, order=41),
]
