"""The OCDS `contracts` section: the service contract with its value, signing date, term, the
contract document's metadata, and `implementation` — milestones and transactions — as known
at the release's moment (data loaded by ocds_award.load).

- The contract document: only its existence, title, media type and when it was attached (first
  published, last modified: a replacement keeps the document's id), as it stood at each release. No
  URL: the file is served to staff of the district and the supplier only (a login), because a
  signed contract carries signatures, seals and the names of the persons who signed. No file
  name either: names of uploaded files are typed by people and may name a person. The title
  is fixed (服务合同文本), the documentType `contractSigned`.
- Delivery milestones (type `delivery`, milestoneType codelist): the planned due date (end of
  that Beijing day), status from the closed milestoneStatus codelist — `met` once accepted
  (验收; `dateMet` the acceptance), `partiallyMet` when accepted with an output or the number of
  beneficiaries below plan, `notMet` when the due day has passed unaccepted (late), else
  `scheduled` — and a description of planned and delivered quantities only: numbers of the
  project's output indicators, never the supplier's notes, evidence or any person.
- Payment milestones (type `payment`): the payment planned against each delivery milestone
  with an amount, `met` when paid in full (dateMet the day of the last payment), partly paid
  `partiallyMet`, else `scheduled`.
- Transactions: each payment recorded by then, its day, value in CNY, payer the buyer party
  and payee the supplier party. Voucher numbers are internal and stay out.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.dates import BEIJING
from plugins.procurement.ocds import (AFTER_CONTRACT, CONTRACT_STATUS, LANGUAGE, Snapshot, amount, buyer_party_id,
                                      day_end, day_start, moment, yuan)
from plugins.procurement.ocds_award import known, organization_reference

CONTRACT_DOCUMENT = "服务合同文本"
BENEFICIARIES = "服务人数"


def _quantities(outputs: dict[str, float], people: int | None) -> str:
    parts = [f"{name} {value:.15g}" for name, value in outputs.items()]
    if people is not None:
        parts.append(f"{BENEFICIARIES} {people}")
    return "，".join(parts) or "无"


def _short(row: dict[str, Any], planned: dict[str, float], delivered: dict[str, float]) -> bool:
    people = row["delivered_beneficiaries"]
    return any(delivered.get(name, 0) < value for name, value in planned.items()) or (
        people is not None and people < row["planned_beneficiaries"])


def delivery_milestone(ocid: str, row: dict[str, Any], at: datetime) -> dict[str, Any]:
    planned, delivered = json.loads(row["planned_outputs"] or "{}"), json.loads(row["delivered_outputs"] or "{}")
    out: dict[str, Any] = {"id": f"{ocid}-milestone-{row['id']}", "title": row["title"], "type": "delivery",
                           "dueDate": day_end(row["due_on"])}
    description = f"计划：{_quantities(planned, row['planned_beneficiaries'])}"
    if row["state"] == "accepted" and known(row["decided_at"], at):
        out["status"] = "partiallyMet" if _short(row, planned, delivered) else "met"
        out["dateMet"] = moment(row["decided_at"])
        description += f"；验收完成：{_quantities(delivered, row['delivered_beneficiaries'])}"
    elif at.astimezone(BEIJING).date() > row["due_on"]:
        out["status"] = "notMet"
        description += "；逾期未验收"
    else:
        out["status"] = "scheduled"
    out["description"] = description
    return out


def payment_milestone(ocid: str, row: dict[str, Any], paid: list[dict[str, Any]]) -> dict[str, Any]:
    total = sum(p["amount_fen"] for p in paid)
    out: dict[str, Any] = {"id": f"{ocid}-payment-milestone-{row['id']}", "title": f"{row['title']}付款",
                           "type": "payment",
                           "description": f"验收后支付{yuan(row['amount_fen'])}元，已支付{yuan(total)}元",
                           "status": "met" if total >= row["amount_fen"] else "partiallyMet" if total else "scheduled"}
    if total >= row["amount_fen"]:
        out["dateMet"] = day_start(paid[-1]["paid_on"])
    return out


def _document(ocid: str, attached: list[dict[str, Any]], at: datetime) -> list[dict[str, Any]]:
    """The contract document as it stood at `at`: one id for the contract, published when first
    attached, modified when last replaced by then, in the latest file's format."""
    attached = [row for row in attached if known(row["attached_at"], at)]
    if not attached:
        return []
    document = {"id": f"{ocid}-contract-document", "documentType": "contractSigned", "title": CONTRACT_DOCUMENT,
                "format": attached[-1]["format"], "datePublished": moment(attached[0]["attached_at"]),
                "language": LANGUAGE}
    if len(attached) > 1:
        document["dateModified"] = moment(attached[-1]["attached_at"])
    return [document]


def implementation(snap: Snapshot, contract: dict[str, Any]) -> dict[str, Any]:
    process, at, ocid = snap.process, snap.at, snap.project["ocid"]
    payments = [p for p in process.extra.get("payments", []) if known(p["recorded_at"], at)]
    milestones = []
    for row in process.extra.get("milestones", []):
        if not known(row["created_at"], at):
            continue
        milestones.append(delivery_milestone(ocid, row, at))
        if row["amount_fen"] > 0:
            milestones.append(payment_milestone(ocid, row, [p for p in payments if p["milestone"] == row["id"]]))
    payer = {"id": buyer_party_id(process), "name": snap.project["buyer"]}
    payee = organization_reference(process, contract["organization_id"])
    transactions = [{"id": f"{ocid}-payment-{p['id']}", "date": day_start(p["paid_on"]), "value": amount(p["amount_fen"]),
                     "payer": payer, "payee": payee} for p in payments]
    return {k: v for k, v in (("milestones", milestones), ("transactions", transactions)) if v}


def contracts(snap: Snapshot) -> dict[str, Any]:
    """The contract's signing, value, term, document and implementation, as known at the snapshot."""
    if snap.stage not in AFTER_CONTRACT:
        return {}
    project, ocid = snap.project, snap.project["ocid"]
    out: dict[str, Any] = {
        "id": f"{ocid}-contract-1", "awardID": f"{ocid}-award-1", "title": project["title"],
        "status": CONTRACT_STATUS[snap.stage], "dateSigned": moment(snap.reached["contracted"]),
        "period": {"startDate": day_start(project["period_start"]), "endDate": day_end(project["period_end"])},
    }
    if contract := snap.process.extra.get("contract"):
        out.update(value=amount(contract["value_fen"]), dateSigned=day_start(contract["signed_on"]),
                   period={"startDate": day_start(contract["term_start"]), "endDate": day_end(contract["term_end"])})
        if documents := _document(ocid, snap.process.extra.get("contract_documents", []), snap.at):
            out["documents"] = documents
        if done := implementation(snap, contract):
            out["implementation"] = done
    return {"contracts": [out]}
