"""The OCDS sections of bids and the award, and the loader of everything after planning.

- `load` (an `ocds_package.LOADERS` entry) reads, for a batch of projects, one query per
  table: submitted bids, awards, contracts with their document's metadata, milestones,
  payments, and the registry organisations they name (name and credit code only). It puts
  them in `Process.extra`; nothing is read per project.
- Tenderers: the organisations whose bid stands submitted (not withdrawn, not refused for
  eligibility: those were never accepted, 未受理) and was made by the release's moment, and
  only once the bid deadline has passed at that moment — before it, bids are sealed and
  not even who bid is published. A project without a deadline shows them from the move to
  evaluation (the bid window closed).
- Organisations are parties with role `tenderer` and/or `supplier`, identified by their
  credit code (`CN-USCC`) when the registry has one, else by a stable registry number.
- The award names its supplier, the awarded price and — when the award did not go to the
  bid ranked first — the reason, which is public (财政部令第87号: 中标结果公告).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from core.tables import Organization
from plugins.procurement.delivery_tables import Contract, ContractDocument, DeliveryMilestone, Payment
from plugins.procurement.ocds import (USCC_SCHEME, Process, Snapshot, amount, ending_notice, moment,
                                      organization_identifier)
from plugins.procurement.tables import Award, Bid


def _by_project(rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["project"], []).append(row)
    return out


def _by_contract(rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["contract"], []).append(row)
    return out


async def load(processes: list[Process]) -> None:
    """Bids, award, contract (with every attaching of its document), milestones, payments and
    organisations of a batch of processes."""
    ids = [p.project["id"] for p in processes]
    bids = _by_project(await Bid.select(Bid.project, Bid.organization_id, Bid.submitted_at).where(
        Bid.project.is_in(ids) & (Bid.state == "submitted")).order_by(Bid.id))
    awards = {r["project"]: r for r in await Award.select(
        Award.project, Award.organization_id, Award.price_fen, Award.top_ranked, Award.reason, Award.awarded_at).where(
        Award.project.is_in(ids))}
    contracts = {r["project"]: r for r in await Contract.select(
        Contract.id, Contract.project, Contract.organization_id, Contract.value_fen, Contract.signed_on,
        Contract.term_start, Contract.term_end).where(Contract.project.is_in(ids))}
    documents = _by_contract(await ContractDocument.select(
        ContractDocument.id, ContractDocument.contract, ContractDocument.upload,
        ContractDocument.upload.content_type.as_alias("format"), ContractDocument.attached_at).where(
        ContractDocument.contract.is_in([c["id"] for c in contracts.values()] or [0])).order_by(
        ContractDocument.attached_at, ContractDocument.id))
    milestones = _by_project(await DeliveryMilestone.select(
        DeliveryMilestone.id, DeliveryMilestone.project, DeliveryMilestone.title, DeliveryMilestone.due_on,
        DeliveryMilestone.planned_outputs, DeliveryMilestone.planned_beneficiaries, DeliveryMilestone.amount_fen,
        DeliveryMilestone.state, DeliveryMilestone.delivered_outputs, DeliveryMilestone.delivered_beneficiaries,
        DeliveryMilestone.decided_at, DeliveryMilestone.created_at).where(
        DeliveryMilestone.project.is_in(ids)).order_by(DeliveryMilestone.due_on, DeliveryMilestone.id))
    payments = _by_project(await Payment.select(
        Payment.id, Payment.project, Payment.milestone, Payment.amount_fen, Payment.paid_on, Payment.recorded_at).where(
        Payment.project.is_in(ids)).order_by(Payment.paid_on, Payment.id))
    org_ids = {b["organization_id"] for rows in bids.values() for b in rows}
    org_ids |= {a["organization_id"] for a in awards.values()} | {c["organization_id"] for c in contracts.values()}
    orgs = {r["id"]: r for r in await Organization.select(Organization.id, Organization.name, Organization.uscc).where(
        Organization.id.is_in(sorted(org_ids)))} if org_ids else {}
    for process in processes:
        pid = process.project["id"]
        contract = contracts.get(pid)
        process.extra.update(bids=bids.get(pid, []), award=awards.get(pid), contract=contract,
                             contract_documents=documents.get(contract["id"], []) if contract else [],
                             milestones=milestones.get(pid, []), payments=payments.get(pid, []), orgs=orgs)


def known(value: datetime | None, at: datetime) -> bool:
    """Whether something that happened at `value` is known at `at` (both aware, or naive UTC)."""
    if value is None:
        return False
    utc = timezone.utc
    return (value if value.tzinfo else value.replace(tzinfo=utc)) <= (at if at.tzinfo else at.replace(tzinfo=utc))


def organization_id(process: Process, org_id: int) -> str:
    """A stable party id: the credit code when the registry has one, else the registry number."""
    org = process.extra["orgs"].get(org_id) or {}
    if org.get("uscc"):
        return f"{USCC_SCHEME}-{org['uscc']}"
    return f"{process.project['district_code']}-registry-{org_id}"  # not "<district>-org…": a user name


def organization_reference(process: Process, org_id: int) -> dict[str, Any]:
    org = process.extra["orgs"].get(org_id) or {}
    return {"id": organization_id(process, org_id), "name": org.get("name", "")}


def tenderer_ids(snap: Snapshot) -> list[int]:
    """The organisations with a bid standing at the snapshot, or none while bids are sealed."""
    at, deadline = snap.at, snap.project.get("bid_deadline")
    if at is None or "tender" not in snap.reached:
        return []
    if deadline is None and "evaluation" not in snap.reached:
        return []
    if deadline is not None and not known(deadline, at):
        return []
    bids = snap.process.extra.get("bids", [])
    return list(dict.fromkeys(b["organization_id"] for b in bids if known(b["submitted_at"], at)))


def supplier_id(snap: Snapshot) -> int | None:
    won = snap.process.extra.get("award")
    return won["organization_id"] if won and "awarded" in snap.reached else None


def organisations(snap: Snapshot) -> dict[str, Any]:
    """Tenderer and supplier parties, and the tender's tenderers once bids are opened."""
    process, bidders, supplier = snap.process, tenderer_ids(snap), supplier_id(snap)
    roles: dict[int, list[str]] = {org: ["tenderer"] for org in bidders}
    if supplier is not None:
        roles.setdefault(supplier, []).append("supplier")
    parties = []
    for org_id, its_roles in roles.items():
        party = {**organization_reference(process, org_id), "roles": its_roles}
        if uscc := (process.extra["orgs"].get(org_id) or {}).get("uscc"):
            party["identifier"] = organization_identifier(uscc, party["name"])
        parties.append(party)
    out: dict[str, Any] = {"parties": parties}
    if bidders:
        out["tender"] = {"tenderers": [organization_reference(process, o) for o in bidders],
                         "numberOfTenderers": len(bidders)}
    return out


def awards(snap: Snapshot) -> dict[str, Any]:
    """The award: when, whether it stands, its supplier, value and (not ranked first) reason."""
    if "awarded" not in snap.reached:
        return {}
    status = "cancelled" if snap.stage == "cancelled" else "active"
    award = {"id": f"{snap.project['ocid']}-award-1", "title": snap.project["title"], "status": status,
             "date": moment(snap.reached["awarded"])}
    if won := snap.process.extra.get("award"):
        award["suppliers"] = [organization_reference(snap.process, won["organization_id"])]
        award["value"] = amount(won["price_fen"])
        if not won["top_ranked"]:
            award["description"] = f"未选择评审排名第一的投标，理由：{won['reason']}"
    if status == "cancelled":
        award["documents"] = [ending_notice(snap)]
    return {"awards": [award]}
