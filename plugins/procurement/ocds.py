"""A purchase project as Open Contracting Data Standard 1.1.5 releases (one contracting process
per project, `ocid` = `<ocid_prefix>-<district>-<id>`).

What is published, and why (the publication policy `/opendata/ocds` repeats it):
- Every project of a district that enables the module, from its creation on: the creation is
  the first release (tag `planning`; OCDS expects planning releases), then one release per
  stage change, tagged by `TAGS` (tender, tenderUpdate, award, contract, implementation,
  implementationUpdate, contractTermination, tenderCancellation, awardCancellation), and one
  `implementationUpdate` release per accepted milestone and per payment, which happen between
  stage changes, and a `contractUpdate` release per attaching of the contract document
  (ocds_releases.py).
- Each release is the state of the process right after its change (a full snapshot of what
  is known at that moment: bids submitted, milestones planned or accepted, payments recorded
  by then), so the compiled release of the record is simply their merge.
- Dates come from the stage history: tenderPeriod runs from the move to tender to the move to
  evaluation (the bid window), awardPeriod from there to the award; the contract period is the
  contract's term (the project's service period before a contract; Beijing days).
- Release ids are stable: `<ocid>-planning` for the creation, `<ocid>-<stage change id>` after,
  `<ocid>-milestone-<id>` for an acceptance and `<ocid>-payment-<id>` for a payment.
- A project's own fields can change only in planning, so the planning release shows the
  project as it stands (the last planning version), not each edit while planning.
- Tenderers (organisations with a submitted bid) only once the bid deadline has passed: bids
  are sealed before it (ocds_award.py).
- Never published: who moved a stage, bid, scored or accepted (staff user names, panel
  members, bid teams), the reasons of ordinary moves, suppliers' report notes, evidence files,
  any person's data. Cancellation and failure reasons are public notices (终止公告) and go out
  as a `cancellationDetails` document; an award to a bid not ranked first carries its reason.

The release is built section by section (`ocds_releases.SECTIONS`, functions
`(Snapshot) -> dict` whose results are combined): this module's parties, planning and tender,
ocds_award.py's tenderers, suppliers and awards, ocds_contract.py's contracts with milestones
and transactions, from data the loader of `ocds_package.LOADERS` puts in `Process.extra`.
Amounts are CNY in yuan (stored fen / 100), dates UTC RFC 3339.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any

from core.dates import BEIJING
from core.districts import DistrictConfig
from plugins.procurement import states
from plugins.procurement.glossary import METHODS

LANGUAGE = "zh"
FIELD_SCHEME = "SANSHE-FIELD"  # our service fields (指导性目录), documented in the publication policy
USCC_SCHEME = "CN-USCC"  # 统一社会信用代码 (GB 32100-2015)
AFTER_AWARD = ("awarded", "contracted", "in_delivery", "evaluated", "closed")
AFTER_CONTRACT = ("contracted", "in_delivery", "evaluated", "closed")

# The tag of the release a move to a stage makes; cancelled depends on the stage left.
TAGS: dict[str, list[str]] = {
    "planning": ["planning"], "tender": ["tender"], "evaluation": ["tenderUpdate"], "awarded": ["award"],
    "contracted": ["contract"], "in_delivery": ["implementation"], "evaluated": ["implementationUpdate"],
    "closed": ["contractTermination"], "unsuccessful": ["tenderUpdate"], "cancelled": ["tenderCancellation"],
}
TENDER_STATUS = {"planning": "planning", "tender": "active", "evaluation": "active", "unsuccessful": "unsuccessful",
                 "cancelled": "cancelled", **{s: "complete" for s in AFTER_AWARD}}
CONTRACT_STATUS = {"contracted": "active", "in_delivery": "active", "evaluated": "active", "closed": "terminated"}


@dataclass
class Process:
    """One project with what its releases need: its stage changes (oldest first), its district,
    the buyer's credit code when the registry has one, and `extra` data other loaders add."""

    project: dict[str, Any]
    changes: list[dict[str, Any]]
    district: DistrictConfig
    buyer_uscc: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ocid(self) -> str:
        return self.project["ocid"]


@dataclass
class Snapshot:
    """The process right after one change: `change` is None for the creation."""

    process: Process
    change: dict[str, Any] | None
    stage: str
    reached: dict[str, datetime]  # stage → when it was first reached, up to this change
    left: str = ""  # the stage this change left (cancelled from awarded is an award cancellation)
    at: datetime | None = None  # when the release happened: what is known by then is in it
    update: tuple[str, int] | None = None  # (kind, row id) of an update between stage changes

    @property
    def project(self) -> dict[str, Any]:
        return self.process.project


def moment(value: datetime) -> str:
    """A stored moment as RFC 3339 in UTC, to the second."""
    value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def day_start(day: date) -> str:
    return datetime.combine(day, time(0, 0), BEIJING).isoformat()


