"""Supervision's sections of an organisation's and a social worker's profile (hook
`register_profile_sections`) — the loop's "evaluation" step.

- organisation, public "评估等级": the registry grade with its validity, and every assessment of
  the organisation (year, date, total out of the scheme's scale, grade) with the grade it gave.
  An assessment is only stored once scored and written back in one transaction (assessment.py:
  there is no draft state), so every stored assessment is a finished, published result. The
  assessor, the note and the scores per indicator stay with supervision readers (no public view).
- organisation, `supervision.read` "督导发现": counts of its sampled records (合格 / 存疑 / 不合格)
  and open flags; the 存疑 / 不合格 findings (campaign, record day, verdict, finding, answered or
  not, closed or not) linking to the campaign page, and the open flags (rule, message, raised at
  in Beijing time) linking to the flags page filtered to the organisation.
- person, "self" "督导发现": the sampled records about the person (SampleItem.person_id) with
  verdict, finding and answer state. The person themself sees the findings given so far (not
  records still waiting for a verdict, as on "我的抽查意见"); other viewers need, besides
  registry.person.read, `supervision.read` — without it the section is None — and their read is
  audited like a supervisor's read of a campaign. Those readers also see the open flags about the
  person (`Flag.person_id`, named by the module's rule: a registration about to expire, continuing
  education short, a 12-hour day…), as on the organisation's section; the person themself does not
  (flags are supervisors' work list, like the organisation's).
"""

from __future__ import annotations

from collections import Counter

from core import audit
from core.contrib import ProfileSection
from core.dates import beijing_time
from core.profiles import is_self
from core.tables import Organization
from plugins.supervision import MODULE
from plugins.supervision.assessment import grade_label
from plugins.supervision.flags import rule_titles
from plugins.supervision.tables import Assessment, Campaign, Flag, GradeHistory, SampleItem, Scheme

READ, RESPOND = "supervision.read", "supervision.finding.respond"
VERDICTS = ("合格", "存疑", "不合格")
PROBLEMS = ("存疑", "不合格")


def _num(value: float) -> str:
    return f"{round(float(value), 2):g}"


# -- organisation: grades ---------------------------------------------------------------------


async def organization_grades(ctx, code: str, key: str, principal) -> dict | None:
    org_id = int(key)
    assessments = await Assessment.select(Assessment.id, Assessment.scheme, Assessment.assessed_on, Assessment.total,
                                          Assessment.grade).where(
        (Assessment.district_code == code) & (Assessment.organization_id == org_id)).order_by(
        Assessment.assessed_on, ascending=False).order_by(Assessment.id, ascending=False)
    history = await GradeHistory.select(GradeHistory.id, GradeHistory.assessment, GradeHistory.previous_grade,
                                        GradeHistory.grade, GradeHistory.valid_until, GradeHistory.changed_at).where(
        (GradeHistory.district_code == code) & (GradeHistory.organization_id == org_id)).order_by(
        GradeHistory.id, ascending=False)
    if not assessments and not history:
        return None
    org = await Organization.select(Organization.grade).where(
        (Organization.district_code == code) & (Organization.id == org_id)).first()
    grade = org["grade"] if org else None
    latest = history[0] if history else None
    valid_until = latest["valid_until"] if latest and grade and latest["grade"] == grade else None
    facts = [["当前等级", grade_label(grade)]]
    if valid_until:
        facts.append(["等级有效期至", valid_until.isoformat()])
    facts.append(["参加评估", f"{len(assessments)} 次"])
    scales = {s["id"]: s["scale"] for s in await Scheme.select(Scheme.id, Scheme.scale).where(
        Scheme.id.is_in(sorted({a["scheme"] for a in assessments}) or [-1]))}
    by_assessment = {h["assessment"]: h for h in history if h["assessment"] is not None}
    readers = principal.can(READ, code)
    items = []
    for a in assessments:
        changed = by_assessment.get(a["id"])
        meta = [f"评估日期 {a['assessed_on'].isoformat()}",
                f"总分 {_num(a['total'])}" + (f" / {scales[a['scheme']]}" if a["scheme"] in scales else "")]
        if changed:
            meta.append(f"原等级 {changed['previous_grade'] or '无'}")
            if changed["valid_until"]:
                meta.append(f"有效期至 {changed['valid_until'].isoformat()}")
        item = {"title": f"{a['assessed_on'].year} 年评估：{grade_label(a['grade'])}", "meta": " · ".join(meta)}
        if readers:
            item["url"] = f"/districts/{code}/supervision/assessment"
        items.append(item)
    for h in history:  # grade changes without an assessment behind them
        if h["assessment"] is None:
            items.append({"title": f"等级变更：{grade_label(h['grade'])}",
                          "meta": f"{beijing_time(h['changed_at'])[:10]} · 原等级 {h['previous_grade'] or '无'}"})
    return {"facts": facts, "items": items}


