"""Core's profile sections over the shared registry (registered by core.builtin):

- community (public): name, street, 居委会 or 村委会 from the 12-digit code (last three digits
  001–199 居民委员会, 200–399 村民委员会), and the organisations based there that are registered or
  filed (count and names — organisations are public records), each linking to its registry page;
- organisation (public): legal type, status, grade, registration date, credit status and the
  community it is based in;
- person ("self": the person themself and staff with registry.person.read): the name (masked,
  except for the person themself), gender and the community they live in.
"""

from __future__ import annotations

from typing import Any

from core.contrib import ProfileSection
from core.glossary import CREDIT_STATUSES, GRADES, LEGAL_TYPES, ORG_STATUSES
from core.codes import mask_name
from core.tables import Community, Organization, Person

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
    return {"facts": facts, "items": items}


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
