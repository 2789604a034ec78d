"""The talent database's sections of a community's, an organisation's and a social worker's
profile (hook `register_profile_sections`) — the loop's "workers delivering".

- community (public): the social workers in post there (status 在岗, `employer_community_code`
  the community): their number and qualifications, and the organisations employing them (linking
  to their profiles). Names only to talent readers (`talent.worker.read`), each linking to the
  person's profile; everyone else sees counts. Also the workers posted at the community's street
  (社工站驻站社工: 在岗, `employer_community_code` the parent street's code): their number is public,
  their names go to talent readers only, by the same rule.
- organisation (public): its certified workers (在岗, a qualification other than 无) counted by
  qualification; names to talent readers and to the organisation's own staff holding
  `talent.staff.read` for it.
- person ("self": the worker themself and staff with registry.person.read — the talent readers):
  qualification and certificate year, registration state (computed today) and expiry,
  continuing-education hours this calendar year and in the registration period against the
  requirement, the post (type, title, employer, community, since), and the hours of submitted
  service logs by the record they were delivered under (e.g. a purchase project). None when the
  person has no worker profile in the district.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from core.contrib import ProfileSection
from core.modules import module_settings
from core.tables import Community, Organization, Person
from plugins.talent import MODULE, education, registration
from plugins.talent.delivery import offered_refs
from plugins.talent.glossary import QUALIFICATIONS
from plugins.talent.tables import ContinuingEducation, ServiceLog, SocialWorker

READ, STAFF = "talent.worker.read", "talent.staff.read"
ON_DUTY, UNQUALIFIED = "在岗", "无"


def _by_qualification(rows: list[dict]) -> list[list]:
    counts = Counter(r["qualification"] for r in rows)
    return [[f"{word}", f"{counts[word]} 人"] for word in QUALIFICATIONS if word != UNQUALIFIED and counts[word]]


async def _people(ids) -> dict[int, str]:
    ids = sorted(set(ids))
    return {p["id"]: p["name"] for p in await Person.select(Person.id, Person.name).where(Person.id.is_in(ids))} \
        if ids else {}


async def _org_names(code: str, ids) -> dict[int, str]:
    ids = sorted({i for i in ids if i})
    return {o["id"]: o["name"] for o in await Organization.select(Organization.id, Organization.name).where(
        (Organization.district_code == code) & Organization.id.is_in(ids))} if ids else {}


def _worker_items(code: str, rows: list[dict], names: dict[int, str], orgs: dict[int, str]) -> list[dict]:
    return [{"title": names.get(r["person_id"], "—"), "url": f"/districts/{code}/persons/{r['person_id']}/profile",
             "meta": " · ".join(x for x in (r["qualification"], r["post_type"], orgs.get(r["employer_org_id"], "")) if x)}
            for r in rows]


_COLUMNS = (SocialWorker.id, SocialWorker.person_id, SocialWorker.qualification, SocialWorker.post_type,
            SocialWorker.employer_org_id)


async def community_workers(ctx, code: str, key: str, principal) -> dict | None:
    rows = await SocialWorker.select(*_COLUMNS).where(
        (SocialWorker.district_code == code) & (SocialWorker.employer_community_code == key)
        & (SocialWorker.status == ON_DUTY)).order_by(SocialWorker.id)
    orgs = await _org_names(code, [r["employer_org_id"] for r in rows])
    per_org = Counter(r["employer_org_id"] for r in rows if r["employer_org_id"] in orgs)
    certified = [r for r in rows if r["qualification"] != UNQUALIFIED]
    facts = [["在岗社工", f"{len(rows)} 人"], ["持证社工", f"{len(certified)} 人"], *_by_qualification(rows)]
    items = [{"title": orgs[org], "url": f"/districts/{code}/organizations/{org}/profile", "meta": f"在岗社工 {n} 人"}
             for org, n in sorted(per_org.items(), key=lambda kv: (-kv[1], orgs[kv[0]]))]
    station = await _street_workers(code, key)
    if station is not None:
        facts.append(["社工站驻站社工", f"{len(station)} 人"])
    if principal.can(READ, code):
        items += _worker_items(code, rows, await _people(r["person_id"] for r in rows), orgs)
        if station:
            station_orgs = await _org_names(code, [r["employer_org_id"] for r in station])
            items += [{**item, "meta": "社工站驻站 · " + item["meta"]} for item in _worker_items(
                code, station, await _people(r["person_id"] for r in station), station_orgs)]
    return {"facts": facts, "items": items, "loop": [["worker", f"{len(rows)} 人"]]}


async def _street_workers(code: str, key: str) -> list[dict] | None:
    """The workers on duty posted at the community's street (its social-work station); None for a street."""
    row = await Community.select(Community.parent_code).where(
        (Community.district_code == code) & (Community.code == key)).first()
    if not row or not row["parent_code"]:
        return None
    return await SocialWorker.select(*_COLUMNS).where(
        (SocialWorker.district_code == code) & (SocialWorker.employer_community_code == row["parent_code"])
        & (SocialWorker.status == ON_DUTY)).order_by(SocialWorker.id)


