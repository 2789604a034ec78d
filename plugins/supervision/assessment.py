"""Agency assessment (社会组织评估): a district's indicator systems, scoring an
organisation, and the grade written back to the registry with its history.

Rules (民政部令第39号; cut-offs are set by each district):

- A scheme (指标体系) has a name, a scale (default 1000 points), grade bands
  [{"grade": "1A".."5A", "min": points}] and grouped indicators. Each band's min lies in
  (0, scale]; a higher grade needs a strictly higher min; a grade appears once; bands
  may be given in any order and are stored from the lowest grade up. Each indicator has
  a group, a name (unique within its group), a weight > 0 and a score range
  min_score < max_score; the weights add up to the scale. Problems are 422 errors naming
  the field: `bands[1].min`, `indicators[3].weight`, or `indicators` for the weight sum.
- Only the name of a scheme may change once an assessment uses it; its scale, bands
  and indicators are then fixed (409: create a new scheme), so every stored grade can be
  traced to the rules that produced it.
- One scheme per district is active. Activating a scheme deactivates the others; a new
  scheme is active when asked to be, or by default when the district has no active one.
- Scoring: every indicator gets a score within [min_score, max_score] (422 naming
  `scores.<indicator id>` and the indicator otherwise); an indicator contributes
  (score − min_score) / (max_score − min_score) × weight; the total is rounded to two
  decimals; the grade is the highest band whose min ≤ total (a total exactly at a min
  gets that band), else none (未达等级). Without `scheme_id` the active scheme is used; an
  explicit one may be inactive (to record an assessment made under the previous system).
  The assessment date may not lie in the future nor before the organisation's latest
  assessment.
- Only registered organisations are assessed (民政部令第39号): status registered — not a
  filed community organisation, not deregistered or revoked — not on a credit list, and
  registered at least the module's `min_registered_years` full years (default 2) on the
  assessment date (eligibility.py). A refusal is a 422 on `organization_id` naming the rule.
- Writing back happens in one write transaction: the assessment, the organisation's
  registry grade (same district only; another district's organisation is 404), a
  GradeHistory row (previous grade, new grade, valid until assessed_on + the module's
  `grade_valid_years`; no validity without a grade) and two audit events — the
  assessment, and the organisation's grade change with before/after. Any error leaves
  nothing written.
- A grade's validity shown in lists comes from the latest history row, and only while
  the registry grade still equals that row's grade (a grade edited by hand in the
  registry has no assessment behind it, so no validity).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from datetime import date
from typing import Any

from core import audit, db
from core.dates import add_years, utc_now
from core.errors import ApiError, invalid, not_found
from core.tables import Organization
from plugins.supervision.eligibility import DEFAULT_MIN_REGISTERED_YEARS, eligibility_error
from plugins.supervision.tables import Assessment, GradeHistory, Indicator, Scheme

GRADES = ("1A", "2A", "3A", "4A", "5A")
NO_GRADE = "未达等级"
DEFAULT_SCALE = 1000
DEFAULT_VALID_YEARS = 5
MAX_INDICATORS = 100
SCHEME_ENTITY = "supervision_scheme"
ASSESSMENT_ENTITY = "supervision_assessment"


def _num(value: float) -> float | int:
    """950.0 → 950 and 83.330000001 → 83.33 (PostgreSQL and SQLite floats read back alike)."""
    value = round(float(value), 4)
    return int(value) if value.is_integer() else value


# -- pure rules -----------------------------------------------------------------------------------


def grade_for(total: float, bands: Iterable[dict[str, Any]]) -> str | None:
    """The highest band whose min ≤ total (exactly at a min gets that band), else None."""
    reached = [band for band in bands if total >= band["min"]]
    return max(reached, key=lambda band: band["min"])["grade"] if reached else None


def grade_label(grade: str | None) -> str:
    return grade or NO_GRADE


def _finite(*values: float) -> bool:
    return all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)


def check_bands(bands: list[dict[str, Any]], scale: int) -> list[tuple[str, str]]:
    """Known, unique grades; mins within (0, scale]; a higher grade needs a higher min."""
    if not bands:
        return [("bands", "请至少设置一条等级线")]
    errors, seen = [], {}
    for i, band in enumerate(bands):
        if band["grade"] not in GRADES:
            errors.append((f"bands[{i}].grade", "等级应为 1A、2A、3A、4A、5A 之一"))
        elif band["grade"] in seen:
            errors.append((f"bands[{i}].grade", f"等级 {band['grade']} 重复"))
        else:
            seen[band["grade"]] = i
        if not _finite(band["min"]) or not 0 < band["min"] <= scale:
            errors.append((f"bands[{i}].min", f"最低分应大于 0 且不超过总分 {scale} 分"))
    ranked = [seen[g] for g in GRADES if g in seen]
    for lower, higher in zip(ranked, ranked[1:]):
        low, high = bands[lower], bands[higher]
        if _finite(low["min"], high["min"]) and high["min"] <= low["min"]:
            errors.append((f"bands[{higher}].min",
                           f"{high['grade']} 的最低分应高于 {low['grade']} 的 {_num(low['min'])} 分"))
    return errors


def _check_indicator(i: int, item: dict[str, Any], seen: set[tuple[str, str]]) -> list[tuple[str, str]]:
    errors, at = [], f"indicators[{i}]"
    group, name = item["group_name"].strip(), item["name"].strip()
    if not group:
        errors.append((f"{at}.group_name", "请填写指标分组"))
    if not name:
        errors.append((f"{at}.name", "请填写指标名称"))
    elif (group, name) in seen:
        errors.append((f"{at}.name", f"分组“{group}”中已有指标“{name}”"))
    seen.add((group, name))
    if not _finite(item["weight"]) or item["weight"] <= 0:
        errors.append((f"{at}.weight", "权重应大于 0"))
    if not _finite(item["min_score"], item["max_score"]) or item["min_score"] >= item["max_score"]:
        errors.append((f"{at}.max_score", "最高分应大于最低分"))
    return errors


def check_indicators(indicators: list[dict[str, Any]], scale: int) -> list[tuple[str, str]]:
    """Each indicator well formed; the weights add up to the scale."""
    if not indicators:
        return [("indicators", "请至少设置一个指标")]
    if len(indicators) > MAX_INDICATORS:
        return [("indicators", f"指标不能超过 {MAX_INDICATORS} 个")]
    errors: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(indicators):
        errors += _check_indicator(i, item, seen)
    if not any(field.endswith(".weight") for field, _ in errors):
        total = sum(item["weight"] for item in indicators)
        if abs(total - scale) > 1e-6:
            errors.append(("indicators", f"各指标权重合计 {_num(total)} 分，应等于总分 {scale} 分"
                                         f"（相差 {_num(abs(total - scale))} 分）"))
    return errors


def check_scheme(name: str, scale: int, bands: list[dict], indicators: list[dict]) -> list[tuple[str, str]]:
    errors = [] if name.strip() else [("name", "请填写指标体系名称")]
    if scale <= 0:
        return [*errors, ("scale", "总分应为正整数")]
    return errors + check_bands(bands, scale) + check_indicators(indicators, scale)


def _indicator_label(indicator: dict[str, Any]) -> str:
    return f"{indicator['group_name']}·{indicator['name']}"


def check_scores(indicators: list[dict[str, Any]], given: dict[str, float]) -> tuple[dict[int, float], list]:
    """Scores by indicator id, and errors for unknown, missing or out-of-range scores."""
    known = {indicator["id"] for indicator in indicators}
    by_id: dict[int, float] = {}
    errors = []
    for key, value in given.items():
        if key.strip().isascii() and key.strip().isdigit() and int(key) in known:
            by_id[int(key)] = value
        else:
            errors.append((f"scores.{key}", "不是该指标体系中的指标"))
    for indicator in indicators:
        field, value = f"scores.{indicator['id']}", by_id.get(indicator["id"])
        low, high = _num(indicator["min_score"]), _num(indicator["max_score"])
        if value is None:
            errors.append((field, f"请为“{_indicator_label(indicator)}”打分"))
        elif not _finite(value) or not low <= value <= high:
            errors.append((field, f"“{_indicator_label(indicator)}”的得分应在 {low}–{high} 分之间"))
    return by_id, errors


def contribution(indicator: dict[str, Any], score: float) -> float:
    """(score − min) / (max − min) × weight."""
    low, high = indicator["min_score"], indicator["max_score"]
    return (score - low) / (high - low) * indicator["weight"]


def total_for(indicators: list[dict[str, Any]], scores: dict[int, float]) -> float:
    return round(sum(contribution(i, scores[i["id"]]) for i in indicators), 2)


def group_totals(indicators: list[dict[str, Any]], scores: dict[int, float]) -> list[dict[str, Any]]:
    """Per group, in indicator order: its weight and the points earned."""
    groups: dict[str, dict[str, Any]] = {}
    for indicator in indicators:
        group = groups.setdefault(indicator["group_name"], {"group_name": indicator["group_name"],
                                                            "weight": 0.0, "points": 0.0})
        group["weight"] += indicator["weight"]
        if indicator["id"] in scores:
            group["points"] += contribution(indicator, scores[indicator["id"]])
    return [{**g, "weight": _num(g["weight"]), "points": _num(round(g["points"], 2))} for g in groups.values()]


# -- views ---------------------------------------------------------------------------------------


def _indicator_view(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "group_name": row["group_name"], "name": row["name"], "weight": _num(row["weight"]),
            "min_score": _num(row["min_score"]), "max_score": _num(row["max_score"]), "position": row["position"]}


def _grouped(indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for indicator in indicators:
        group = groups.setdefault(indicator["group_name"], {"name": indicator["group_name"], "weight": 0.0,
                                                            "indicators": []})
        group["weight"] += indicator["weight"]
        group["indicators"].append(indicator)
    return [{**g, "weight": _num(g["weight"])} for g in groups.values()]


def _scheme_summary(row: dict[str, Any], indicator_count: int, assessment_count: int) -> dict[str, Any]:
    return {"id": row["id"], "district_code": row["district_code"], "name": row["name"], "scale": row["scale"],
            "bands": json.loads(row["bands"]), "active": row["active"], "indicator_count": indicator_count,
            "assessment_count": assessment_count, "created_at": row["created_at"], "updated_at": row["updated_at"]}


def _assessment_view(row: dict[str, Any], scheme_names: dict[int, str]) -> dict[str, Any]:
    return {"id": row["id"], "organization_id": row["organization_id"], "scheme_id": row["scheme"],
            "scheme_name": scheme_names.get(row["scheme"], ""), "assessed_on": row["assessed_on"],
            "assessor": row["assessor"], "scores": json.loads(row["scores"]), "total": _num(round(row["total"], 2)),
            "grade": row["grade"], "grade_label": grade_label(row["grade"]), "note": row["note"],
            "created_at": row["created_at"]}


def _history_view(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "assessment_id": row["assessment"], "previous_grade": row["previous_grade"],
            "grade": row["grade"], "grade_label": grade_label(row["grade"]), "valid_until": row["valid_until"],
            "changed_by": row["changed_by"], "changed_at": row["changed_at"]}


def _validity(grade: str | None, latest: dict[str, Any] | None, today: date) -> dict[str, Any]:
    """valid_until of the registry grade, when the latest history row gave that grade."""
    valid_until = latest["valid_until"] if latest and grade and latest["grade"] == grade else None
    return {"valid_until": valid_until, "expired": bool(valid_until and valid_until < today)}


# -- locking and lookups -------------------------------------------------------------------------


def _active(code: str):
    """Where-clause of a district's active schemes."""
    return (Scheme.district_code == code) & (Scheme.active == True)  # noqa: E712


