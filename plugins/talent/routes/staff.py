"""Organisation staff and their social workers (机构社工): staff of a social organisation see the
workers their organisation employs — profile (identity masked), registration state, this
period's continuing-education hours, service logs and training — and no one else's. The
worker's own self-service pages read the same bundle (`worker_bundle`)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get

from core.auth import Principal
from core.errors import not_found
from core.views import view
from plugins.talent import schemas as s
from plugins.talent import services
from plugins.talent.routes._common import BASE, MODULE, settings_for
from plugins.talent.schemas import EducationRecord, MyProfile, shaped
from plugins.talent.tables import ContinuingEducation, ServiceLog, SocialWorker

STAFF_PERMISSION = "talent.staff.read"
STAFF = {**MODULE, "permission": STAFF_PERMISSION}


class StaffWorker(MyProfile):
    """A worker as their organisation's staff (or the worker) sees them: profile, hours, records."""

    logs: list[s.ServiceLogView]
    education: list[EducationRecord]


def staff_organizations(principal: Principal, code: str) -> set[int]:
    """The organisations whose workers the caller may see (a grant without an organisation: none)."""
    return principal.organization_limit(STAFF_PERMISSION, code) or set()


async def staff_rows(code: str, principal: Principal) -> list[dict[str, Any]]:
    orgs = sorted(staff_organizations(principal, code))
    return await SocialWorker.select().where(
        (SocialWorker.district_code == code) & SocialWorker.employer_org_id.is_in(orgs or [0])
    ).order_by(SocialWorker.status).order_by(SocialWorker.id)


async def staff_worker(code: str, principal: Principal, worker_id: int) -> dict[str, Any]:
    """One of the caller's organisation's workers; 404 for anyone else's (no hint that they exist)."""
    row = await SocialWorker.select().where(
        (SocialWorker.id == worker_id) & (SocialWorker.district_code == code)).first()
    if row is None or row["employer_org_id"] not in staff_organizations(principal, code):
        raise not_found("社工档案")
    return row


async def worker_bundle(request: Request, code: str, row: dict[str, Any]) -> dict[str, Any]:
    """Profile (masked), this period's CE hours, logs (newest first) and training records."""
    settings = await settings_for(request, code)
    profile = (await services.worker_view([row], services.subsidies_from(settings)))[0]
    logs = await ServiceLog.select().where(ServiceLog.worker == row["id"]).order_by(
        ServiceLog.day, ascending=False).order_by(ServiceLog.id, ascending=False)
    education = await ContinuingEducation.select().where(ContinuingEducation.worker == row["id"]).order_by(
        ContinuingEducation.day, ascending=False)
    return {**profile, "continuing_education": await services.education_summary(row, settings),
            "logs": logs, "education": education}


@get(BASE + "/staff", opt=STAFF, tags=["talent"], summary="My organisation's social workers (identity masked)")
async def list_staff(code: str, principal: Principal) -> list[s.Worker]:
    return shaped(await services.worker_view(await staff_rows(code, principal)), list[s.Worker])


@get(BASE + "/staff/{worker_id:int}", opt=STAFF, tags=["talent"],
     summary="One of my organisation's social workers: profile, CE hours, service logs and training")
async def get_staff_worker(request: Request, code: str, worker_id: int, principal: Principal) -> StaffWorker:
    return view(await worker_bundle(request, code, await staff_worker(code, principal, worker_id)), StaffWorker)


ROUTES = [list_staff, get_staff_worker]
