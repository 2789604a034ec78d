"""Demo data for the shipped districts: streets and communities, organisations (credit
codes with the prefix of their legal type: 51 社会团体, 52 社会服务机构, 53 基金会; filed
community organisations without one), their last two annual inspections and one entry on
the abnormal-activity list, persons and one user per role, and the last closed quarter's 季度报送 of
every district but each city's first. Written through the services
(so audited) and safe to run again: existing rows are kept, nothing is duplicated. The demo's
streets and communities are dated as in the registry since `REGISTERED_SINCE` (a community counts
in an indicator from its `created_at`), so the quarterly history has communities to count."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta, timezone

from core import db, indicator_reports
from core.builtin import CITY_ADMIN, DISTRICT_ADMIN, ORG_STAFF, PLATFORM_ADMIN, RESIDENT, SOCIAL_WORKER, SUPERVISOR
from core.codes import make_id_number, make_uscc
from core.context import AppContext
from core.identity import ensure_user
from core.plugins import call_async
from core.registry import credit, inspections, services, stations
from core.tables import (AnnualInspection, Community, CreditListing, IndicatorReport, Organization, Person,
                         SocialWorkStation)

ACTOR = "demo"
REGISTERED_SINCE = datetime(2015, 1, 1, tzinfo=timezone.utc)

STREETS = {
    "430702": [("001", "丹阳街道", ["丹阳社区", "滨湖社区", "紫缘社区"]),
               ("002", "芷兰街道", ["芷兰社区", "兰亭社区", "花山社区"]),
               ("003", "穿紫河街道", ["穿紫河社区", "荷花社区", "建设社区"]),
               ("004", "府坪街道", ["府坪社区", "大码头社区"]),
               ("005", "启明街道", ["启明社区", "朗州社区"]),
               ("101", "河洑镇", ["河洑社区", "太阳山村"])],
    "430703": [("001", "郭家铺街道", ["郭家铺社区", "德山社区", "江南社区"]),
               ("002", "玉霞街道", ["玉霞社区", "桥南社区"]),
               ("101", "灌溪镇", ["灌溪社区", "岗市村"]),
               ("102", "石公桥镇", ["石公桥社区", "鹿溪村"])],
}

# Street social-work stations (township code → opened, 驻站社工数): most streets but not all, so
# the two districts' coverage differs (430702: 5 of 6 streets; 430703: 2 of 4). 430702's 丹阳街道
# moved: its first station closed when the present one opened (the history is kept).
STATIONS = {
    "430702": {"001": (date(2022, 3, 1), 3), "002": (date(2021, 9, 15), 2), "003": (date(2022, 6, 1), 3),
               "004": (date(2023, 1, 10), 2), "005": (date(2023, 7, 1), 2)},
    "430703": {"001": (date(2022, 5, 20), 2), "101": (date(2023, 4, 1), 1)},
}
MOVED = ("430702", "001", date(2020, 10, 1))  # the earlier station of 丹阳街道, closed the day the new one opened

ORGANIZATIONS = [
    # (category, name suffix, legal type, status, grade)
    ("2", "阳光社会工作服务中心", "social_service_institution", "registered", "4A"),
    ("2", "夕阳红居家养老服务中心", "social_service_institution", "registered", "3A"),
    ("1", "志愿者协会", "social_group", "registered", "3A"),
    ("2", "心馨青少年心理服务中心", "social_service_institution", "registered", None),
    ("3", "慈善基金会", "foundation", "registered", "5A"),
    (None, "社区舞蹈队", "community_filed", "filed", None),
    (None, "邻里互助会", "community_filed", "filed", None),
]

# Annual inspections of the registered organisations (name suffix → the year before last, last
# year); the one that missed last year's inspection is on the abnormal-activity list for it.
INSPECTIONS = {"阳光社会工作服务中心": ("qualified", "qualified"),
               "夕阳红居家养老服务中心": ("qualified", "basically_qualified"),
               "志愿者协会": ("qualified", "not_inspected"),
               "心馨青少年心理服务中心": ("basically_qualified", "qualified"),
               "慈善基金会": ("qualified", "qualified")}
ABNORMAL = "志愿者协会"

SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
GIVEN = ["芳", "伟", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "桂兰", "建华", "志强"]


def _places(code: str) -> list[tuple[str, str]]:
    """(code, name) of the district's demo streets and communities, each street before its
    communities: 居委会 001–199, 村委会 from 201."""
    places = []
    for township, street, communities in STREETS.get(code, []):
        places.append((f"{code}{township}000", street))
        places += [(f"{code}{township}{(i if '社区' in name else 200 + i):03d}", name)
                   for i, name in enumerate(communities, start=1)]
    return places


async def load_registry(ctx: AppContext, code: str) -> None:
    district = ctx.districts[code]
    places = _places(code)
    for place_code, name in places:
        if not await Community.exists().where(Community.code == place_code):
            await services.create_community(code, ACTOR, place_code, name)
    await Community.update({Community.created_at: REGISTERED_SINCE}).where(
        Community.code.is_in([c for c, _ in places] or [""]) & (Community.created_at > REGISTERED_SINCE))
    first_community = (await Community.select(Community.code).where(
        (Community.district_code == code) & (Community.kind == "community")).order_by(Community.code).first())
    for serial, (category, suffix, legal_type, status, grade) in enumerate(ORGANIZATIONS, start=1):
        name = f"{district.city_name}{district.name}{suffix}" if category else f"{district.name}{suffix}"
        if await Organization.exists().where((Organization.name == name) & (Organization.district_code == code)):
            continue
        uscc = make_uscc(category, code, int(code) * 100 + serial) if category else None
        await services.create_organization(code, ACTOR, {
            "name": name, "legal_type": legal_type, "status": status, "grade": grade, "uscc": uscc,
            "registered_on": date(2015 + serial, serial, 10 + serial),
            "community_code": first_community["code"] if first_community else None,
            "address": f"{district.city_name}{district.name}人民路{serial * 11}号",
            "contact_name": SURNAMES[serial] + GIVEN[serial], "contact_phone": f"138{int(code) % 10000:04d}{serial:04d}",
        })
    await _load_standing(code, f"{district.city_name}{district.name}")
    await _load_stations(code)
    communities = await Community.select(Community.code).where(
        (Community.district_code == code) & (Community.kind == "community")).order_by(Community.code)
    for i in range(40):
        id_number = make_id_number(code, date(1960 + i % 40, 1 + i % 12, 1 + i % 28), i * 2 + 1)
        if await Person.exists().where(Person.id_number == id_number):
            continue
        await services.create_person(code, ACTOR, {
            "name": SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)], "id_number": id_number,
            "phone": f"139{int(code) % 10000:04d}{i:04d}",
            "community_code": communities[i % len(communities)]["code"] if communities else None,
        })


async def _load_standing(code: str, prefix: str) -> None:
    """Inspection results and the abnormal-list entry of the demo organisations (named
    `prefix` + suffix), for those that have none yet."""
    last = date.today().year - 1
    names = {f"{prefix}{suffix}": suffix for suffix in INSPECTIONS}
    orgs = await Organization.select(Organization.id, Organization.name).where(
        (Organization.district_code == code) & Organization.name.is_in(list(names)))
    for org in orgs:
        suffix = names[org["name"]]
        if await AnnualInspection.exists().where(AnnualInspection.organization == org["id"]):
            continue
        for year, result in zip((last - 1, last), INSPECTIONS[suffix]):
            note = "未按规定报送年度工作报告" if result == "not_inspected" else ""
            await inspections.record(code, ACTOR, org["id"], year, result, note)
        if suffix == ABNORMAL and not await CreditListing.exists().where(CreditListing.organization == org["id"]):
            await credit.add(code, ACTOR, org["id"], "abnormal", date.today() - timedelta(days=60),
                             f"未按规定参加{last}年度检查（民政部令第60号）")


async def _load_stations(code: str) -> None:
    """The demo streets' social-work stations, for streets that have none recorded yet."""
    for township, (opened, workers) in STATIONS.get(code, {}).items():
        street_code = f"{code}{township}000"
        street = await Community.select(Community.name).where(Community.code == street_code).first()
        if not street or await SocialWorkStation.exists().where(SocialWorkStation.street_code == street_code):
            continue
        if (code, township) == MOVED[:2]:
            await stations.create(code, ACTOR, street_code, {
                "name": f"{street['name']}社会工作服务站（旧址）", "opened_on": MOVED[2], "closed_on": opened,
                "address": f"{street['name']}老办公楼一楼", "resident_workers": 1, "note": "迁至新址"})
        await stations.create(code, ACTOR, street_code, {
            "name": f"{street['name']}社会工作服务站", "opened_on": opened, "resident_workers": workers,
            "address": f"{street['name']}便民服务中心二楼", "note": "政府购买服务运营"})