def _may_name_staff(principal, code: str, org_id: int) -> bool:
    if principal.can(READ, code):
        return True
    if not principal.can(STAFF, code):
        return False
    limit = principal.organization_limit(STAFF, code)
    return limit is None or org_id in limit


async def organization_workers(ctx, code: str, key: str, principal) -> dict | None:
    org_id = int(key)
    rows = await SocialWorker.select(*_COLUMNS).where(
        (SocialWorker.district_code == code) & (SocialWorker.employer_org_id == org_id)
        & (SocialWorker.status == ON_DUTY) & (SocialWorker.qualification != UNQUALIFIED)).order_by(SocialWorker.id)
    facts = [["持证社工", f"{len(rows)} 人"], *_by_qualification(rows)]
    items = []
    if _may_name_staff(principal, code, org_id):
        items = _worker_items(code, rows, await _people(r["person_id"] for r in rows), {})
    return {"facts": facts, "items": items}


async def _delivery_logs(ctx, code: str, worker: dict) -> list[dict]:
    rows = await ServiceLog.select(ServiceLog.delivery_ref, ServiceLog.hours).where(
        (ServiceLog.worker == worker["id"]) & (ServiceLog.state == "submitted") & (ServiceLog.superseded == False)  # noqa: E712
        & ServiceLog.delivery_ref.is_not_null())
    hours: Counter = Counter()
    logs: Counter = Counter()
    for r in rows:
        hours[r["delivery_ref"]] += r["hours"]
        logs[r["delivery_ref"]] += 1
    titles = {o["ref"]: o["title"] for o in await offered_refs(ctx, code, worker)} if hours else {}
    return [{"title": titles.get(ref, ref), "meta": f"服务记录 {logs[ref]} 条 · {hours[ref]:g} 小时"}
            for ref in sorted(hours)]


async def person_worker(ctx, code: str, key: str, principal) -> dict | None:
    worker = await SocialWorker.select().where(
        (SocialWorker.district_code == code) & (SocialWorker.person_id == int(key))).first()
    if worker is None:
        return None
    today = date.today()
    state, expires = registration.registration_state(worker["registered_on"], today)
    records = await ContinuingEducation.select(ContinuingEducation.id, ContinuingEducation.kind,
                                               ContinuingEducation.day, ContinuingEducation.hours).where(
        ContinuingEducation.worker == worker["id"])
    this_year = sum(r["hours"] for r in records if r["day"].year == today.year and r["day"] <= today)
    summary = education.summary(worker, records, await module_settings(ctx, code, MODULE), today)
    orgs = await _org_names(code, [worker["employer_org_id"]])
    community = None
    if worker["employer_community_code"]:
        community = await Community.select(Community.name).where(
            (Community.district_code == code) & (Community.code == worker["employer_community_code"])).first()
    qualification = worker["qualification"]
    if worker["certificate_year"]:
        qualification += f"（{worker['certificate_year']} 年取得）"
    facts = [["职业资格", qualification],
             ["登记状态", state + (f"（有效期至 {expires}）" if expires else "")],
             [f"{today.year} 年继续教育", f"{this_year:g} 学时"]]
    if summary:
        facts.append(["本登记周期继续教育", f"{summary['hours']:g} / {summary['required']} 学时"])
    facts += [["岗位", " · ".join(x for x in (worker["post_type"], worker["position_title"]) if x)],
              ["在岗状态", worker["status"]], ["入职日期", str(worker["start_date"] or "—")]]
    items = []
    if worker["employer_org_id"] in orgs:
        items.append({"title": orgs[worker["employer_org_id"]], "meta": "所在机构",
                      "url": f"/districts/{code}/organizations/{worker['employer_org_id']}/profile"})
    if community:
        items.append({"title": community["name"], "meta": "服务社区",
                      "url": f"/districts/{code}/communities/{worker['employer_community_code']}/profile"})
    items += await _delivery_logs(ctx, code, worker)
    return {"facts": facts, "items": items}


SECTIONS = [
    ProfileSection(MODULE, "community", "talent.community", "驻社区社工", "Social workers posted here",
                   community_workers, order=50),
    ProfileSection(MODULE, "organization", "talent.organization", "持证社工", "Certified social workers",
                   organization_workers, order=50),
    ProfileSection(MODULE, "person", "talent.person", "社工档案", "Social-worker record", person_worker,
                   access="self", order=10),
]