# -- findings -----------------------------------------------------------------------------------


async def _campaign_titles(rows: list[dict]) -> dict[int, str]:
    ids = sorted({r["campaign"] for r in rows})
    return {c["id"]: c["title"] for c in await Campaign.select(Campaign.id, Campaign.title).where(
        Campaign.id.is_in(ids))} if ids else {}


def _answer_state(row: dict) -> str:
    answered = "已回复" if row["responded_at"] else "未回复"
    return f"{answered} · {'已结束' if row['state'] == 'closed' else '未结束'}"


def _finding_item(row: dict, titles: dict[int, str], url: str | None) -> dict:
    meta = [f"记录日期 {row['day'].isoformat()}" if row["day"] else "", row["verdict"] or "待评定",
            row["finding"], _answer_state(row) if row["verdict"] else ""]
    item = {"title": titles.get(row["campaign"], "抽查"), "meta": " · ".join(m for m in meta if m)}
    if url:
        item["url"] = url
    return item


def _verdict_facts(rows: list[dict]) -> list[list]:
    verdicts = Counter(r["verdict"] for r in rows)
    return [["被抽查记录", f"{len(rows)} 条"], *[[v, f"{verdicts[v]} 条"] for v in VERDICTS]]


async def organization_findings(ctx, code: str, key: str, principal) -> dict | None:
    org_id = int(key)
    rows = await SampleItem.select().where((SampleItem.district_code == code)
                                           & (SampleItem.organization_id == org_id)).order_by(
        SampleItem.id, ascending=False)
    flags = await Flag.select(Flag.id, Flag.rule, Flag.message, Flag.raised_at).where(
        (Flag.district_code == code) & (Flag.organization_id == org_id) & (Flag.state == "open")).order_by(
        Flag.raised_at, Flag.id, ascending=False)
    facts = [*_verdict_facts(rows), ["未处理预警", f"{len(flags)} 条"]]
    problems = [r for r in rows if r["verdict"] in PROBLEMS]
    titles = await _campaign_titles(problems)
    items = [_finding_item(r, titles, f"/districts/{code}/supervision/campaigns/{r['campaign']}") for r in problems]
    rules = rule_titles(ctx)
    items += [{"title": rules.get(f["rule"], f["rule"]), "meta": f"{f['message']} · 预警于 {beijing_time(f['raised_at'])}",
               "url": f"/districts/{code}/supervision/flags?organization={org_id}"} for f in flags]
    return {"facts": facts, "items": items}


async def person_findings(ctx, code: str, key: str, principal) -> dict | None:
    person_id = int(key)
    own = is_self(principal, "person", key)
    if not own and not principal.can(READ, code):
        return None
    query = SampleItem.select().where((SampleItem.district_code == code) & (SampleItem.person_id == person_id))
    if own:  # as on "我的抽查意见": only findings a supervisor has given
        query = query.where(SampleItem.state != "pending")
    rows = await query.order_by(SampleItem.id, ascending=False)
    flags = [] if own else await Flag.select(Flag.id, Flag.rule, Flag.message, Flag.raised_at).where(
        (Flag.district_code == code) & (Flag.person_id == person_id) & (Flag.state == "open")).order_by(
        Flag.raised_at, Flag.id, ascending=False)
    if not rows and not flags:
        return None
    titles = await _campaign_titles(rows)
    facts = _verdict_facts(rows) if rows else []  # a person only flagged: no empty sampling counts
    if own:
        url = f"/districts/{code}/supervision/findings" if principal.can(RESPOND, code) else None
        items = [_finding_item(r, titles, url) for r in rows]
    else:
        items = [_finding_item(r, titles, f"/districts/{code}/supervision/campaigns/{r['campaign']}") for r in rows]
        rules = rule_titles(ctx)
        facts.append(["未处理预警", f"{len(flags)} 条"])
        items += [{"title": rules.get(f["rule"], f["rule"]), "url": f"/districts/{code}/supervision/flags",
                   "meta": f"{f['message']} · 预警于 {beijing_time(f['raised_at'])}"} for f in flags]
        await audit.record(actor=principal.username, action="read", entity="person", entity_id=person_id,
                           district_code=code, after={"section": "supervision.person",
                                                      "supervision_items": [r["id"] for r in rows],
                                                      "flags": [f["id"] for f in flags]})
    return {"facts": facts, "items": items}


SECTIONS = [
    ProfileSection(MODULE, "organization", "supervision.grades", "评估等级", "Assessment grades",
                   organization_grades, order=30),
    ProfileSection(MODULE, "organization", "supervision.findings", "督导发现", "Supervision findings",
                   organization_findings, access=READ, order=90),
    ProfileSection(MODULE, "person", "supervision.person", "督导发现", "Supervision findings", person_findings,
                   access="self", order=80),
]
