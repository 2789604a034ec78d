"""The delivery API of a purchase project: its contract (and the contract document), its
milestones (plan, report, accept, send back, evidence files) and payments, and the whole
delivery at once (…/delivery: with the service-log hours and the catalogue's answer).
Writers of contracts, milestones, decisions and payments hold procurement.manage; the
supplier's organisation staff report and attach evidence (procurement.delivery.report) and
read (procurement.delivery.read) only their own organisation's contracts — another's is 404.
The logic is in contracts.py, milestones.py, payments.py and delivery.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.response import File

from core import uploads
from core.auth import Principal
from core.context import AppContext
from core.views import view, views
from plugins.procurement import MODULE, contracts, delivery, milestones, payments
from plugins.procurement import delivery_schemas as s

ONE = "/api/districts/{code:str}/procurement/projects/{project_id:int}"
MILESTONE = ONE + "/milestones/{milestone_id:int}"
READ = {"module": MODULE, "permission": "procurement.delivery.read"}
MANAGE = {"module": MODULE, "permission": "procurement.manage"}
REPORT = {"module": MODULE, "permission": milestones.REPORT}
TAGS = ["procurement"]


def _ctx(request: Request) -> AppContext:
    return request.app.state.ctx


@dataclass
class ProcurementFileUpload(uploads.FileUpload):
    pass


FileForm = Annotated[ProcurementFileUpload, uploads.MULTIPART]


async def _part(request: Request, code: str, project_id: int, principal: Principal, key: str, kind: Any) -> list:
    """One list of the project's delivery (as the principal may see it), typed."""
    return views((await delivery.view(_ctx(request), code, project_id, principal))[key], kind)


@get(ONE + "/delivery", opt=READ, tags=TAGS,
     summary="The project's delivery: contract, milestones with evidence, payments, totals, service-log hours "
             "(hook delivery_hours) and the catalogue's answer")
async def get_delivery(request: Request, code: str, project_id: int, principal: Principal) -> s.ProcurementDelivery:
    return view(await delivery.view(_ctx(request), code, project_id, principal), s.ProcurementDelivery)


@get(ONE + "/contract", opt=READ, tags=TAGS, summary="The project's contract (404 before one is recorded)")
async def get_contract(code: str, project_id: int, principal: Principal) -> s.ProcurementContract:
    return view(await contracts.visible(code, project_id, principal), s.ProcurementContract)


@post(ONE + "/contract", opt=MANAGE, tags=TAGS,
      summary="Record the contract of an awarded project (supplier, number, value ≤ budget, signed date, term "
              "within the term rules); the project moves to contracted in the same transaction")
async def record_contract(request: Request, code: str, project_id: int, data: contracts.ContractIn,
                          principal: Principal) -> s.ProcurementContract:
    return view(await contracts.record(_ctx(request), code, project_id, principal.username, data),
                s.ProcurementContract)


@post(ONE + "/contract/document", opt=MANAGE, tags=TAGS, request_max_body_size=uploads.BODY_LIMIT,
      summary="Attach (or replace) the contract document: PDF, PNG, JPEG, DOCX or XLSX within evidence_max_mb")
async def attach_contract_document(request: Request, code: str, project_id: int, principal: Principal,
                                   data: FileForm) -> s.ProcurementContract:
    filename, content = await uploads.received(data)
    return view(await contracts.attach_document(_ctx(request), code, project_id, principal.username, filename,
                                                content), s.ProcurementContract)


@get(ONE + "/contract/document", opt=READ, tags=TAGS, media_type=uploads.DOWNLOAD, summary="Download the contract document")
async def get_contract_document(request: Request, code: str, project_id: int, principal: Principal) -> File:
    return uploads.download(_ctx(request), await contracts.document(code, project_id, principal), "合同文本")


@get(ONE + "/milestones", opt=READ, tags=TAGS, summary="The contract's milestones, by due date, with evidence")
async def list_milestones(request: Request, code: str, project_id: int, principal: Principal
                          ) -> list[s.ProcurementMilestone]:  # type: ignore[valid-type]
    return await _part(request, code, project_id, principal, "milestones", s.ProcurementMilestone)