async def _scheme_row(code: str, scheme_id: int, lock: str | None = None) -> dict[str, Any]:
    query = Scheme.select().where((Scheme.id == scheme_id) & (Scheme.district_code == code))
    row = await (db.locked(query, lock) if lock else query).first()
    if not row:
        raise not_found("评估指标体系")
    return row


async def _indicators(scheme_id: int) -> list[dict[str, Any]]:
    rows = await Indicator.select().where(Indicator.scheme == scheme_id).order_by(Indicator.position).order_by(
        Indicator.id)
    return [_indicator_view(row) for row in rows]


async def _assessment_count(scheme_id: int) -> int:
    return await Assessment.count().where(Assessment.scheme == scheme_id)


async def _organization(code: str, org_id: int, lock: bool = False) -> dict[str, Any]:
    query = Organization.select(Organization.id, Organization.name, Organization.grade, Organization.status,
                                Organization.registered_on, Organization.credit_status).where(
        (Organization.id == org_id) & (Organization.district_code == code))
    row = await (db.locked(query) if lock else query).first()
    if not row:
        raise not_found("社会组织")
    return row


# -- scheme reads --------------------------------------------------------------------------------


async def list_schemes(code: str) -> list[dict[str, Any]]:
    """The district's schemes, newest first, without their indicators."""
    rows = await Scheme.select().where(Scheme.district_code == code).order_by(Scheme.id, ascending=False)
    return [_scheme_summary(row, await Indicator.count().where(Indicator.scheme == row["id"]),
                            await _assessment_count(row["id"])) for row in rows]


