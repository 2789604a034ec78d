"""Demo rosters that tell the source article's story about 武陵区's social workers:
about 0.1% of the resident population (≈10 per 10,000), fewer than 100 certificate
holders, more than half with 中专 or less education, more than 60% aged 40 or over,
almost all 社区专职工作者, hardly anyone with a social-work degree.

Per district: the active roster, a few who left during the year (their departure
in the status history, so the 12-month trend moves) and a small reserve; a few
机构社工 at the demo organisations; registrations expired or expiring within 90
days, each with an exam year and first registration that keep the registration
rules (checked as the demo loads); recent service logs for every active worker
except the cases the supervision rules should find (one idle for 60+ days, one
>12-hour day, one duplicated log); a few continuing-education records and the
social-work degrees of the workers who hold one. The district's `<code>-worker`
demo user gets a worker profile. Loaded once per district (recognised by its audit
event), through `upsert_worker` in one transaction, records in bulk; generated
from a fixed seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from core import audit, db
from core.codes import make_id_number
from core.districts import DistrictConfig
from core.tables import AuditEvent, Community, Organization, Person, User
from core.dates import add_years
from plugins.talent import registration
from plugins.talent.education import DEGREE, DEGREE_HOURS
from plugins.talent.services import upsert_worker
from plugins.talent.tables import ContinuingEducation, RegistrationApplication, ServiceLog, SocialWorker, StatusChange

ACTOR = "demo"
SIZES = {"430702": 603, "430703": 741}  # active workers; other districts: population / 1000
CERTIFIED = {"430702": 86, "430703": 94}
SURNAMES = ("王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许彭曾萧蔡潘田杜"
            "戴夏钟汪任姜范方石姚谭廖邹熊金陆郝孔白崔毛邱秦江史顾侯龙万段雷汤易黎贺龚文向覃伍")
GIVEN_F = ("芳", "秀英", "桂兰", "丽", "敏", "静", "艳", "娟", "霞", "燕", "玲", "红梅", "春花", "美华", "淑珍", "慧",
           "婷", "佳", "雪梅", "丽华", "小燕", "湘君", "玉兰", "凤英", "金凤", "晓红", "琴", "莉", "雅琴", "思雨")
GIVEN_M = ("伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "建华", "志强", "国平", "卫东", "湘军", "德明", "俊",
           "浩", "立新", "海波", "文斌", "永红", "建国", "庆华", "宇", "鹏", "晓东", "长青", "红军", "胜利", "子豪")
NEARBY = ("430721", "430722", "430723", "430724", "430725", "430726", "430781")  # 常德's counties
AGE_BANDS = {(23, 29): 0.09, (30, 39): 0.25, (40, 49): 0.37, (50, 59): 0.29}
EDUCATION = {  # by age: 40+ mostly 中专 or less, younger mostly college
    True: {"初中及以下": 0.12, "高中": 0.30, "中专": 0.30, "大专": 0.20, "本科": 0.08},
    False: {"初中及以下": 0.02, "高中": 0.10, "中专": 0.18, "大专": 0.38, "本科": 0.30, "硕士研究生": 0.02},
}
POSTS = {"政府购买服务岗位": 0.04, "兼职": 0.025}  # the rest are 社区专职工作者, plus the 机构社工 below
AGENCIES = ("阳光社会工作服务中心", "夕阳红居家养老服务中心", "心馨青少年心理服务中心")
MAJORS = ("行政管理", "汉语言文学", "会计", "法学", "护理", "计算机应用", "公共事业管理", "学前教育")
TITLES = {"社区专职工作者": ("社区专职工作者", "网格员", "社区副主任", "社区主任"), "机构社工": ("项目社工", "督导助理"),
          "政府购买服务岗位": ("驻站社工",), "兼职": ("兼职社工",)}
LOG_KINDS = (("走访", 0.4, "入户走访{}户，了解老人和困难家庭需求"), ("社区活动", 0.25, "组织居民参加社区活动，做好签到和安全保障"),
             ("个案", 0.15, "跟进个案，开展面谈并更新服务计划"), ("小组", 0.1, "带领互助小组活动，记录组员反馈"),
             ("其他", 0.1, "整理台账，协助居委会完成民政业务"))
COURSES = (("常德市社会工作协会", "社区社会工作实务", 12), ("湖南省民政厅培训中心", "社会工作伦理与督导", 16),
           ("区民政局", "“三社联动”项目管理", 8), ("中国社会工作教育协会", "个案管理线上课程", 24))


def deal(items: list[Any], shares: dict[Any, float], rng: random.Random) -> list[Any]:
    """Split items into the shares exactly (largest remainder), shuffled: (item, category) pairs."""
    n = len(items)
    counts = {k: int(n * s) for k, s in shares.items()}
    for k in sorted(shares, key=lambda k: n * shares[k] - counts[k], reverse=True)[:n - sum(counts.values())]:
        counts[k] += 1
    labels = [k for k, c in counts.items() for _ in range(c)]
    rng.shuffle(labels)
    return list(zip(items, labels))


def _birth(age: int, today: date, rng: random.Random) -> date:
    """A birth date giving exactly `age` on `today` (safely away from the birthday)."""
    return add_years(today, -age) - timedelta(days=rng.randint(5, 355))


def registration_history(latest: date, rng: random.Random) -> tuple[int, date]:
    """(exam year, first registration) that make `latest` an on-time history: registered within a
    year of passing, then re-registered every three years (the rules of registration.py)."""
    renewals = rng.randint(0, max(0, (latest.year - 2009) // 3))
    first = add_years(latest, -3 * renewals)
    return max(first.year - rng.randint(0, 1), 2008), first


def plan_roster(code: str, today: date, communities: list[dict], agencies: dict[str, int],
                taken: set[str], size: int, certified: int) -> list[dict[str, Any]]:
    """One dict per demo worker of the district (person, profile and demo extras); no database access."""
    rng = random.Random(int(code))
    history = random.Random(int(code) + 2)
    villages = [c["code"] for c in communities if int(c["code"][9:]) >= 200]
    towns = [c["code"] for c in communities if c["code"] not in villages] or villages
    people = []
    for serial, (_, band) in enumerate(deal(list(range(size + 18)), AGE_BANDS, rng)):
        female = rng.random() < 0.68
        born = _birth(rng.randint(*band), today, rng)
        while True:
            prefix = code if rng.random() < 0.85 else rng.choice(NEARBY)
            id_number = make_id_number(prefix, born, rng.randrange(0, 998, 2) + (0 if female else 1))
            if id_number not in taken:
                taken.add(id_number)
                break
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_F if female else GIVEN_M)
        people.append({"name": name, "id_number": id_number, "phone": f"139{code[-2:]}{serial:06d}",
                       "born": born, "older": band[0] >= 40})
    roster = []
    for group in (True, False):  # education by age group, dealt exactly
        members = [p for p in people if p["older"] == group]
        roster += [{**p, "education": e} for p, e in deal(members, EDUCATION[group], rng)]
    rng.shuffle(roster)
    active, left, reserve = roster[:size], roster[size:size + 12], roster[size + 12:]
    for w, post in deal(active, {**POSTS, "社区专职工作者": 1 - sum(POSTS.values())}, rng):
        w["post_type"] = post
    young_college = [w for w in active if not w["older"] and w["education"] in ("本科", "硕士研究生")]
    # three agency social workers per demo agency, one of each three with the social-work degree
    for i, w in enumerate(rng.sample(young_college, min(3 * len(agencies), len(young_college)))):
        w.update(post_type="机构社工", employer_org_id=list(agencies.values())[i % len(agencies)],
                 social_work_major=i % 3 == 0, major="社会工作" if i % 3 == 0 else rng.choice(MAJORS))
    # certificate holders lean to the better educated; the agencies' own social workers hold one
    # (they staff the purchased-service projects, where bids count certified workers)
    ranked = sorted(active, key=lambda w: rng.random() + (0.6 if w["education"] in ("大专", "本科", "硕士研究生") else 0)
                    + (2 if w["post_type"] == "机构社工" else 0))
    for i, (w, level) in enumerate(deal(ranked[-certified:], {"助理社会工作师": 0.64, "社会工作师": 0.33,
                                                              "高级社会工作师": 0.03}, rng)):
        year = rng.randint(2010, today.year - 1)
        w.update(qualification=level, certificate_year=year, certificate_no=f"{year}{code}{i + 1:05d}")
        if i < 5:  # registration expiring within 90 days
            w["registered_on"] = add_years(today, -3) + timedelta(days=10 + 15 * i)
        elif i < 9:  # expired
            w["registered_on"] = add_years(today, -3) - timedelta(days=30 + 90 * (i - 5))
        elif i < certified - 6:  # the last few never registered
            w["registered_on"] = today - timedelta(days=rng.randint(30, 1000))
        if "registered_on" in w:  # its own generator, so the rest of the roster stays as it was
            year, w["first_registered_on"] = registration_history(w["registered_on"], history)
            w.update(certificate_year=year, certificate_no=f"{year}{code}{i + 1:05d}")
    hires = [w for w in active if not w["older"]][:round(size * 0.05)]
    for w in active + left + reserve:
        age = (today - w["born"]).days // 365
        w.setdefault("post_type", "社区专职工作者")
        w["start_date"] = today - timedelta(days=rng.randint(400, 365 * min(max(age - 21, 2), 25)))
        w["community"] = None if w["post_type"] == "机构社工" else rng.choice(towns)
        w["title"] = rng.choice(TITLES[w["post_type"]])
    locals_ = [w for w in active if w["post_type"] == "社区专职工作者"]
    for i, village in enumerate(villages):  # villages have few workers: the first only 2 (a suppressed cell)
        for w in locals_[10 * i:10 * i + (2 if i == 0 else rng.randint(4, 8))]:
            w["community"] = village
    for w in hires:
        w["start_date"] = today - timedelta(days=rng.randint(20, 350))
    for i, w in enumerate(left):
        w.update(status="离岗", left_on=today - timedelta(days=20 + 28 * i))
    for w in reserve:
        w.update(status="储备")
    return roster


def _profile(w: dict[str, Any]) -> dict[str, Any]:
    profile = {"post_type": w["post_type"], "education": w["education"], "status": w.get("status", "在岗"),
               "start_date": w["start_date"], "position_title": w["title"], "employer_community_code": w["community"],
               "employer_org_id": w.get("employer_org_id"), "major": w.get("major", ""),
               "social_work_major": w.get("social_work_major", False),
               "qualification": w.get("qualification", "无"), "certificate_no": w.get("certificate_no", ""),
               "certificate_year": w.get("certificate_year")}
    if "registered_on" in w:
        profile.update(first_registered_on=w["first_registered_on"], registered_on=w["registered_on"])
    return profile


def _keeps_the_rules(w: dict[str, Any], profile: dict[str, Any], today: date) -> None:
    """The demo is data a district could have entered: refuse to load a registration the API would refuse."""
    verdict = registration.check_dates(None, profile, today=today)
    if verdict.errors or verdict.overridden:
        raise ValueError(f"demo worker {w['id_number']} breaks the registration rules: {verdict}")


def plan_logs(code: str, workers: list[dict[str, Any]], today: date, flagged: bool = True) -> list[ServiceLog]:
    """Recent logs for every worker given; when `flagged`, three long-serving workers get the cases the
    supervision rules should find: no log for 60+ days, a day over 12 hours, a log entered twice."""
    rng = random.Random(int(code) + 1 + len(workers))
    rows = []

    def log(w: dict, day: date, hours: float, kind: str | None = None, summary: str | None = None) -> None:
        kind_row = next(k for k in LOG_KINDS if k[0] == kind) if kind else rng.choices(
            LOG_KINDS, [k[1] for k in LOG_KINDS])[0]
        rows.append(ServiceLog(
            worker=w["id"], district_code=code, day=day, hours=hours, community_code=w["community"],
            kind=kind_row[0], beneficiaries=rng.randint(1, 30),
            summary=summary or kind_row[2].format(rng.randint(3, 12)),
            state="draft" if (today - day).days < 4 and rng.random() < 0.5 else "submitted",
            submitted_at=None if (today - day).days < 4 else datetime.combine(day, time(10), timezone.utc)))

    veterans = [w for w in workers if w["start_date"] < today - timedelta(days=200)][:3] if flagged else []
    idle, long_day, duplicate = veterans or (None, None, None)
    for w in workers:
        gap = rng.randint(12, 20)
        first = today - timedelta(days=rng.randint(1, gap - 1))
        days = [first - timedelta(days=gap * i) for i in range(5 + 20 * (w["id"] % 25 == 0))]
        if w is idle:
            days = [today - timedelta(days=75 + gap * i) for i in range(4)]
        for day in days:
            if day >= w["start_date"]:
                log(w, day, rng.choice((1, 1.5, 2, 2.5, 3, 4, 6)))
    if veterans:
        log(long_day, today - timedelta(days=45), 13, "社区活动", "防汛值守并转移安置低洼地带群众，通宵值班")
        for _ in range(2):
            log(duplicate, today - timedelta(days=33), 2, "走访", "入户走访5户独居老人，检查燃气安全")
    return rows


async def load_workers(district: DistrictConfig) -> None:
    """Insert the district's demo roster and records unless they are there; link the demo worker user."""
    code = district.code
    today = date.today()
    async with db.write_transaction():
        if not await AuditEvent.exists().where((AuditEvent.action == "load_demo") & (
                AuditEvent.entity == "social_worker") & (AuditEvent.district_code == code)):
            await _load_roster(district, today)
        await _link_demo_user(code, today)


