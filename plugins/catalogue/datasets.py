"""The catalogue's open datasets: published services and counts by field.
Only the declared columns leave; the service hotline is the provider's public
contact, never a person's phone from the registry."""

from __future__ import annotations

import json

from piccolo.query.functions.aggregate import Count

from core.contrib import Dataset, DatasetColumn
from core.tables import Organization
from plugins.catalogue.tables import Service

_PUBLISHED = Service.status == "published"


async def _service_rows(districts: list[str]):
    after = 0
    while True:
        rows = await Service.select().where(_PUBLISHED, Service.district_code.is_in(districts),
                                            Service.id > after).order_by(Service.id).limit(1000)
        if not rows:
            return
        names = {r["id"]: r["name"] for r in await Organization.select(Organization.id, Organization.name).where(
            Organization.id.is_in(sorted({r["organization_id"] for r in rows})))}
        for row in rows:
            yield {**row, "provider": names.get(row["organization_id"], ""),
                   "target_groups": "、".join(json.loads(row["target_groups"])),
                   "communities": "、".join(json.loads(row["communities"])),
                   "last_verified": row["last_verified"].isoformat() if row["last_verified"] else ""}
        after = rows[-1]["id"]


async def _service_count(districts: list[str]) -> int:
    return await Service.count().where(_PUBLISHED, Service.district_code.is_in(districts))


async def _service_updated(districts: list[str]):
    row = await Service.select(Service.updated_at).where(_PUBLISHED, Service.district_code.is_in(districts)).order_by(
        Service.updated_at, ascending=False).first()
    return row["updated_at"] if row else None


async def _field_rows(districts: list[str]):
    rows = await Service.select(Service.district_code, Service.field, Count(Service.id, alias="services")).where(
        _PUBLISHED, Service.district_code.is_in(districts)).group_by(Service.district_code, Service.field).order_by(
        Service.district_code).order_by(Service.field)
    for row in rows:
        yield row


async def _field_count(districts: list[str]) -> int:
    return len([row async for row in _field_rows(districts)])


DATASETS = [
    Dataset(
        module="catalogue", name="services", title="社区服务项目目录",
        description="各区县已发布的社区服务项目：服务领域、对象、收费方式、提供机构、地址、服务时间和对外服务电话。",
        columns=(
            DatasetColumn("id", "编号", "integer"), DatasetColumn("district_code", "区县代码"),
            DatasetColumn("name", "服务名称"), DatasetColumn("field", "服务领域"),
            DatasetColumn("target_groups", "服务对象"), DatasetColumn("description", "服务内容"),
            DatasetColumn("eligibility", "服务条件"), DatasetColumn("fee", "收费方式"),
            DatasetColumn("provider", "提供机构"), DatasetColumn("organization_id", "机构编号", "integer"),
            DatasetColumn("communities", "服务社区代码"), DatasetColumn("address", "地址"),
            DatasetColumn("opening_hours", "服务时间"), DatasetColumn("contact_phone", "对外服务电话"),
            DatasetColumn("last_verified", "最近核实日期", "date"),
        ),
        rows=_service_rows, count=_service_count, updated=_service_updated,
        keywords=("社区服务", "三社联动", "服务目录"),
    ),
    Dataset(
        module="catalogue", name="services-by-field", title="各服务领域服务项目数",
        description="按区县和服务领域统计的已发布服务项目数量。",
        columns=(DatasetColumn("district_code", "区县代码"), DatasetColumn("field", "服务领域"),
                 DatasetColumn("services", "服务项目数", "integer")),
        rows=_field_rows, count=_field_count, updated=_service_updated, keywords=("统计", "服务领域"),
    ),
]