_CORE_ROLES = {PLATFORM_ADMIN, CITY_ADMIN, DISTRICT_ADMIN, SUPERVISOR, ORG_STAFF, SOCIAL_WORKER, RESIDENT}


async def load_users(ctx: AppContext, password: str, fast_hash: bool = False) -> list[str]:
    """One user per role; returns the usernames."""
    names = []

    async def add(username, display, grants, person_id=None):
        await ensure_user(username, password, grants, display_name=display, fast_hash=fast_hash, actor=ACTOR,
                          person_id=person_id)
        names.append(username)

    await add("admin", "平台管理员", [{"role": "platform_admin"}])
    city = next(iter(ctx.districts.values()))
    await add("city-admin", f"{city.city_name}管理员", [{"role": "city_admin", "city_code": city.city_code}])
    for code, d in ctx.districts.items():
        org = await Organization.select(Organization.id).where(Organization.district_code == code).order_by(
            Organization.id).first()
        person = await Person.select(Person.id).where(Person.district_code == code).order_by(Person.id).first()
        await add(f"{code}-admin", f"{d.name}管理员", [{"role": "district_admin", "district_code": code}])
        await add(f"{code}-supervisor", f"{d.name}监管员", [{"role": "supervisor", "district_code": code}])
        await add(f"{code}-org", f"{d.name}社会组织", [{"role": "org_staff", "district_code": code,
                                                       "organization_id": org["id"] if org else None}])
        await add(f"{code}-worker", f"{d.name}社工", [{"role": "social_worker", "district_code": code}],
                  person["id"] if person else None)
        # the resident is a registry person too (the youngest other than the worker), so what they
        # take part in counts in statistics by age band
        young = await Person.select(Person.id).where(
            (Person.district_code == code) & (Person.id != (person["id"] if person else 0))).order_by(
            Person.birth_date, ascending=False).first()
        await add(f"{code}-resident", f"{d.name}居民", [{"role": "resident", "district_code": code}],
                  young["id"] if young else None)
        for role in plugin_roles(ctx):
            await add(f"{code}-{demo_suffix(role.name)}", f"{d.name}{role.label}",
                      [{"role": role.name, "district_code": code}])
    return names