async def get_scheme(code: str, scheme_id: int) -> dict[str, Any]:
    """A scheme with its indicators (in order) and the same indicators grouped."""
    row = await _scheme_row(code, scheme_id)
    indicators = await _indicators(scheme_id)
    return {**_scheme_summary(row, len(indicators), await _assessment_count(scheme_id)),
            "indicators": indicators, "groups": _grouped(indicators)}


async def active_scheme(code: str) -> dict[str, Any] | None:
    row = await Scheme.select(Scheme.id).where(_active(code)).order_by(Scheme.id, ascending=False).first()
    return await get_scheme(code, row["id"]) if row else None


# -- scheme writes -------------------------------------------------------------------------------


def _rank(band: dict[str, Any]) -> int:
    return GRADES.index(band["grade"]) if band["grade"] in GRADES else len(GRADES)


def _scheme_shape(name: str, scale: int, bands: list[dict], indicators: list[dict]) -> dict[str, Any]:
    """A scheme normalised for storage, comparison and the audit log (bands from the lowest grade up)."""
    return {"name": name.strip(), "scale": scale,
            "bands": [{"grade": b["grade"], "min": _num(b["min"])} for b in sorted(bands, key=_rank)],
            "indicators": [{"group_name": i["group_name"].strip(), "name": i["name"].strip(),
                            "weight": _num(i["weight"]), "min_score": _num(i["min_score"]),
                            "max_score": _num(i["max_score"])} for i in indicators]}


