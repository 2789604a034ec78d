"""Bids (投标/响应): organisation staff bid for their own organisation only, while the project
is in tender and before its deadline — a price (fen, at most the budget), a team drawn from the
organisation's certified social workers (listed by the talent module through the
`organization_workers` hook), a plan, and documents (bid_documents.py: core uploads). One
submitted bid per organisation and project (409 on a second); a bid may be withdrawn before the
deadline and a new one made. A bid from an organisation that is not eligible is refused with 422 naming each reason — and the refusal is kept (state `refused`,
audited), so the record shows who was turned away and why.

Who sees what: the bidding organisation's staff see their own bids, team names in full; district
readers see every bid only after the deadline (sealed before), team names masked (张*).
The project row is locked (PostgreSQL) / the write transaction is IMMEDIATE (SQLite) while a bid
is written, so two bids of one organisation racing: one wins, the other gets 409."""

from __future__ import annotations

import json
from typing import Annotated, Any

import msgspec

from core import audit, db
from core.auth import Principal
from core.codes import mask_name
from core.context import AppContext
from core.dates import utc_now
from core.errors import ApiError, invalid, not_found, refused
from core.facts import organization_workers
from core.tables import Organization
from plugins.procurement import eligibility, rules, states, terms
from plugins.procurement.glossary import BID_STATES
from plugins.procurement.tables import Bid, BidDocument, PurchaseProject

ENTITY = "procurement_bid"
BID = "procurement.bid"
READ_BIDS = "procurement.bids.read"
MAX_TEAM = 50
DOCUMENT_SHOWN = ("filename", "content_type", "size", "uploaded_at")


class BidIn(msgspec.Struct, forbid_unknown_fields=True):
    """A bid. `organization_id` may be left out when the bidder works for one organisation."""

    organization_id: int | None = None
    price_fen: int | None = None  # money in fen (分), at most the project's budget
    team: Annotated[list[int], msgspec.Meta(max_length=MAX_TEAM * 2)] = []  # worker ids (certified, on staff)
    plan: rules.Long = ""


async def locked_project(code: str, project_id: int) -> dict[str, Any]:
    """The project row, locked until the transaction ends (PostgreSQL; SQLite's write
    transaction already serialises writers)."""
    row = await db.locked(PurchaseProject.select().where(
        (PurchaseProject.id == project_id) & (PurchaseProject.district_code == code))).first()
    if row is None:
        raise not_found("购买服务项目")
    return row


def open_for_bids(row: dict[str, Any]) -> None:
    if row["stage"] != "tender":
        raise ApiError(409, f"项目当前为“{states.label(row['stage'])}”，不在投标阶段", "not_in_tender")
    if row["bid_deadline"] is None:
        raise ApiError(409, "项目尚未设置投标截止时间，暂不接受投标", "no_deadline")
    if terms.deadline_passed(row):
        raise ApiError(409, "投标已截止", "deadline_passed")


def bidder_org(principal: Principal, code: str, asked: int | None) -> int:
    """The organisation the principal bids for: one of their own (403 otherwise)."""
    own = principal.organization_limit(BID, code) or set()
    if asked is None:
        if len(own) != 1:
            raise invalid([("organization_id", "请选择以哪个机构的名义投标")])
        return next(iter(own))
    if asked not in own:
        raise refused("只能以本机构的名义投标")
    return asked


async def _team(ctx: AppContext, code: str, org_id: int, ids: list[int]) -> tuple[list[dict], list[tuple[str, str]]]:
    certified = {w["worker_id"]: w for w in await organization_workers(ctx, code, org_id)}
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_TEAM:
        return [], [("team", f"服务团队最多{MAX_TEAM}人")]
    unknown = [str(i) for i in ids if i not in certified]
    if unknown:
        return [], [("team", f"这些社工不是本机构在岗的持证社工：{'、'.join(unknown[:10])}")]
    return [certified[i] for i in ids], []


def _check(row: dict[str, Any], data: BidIn) -> list[tuple[str, str]]:
    errors = []
    if data.price_fen is None:
        errors.append(("price_fen", "请填写投标报价"))
    elif data.price_fen <= 0:
        errors.append(("price_fen", "投标报价应大于0"))
    elif data.price_fen > row["budget_fen"]:
        errors.append(("price_fen", "投标报价不能高于项目预算"))
    if not data.plan.strip():
        errors.append(("plan", "请填写服务方案"))
    return errors


async def submit(ctx: AppContext, code: str, project_id: int, principal: Principal, data: BidIn) -> dict[str, Any]:
    org_id = bidder_org(principal, code, data.organization_id)
    row = await PurchaseProject.select().where(
        (PurchaseProject.id == project_id) & (PurchaseProject.district_code == code)).first()
    if row is None:
        raise not_found("购买服务项目")
    open_for_bids(row)
    team, errors = await _team(ctx, code, org_id, data.team)
    if errors := errors + _check(row, data):
        raise invalid(errors)
    found = await eligibility.check(ctx, code, row, org_id)
    values = {"organization_id": org_id, "price_fen": data.price_fen, "team": team, "plan": data.plan.strip(),
              "state": "submitted" if found["eligible"] else "refused", "reasons": found["reasons"]}
    async with db.write_transaction():
        open_for_bids(await locked_project(code, project_id))
        if await Bid.exists().where((Bid.project == project_id) & (Bid.organization_id == org_id)
                                    & (Bid.state == "submitted")):
            raise ApiError(409, "本机构已对该项目投标；如需修改，请先撤回原投标", "already_bid")
        bid_id = (await Bid.insert(Bid(**{k: (json.dumps(v, ensure_ascii=False) if k in ("team", "reasons")
                                             else v) for k, v in values.items()},
                                       project=project_id, district_code=code, submitted_by=principal.username)
                                   ).returning(Bid.id))[0]["id"]
        await audit.record(actor=principal.username, action="bid" if found["eligible"] else "refuse", entity=ENTITY,
                           entity_id=bid_id, district_code=code, after={**values, "project": project_id})
    if not found["eligible"]:
        raise ApiError(422, f"{found['organization_name']}不符合本项目的资格条件（{len(found['reasons'])}项），投标未被受理",
                       "ineligible", [(r["code"], r["message"]) for r in found["reasons"]])
    return await one(code, project_id, bid_id, principal)