def plugin_roles(ctx: AppContext) -> list:
    """District roles plugins add (each gets a demo user per district, e.g. 430702-assessor)."""
    return [r for r in ctx.contributions.roles.values() if r.scope == "district" and r.name not in _CORE_ROLES]


def demo_suffix(role: str) -> str:
    return role.replace("_", "-")


async def load_demo(ctx: AppContext, password: str | None, fast_hash: bool = False) -> str:
    """Load everything (idempotent); return the password the demo users have."""
    password = password or secrets.token_urlsafe(9)
    async with db.write_transaction():  # one transaction: all or nothing, and one connection
        for code in ctx.districts:
            await load_registry(ctx, code)
        await load_users(ctx, password, fast_hash)
    for district in ctx.districts.values():
        await call_async(ctx.pm.hook.load_demo, district=district, ctx=ctx)
    await submit_reports(ctx)
    return password


async def submit_reports(ctx: AppContext) -> None:
    """季度报送 in the demo: in each city every district but the first (by code) has submitted the
    last closed quarter, so the city page shows both states and the first district's admin can
    submit it on the dashboard. Figures are frozen after every module's demo data is in."""
    quarter = indicator_reports.last_closed_quarter()
    cities: dict[str, list[str]] = {}
    for district in ctx.districts.values():
        cities.setdefault(district.city_code, []).append(district.code)
    for codes in cities.values():
        for code in sorted(codes)[1:]:
            if not await IndicatorReport.exists().where((IndicatorReport.district_code == code)
                                                         & (IndicatorReport.quarter == quarter)):
                await indicator_reports.submit(ctx, code, ACTOR, quarter, note="演示数据：按季度报送")
