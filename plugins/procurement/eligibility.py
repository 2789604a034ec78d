"""Capacity-based eligibility (资格审查): may this organisation bid on this project? Every
failed condition is a named reason with a stable code (glossary.REFUSALS) and a Chinese
message saying what was found and what the project asks:

- `kind`: its registry legal type is one the project accepts (never a body 财政部令第102号
  第八条 bars: budget-funded mass organisations, 公益一类 units);
- `status`: registered (登记), not only filed (备案), deregistered or revoked;
- `credit`: on neither credit list (民政部令第60号; the registry's open CreditListing rows);
- `grade`: assessed at least the project's minimum grade (1A..5A);
- `workers`: at least N certified social workers on staff (the talent module counts them
  through the `organization_facts` hook; unknown counts as none);
- `inspection`: no failed annual inspection (不合格 or 未参检) in the last two years;
- `past_score`: the mean outcome score of its past projects here is at least X (no past score
  passes unless the project requires one).

On a project for new providers, a graduated incubatee (the incubation module says so through
the same hook) is spared the grade and past-score conditions. The answer also says whether the
organisation is graded 3A or above (ranked first where the district's rank_3a_first is on)."""

from __future__ import annotations

from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Avg, Count

from core import db
from core.context import AppContext
from core.errors import not_found
from core.facts import organization_facts
from core.glossary import CREDIT_LISTS, INSPECTION_RESULTS, LEGAL_TYPES, ORG_STATUSES
from core.tables import AnnualInspection, CreditListing, Organization
from plugins.procurement import terms
from plugins.procurement.glossary import (
    BARRED_KINDS,
    FAILED_INSPECTIONS,
    GRADE_ORDER,
    INSPECTION_YEARS,
    PRIORITY_GRADE,
)
from plugins.procurement.tables import Award


def grade_rank(grade: str | None) -> int:
    return GRADE_ORDER.index(grade) + 1 if grade in GRADE_ORDER else 0


def kind_label(kind: str) -> str:
    return LEGAL_TYPES.get(kind, (BARRED_KINDS.get(kind, kind),))[0]


async def past_score(organization_id: int) -> tuple[float | None, int]:
    """The mean outcome score of the organisation's evaluated projects here, and how many."""
    row = (await Award.select(Avg(Award.project.outcome_score), Count(Award.project.outcome_score)).where(
        (Award.organization_id == organization_id) & Award.project.outcome_score.is_not_null()).first()) or {}
    values = list(row.values())
    return (round(float(values[0]), 2) if values and values[0] is not None else None), int(values[1] if values else 0)


async def _failed_inspections(organization_id: int) -> list[dict[str, Any]]:
    since = date.today().year - INSPECTION_YEARS
    return await AnnualInspection.select(AnnualInspection.year, AnnualInspection.result).where(
        (AnnualInspection.organization == organization_id) & (AnnualInspection.year >= since)
        & AnnualInspection.result.is_in(list(FAILED_INSPECTIONS))).order_by(AnnualInspection.year)


async def _open_listings(organization_id: int) -> list[dict[str, Any]]:
    return await CreditListing.select(CreditListing.credit_list, CreditListing.listed_on).where(
        (CreditListing.organization == organization_id) & CreditListing.removed_on.is_null()).order_by(
        CreditListing.listed_on)


async def check(ctx: AppContext, code: str, project: dict[str, Any], organization_id: int) -> dict[str, Any]:
    """The eligibility of one organisation of the district for `project` (a project row); its
    reads (here and in the modules answering the fact hooks) share one connection."""
    async with db.read_together():
        return await _check(ctx, code, project, organization_id)