async def withdraw(code: str, project_id: int, bid_id: int, principal: Principal) -> dict[str, Any]:
    async with db.write_transaction():
        open_for_bids(await locked_project(code, project_id))
        bid = await Bid.select().where((Bid.id == bid_id) & (Bid.project == project_id)).first()
        if bid is None or bid["organization_id"] not in (principal.organization_limit(BID, code) or set()):
            raise not_found("投标")
        if bid["state"] != "submitted":
            raise ApiError(409, f"该投标{BID_STATES[bid['state']][0]}，不能撤回", "not_submitted")
        await Bid.update({Bid.state: "withdrawn", Bid.withdrawn_at: utc_now()}).where(
            (Bid.id == bid_id) & (Bid.state == "submitted"))
        await audit.record(actor=principal.username, action="withdraw", entity=ENTITY, entity_id=bid_id,
                           district_code=code, before={"state": "submitted"}, after={"state": "withdrawn"})
    return await one(code, project_id, bid_id, principal)


def view(row: dict[str, Any], names: dict[int, str], own: bool,
         documents: dict[int, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """A bid as its reader may see it: team names in full only for the bidder's own staff;
    its documents from `documents_of`."""
    team = [{"worker_id": w["worker_id"], "name": w["name"] if own else mask_name(w["name"]),
             "qualification": w["qualification"]} for w in json.loads(row["team"] or "[]")]
    return {"id": row["id"], "project": row["project"], "organization_id": row["organization_id"],
            "organization_name": names.get(row["organization_id"], ""), "price_fen": row["price_fen"], "team": team,
            "plan": row["plan"], "documents": (documents or {}).get(row["id"], []), "state": row["state"],
            "state_label": BID_STATES[row["state"]][0], "reasons": json.loads(row["reasons"] or "[]"),
            "submitted_by": row["submitted_by"], "submitted_at": row["submitted_at"],
            "withdrawn_at": row["withdrawn_at"], "own": own}


async def documents_of(bid_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The documents of these bids, oldest first (what the bid view lists)."""
    out: dict[int, list[dict[str, Any]]] = {b: [] for b in bid_ids}
    if not bid_ids:
        return out
    rows = await BidDocument.select(BidDocument.id, BidDocument.bid, *(getattr(BidDocument.upload, k) for k in DOCUMENT_SHOWN)
                                    ).where(BidDocument.bid.is_in(bid_ids)).order_by(BidDocument.id)
    for row in rows:
        out[row["bid"]].append({"id": row["id"], **{k: row[f"upload.{k}"] for k in DOCUMENT_SHOWN}})
    return out


async def org_names(ids: list[int]) -> dict[int, str]:
    rows = await Organization.select(Organization.id, Organization.name).where(Organization.id.is_in(ids or [0]))
    return {r["id"]: r["name"] for r in rows}


async def visible(code: str, project: dict[str, Any], principal: Principal) -> tuple[bool, list[dict[str, Any]]]:
    """(sealed, bids the principal may see): own organisations' bids at any time; every bid for
    district readers once the deadline has passed."""
    limit = principal.organization_limit(READ_BIDS, code)
    where = Bid.project == project["id"]
    if limit is not None:
        where &= Bid.organization_id.is_in(list(limit) or [0])
    elif not terms.deadline_passed(project):
        return True, []
    rows = await Bid.select().where(where).order_by(Bid.id)
    names = await org_names([r["organization_id"] for r in rows])
    documents = await documents_of([r["id"] for r in rows])
    own = principal.organizations()
    return False, [view(r, names, r["organization_id"] in own, documents) for r in rows]


async def one(code: str, project_id: int, bid_id: int, principal: Principal) -> dict[str, Any]:
    from plugins.procurement import projects

    _, items = await visible(code, await projects.get_row(code, project_id), principal)
    found = next((b for b in items if b["id"] == bid_id), None)
    if found is None:
        raise not_found("投标")
    return found


async def tenders(code: str, principal: Principal) -> list[dict[str, Any]]:
    """Projects open for bids, and the ones the principal's organisations bid on (newest first)."""
    from plugins.procurement import projects

    own = list(principal.organization_limit(BID, code) or [])
    bid_on = [r["project"] for r in await Bid.select(Bid.project).where(
        (Bid.district_code == code) & Bid.organization_id.is_in(own or [0]))]
    rows = await PurchaseProject.select().where(
        (PurchaseProject.district_code == code)
        & ((PurchaseProject.stage == "tender") | PurchaseProject.id.is_in(bid_on or [0]))).order_by(
        PurchaseProject.id, ascending=False)
    return [projects.view(r) for r in rows]
