"""Audit campaigns: the API (create, sample, redraw, verdicts, answers, evidence, close,
report) and the pages (supervision home, campaign, printable report, my findings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.params import QueryParameter
from litestar.response import File, Template

from core import audit, uploads
from core.auth import Principal
from core.context import AppContext
from core.modules import module_settings
from core.paging import PageNo
from core.views import view, views
from plugins.supervision import campaigns, evidence, report, scope, states, verdicts
from plugins.supervision import schemas as s

BASE = "/api/districts/{code:str}/supervision"
PAGE = "/districts/{code:str}/supervision"
READ = {"module": "supervision", "permission": "supervision.read"}
MANAGE = {"module": "supervision", "permission": "supervision.campaign.manage"}
RESPOND = {"module": "supervision", "permission": "supervision.finding.respond"}
ANY_USER = {"module": "supervision", "authenticated": True}
# The largest evidence_max_mb a district may set plus room for the multipart envelope: this route
# takes bodies past the app's general limit; the district's own limit is checked on the file itself.
EVIDENCE_BODY_LIMIT = uploads.BODY_LIMIT


def _ctx(request: Request) -> AppContext:
    return request.app.state.ctx


@dataclass
class VerdictIn:
    verdict: str
    finding: str = ""


@dataclass
class VerdictsIn:
    item_ids: list[int]
    """The sampled records (ids) of this campaign to judge, at most 200."""
    verdict: str = "合格"
    finding: str = ""


@dataclass
class AnswerIn:
    response: str


@dataclass
class NoteIn:
    note: str = ""


@dataclass
class SummaryIn:
    summary: str


@dataclass
class EvidenceUpload(uploads.FileUpload):
    pass


async def _read_logged(principal: Principal, code: str, campaign_id: int, rows: list[dict[str, Any]]) -> None:
    """Supervisors' reads of personal data are audited: who read which persons' records."""
    persons = sorted({r["person_id"] for r in rows if r["person_id"]})
    if persons:
        await audit.record(actor=principal.username, action="read", entity=campaigns.ENTITY, entity_id=campaign_id,
                           district_code=code, after={"persons": persons})


async def _campaign_read(principal: Principal, code: str, campaign_id: int) -> tuple[dict, list[dict]]:
    """A campaign and its sampled records, the read audited (API and page alike)."""
    campaign = await campaigns.get(code, campaign_id)
    rows = await campaigns.items(code, campaign_id)
    await _read_logged(principal, code, campaign_id, rows)
    return campaign, rows


# -- API ----------------------------------------------------------------------------------------


@get(BASE + "/sources", opt=READ, tags=["supervision"], summary="Record sources that campaigns can sample")
async def list_sources(request: Request) -> list[dict[str, str]]:
    return [{"name": s.name, "title": s.title, "module": s.module, "record_type": s.record_type}
            for s in campaigns.sources(_ctx(request)).values()]


@get(BASE + "/campaigns", opt=READ, tags=["supervision"], summary="Audit campaigns of the district, newest first")
async def list_campaigns(code: str, state_filter: Annotated[str | None, QueryParameter(name="state", max_length=16)] = None
                         ) -> list[s.CampaignSummary]:
    return views(await campaigns.list_campaigns(code, state_filter), s.CampaignSummary)


@post(BASE + "/campaigns", opt=MANAGE, tags=["supervision"], summary="Create a campaign (a draft until sampled)")
async def create_campaign(request: Request, code: str, data: campaigns.NewCampaign, principal: Principal) -> s.CampaignView:
    return view(await campaigns.create(_ctx(request), code, principal.username, data), s.CampaignView)


@get(BASE + "/campaigns/{campaign_id:int}", opt=READ, tags=["supervision"],
     summary="A campaign with its sampled records (the read is audited)")
async def get_campaign(code: str, campaign_id: int, principal: Principal) -> s.CampaignWithRecords:
    campaign, rows = await _campaign_read(principal, code, campaign_id)
    return view({**campaign, "items": rows}, s.CampaignWithRecords)


@post(BASE + "/campaigns/{campaign_id:int}/sample", opt=MANAGE, tags=["supervision"], status_code=200,
      summary="Draw the sample with the stored seed (draft → sampled)")
async def sample_campaign(request: Request, code: str, campaign_id: int, principal: Principal) -> s.CampaignView:
    return view(await campaigns.sample(_ctx(request), code, campaign_id, principal.username), s.CampaignView)


@get(BASE + "/campaigns/{campaign_id:int}/redraw", opt=READ, tags=["supervision"],
     summary="Draw again with the stored seed and compare with the stored sample")
async def redraw_campaign(request: Request, code: str, campaign_id: int) -> s.Redraw:
    return view(await campaigns.redraw(_ctx(request), code, campaign_id), s.Redraw)


@post(BASE + "/campaigns/{campaign_id:int}/close", opt=MANAGE, tags=["supervision"], status_code=200,
      summary="Close the campaign with a conclusion (every record closed first)")
async def close_campaign(code: str, campaign_id: int, data: SummaryIn, principal: Principal) -> s.CampaignView:
    return view(await campaigns.close(code, campaign_id, principal.username, data.summary), s.CampaignView)


@get(BASE + "/campaigns/{campaign_id:int}/report.xlsx", opt={**READ, "downloads": (report.XLSX,), "errors": (409,)},
     tags=["supervision"],
     summary="The report of a closed campaign as XLSX")
async def report_xlsx(request: Request, code: str, campaign_id: int) -> Response[bytes]:
    body = report.xlsx(await report.data(_ctx(request), code, campaign_id))
    headers = {"Content-Disposition": f"attachment; filename=\"supervision-{campaign_id}.xlsx\"; "
                                      f"filename*=UTF-8''{quote(f'抽查报告-{campaign_id}')}.xlsx",
               "X-Content-Type-Options": "nosniff"}
    return Response(body, media_type=report.XLSX, headers=headers)


@post(BASE + "/items/{item_id:int}/verdict", opt=MANAGE, tags=["supervision"], status_code=200,
      summary="Give a sampled record its verdict and finding (pending → open)")
async def give_verdict(code: str, item_id: int, data: VerdictIn, principal: Principal) -> s.SampledRecord:
    return view(await campaigns.give_verdict(code, item_id, principal.username, data.verdict, data.finding),
                s.SampledRecord)


@post(BASE + "/campaigns/{campaign_id:int}/verdicts", opt=MANAGE, tags=["supervision"], status_code=200,
      summary="Give several sampled records of a campaign the same verdict, all or none (each audited)")
async def give_verdicts(code: str, campaign_id: int, data: VerdictsIn, principal: Principal) -> list[s.SampledRecord]:
    """A refusal names each record it concerns as the field `items.<id>`; then nothing is saved."""
    return views(await verdicts.give_verdicts(code, campaign_id, principal.username, data.item_ids, data.verdict,
                                              data.finding), s.SampledRecord)


@get(BASE + "/scope-candidates", opt=MANAGE, tags=["supervision"],
     summary="Organisations or workers a campaign can be scoped to, by name")
async def scope_candidates(
        request: Request, code: str,
        scope_kind: Annotated[str, QueryParameter(name="scope", max_length=16, description="organization | worker")],
        q: Annotated[str, QueryParameter(max_length=50, description="name contains")] = "",
        source: Annotated[str | None, QueryParameter(max_length=100, description="record source name")] = None,
        period_start: date | None = None, period_end: date | None = None) -> list[s.ScopeCandidate]:
    """Workers are those the source has records of in the period, named from the registry."""
    found = await scope.candidates(_ctx(request), code, scope_kind, q, source, period_start, period_end)
    return [s.ScopeCandidate(id=c.id, name=c.name, detail=c.detail) for c in found]


@post(BASE + "/items/{item_id:int}/answer", opt=RESPOND, tags=["supervision"], status_code=200,
      summary="Answer a finding about yourself or your organisation's staff (open → answered)")
async def answer_finding(code: str, item_id: int, data: AnswerIn, principal: Principal) -> s.SampledRecord:
    return view(await campaigns.answer(code, item_id, principal, data.response), s.SampledRecord)


@post(BASE + "/items/{item_id:int}/close", opt=MANAGE, tags=["supervision"], status_code=200,
      summary="Close a finding with a conclusion (open or answered → closed)")
async def close_finding(code: str, item_id: int, data: NoteIn, principal: Principal) -> s.SampledRecord:
    return view(await campaigns.close_item(code, item_id, principal.username, data.note), s.SampledRecord)


@post(BASE + "/items/{item_id:int}/evidence", opt=ANY_USER, tags=["supervision"],
      request_max_body_size=EVIDENCE_BODY_LIMIT,
      summary="Attach evidence to a finding (the supervisor, or whoever may answer it)")
async def add_evidence(request: Request, code: str, item_id: int, principal: Principal,
                       data: Annotated[EvidenceUpload, uploads.MULTIPART]) -> s.EvidenceAdded:
    filename, content = await uploads.received(data)
    return view(await evidence.add(_ctx(request), code, item_id, principal, filename, content), s.EvidenceAdded)


@get(BASE + "/evidence/{evidence_id:int}", opt=ANY_USER, tags=["supervision"], media_type=uploads.DOWNLOAD,
     summary="Download an evidence file")
async def get_evidence(request: Request, code: str, evidence_id: int, principal: Principal) -> File:
    return uploads.download(_ctx(request), await evidence.get(code, evidence_id, principal), evidence.WHAT)


@get(BASE + "/findings", opt=RESPOND, tags=["supervision"],
     summary="Findings about you (a worker) or your organisation's staff")
async def my_findings(code: str, principal: Principal) -> list[s.SampledRecord]:
    return views(await campaigns.findings_for(principal, code), s.SampledRecord)


# -- pages --------------------------------------------------------------------------------------


def _page(request: Request, name: str, principal: Principal, code: str, **context: Any) -> Template:
    from core.web.pages import render

    return render(request, name, principal, district=_ctx(request).districts[code], labels=states.LABELS,
                  scopes=campaigns.SCOPES, samplings=campaigns.SAMPLING, verdicts=campaigns.VERDICTS, **context)


@get(PAGE, opt=READ, include_in_schema=False)
async def home_page(request: Request, code: str, principal: Principal) -> Template:
    ctx = _ctx(request)
    settings = await module_settings(ctx, code, "supervision")
    sources = list(campaigns.sources(ctx).values())
    # The service log is what supervisors sample most: the form starts there when the module offers it.
    default_source = next((x.name for x in sources if x.record_type == "service_log"), sources[0].name if sources else "")
    return _page(request, "supervision/home.html", principal, code, campaigns=await campaigns.list_campaigns(code),
                 sources=sources, default_source=default_source,
                 default_percent=settings["default_sample_percent"], today=date.today(),
                 can_manage=principal.can("supervision.campaign.manage", code),
                 can_audit=principal.can("audit.read", code))


@get(PAGE + "/campaigns/{campaign_id:int}", opt=READ, include_in_schema=False)
async def campaign_page(request: Request, code: str, campaign_id: int, principal: Principal, page: PageNo = 1,
                        show: Annotated[str | None, QueryParameter(max_length=16)] = None) -> Template:
    """The campaign and one page of its records (20), filtered by state or verdict; only the
    records shown are written to the audit log as read."""
    campaign = await campaigns.get(code, campaign_id)
    show = show if show in verdicts.FILTERS else None
    rows, total = await verdicts.page(code, campaign_id, show, page)
    pages = max(1, -(-total // verdicts.PER_PAGE))
    if page > pages:  # e.g. the last page's records were judged and left the filter: show the new last page
        page = pages
        rows, total = await verdicts.page(code, campaign_id, show, page)
    await _read_logged(principal, code, campaign_id, rows)
    source = campaigns.sources(_ctx(request)).get(campaign["source"])
    return _page(request, "supervision/campaign.html", principal, code, campaign=campaign, items=rows,
                 source_title=source.title if source else campaign["source"],
                 scope_name=await scope.name(_ctx(request), campaign), counts=await verdicts.counts(campaign_id),
                 filters=verdicts.FILTERS, show=show or "", total=total, page=page, pages=pages,
                 can_manage=principal.can("supervision.campaign.manage", code))


@get(PAGE + "/campaigns/{campaign_id:int}/report", opt=READ, include_in_schema=False)
async def report_page(request: Request, code: str, campaign_id: int, principal: Principal) -> Template:
    data = await report.data(_ctx(request), code, campaign_id)
    await _read_logged(principal, code, campaign_id, data["items"])
    return _page(request, "supervision/report.html", principal, code, report=data)


@get(PAGE + "/findings", opt=RESPOND, include_in_schema=False)
async def findings_page(request: Request, code: str, principal: Principal) -> Template:
    return _page(request, "supervision/findings.html", principal, code,
                 findings=await campaigns.findings_for(principal, code))


ROUTES = [list_sources, list_campaigns, create_campaign, get_campaign, sample_campaign, redraw_campaign,
          close_campaign, report_xlsx, give_verdict, give_verdicts, scope_candidates, answer_finding, close_finding,
          add_evidence, get_evidence, my_findings, home_page, campaign_page, report_page, findings_page]