async def _check(ctx: AppContext, code: str, project: dict[str, Any], organization_id: int) -> dict[str, Any]:
    org = await Organization.select().where(
        (Organization.id == organization_id) & (Organization.district_code == code)).first()
    if org is None:
        raise not_found("社会组织")
    rules = terms.eligibility_of(project)
    facts = (await organization_facts(ctx, code, [organization_id]))[organization_id]
    score, scored = await past_score(organization_id)
    newcomer = rules["for_new_providers"] and bool(facts.get("incubation_graduate"))
    reasons: list[tuple[str, str]] = []
    reasons += _kind_and_status(org, rules)
    listings = await _open_listings(organization_id)
    if listings or org["credit_status"] != "normal":
        named = "、".join(f"{CREDIT_LISTS.get(x['credit_list'], (x['credit_list'],))[0]}（{x['listed_on']}起）"
                         for x in listings) or CREDIT_LISTS.get(org["credit_status"], (org["credit_status"],))[0]
        reasons.append(("credit", f"已列入{named}，列入信用名单的组织不能承接政府购买服务（民政部令第60号）"))
    minimum = rules["min_grade"]
    if minimum and not newcomer and grade_rank(org["grade"]) < grade_rank(minimum):
        reasons.append(("grade", f"评估等级为{org['grade'] or '未评估'}，本项目要求{minimum}及以上"))
    workers = facts.get("certified_workers")
    if rules["min_workers"] and (workers or 0) < rules["min_workers"]:
        found = f"在岗持证社工{workers}人" if workers is not None else "无法核实持证社工人数（本区县未启用社工人才库）"
        reasons.append(("workers", f"{found}，本项目要求至少{rules['min_workers']}人"))
    for failed in await _failed_inspections(organization_id):
        reasons.append(("inspection", f"{failed['year']}年度年检结论为“{INSPECTION_RESULTS[failed['result']][0]}”，"
                                      f"近{INSPECTION_YEARS}年年检不合格的组织不能承接"))
    reasons += _past(rules, score, newcomer)
    return {"organization_id": organization_id, "organization_name": org["name"], "eligible": not reasons,
            "reasons": [{"code": c, "message": m} for c, m in reasons],
            "grade": org["grade"], "priority_grade": grade_rank(org["grade"]) >= grade_rank(PRIORITY_GRADE),
            "certified_workers": workers, "incubation_graduate": facts.get("incubation_graduate"),
            "past_score": score, "past_projects": scored, "new_provider_exemption": newcomer}


def _kind_and_status(org: dict[str, Any], rules: dict[str, Any]) -> list[tuple[str, str]]:
    reasons = []
    kind = org["legal_type"]
    if kind in BARRED_KINDS:
        reasons.append(("kind", f"{BARRED_KINDS[kind]}不得作为政府购买服务的承接主体（财政部令第102号第八条）"))
    elif kind not in rules["allowed_kinds"]:
        allowed = "、".join(kind_label(k) for k in rules["allowed_kinds"])
        reasons.append(("kind", f"组织类型为“{kind_label(kind)}”，本项目只接受：{allowed}"))
    status = org["status"]
    if status != "registered":
        label = ORG_STATUSES.get(status, (status,))[0]
        why = "仅备案、未依法登记" if status == "filed" else f"登记状态为“{label}”"
        reasons.append(("status", f"{why}，承接主体须为依法登记且存续的社会组织（财政部令第102号第八条）"))
    return reasons


def _past(rules: dict[str, Any], score: float | None, newcomer: bool) -> list[tuple[str, str]]:
    minimum = rules["min_past_score"]
    if minimum is None or newcomer:
        return []
    if score is None:
        if rules["require_past_score"]:
            return [("past_score", f"没有以往项目的绩效评价得分，本项目要求有得分且不低于{minimum:g}分")]
        return []
    if score < minimum:
        return [("past_score", f"以往项目绩效评价平均得分{score:g}分，本项目要求不低于{minimum:g}分")]
    return []


async def for_project(ctx: AppContext, code: str, project_id: int, organization_id: int) -> dict[str, Any]:
    """The dry run staff ask for (GET …/eligibility?organization_id=)."""
    from plugins.procurement import projects

    async with db.read_together():
        return await check(ctx, code, await projects.get_row(code, project_id), organization_id)

