"""The public Open Contracting (OCDS 1.1.5) endpoints: `/opendata/ocds` (the publication and
its policy), `/opendata/ocds/releases` (a release package), `/opendata/ocds/records` (a record
package) and `/opendata/ocds/records/{ocid}` (one record). Only districts that enable the
module publish; a filter that matches nothing answers 404 (an OCDS package holds at least one
release or record). Packages stream (plugins.procurement.ocds_package)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Stream

from core.context import AppContext
from core.errors import ApiError
from core.modules import module_settings
from plugins.procurement import MODULE, OCDS_1_1_5
from plugins.procurement import ocds_package as pkg
from plugins.procurement.ocds import moment
from plugins.procurement.ocds_schemas import OcdsPublication, OcdsRecordPackage, OcdsReleasePackage

BASE = "/opendata/ocds"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
BUREAU = "民政局"
PUBLIC = {"public": True, "errors": (404,)}
TAGS = ["opendata"]
MAX_LIMIT = 1000
FILTERS = ("ocid", "district", "since")
POLICY = [
    "发布范围：启用“政府购买服务”模块的区县的全部购买服务项目，从立项（planning）起公开；每次阶段变更形成一条新的发布（release），"
    "发布编号为“ocid-变更号”，立项为“ocid-planning”；履约节点验收和每笔支付各形成一条实施更新（implementationUpdate），"
    "编号为“ocid-milestone-节点号”和“ocid-payment-支付号”；每次上传（或替换）合同文本形成一条合同更新（contractUpdate），"
    "编号为“ocid-document-序号”。发布后不再改变。",
    "投标截止前不公开任何投标信息（包括投标人名单）；截止后公开有效投标的社会组织（tenderers）及数量。中标（成交）结果公开承接主体、"
    "中标金额；未选择评审排名第一的投标时公开理由。",
    "合同公开金额、签订日期、服务期限和合同文本的基本信息（标题、格式、上传时间），不公开合同文件本身和文件名（含签字人信息）；"
    "履约节点公开计划完成日期、状态（按期、部分完成、逾期）、计划和验收的产出数量；支付公开日期、金额、付款方和收款方。",
    "项目在计划阶段可以修改，立项发布反映计划阶段的最终内容；进入采购后项目信息不再变化。",
    "金额为人民币元（CNY）；时间为 UTC（RFC 3339）；服务期限按北京时间的起止日。",
    "采购方式按 OCDS procurementMethod 对应（公开招标 open，邀请招标 selective，竞争性谈判、竞争性磋商、询价 limited，"
    "单一来源 direct），中文名称见 procurementMethodDetails，单一来源的理由见 procurementMethodRationale。",
    "服务领域以 SANSHE-FIELD 分类（本区县指导性目录中的服务领域名称）标注在 tender.items 中。",
    "不发布任何个人信息：不含身份证号、个人电话、经办人员账号、评审专家、投标团队成员和履约报告说明；"
    "终止或采购失败的理由作为公告（cancellationDetails）发布。",
    "组织以统一社会信用代码（CN-USCC）标识；登记系统中没有代码的购买主体以区县内稳定编号标识。",
    "分页：links.next 给出下一页（游标），按项目和发布顺序稳定排列；可按 ocid、district（区县代码）、since（该时刻及以后的发布）筛选。",
]

Ocid = Annotated[str | None, QueryParameter(max_length=100, description="One contracting process (its ocid)")]
District = Annotated[str | None, QueryParameter(pattern=r"^\d{6}$", description="A district code (GB/T 2260)")]
Since = Annotated[datetime | None, QueryParameter(
    description="Only releases dated on or after this moment (RFC 3339; without a zone: UTC); records with one")]
Cursor = Annotated[str | None, QueryParameter(pattern=r"^\d{1,18}(-\d{1,18}){0,3}$", max_length=80,
                                              description="Where the page starts: take it from links.next")]
Limit = Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT})")]


def _ctx(request: Request) -> AppContext:
    return request.app.state.ctx


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _check_query(request: Request, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(request.query_params) - set(allowed))
    if unknown:
        raise ApiError(400, f"不支持的查询参数：{'、'.join(unknown)}", "unsupported_parameter",
                       [(name, "不支持的查询参数") for name in unknown])


def publisher(ctx: AppContext, codes: list[str]) -> str:
    """The district's civil-affairs bureau, or the cities' when several districts publish."""
    districts = [ctx.districts[code] for code in codes]
    if len(districts) == 1:
        return f"{districts[0].city_name}{districts[0].name}{BUREAU}"
    return "、".join(dict.fromkeys(f"{d.city_name}{BUREAU}" for d in districts))


async def _scope(request: Request, ocid: str | None, district: str | None, since: datetime | None) -> pkg.Scope:
    districts = await pkg.publishing_districts(_ctx(request))
    if district is not None:
        districts = [code for code in districts if code == district]
    if not districts:
        raise ApiError(404, "没有符合条件的开放合同数据（区县不存在或未启用政府购买服务）", "not_found")
    return pkg.Scope(districts, ocid, pkg.since_second(since) if since else None)


async def _head(request: Request, scope: pkg.Scope) -> dict[str, Any]:
    changed = await pkg.last_change(scope)
    return {"uri": str(request.url), "version": "1.1",
            "publishedDate": moment(changed) if changed else moment(datetime.now().astimezone()),
            "publisher": {"name": publisher(_ctx(request), scope.districts)}, "license": LICENSE,
            "publicationPolicy": f"{_base(request)}{BASE}"}


def _next_link(request: Request, path: str, filters: dict[str, Any], limit: int):
    query = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in filters.items() if v is not None}

    def link(cursor: str) -> str:
        return f"{_base(request)}{path}?{urlencode({**query, 'limit': limit, 'cursor': cursor})}"

    return link


async def _stream(request: Request, key: str, scope: pkg.Scope, items, limit: int, link) -> Stream:
    """The package stream; its first item is read first, so an empty scope answers 404 and a
    database that cannot be read answers 503, never a broken 200."""
    first = await anext(items, None)
    if first is None:
        await items.aclose()
        raise ApiError(404, "没有符合条件的开放合同数据", "not_found")
    head = await _head(request, scope)
    return Stream(pkg.write_package(head, key, first, items, limit, link), media_type="application/json")


def _cursor(value: str | None, parts: int) -> tuple[int, ...]:
    numbers = tuple(int(n) for n in value.split("-")) if value else (0,) * parts
    if len(numbers) != parts:
        raise ApiError(400, "游标格式错误，请使用 links.next 给出的地址", "invalid_parameter",
                       [("cursor", "游标格式错误")])
    return numbers


@get(BASE, opt=PUBLIC, tags=TAGS, summary="About the OCDS 1.1.5 publication: packages, licence, publication policy")
async def ocds_publication(request: Request) -> OcdsPublication:
    _check_query(request, ())
    ctx = _ctx(request)
    codes = await pkg.publishing_districts(ctx)
    if not codes:
        raise ApiError(404, "没有区县发布开放合同数据", "not_found")
    prefixes = {code: (await module_settings(ctx, code, MODULE))["ocid_prefix"] for code in codes}
    return OcdsPublication(standard=OCDS_1_1_5, version="1.1.5", releases=f"{_base(request)}{BASE}/releases",
                           records=f"{_base(request)}{BASE}/records", license=LICENSE,
                           publishers={code: publisher(ctx, [code]) for code in codes}, ocid_prefixes=prefixes,
                           policy=POLICY)


async def _paged(request: Request, key: str, filters: dict[str, Any], cursor: str | None, limit: int) -> Stream:
    """A page of releases or records under the filters, from the cursor on."""
    _check_query(request, (*FILTERS, "cursor", "limit"))
    scope = await _scope(request, filters["ocid"], filters["district"], filters["since"])
    if key == "releases":
        items = pkg.iter_releases(_ctx(request), scope, _cursor(cursor, 4))
    else:
        items = pkg.iter_records(_ctx(request), scope, _base(request), _cursor(cursor, 1)[0])
    return await _stream(request, key, scope, items, limit, _next_link(request, f"{BASE}/{key}", filters, limit))


def _package_route(key: str, package: type, summary: str):
    """The paged endpoint of one kind of package (releases or records): same filters, own schema."""

    async def handler(request: Request, ocid: Ocid = None, district: District = None, since: Since = None,
                      cursor: Cursor = None, limit: Limit = 100) -> Stream:
        filters = {"ocid": ocid, "district": district, "since": since}
        return await _paged(request, key, filters, cursor, limit)

    handler.__name__ = handler.__qualname__ = f"ocds_{key}"
    handler.__annotations__ = {**handler.__annotations__, "return": package}  # what the OpenAPI document shows
    return get(f"{BASE}/{key}", opt=PUBLIC, tags=TAGS, summary=summary)(handler)


ocds_releases = _package_route(
    "releases", OcdsReleasePackage,
    "An OCDS 1.1.5 release package: one release per stage change, paged with links.next (streamed)")
ocds_records = _package_route(
    "records", OcdsRecordPackage,
    "An OCDS 1.1.5 record package: per process its linked releases and compiled release (streamed)")


@get(f"{BASE}/records/{{ocid:str}}", opt=PUBLIC, tags=TAGS,
     summary="One contracting process as an OCDS 1.1.5 record package (404 when not published)")
async def ocds_record(request: Request, ocid: str) -> OcdsRecordPackage:
    _check_query(request, ())
    scope = await _scope(request, ocid, None, None)
    items = pkg.iter_records(_ctx(request), scope, _base(request))
    return await _stream(request, "records", scope, items, 1, lambda _: "")  # type: ignore[return-value]


ROUTES = [ocds_publication, ocds_releases, ocds_records, ocds_record]
