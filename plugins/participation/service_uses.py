"""Recorded uses of a service: staff (announcers) record that a resident, named by username,
used a service on a day; the resident may then rate that use once (subject "use:<id>"), and the
rating rolls up to the service, organisation and worker like an activity's."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec

from core import audit, db
from core.auth import Principal
from core.errors import invalid, not_found, refused
from core.tables import Organization, RoleGrant, User
from plugins.participation import ratings
from plugins.participation.ratings_schemas import RatingIn
from plugins.participation.tables import Rating, ServiceUse

ANNOUNCE = "participation.announce"


class ServiceUseIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    service_ref: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    used_on: date
    service_title: Annotated[str, msgspec.Meta(max_length=200)] = ""
    organization_id: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)] | None = None
    worker_person_id: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)] | None = None


class ParticipationServiceUse(msgspec.Struct):
    id: int
    district_code: str
    service_ref: str
    service_title: str
    organization_id: int | None
    worker_person_id: int | None
    used_on: date
    rated: bool = False


class ParticipationServiceUses(msgspec.Struct):
    items: list[ParticipationServiceUse]


def _view(row: dict[str, Any], rated: bool = False) -> dict[str, Any]:
    keys = ("id", "district_code", "service_ref", "service_title", "organization_id", "worker_person_id", "used_on")
    return {**{k: row[k] for k in keys}, "rated": rated}


async def record(code: str, data: ServiceUseIn, principal: Principal) -> dict[str, Any]:
    errors: list[tuple[str, str]] = []
    user = await User.select(User.id).where(User.username == data.username.strip()).first()
    if not user or not await RoleGrant.exists().where(
            (RoleGrant.user == user["id"]) & (RoleGrant.role == "resident") & (RoleGrant.district_code == code)):
        errors.append(("username", "本区县没有这个居民账号"))
    if data.used_on > date.today():
        errors.append(("used_on", "使用日期不能晚于今天"))
    org = data.organization_id
    limit = principal.organization_limit(ANNOUNCE, code)
    if limit is not None:
        org = org if org is not None else (next(iter(limit)) if len(limit) == 1 else None)
        if org not in limit:
            errors.append(("organization_id", "只能登记本机构的服务"))
    if org is not None and not await Organization.exists().where(
            (Organization.id == org) & (Organization.district_code == code)):
        errors.append(("organization_id", "本区县没有这个机构"))
    if not data.service_ref.strip():
        errors.append(("service_ref", "必填，不能为空"))
    if errors:
        raise invalid(errors)
    values = {"district_code": code, "service_ref": data.service_ref.strip(), "service_title": data.service_title.strip(),
              "organization_id": org, "worker_person_id": data.worker_person_id, "user_id": user["id"],
              "used_on": data.used_on, "recorded_by": principal.username}
    async with db.write_transaction():
        new_id = (await ServiceUse.insert(ServiceUse(**values)).returning(ServiceUse.id))[0]["id"]
        await audit.record(actor=principal.username, action="create", entity="service_use", entity_id=new_id,
                           district_code=code, after=values)
    return _view({**values, "id": new_id})


async def mine(code: str, principal: Principal) -> dict[str, Any]:
    """The resident's own recorded uses, newest first, with whether each is rated."""
    rows = await ServiceUse.select().where((ServiceUse.district_code == code) & (
        ServiceUse.user_id == principal.user_id)).order_by(ServiceUse.id, ascending=False).limit(200)
    rated = {r["subject"] for r in await Rating.select(Rating.subject).where(
        (Rating.user_id == principal.user_id) & Rating.subject.is_in([f"use:{r['id']}" for r in rows] or ["-"]))}
    return {"items": [_view(r, f"use:{r['id']}" in rated) for r in rows]}


async def rate_use(ctx, code: str, use_id: int, data: RatingIn, principal: Principal) -> dict[str, Any]:
    async with db.write_transaction():
        use = await ServiceUse.select().where((ServiceUse.id == use_id) & (ServiceUse.district_code == code)).first()
        if not use:
            raise not_found("服务使用记录")
        if use["user_id"] != principal.user_id:
            raise refused("只能评价自己使用过的服务")
        return await ratings.rate(ctx, code, f"use:{use_id}", use, data, principal)