async def _load_roster(district: DistrictConfig, today: date) -> None:
    code = district.code
    communities = await Community.select(Community.code).where(
        (Community.district_code == code) & (Community.kind == "community")).order_by(Community.code)
    orgs = await Organization.select(Organization.id, Organization.name, Organization.community_code).where(
        Organization.district_code == code).order_by(Organization.id)
    if not communities:
        return
    agencies = {o["name"]: o["id"] for o in orgs if o["name"].endswith(AGENCIES)}
    org_community = {o["id"]: o["community_code"] for o in orgs}
    taken = {p["id_number"] for p in await Person.select(Person.id_number)}
    size = SIZES.get(code, max(district.population // 1000, 10))
    roster = plan_roster(code, today, communities, agencies, taken, size,
                         CERTIFIED.get(code, min(size // 7, 95)))
    changes = []
    for w in roster:
        person = {"name": w["name"], "id_number": w["id_number"], "phone": w["phone"],
                  "community_code": w["community"] or org_community.get(w.get("employer_org_id"))}
        profile = _profile(w)
        _keeps_the_rules(w, profile, today)
        w["id"], _ = await upsert_worker(code, ACTOR, person, profile, audit_each=False)
        w["community"] = person["community_code"]
        if "left_on" in w:
            changes.append(StatusChange(worker=w["id"], district_code=code, from_status="在岗", to_status="离岗",
                                        changed_on=w["left_on"], reason="合同期满离职", actor=ACTOR))
    active = [w for w in roster if w.get("status", "在岗") == "在岗"]
    logs = plan_logs(code, active, today)
    courses = [ContinuingEducation(worker=w["id"], district_code=code, day=today - timedelta(days=40 + 61 * i),
                                   provider=provider, title=title, hours=hours, state="submitted")
               for i, w in enumerate([w for w in active if w.get("registered_on")][:12])
               for provider, title, hours in [COURSES[i % len(COURSES)]]]
    courses += [ContinuingEducation(worker=w["id"], district_code=code, kind=DEGREE, hours=DEGREE_HOURS,
                                    day=w["start_date"] - timedelta(days=60), provider="湖南师范大学",
                                    title="社会工作专业本科", state="submitted")
                for w in active if w.get("social_work_major")]
    applications = renewal_applications(code, active, today)
    for batch in (changes, logs, courses, applications):
        for start in range(0, len(batch), 400):
            await type(batch[start]).insert(*batch[start:start + 400])
    await audit.record(actor=ACTOR, action="load_demo", entity="social_worker", entity_id=f"{len(roster)} workers",
                       district_code=code, after={"workers": len(roster), "active": len(active),
                                                  "service_logs": len(logs), "continuing_education": len(courses),
                                                  "registration_applications": len(applications)})


def renewal_applications(code: str, workers: list[dict[str, Any]], today: date) -> list[RegistrationApplication]:
    """Re-registration applications, one per national-system state, from workers whose renewal window is open."""
    out = []
    due = [w for w in workers if w.get("registered_on") and registration.registration_state(
        w["registered_on"], today)[0] == "即将到期"]
    for w, state in zip(due, ("pending", "first_passed", "final_passed", "not_applied", "first_failed")):
        applied_on = today - timedelta(days=5)
        if registration.check_application(w, "再登记", applied_on, today=today).errors:
            continue
        out.append(RegistrationApplication(worker=w["id"], district_code=code, kind="再登记", state=state,
                                           applied_on=applied_on,
                                           note="继续教育证明不全，请补充后重新提交" if state == "first_failed" else ""))
    return out


async def _link_demo_user(code: str, today: date) -> None:
    """Give the `<code>-worker` user's person a worker profile, so /talent/me works for them."""
    user = await User.select(User.person_id).where(User.username == f"{code}-worker").first()
    if not user or not user["person_id"] or await SocialWorker.exists().where(
            SocialWorker.person_id == user["person_id"]):
        return
    person = await Person.select().where(Person.id == user["person_id"]).first()
    if person is None or person["district_code"] != code:
        return
    latest = today - timedelta(days=400)
    year, first = registration_history(latest, random.Random(int(code)))
    worker_id, _ = await upsert_worker(code, ACTOR, {"name": person["name"], "id_number": person["id_number"],
                                                     "phone": person["phone"]}, {
        "post_type": "社区专职工作者", "education": "中专", "employer_community_code": person["community_code"],
        "position_title": "社区专职工作者", "start_date": date(2012, 3, 1), "qualification": "助理社会工作师",
        "certificate_no": f"{year}{code}00000", "certificate_year": year,
        "first_registered_on": first, "registered_on": latest})
    worker = {"id": worker_id, "community": person["community_code"], "start_date": date(2012, 3, 1)}
    await ServiceLog.insert(*plan_logs(code, [worker], today, flagged=False))