@post(ONE + "/milestones", opt=MANAGE, tags=TAGS,
      summary="Plan a milestone while contracted or in delivery (due within the term, outputs of the project's "
              "output indicators, payment amounts together ≤ the contract value)")
async def plan_milestone(code: str, project_id: int, data: milestones.MilestoneIn, principal: Principal
                         ) -> s.ProcurementMilestone:
    return view(await milestones.plan(code, project_id, principal.username, data), s.ProcurementMilestone)


@post(MILESTONE + "/report", opt=REPORT, tags=TAGS, status_code=200,
      summary="The supplier's staff report a milestone delivered (planned or sent back → reported)")
async def report_milestone(code: str, project_id: int, milestone_id: int, data: milestones.ReportIn,
                           principal: Principal) -> s.ProcurementMilestone:
    return view(await milestones.report(code, project_id, milestone_id, principal, data), s.ProcurementMilestone)


@post(MILESTONE + "/accept", opt=MANAGE, tags=TAGS, status_code=200,
      summary="Accept (验收) a reported milestone")
async def accept_milestone(code: str, project_id: int, milestone_id: int, principal: Principal
                           ) -> s.ProcurementMilestone:
    return view(await milestones.accept(code, project_id, milestone_id, principal.username), s.ProcurementMilestone)


@post(MILESTONE + "/send-back", opt=MANAGE, tags=TAGS, status_code=200,
      summary="Send a reported milestone back to the supplier with a reason")
async def send_back_milestone(code: str, project_id: int, milestone_id: int, data: milestones.SendBackIn,
                              principal: Principal) -> s.ProcurementMilestone:
    return view(await milestones.send_back(code, project_id, milestone_id, principal.username, data.reason),
                s.ProcurementMilestone)


@post(MILESTONE + "/evidence", opt=REPORT, tags=TAGS, request_max_body_size=uploads.BODY_LIMIT,
      summary="The supplier's staff attach an evidence file to a milestone not yet accepted")
async def add_milestone_evidence(request: Request, code: str, project_id: int, milestone_id: int,
                                 principal: Principal, data: FileForm) -> s.ProcurementEvidence:
    filename, content = await uploads.received(data)
    return view(await milestones.add_evidence(_ctx(request), code, project_id, milestone_id, principal, filename,
                                              content), s.ProcurementEvidence)


@get(MILESTONE + "/evidence/{evidence_id:int}", opt=READ, tags=TAGS, media_type=uploads.DOWNLOAD,
     summary="Download a milestone's evidence file")
async def get_milestone_evidence(request: Request, code: str, project_id: int, milestone_id: int, evidence_id: int,
                                 principal: Principal) -> File:
    upload = await milestones.evidence_file(code, project_id, milestone_id, evidence_id, principal)
    return uploads.download(_ctx(request), upload, "佐证材料")


@get(ONE + "/payments", opt=READ, tags=TAGS, summary="Payments made on the contract, by date")
async def list_payments(request: Request, code: str, project_id: int, principal: Principal
                        ) -> list[s.ProcurementPayment]:  # type: ignore[valid-type]
    return await _part(request, code, project_id, principal, "payments", s.ProcurementPayment)


@post(ONE + "/payments", opt=MANAGE, tags=TAGS,
      summary="Record a payment against an accepted milestone (≤ what it has left); all payments never exceed "
              "the contract value: 409 over_contract_value")
async def record_payment(code: str, project_id: int, data: payments.PaymentIn, principal: Principal
                         ) -> s.ProcurementPayment:
    return view(await payments.record(code, project_id, principal.username, data), s.ProcurementPayment)


ROUTES = [get_delivery, get_contract, record_contract, attach_contract_document, get_contract_document,
          list_milestones, plan_milestone, report_milestone, accept_milestone, send_back_milestone,
          add_milestone_evidence, get_milestone_evidence, list_payments, record_payment]
