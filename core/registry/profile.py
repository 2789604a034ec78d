"""Core's profile sections over the shared registry (registered by core.builtin):

- community (public): name, street, 居委会 or 村委会 from the 12-digit code (last three digits
  001–199 居民委员会, 200–399 村民委员会), and the organisations based there that are registered or
  filed (count and names — organisations are public records), each linking to its registry page;
  and its street's social-work station (乡镇（街道）社工站: name, 运行中/已撤站, opened, 驻站社工数;
  stations are public service sites, shown in full on the street's page);
- organisation (public): legal type, status, grade, registration date, credit status and the
  community it is based in; its credit-list entries (活动异常名录 / 严重违法失信名单: list, day
  listed, reason, day removed) and its annual inspection results by year — both published
  records (core.registry.credit, core.registry.inspections);
- person ("self": the person themself and staff with registry.person.read): the name (masked,
  except for the person themself), gender and the community they live in.
"""

from __future__ import annotations

from typing import Any

from core.contrib import ProfileSection
from core.glossary import CREDIT_STATUSES, GRADES, LEGAL_TYPES, ORG_STATUSES
from core.codes import mask_name
from core.registry import credit, inspections, stations
from core.tables import Community, Organization, Person, SocialWorkStation

LIVE = ("registered", "filed")


def village_kind(code: str) -> str:
    """居委会 / 村委会 / — from a 12-digit community code's last three digits."""
    tail = code[-3:]
    if len(code) != 12 or not tail.isdigit():
        return "—"
    number = int(tail)
    return "城市社区（居委会）" if 1 <= number <= 199 else "农村社区（村委会）" if 200 <= number <= 399 else "—"


def _word(table: dict, value: Any) -> str:
    return table[value][0] if value in table else (value or "—")


async def community_facts(ctx, code: str, key: str, principal) -> dict | None:
    row = await Community.select().where((Community.district_code == code) & (Community.code == key)).first()
    street = None
    if row["parent_code"]:
        street = await Community.select(Community.name).where(
            (Community.district_code == code) & (Community.code == row["parent_code"])).first()
    orgs = await Organization.select(Organization.id, Organization.name, Organization.legal_type).where(
        (Organization.district_code == code) & (Organization.community_code == key)
        & Organization.status.is_in(list(LIVE))).order_by(Organization.name)
    facts = [["名称", row["name"]], ["代码", row["code"]], ["所属街道", street["name"] if street else "—"]]
    if row["kind"] == "community":
        facts.append(["类型", village_kind(row["code"])])
    facts.append(["驻社区社会组织", f"{len(orgs)} 家"])
    items = [{"title": o["name"], "url": f"/districts/{code}/organizations/{o['id']}/profile",
              "meta": _word(LEGAL_TYPES, o["legal_type"])} for o in orgs]
    street_code = row["code"] if row["kind"] == "street" else row["parent_code"]
    if street_code:
        facts += await _station(code, street_code)
        own_name = row["name"] if row["kind"] == "street" else (street["name"] if street else street_code)
        items.insert(0, {"title": own_name, "url": f"/districts/{code}/streets/{street_code}",
                         "meta": "乡镇（街道）· 社工站"})
    return {"facts": facts, "items": items}


async def _station(code: str, street_code: str) -> list[list]:
    """The street's station as facts: the open one, else the latest closed one, else 暂无."""
    rows = await SocialWorkStation.select().where(
        (SocialWorkStation.district_code == code) & (SocialWorkStation.street_code == street_code)).order_by(
        SocialWorkStation.opened_on, ascending=False).order_by(SocialWorkStation.id, ascending=False)
    row = next((r for r in rows if r["closed_on"] is None), rows[0] if rows else None)
    if row is None:
        return [["街道社工站", "暂无"]]
    status = stations.status_label(row)
    facts = [["街道社工站", row["name"]], ["社工站状态", status], ["社工站建站日期", str(row["opened_on"])],
             ["驻站社工数", f"{row['resident_workers']} 人"]]
    if row["closed_on"]:
        facts.append(["社工站撤站日期", str(row["closed_on"])])
    return facts


async def organization_facts(ctx, code: str, key: str, principal) -> dict | None:
    org = await Organization.select().where((Organization.district_code == code) & (Organization.id == int(key))).first()
    base = None
    if org["community_code"]:
        base = await Community.select(Community.name).where(
            (Community.district_code == code) & (Community.code == org["community_code"])).first()
    facts = [["名称", org["name"]], ["登记类型", _word(LEGAL_TYPES, org["legal_type"])],
             ["状态", _word(ORG_STATUSES, org["status"])], ["评估等级", _word(GRADES, org["grade"])],
             ["登记日期", str(org["registered_on"] or "—")[:10]],
             ["信用状态", _word(CREDIT_STATUSES, org["credit_status"])]]
    items = []
    if base:
        items.append({"title": base["name"], "url": f"/districts/{code}/communities/{org['community_code']}/profile",
                      "meta": "所在社区"})
    record = f"/districts/{code}/organizations/{org['id']}"
    listings = await credit.listings(code, org["id"])
    results = await inspections.inspections(code, org["id"])
    facts.append(["信用名录记录", f"{len(listings)} 条（在列 {sum(1 for x in listings if x['open'])} 条）"])
    if results:
        facts.append(["最近年检", f"{results[0]['year']} 年度：{results[0]['result_label']}"])
    for x in listings:
        removed = f" · {x['removed_on']} 移出" if x["removed_on"] else " · 在列"
        items.append({"title": x["credit_list_label"], "url": record,
                      "meta": f"{x['listed_on']} 列入 · {x['reason']}{removed}"})
    items += [{"title": f"{r['year']} 年度年检", "url": record,
               "meta": r["result_label"] + (f" · {r['note']}" if r["note"] else "")} for r in results]
    return {"facts": facts, "items": items}


async def person_facts(ctx, code: str, key: str, principal) -> dict | None:
    person = await Person.select(Person.name, Person.gender, Person.community_code).where(
        (Person.district_code == code) & (Person.id == int(key))).first()
    own = principal.person_id is not None and str(principal.person_id) == key
    home = None
    if person["community_code"]:
        home = await Community.select(Community.name).where(
            (Community.district_code == code) & (Community.code == person["community_code"])).first()
    facts = [["姓名", person["name"] if own else mask_name(person["name"])], ["性别", person["gender"] or "—"],
             ["所在社区", home["name"] if home else "—"]]
    items = [{"title": home["name"], "url": f"/districts/{code}/communities/{person['community_code']}/profile",
              "meta": "所在社区"}] if home else []
    return {"facts": facts, "items": items}


SECTIONS = [
    ProfileSection("core", "community", "registry.community", "社区概况", "The community", community_facts, order=0),
    ProfileSection("core", "organization", "registry.organization", "登记信息", "Registration", organization_facts,
                   order=0),
    ProfileSection("core", "person", "registry.person", "基本信息", "The person", person_facts, access="self", order=0),
]
