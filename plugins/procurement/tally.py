"""The evaluation's result: each submitted bid's price score (lowest-price formula), the
weighted score of every member who scored it, its total (the mean over members not recused for
it) and its rank — graded 3A and above first where the district's rank_3a_first is on, then by
total, then by lower price. The evaluation is complete when every member has declared and every
member not recused for a bid has scored it (and each bid has at least one score); only then can
the project be awarded."""

from __future__ import annotations

from typing import Any

from core.tables import Organization
from plugins.procurement import panel, terms
from plugins.procurement.eligibility import PRIORITY_GRADE, grade_rank
from plugins.procurement.tables import Award, Bid


def price_scores(bids: list[dict[str, Any]]) -> dict[int, float]:
    """Lowest price / price × 100 for each bid (综合评分法 价格分, 财政部令第87号 第五十五条)."""
    if not bids:
        return {}
    lowest = min(b["price_fen"] for b in bids)
    return {b["id"]: round(lowest / b["price_fen"] * 100, 2) for b in bids}


def weighted(weights: dict[str, int], price: float, score: dict[str, Any]) -> float:
    parts = {"price": price, "plan": score["plan"], "capacity": score["capacity"], "past": score["past"]}
    return round(sum(weights[k] * parts[k] for k in weights) / 100, 2)


async def results(project: dict[str, Any], rank_3a_first: bool) -> dict[str, Any]:
    """The ranking of the project's submitted bids with everything the award needs. Sealed
    (no bid, no bidder, no price) until the bid deadline has passed, as `bids.visible` is."""
    sealed = not terms.deadline_passed(project)
    bids = [] if sealed else await Bid.select().where(
        (Bid.project == project["id"]) & (Bid.state == "submitted")).order_by(Bid.id)
    members = await panel.members(project["id"])
    by_member = {m["id"]: m for m in members}
    scores = await panel.scores(project["id"])
    weights = terms.weights_of(project)
    prices = price_scores(bids)
    orgs = {r["id"]: r for r in await Organization.select(Organization.id, Organization.name, Organization.grade).where(
        Organization.id.is_in([b["organization_id"] for b in bids] or [0]))}
    missing: list[str] = [f"{m['display_name'] or m['username']}未提交利益冲突声明" for m in members
                          if m["declared_at"] is None]
    rows = []
    for bid in bids:
        org = orgs.get(bid["organization_id"], {"name": "", "grade": None})
        counted = [s for s in scores if s["bid"] == bid["id"]
                   and not panel.recused(by_member[s["member"]], bid["organization_id"])]
        sheet = [weighted(weights, prices[bid["id"]], s) for s in counted]
        scored_by = {s["member"] for s in counted}
        waiting = [m for m in members if m["declared_at"] is not None and not panel.recused(m, bid["organization_id"])
                   and m["id"] not in scored_by]
        missing += [f"{m['display_name'] or m['username']}尚未为{org['name']}评分" for m in waiting]
        if not counted and not waiting:
            missing.append(f"{org['name']}的投标没有可以评分的评审成员（全部回避）")
        rows.append({"bid_id": bid["id"], "organization_id": bid["organization_id"], "organization_name": org["name"],
                     "grade": org["grade"], "priority_grade": grade_rank(org["grade"]) >= grade_rank(PRIORITY_GRADE),
                     "price_fen": bid["price_fen"], "price_score": prices[bid["id"]], "member_scores": sheet,
                     "scored_by": len(counted), "recused": sum(panel.recused(m, bid["organization_id"]) for m in members),
                     "total": round(sum(sheet) / len(sheet), 2) if sheet else None})
    rows.sort(key=lambda r: (rank_3a_first and not r["priority_grade"], -(r["total"] or -1), r["price_fen"], r["bid_id"]))
    for i, row in enumerate(rows, start=1):
        row["rank"] = i
    if not members:
        missing.insert(0, "尚未组建评审小组")
    if sealed:
        missing.append("投标截止前不公开投标情况")
    elif not rows:
        missing.append("没有有效投标")
    award = await Award.select().where(Award.project == project["id"]).first()
    return {"weights": weights, "rank_3a_first": rank_3a_first, "sealed": sealed, "bids": rows, "members": members,
            "complete": not missing, "missing": missing, "recommended_bid": None if missing else rows[0]["bid_id"],
            "award": award}


async def sheet(code: str, project: dict[str, Any], principal: Any) -> dict[str, Any]:
    """A panel member's scoring sheet: their declaration; once declared and in evaluation, every
    submitted bid (team names masked) with its price score, whether they are recused, their score."""
    from plugins.procurement import bids as bid_views

    member = panel.member_view(await panel.membership(code, project["id"], principal))
    rows = []
    if member["declared_at"] is not None and project["stage"] == "evaluation":
        bids = await Bid.select().where((Bid.project == project["id"]) & (Bid.state == "submitted")).order_by(Bid.id)
        prices = price_scores(bids)
        names = await bid_views.org_names([b["organization_id"] for b in bids])
        documents = await bid_views.documents_of([b["id"] for b in bids])
        mine = {s["bid"]: s for s in await panel.scores(project["id"]) if s["member"] == member["id"]}
        for bid in bids:
            score = mine.get(bid["id"])
            rows.append({"bid": bid_views.view(bid, names, False, documents), "price_score": prices[bid["id"]],
                         "recused": panel.recused(member, bid["organization_id"]),
                         "score": {**score, "bid_id": bid["id"], "member_id": member["id"]} if score else None})
    return {"member": member, "weights": terms.weights_of(project), "rows": rows}