def day_end(day: date) -> str:
    return datetime.combine(day, time(23, 59, 59), BEIJING).isoformat()


def yuan(fen: int) -> int | float:
    """Fen (分) as yuan: a whole number when there are no fen."""
    return fen // 100 if fen % 100 == 0 else fen / 100


def amount(fen: int) -> dict[str, Any]:
    """Fen as an OCDS Value in CNY."""
    return {"amount": yuan(fen), "currency": "CNY"}


def release_id(ocid: str, change: dict[str, Any] | None) -> str:
    return f"{ocid}-planning" if change is None else f"{ocid}-{change['id']}"


def buyer_party_id(process: Process) -> str:
    """A stable party id: the credit code, else the buying street's code, else the buyer's name hashed."""
    project = process.project
    if process.buyer_uscc:
        return f"{USCC_SCHEME}-{process.buyer_uscc}"
    if project["buyer_community_code"]:
        return f"{project['district_code']}-street-{project['buyer_community_code']}"
    digest = hashlib.sha1(project["buyer"].encode()).hexdigest()[:12]
    return f"{project['district_code']}-buyer-{digest}"


def organization_identifier(uscc: str, name: str) -> dict[str, str]:
    return {"scheme": USCC_SCHEME, "id": uscc, "legalName": name}


# --- sections --------------------------------------------------------------------------


def parties(snap: Snapshot) -> dict[str, Any]:
    process, project = snap.process, snap.project
    reference = {"id": buyer_party_id(process), "name": project["buyer"]}
    buyer = {**reference, "roles": ["buyer", "procuringEntity"],
             "address": {"locality": process.district.name, "region": process.district.city_name,
                         "countryName": "中国"}}
    if process.buyer_uscc:
        buyer["identifier"] = organization_identifier(process.buyer_uscc, project["buyer"])
    return {"parties": [buyer], "buyer": reference}


def planning(snap: Snapshot) -> dict[str, Any]:
    project = snap.project
    return {"planning": {"budget": {"id": f"{project['ocid']}-budget", "description": "财政资金（政府购买服务预算）",
                                    "amount": amount(project["budget_fen"]), "project": project["title"]}}}


def _description(project: dict[str, Any]) -> str:
    parts = [f"服务领域：{project['field']}"]
    if project["target_group"]:
        parts.append(f"服务对象：{project['target_group']}")
    indicators = [f"{i['name']} {i['target']:.15g}{i['unit']}" for i in project["indicators"]]
    if indicators:
        parts.append(f"绩效指标：{'，'.join(indicators)}")
    return "；".join(parts)


def _period(start: datetime | None, end: datetime | None) -> dict[str, str] | None:
    period = {k: moment(v) for k, v in (("startDate", start), ("endDate", end)) if v is not None}
    return period or None


def tender(snap: Snapshot) -> dict[str, Any]:
    project, reached = snap.project, snap.reached
    method = project["method"]
    out: dict[str, Any] = {
        "id": f"{project['ocid']}-tender", "title": project["title"], "description": _description(project),
        "status": "complete" if award_cancelled(snap) else TENDER_STATUS[snap.stage],
        "procuringEntity": {"id": buyer_party_id(snap.process), "name": project["buyer"]},
        "items": [{"id": "1", "description": project["title"],
                   "classification": {"scheme": FIELD_SCHEME, "id": project["field"], "description": project["field"]}}],
        "value": amount(project["budget_fen"]), "procurementMethod": METHODS[method][1],
        "procurementMethodDetails": method, "mainProcurementCategory": "services",
        "contractPeriod": {"startDate": day_start(project["period_start"]), "endDate": day_end(project["period_end"])},
    }
    if project["method_reason"]:  # required for 单一来源 (rules.check)
        out["procurementMethodRationale"] = project["method_reason"]
    if tender_period := _period(reached.get("tender"), reached.get("evaluation")):
        out["tenderPeriod"] = tender_period
    if award_period := _period(reached.get("evaluation"), reached.get("awarded")):
        out["awardPeriod"] = award_period
    if snap.stage in states.NEEDS_REASON and not award_cancelled(snap):
        out["documents"] = [ending_notice(snap)]
    return {"tender": out}


def award_cancelled(snap: Snapshot) -> bool:
    """A project cancelled after its award: the tender ended normally, the award is cancelled."""
    return snap.stage == "cancelled" and snap.left in AFTER_AWARD


def ending_notice(snap: Snapshot) -> dict[str, Any]:
    """The public notice of a cancellation or failure (终止公告 / 采购失败公告) with its reason."""
    ended = snap.reached[snap.stage]
    title = "终止公告" if snap.stage == "cancelled" else "采购失败公告"
    return {"id": f"{snap.project['ocid']}-{snap.stage}", "documentType": "cancellationDetails", "title": title,
            "description": snap.change["reason"] if snap.change else snap.project["stage_reason"],
            "datePublished": moment(ended), "language": LANGUAGE}
