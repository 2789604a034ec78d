"""Staff pages of the roster: the list (search by name, filters, paging; ID numbers and phones
masked), the roster import page (upload, dry-run result, confirm: import.js calls the import
API), and a worker's record page. Each page asks for the permission its API asks for."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get
from litestar.params import Parameter
from litestar.response import Template

from core.auth import Principal
from core.context import AppContext
from core.tables import Community, Organization, Person, User
from core.web.pages import language_of, render
from plugins.talent import services
from plugins.talent._roster_read import HEADERS, MAX_LISTED_ERRORS, MAX_ROWS, REQUIRED
from plugins.talent.glossary import (CE_KINDS, EDUCATION_LEVELS, LOG_KINDS, NATIONAL_STATES, POST_TYPES,
                                     QUALIFICATIONS, RECORD_STATES, REGISTRATION_KINDS, REGISTRATION_STATES,
                                     WORKER_STATUSES)
from plugins.talent.routes._common import BASE, MODULE, PageNo, settings_for
from plugins.talent.tables import ContinuingEducation, RegistrationApplication, ServiceLog, SocialWorker, StatusChange

READ = {**MODULE, "permission": "talent.worker.read"}
IMPORT = {**MODULE, "permission": "talent.import"}
ROSTER_PAGE_SIZE = 50
RECENT_LOGS = 10
GENDERS_EN = {"男": "Male", "女": "Female"}
Query = Annotated[str | None, Parameter(max_length=50, description="part of the worker's name")]
Choice = Annotated[str | None, Parameter(max_length=20)]


def _ctx(request: Request) -> AppContext:
    return request.app.state.ctx


def labels(lang: str) -> dict[str, str]:
    """Display label of every stored value the pages show (the value itself in Chinese)."""
    if lang != "en":
        return {}
    return {**EDUCATION_LEVELS, **QUALIFICATIONS, **POST_TYPES, **WORKER_STATUSES, **GENDERS_EN, **CE_KINDS,
            **LOG_KINDS, **REGISTRATION_KINDS, "未注明": "Not stated", **REGISTRATION_STATES,
            **dict(NATIONAL_STATES.values())}


async def _communities(code: str) -> dict[str, str]:
    rows = await Community.select(Community.code, Community.name).where(
        (Community.district_code == code) & (Community.kind == "community")).order_by(Community.code)
    return {r["code"]: r["name"] for r in rows}


async def _employers(code: str) -> dict[int, str]:
    """The district's organisations that employ at least one worker (the filter's choices)."""
    rows = await Organization.select(Organization.id, Organization.name).where(
        (Organization.district_code == code) & Organization.id.is_in(
            SocialWorker.select(SocialWorker.employer_org_id).where(SocialWorker.district_code == code))
    ).order_by(Organization.name)
    return {r["id"]: r["name"] for r in rows}


def _name_part(q: str | None) -> str:
    """The search text without LIKE's wildcards (a name never holds them)."""
    return "".join(ch for ch in (q or "").strip() if ch not in "%_\\")


