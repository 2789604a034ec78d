"""Open datasets of the incubation base: the organisations that graduated (出壳), with the
base that incubated them, their service fields and the graduation day. Organisations only —
no column holds a member's or contact's name, an ID number or a phone."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from core.contrib import Dataset, DatasetColumn
from core.tables import Organization
from plugins.incubation.tables import Base, Incubatee

GRADUATED = Incubatee.stage == "graduated"


def _fields(text: str | None) -> str:
    try:
        values = json.loads(text or "[]")
    except ValueError:
        return ""
    return "、".join(str(v) for v in values if isinstance(v, (str, int))) if isinstance(values, list) else ""


async def _graduates(districts: list[str]) -> AsyncIterator[dict[str, Any]]:
    rows = await Incubatee.select(Incubatee.id, Incubatee.district_code, Incubatee.base, Incubatee.name,
                                  Incubatee.organization_id, Incubatee.fields, Incubatee.community_code,
                                  Incubatee.graduated_on).where(
        GRADUATED & Incubatee.district_code.is_in(districts or [""])).order_by(
        Incubatee.district_code).order_by(Incubatee.graduated_on).order_by(Incubatee.id)
    bases = {b["id"]: b["name"] for b in await Base.select(Base.id, Base.name).where(
        Base.id.is_in(sorted({r["base"] for r in rows}) or [0]))}
    orgs = {o["id"]: o for o in await Organization.select(Organization.id, Organization.name,
                                                          Organization.community_code).where(
        Organization.id.is_in(sorted({r["organization_id"] for r in rows if r["organization_id"]}) or [0]))}
    for r in rows:
        org = orgs.get(r["organization_id"], {})
        yield {"district_code": r["district_code"], "base_name": bases.get(r["base"], ""),
               "organization_id": org.get("id"), "organization_name": org.get("name") or r["name"],
               "community_code": org.get("community_code") or r["community_code"] or "",
               "fields": _fields(r["fields"]), "graduated_on": r["graduated_on"]}


async def _count(districts: list[str]) -> int:
    return await Incubatee.count().where(GRADUATED & Incubatee.district_code.is_in(districts or [""]))


async def _updated(districts: list[str]):
    row = await Incubatee.select(Incubatee.updated_at).where(
        GRADUATED & Incubatee.district_code.is_in(districts or [""])).order_by(
        Incubatee.updated_at, ascending=False).first()
    return row["updated_at"] if row else None


DATASETS = [
    Dataset(
        module="incubation", name="incubation-graduates", title="孵化出壳的社会组织",
        description="经区县社会组织孵化基地培育、完成能力建设并出壳的社区社会组织：所在区县、孵化基地、"
                    "组织名称（以社会组织登记信息为准）、所在社区、服务领域和出壳日期。不含成员或联系人信息。",
        columns=(DatasetColumn("district_code", "区县代码"), DatasetColumn("base_name", "孵化基地"),
                 DatasetColumn("organization_id", "社会组织编号", "integer"),
                 DatasetColumn("organization_name", "社会组织名称"), DatasetColumn("community_code", "所在社区代码"),
                 DatasetColumn("fields", "服务领域"), DatasetColumn("graduated_on", "出壳日期", "date")),
        rows=_graduates, count=_count, updated=_updated,
        keywords=("孵化基地", "社区社会组织", "出壳"),
    ),
]