async def _replace_indicators(scheme_id: int, indicators: list[dict[str, Any]]) -> None:
    await Indicator.delete().where(Indicator.scheme == scheme_id)
    await Indicator.insert(*[Indicator(scheme=scheme_id, position=position, **indicator)
                             for position, indicator in enumerate(indicators)])


async def _activate(code: str, actor: str, scheme_id: int) -> None:
    """Make one scheme the district's active one (rows locked in id order, so no deadlock)."""
    rows = await db.locked(Scheme.select(Scheme.id, Scheme.active).where(Scheme.district_code == code).order_by(
        Scheme.id))
    if not any(row["id"] == scheme_id for row in rows):
        raise not_found("评估指标体系")
    deactivated = [row["id"] for row in rows if row["active"] and row["id"] != scheme_id]
    was_active = any(row["id"] == scheme_id and row["active"] for row in rows)
    if was_active and not deactivated:
        return
    now = utc_now()
    await Scheme.update({Scheme.active: False, Scheme.updated_at: now}).where(Scheme.id.is_in(deactivated or [-1]))
    await Scheme.update({Scheme.active: True, Scheme.updated_at: now}).where(Scheme.id == scheme_id)
    await audit.record(actor=actor, action="activate", entity=SCHEME_ENTITY, entity_id=scheme_id,
                       district_code=code, before={"active": was_active},
                       after={"active": True, "deactivated": deactivated})


async def create_scheme(code: str, actor: str, *, name: str, bands: list[dict], indicators: list[dict],
                        scale: int = DEFAULT_SCALE, active: bool | None = None) -> dict[str, Any]:
    """A new scheme; active when `active` is true, or when None and the district has no active scheme."""
    errors = check_scheme(name, scale, bands, indicators)
    if errors:
        raise invalid(errors, "评估指标体系有误")
    shape = _scheme_shape(name, scale, bands, indicators)
    async with db.write_transaction():
        scheme_id = (await Scheme.insert(Scheme(district_code=code, name=shape["name"], scale=scale,
                                                bands=json.dumps(shape["bands"]), active=False))
                     .returning(Scheme.id))[0]["id"]
        await _replace_indicators(scheme_id, shape["indicators"])
        await audit.record(actor=actor, action="create", entity=SCHEME_ENTITY, entity_id=scheme_id,
                           district_code=code, after=shape)
        if active is None:
            active = not await Scheme.exists().where(_active(code))
        if active:
            await _activate(code, actor, scheme_id)
    return await get_scheme(code, scheme_id)