@get("/districts/{code:str}/talent", opt=READ, include_in_schema=False)
async def roster_page(request: Request, code: str, principal: Principal, page: PageNo = 1, q: Query = None,
                      community: Choice = None, org: Choice = None,
                      qualification: Choice = None, status: Choice = None) -> Template:
    """The roster (ID numbers and phones masked), searched and filtered, each row opening the worker's record."""
    where = [SocialWorker.district_code == code]
    name = _name_part(q)
    org_id = int(org) if org and org.isdigit() else None  # the form sends org= for 全部
    if name:
        where.append(SocialWorker.person_id.is_in(Person.select(Person.id).where(
            (Person.district_code == code) & Person.name.like(f"%{name}%"))))
    if community:
        where.append(SocialWorker.employer_community_code == community)
    if org_id:
        where.append(SocialWorker.employer_org_id == org_id)
    if qualification:
        where.append(SocialWorker.qualification == qualification)
    if status:
        where.append(SocialWorker.status == status)
    total = await SocialWorker.count().where(*where)
    pages = max(1, -(-total // ROSTER_PAGE_SIZE))
    page = min(page, pages)
    rows = await SocialWorker.select().where(*where).order_by(SocialWorker.id).limit(ROSTER_PAGE_SIZE).offset(
        (page - 1) * ROSTER_PAGE_SIZE)
    filters = {k: v for k, v in (("q", name), ("community", community), ("org", org_id),
                                 ("qualification", qualification), ("status", status)) if v}
    return render(request, "talent/roster.html", principal, district=_ctx(request).districts[code],
                  workers=await services.worker_view(rows), total=total, page=page, pages=pages,
                  filters=filters, communities=await _communities(code), employers=await _employers(code),
                  qualifications=QUALIFICATIONS, statuses=WORKER_STATUSES, labels=labels(language_of(request)),
                  can_stats=principal.can("talent.stats.read", code), can_import=principal.can("talent.import", code))


@get("/districts/{code:str}/talent/import", opt=IMPORT, include_in_schema=False)
async def import_page(request: Request, code: str, principal: Principal) -> Template:
    """Upload a roster, read the dry run's result (or every row error), then confirm the import."""
    api = BASE.replace("{code:str}", code) + "/workers"
    return render(request, "talent/import.html", principal, district=_ctx(request).districts[code],
                  headers=HEADERS, required=REQUIRED, max_rows=MAX_ROWS, listed=MAX_LISTED_ERRORS,
                  page_data={"import": f"{api}/import", "roster": f"/districts/{code}/talent",
                             "headers": {"X-CSRF-Token": principal.csrf_token} if principal.csrf_token else {},
                             "max_bytes": _ctx(request).settings.max_body_bytes, "listed": MAX_LISTED_ERRORS},
                  template=f"{api}/template.xlsx", max_mb=round(_ctx(request).settings.max_body_bytes / 1_000_000, 1))


@get("/districts/{code:str}/talent/workers/{worker_id:int}", opt=READ, include_in_schema=False)
async def worker_page(request: Request, code: str, worker_id: int, principal: Principal) -> Template:
    """A worker's record: masked identity, qualification, registration, post, CE hours against the
    rule, recent service logs (with talent.record.read) and the status history."""
    row = await services.get_worker(code, worker_id)  # another district's worker: 404
    settings = await settings_for(request, code)
    [worker] = await services.worker_view([row], services.subsidies_from(settings))
    history = await StatusChange.select().where(StatusChange.worker == worker_id).order_by(
        StatusChange.changed_on, StatusChange.id, ascending=False)
    applications = await RegistrationApplication.select().where(
        RegistrationApplication.worker == worker_id).order_by(RegistrationApplication.id, ascending=False)
    can_logs = principal.can("talent.record.read", code)
    logs = await ServiceLog.select().where((ServiceLog.worker == worker_id) & (ServiceLog.district_code == code)
                                           ).order_by(ServiceLog.day, ascending=False).limit(RECENT_LOGS) if can_logs else []
    log_count = await ServiceLog.count().where(ServiceLog.worker == worker_id) if can_logs else 0
    training = await ContinuingEducation.select().where(ContinuingEducation.worker == worker_id).order_by(
        ContinuingEducation.day, ascending=False).limit(RECENT_LOGS)
    communities = await _communities(code)
    hours = await services.education_summary(row, settings)
    actors = sorted({h["actor"] for h in history if h["actor"]})
    people = {u["username"]: u["display_name"] or u["username"] for u in await User.select(
        User.username, User.display_name).where(User.username.is_in(actors))} if actors else {}
    return render(request, "talent/worker.html", principal, district=_ctx(request).districts[code], w=worker,
                  history=history, applications=applications, logs=logs, log_count=log_count, can_logs=can_logs,
                  training=training, hours=hours, communities=communities, people=people, labels=labels(language_of(request)),
                  national=NATIONAL_STATES, record_states=RECORD_STATES,
                  can_import=principal.can("talent.import", code))


ROUTES = [roster_page, import_page, worker_page]