async def update_scheme(code: str, actor: str, scheme_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Change the name, scale, bands or indicators (a list replaces them all). Once an
    assessment uses the scheme only the name may change (409 when anything else differs)."""
    async with db.write_transaction():
        row = await _scheme_row(code, scheme_id, lock="UPDATE")
        before = _scheme_shape(row["name"], row["scale"], json.loads(row["bands"]), await _indicators(scheme_id))
        merged = {**before, **changes}
        after = _scheme_shape(**merged)
        changed = [key for key in ("scale", "bands", "indicators") if after[key] != before[key]]
        if changed and await _assessment_count(scheme_id):
            raise ApiError(409, "该指标体系已用于评估，不能再修改总分、等级线或指标；请新建指标体系", "scheme_in_use",
                           [(changed[0], "已用于评估的指标体系只能修改名称")])
        errors = check_scheme(**merged)
        if errors:
            raise invalid(errors, "评估指标体系有误")
        await Scheme.update({Scheme.name: after["name"], Scheme.scale: after["scale"],
                             Scheme.bands: json.dumps(after["bands"]), Scheme.updated_at: utc_now()}).where(
            Scheme.id == scheme_id)
        if "indicators" in changed:
            await _replace_indicators(scheme_id, after["indicators"])
        await audit.record(actor=actor, action="update", entity=SCHEME_ENTITY, entity_id=scheme_id,
                           district_code=code, before=before, after=after)
    return await get_scheme(code, scheme_id)


async def activate_scheme(code: str, actor: str, scheme_id: int) -> dict[str, Any]:
    async with db.write_transaction():
        await _activate(code, actor, scheme_id)
    return await get_scheme(code, scheme_id)


# -- scoring -------------------------------------------------------------------------------------


async def _scoring_scheme(code: str, scheme_id: int | None) -> dict[str, Any]:
    """The named scheme of this district, or its active one; locked against changes while scoring."""
    if scheme_id is None:
        row = await Scheme.select(Scheme.id).where(_active(code)).order_by(Scheme.id, ascending=False).first()
        if not row:
            raise invalid([("scheme_id", "本区县没有启用中的评估指标体系，请先设置并启用")])
        scheme_id = row["id"]
    return await _scheme_row(code, scheme_id, lock="SHARE")


async def _check_organization(org: dict[str, Any], assessed_on: date, min_years: int) -> None:
    if error := eligibility_error(org, assessed_on, min_years):
        raise invalid([("organization_id", error)])
    latest = await Assessment.select(Assessment.assessed_on).where(Assessment.organization_id == org["id"]).order_by(
        Assessment.assessed_on, ascending=False).first()
    if latest and assessed_on < latest["assessed_on"]:
        raise invalid([("assessed_on", f"不能早于该组织最近一次评估日期 {latest['assessed_on'].isoformat()}")])


async def _write_back(code: str, actor: str, org: dict[str, Any], scheme: dict[str, Any], values: dict[str, Any],
                      valid_until: date | None) -> int:
    """Insert the assessment, set the registry grade, add the history row and both audit events."""
    assessment_id = (await Assessment.insert(Assessment(
        scheme=scheme["id"], district_code=code, organization_id=org["id"], assessor=actor,
        **{**values, "scores": json.dumps(values["scores"])})).returning(Assessment.id))[0]["id"]
    await Organization.update({Organization.grade: values["grade"], Organization.updated_at: utc_now()}).where(
        Organization.id == org["id"])
    await GradeHistory.insert(GradeHistory(
        organization_id=org["id"], district_code=code, assessment=assessment_id, previous_grade=org["grade"],
        grade=values["grade"], valid_until=valid_until, changed_by=actor))
    await audit.record(actor=actor, action="create", entity=ASSESSMENT_ENTITY, entity_id=assessment_id,
                       district_code=code, after={"organization_id": org["id"], "scheme_id": scheme["id"], **values})
    await audit.record(actor=actor, action="grade", entity="organization", entity_id=org["id"], district_code=code,
                       before={"grade": org["grade"]},
                       after={"grade": values["grade"], "valid_until": valid_until, "assessment_id": assessment_id})
    return assessment_id


async def score_organization(code: str, actor: str, *, organization_id: int, scores: dict[str, float],
                             valid_years: int, scheme_id: int | None = None, assessed_on: date | None = None,
                             note: str = "", min_registered_years: int = DEFAULT_MIN_REGISTERED_YEARS
                             ) -> dict[str, Any]:
    """Score an organisation and write the grade back, all in one transaction (see the module docstring)."""
    today = date.today()
    assessed_on = assessed_on or today
    if assessed_on > today:
        raise invalid([("assessed_on", "评估日期不能晚于今天")])
    async with db.write_transaction():
        org = await _organization(code, organization_id, lock=True)
        scheme = await _scoring_scheme(code, scheme_id)
        await _check_organization(org, assessed_on, min_registered_years)
        indicators = await _indicators(scheme["id"])
        by_id, errors = check_scores(indicators, scores)
        if errors:
            raise invalid(errors, "评分有误")
        total = total_for(indicators, by_id)
        grade = grade_for(total, json.loads(scheme["bands"]))
        valid_until = add_years(assessed_on, valid_years) if grade else None
        values = {"assessed_on": assessed_on, "scores": {str(k): by_id[k] for k in sorted(by_id)}, "total": total,
                  "grade": grade, "note": note.strip()}
        assessment_id = await _write_back(code, actor, org, scheme, values, valid_until)
    return {"id": assessment_id, "organization_id": organization_id, "organization_name": org["name"],
            "scheme_id": scheme["id"], "scheme_name": scheme["name"], "assessed_on": assessed_on, "total": _num(total),
            "scale": scheme["scale"], "grade": grade, "grade_label": grade_label(grade),
            "previous_grade": org["grade"], "valid_until": valid_until, "groups": group_totals(indicators, by_id)}


# -- assessment reads ----------------------------------------------------------------------------


async def organization_assessments(code: str, org_id: int) -> dict[str, Any]:
    """An organisation's assessments and grade history, newest first (404 outside the district)."""
    org = await _organization(code, org_id)
    rows = await Assessment.select().where((Assessment.organization_id == org_id) & (Assessment.district_code == code)
                                           ).order_by(Assessment.assessed_on, ascending=False).order_by(
        Assessment.id, ascending=False)
    history = await GradeHistory.select().where((GradeHistory.organization_id == org_id)
                                                & (GradeHistory.district_code == code)).order_by(
        GradeHistory.id, ascending=False)
    scheme_ids = sorted({row["scheme"] for row in rows})
    names = {s["id"]: s["name"] for s in await Scheme.select(Scheme.id, Scheme.name).where(
        Scheme.id.is_in(scheme_ids or [-1]))}
    return {"organization": {"id": org["id"], "name": org["name"], "grade": org["grade"],
                             "grade_label": grade_label(org["grade"]),
                             **_validity(org["grade"], history[0] if history else None, date.today())},
            "assessments": [_assessment_view(row, names) for row in rows],
            "history": [_history_view(row) for row in history]}


def _latest_by_org(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Rows ordered by id: the last one of each organisation."""
    return {row["organization_id"]: row for row in rows}


async def district_grades(code: str, page: int = 1, per_page: int = 100) -> dict[str, Any]:
    """The district's organisations with their registry grade, valid-until and latest assessment."""
    where = Organization.district_code == code
    total = await Organization.count().where(where)
    orgs = await Organization.select(Organization.id, Organization.name, Organization.legal_type,
                                     Organization.status, Organization.grade).where(where).order_by(
        Organization.id).limit(per_page).offset((page - 1) * per_page)
    ids = [org["id"] for org in orgs] or [-1]
    history = _latest_by_org(await GradeHistory.select().where(
        GradeHistory.organization_id.is_in(ids) & (GradeHistory.district_code == code)).order_by(GradeHistory.id))
    latest = _latest_by_org(await Assessment.select(
        Assessment.id, Assessment.organization_id, Assessment.assessed_on, Assessment.total).where(
        Assessment.organization_id.is_in(ids) & (Assessment.district_code == code)).order_by(Assessment.id))
    today = date.today()
    items = []
    for org in orgs:
        last = latest.get(org["id"])
        items.append({**org, "grade_label": grade_label(org["grade"]) if org["grade"] else "",
                      **_validity(org["grade"], history.get(org["id"]), today),
                      "assessed_on": last["assessed_on"] if last else None,
                      "total": _num(round(last["total"], 2)) if last else None})
    return {"total": total, "page": page, "per_page": per_page, "items": items}


# -- demo ----------------------------------------------------------------------------------------

DEMO_ACTOR = "demo"
DEMO_SCHEME = "社会服务机构评估指标体系（示例）"
DEMO_BANDS = [{"grade": "1A", "min": 600}, {"grade": "2A", "min": 700}, {"grade": "3A", "min": 800},
              {"grade": "4A", "min": 880}, {"grade": "5A", "min": 950}]
# (group, indicator, weight, min score, max score)
DEMO_INDICATORS = [
    ("基础条件", "法人资格（登记、年报、章程）", 40, 0, 10),
    ("基础条件", "办公场所与服务设施", 30, 0, 10),
    ("基础条件", "专职工作人员配备", 30, 0, 10),
    ("内部治理", "理事会、监事会运作", 120, 0, 10),
    ("内部治理", "党组织建设", 60, 0, 10),
    ("内部治理", "财务与资产管理", 120, 0, 10),
    ("内部治理", "人事与档案管理", 80, 0, 10),
    ("工作绩效", "服务项目开展与成效", 180, 0, 10),
    ("工作绩效", "信息公开与社会宣传", 80, 0, 10),
    ("工作绩效", "专业化建设与服务创新", 140, 0, 10),
    ("社会评价", "服务对象满意度（%）", 70, 0, 100),
    ("社会评价", "登记管理机关与业务主管单位评价", 50, 0, 10),
]
# organisation name ending → (assessment date, a score per indicator above)
DEMO_SCORES = {
    "阳光社会工作服务中心": (date(2024, 6, 18), [10, 9, 9, 9, 10, 9, 8.5, 9, 9, 8.5, 95, 9]),       # 902.5 → 4A
    "夕阳红居家养老服务中心": (date(2024, 9, 12), [9, 8, 8, 8.5, 9, 8, 8, 8, 8.5, 7.5, 90, 8]),     # 820.0 → 3A
    "心馨青少年心理服务中心": (date(2025, 3, 20), [8, 7, 7, 7, 6, 7.5, 7, 7.5, 6.5, 7, 85, 7]),     # 719.5 → 2A
}


async def _demo_scheme_id(code: str) -> int:
    row = await Scheme.select(Scheme.id).where((Scheme.district_code == code) & (Scheme.name == DEMO_SCHEME)).first()
    if row:
        return row["id"]
    indicators = [{"group_name": g, "name": n, "weight": w, "min_score": lo, "max_score": hi}
                  for g, n, w, lo, hi in DEMO_INDICATORS]
    return (await create_scheme(code, DEMO_ACTOR, name=DEMO_SCHEME, bands=DEMO_BANDS, indicators=indicators))["id"]


async def load_demo_scheme(district_code: str, valid_years: int = DEFAULT_VALID_YEARS) -> None:
    """The demo indicator system (12 indicators in 4 groups, 1000 points, 1A ≥ 600 … 5A ≥ 950)
    and assessments of three demo organisations. Safe to run twice: the scheme is found by
    name, and an organisation that already has an assessment is skipped."""
    async with db.write_transaction():
        scheme_id = await _demo_scheme_id(district_code)
        indicators = await _indicators(scheme_id)
        for ending, (assessed_on, values) in DEMO_SCORES.items():
            org = await Organization.select(Organization.id).where(
                (Organization.district_code == district_code) & Organization.name.like(f"%{ending}")).first()
            if not org or await Assessment.exists().where(Assessment.organization_id == org["id"]):
                continue
            scores = {str(i["id"]): value for i, value in zip(indicators, values)}
            await score_organization(district_code, DEMO_ACTOR, organization_id=org["id"], scores=scores,
                                     valid_years=valid_years, scheme_id=scheme_id, assessed_on=assessed_on,
                                     note="示例数据")
