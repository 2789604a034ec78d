"""The audit trail in words: what an event did ("评定"), to which record
("社工服务记录 #3462 · 王芳 · 2026-11-02"), by whom (a display name) and what changed
("状态：待评定 → 待回复"), never JSON.

Record kinds other modules audit are named by the titles they give their record sources
(`register_auditable_records`: the record type → its title); every other word comes from the
modules themselves (`register_audit_words`: core's in core/audit_words.py, supervision's below),
so supervision holds no other module's words. Unknown kinds, actions and fields keep their
machine names rather than disappear."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date
from typing import Any

from core.context import AppContext
from core.dates import beijing_time
from core.contrib import AuditWords
from core.tables import Community, Organization, Person, User
from plugins.supervision import campaigns, states
from plugins.supervision.tables import Campaign, Flag, SampleItem

AUDIT_WORDS = AuditWords(
    "supervision",
    entities={
        "supervision_campaign": "抽查", "supervision_item": "抽查记录", "supervision_evidence": "佐证材料",
        "supervision_flag": "预警", "supervision_scan": "预警扫描", "supervision_scheme": "评估指标体系",
        "supervision_assessment": "社会组织评估",
    },
    actions={
        "sample": "抽样", "verdict": "评定", "answer": "回复", "scan": "预警扫描", "grade": "评定等级",
        "resolve": "处理", "dismiss": "忽略", "attach": "添加佐证",
    },
    fields={
        "verdict": "评定结果", "finding": "发现的问题", "response": "回复", "close_note": "处理结论",
        "population": "抽查范围内记录数", "seed": "随机种子", "records": "抽取的记录", "valid_until": "有效期至",
        "scope": "范围", "scope_id": "范围对象", "sampling": "抽样方式", "sample_size": "比例或数量",
        "raised": "新预警数", "rules": "规则", "evidence": "佐证", "assessment_id": "评估", "scheme_id": "指标体系",
        "assessed_on": "评估日期",
    },
    values={**states.LABELS, **campaigns.SCOPES, **campaigns.SAMPLING},
)
_PERSON_FIELDS = {"person_id", "person", "persons"}
_ORG_FIELDS = {"organization", "organization_id", "employer_org_id"}
_COMMUNITY_FIELDS = {"community_code", "employer_community_code", "parent_code"}
_USER_FIELDS = {"created_by", "reviewed_by", "closed_by", "responded_by", "recorded_by", "listed_by", "handled_by",
                "signed_off_by", "reviewer", "mentor", "applicant", "uploaded_by", "removed_by"}
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
MAX_CHANGES, MAX_ITEMS, MAX_TEXT = 10, 8, 80


def _short(text: str, limit: int = MAX_TEXT) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


class Words:
    """What one page of events needs named: people, organisations, communities, users, records."""

    def __init__(self, lexicon: AuditWords) -> None:
        self.lexicon = lexicon  # every module's words (core.contrib.AuditWords, merged)
        self.persons: dict[int, str] = {}
        self.orgs: dict[int, str] = {}
        self.communities: dict[str, str] = {}
        self.users: dict[str, str] = {}
        self.records: dict[tuple[str, str], str] = {}
        self.fixed: dict[str, dict[str, str]] = {}  # field → value → words (districts, roles, sources)

    def value(self, field: str, value: Any, entity: str = "") -> str:
        """One value in words (references named, lists joined, JSON text unpacked); a stored value
        reads as the event's kind of record names it ("<entity>.<value>") before the shared word."""
        if value is None or value == "" or value == []:
            return "（空）"
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, str) and value[:1] in "[{":
            try:
                return self.value(field, json.loads(value), entity)
            except ValueError:
                pass
        if isinstance(value, list):
            shown = [self.value(field, v, entity) for v in value[:MAX_ITEMS]]
            more = f" 等{len(value)}项" if len(value) > MAX_ITEMS else ""
            return _short("、".join(shown)) + more
        if isinstance(value, dict):
            return _short("；".join(f"{self.lexicon.fields.get(k, k)} {self.value(k, v, entity)}" for k, v in value.items()))
        if field in _PERSON_FIELDS and isinstance(value, int):
            return self.persons.get(value, f"人员 #{value}")
        if field in _ORG_FIELDS and isinstance(value, int):
            return self.orgs.get(value, f"社会组织 #{value}")
        if field in _COMMUNITY_FIELDS:
            return self.communities.get(str(value), str(value))
        if field in _USER_FIELDS:
            return self.users.get(str(value), str(value))
        if str(value) in self.fixed.get(field, {}):
            return self.fixed[field][str(value)]
        if field == "records":
            return f"#{value}"
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, str) and _ISO_MOMENT.match(value):
            return beijing_time(value)
        if not isinstance(value, str):
            return _short(str(value))
        return _short(self.lexicon.values.get(f"{entity}.{value}") or self.lexicon.values.get(value, value))

    def changes(self, before: Any, after: Any, labels: dict[str, str] | None = None, entity: str = ""
                ) -> list[dict[str, str]]:
        """Each changed field as {field, old, new} (old empty when the field is new). `labels` names
        the keys of a nested `settings` object (a module's settings), which is compared key by key."""
        before = before if isinstance(before, dict) else ({} if before is None else {"value": before})
        after = after if isinstance(after, dict) else ({} if after is None else {"value": after})
        out = []
        for key in [*before, *[k for k in after if k not in before]]:
            old, new = before.get(key), after.get(key)
            if key in before and key in after and old == new:
                continue
            if key == "settings" and isinstance(old, dict) and isinstance(new, dict):
                out.extend({**change, "field": f"设置 · {(labels or {}).get(change['field'], change['field'])}"}
                           for change in self.changes(old, new, entity=entity))
                continue
            out.append({"field": self.lexicon.fields.get(key, key),
                        "old": self.value(key, old, entity) if key in before else "",
                        "new": self.value(key, new, entity) if key in after else "（删除）"})
        if len(out) > MAX_CHANGES:
            out = [*out[:MAX_CHANGES], {"field": "…", "old": "", "new": f"另有{len(out) - MAX_CHANGES}项"}]
        return out


def _ints(values: Any) -> set[int]:
    items = values if isinstance(values, list) else [values]
    return {v for v in items if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**63}  # a key the DB can hold


def _walk(payload: Any, found: dict[str, set]) -> None:
    """Collect referenced ids from an event payload by field name."""
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key in _PERSON_FIELDS:
                found["persons"] |= _ints(value)
            elif key in _ORG_FIELDS:
                found["orgs"] |= _ints(value)
            elif key in _COMMUNITY_FIELDS and isinstance(value, str):
                found["communities"].add(value)
            elif (key in _USER_FIELDS or key == "username") and isinstance(value, str):
                found["users"].add(value)
            else:
                _walk(value, found)
    elif isinstance(payload, list):
        for value in payload:
            _walk(value, found)


async def words_for(ctx: AppContext, events: list[dict[str, Any]]) -> Words:
    """Look up, in a few queries, every name the events refer to."""
    words, found = Words(ctx.contributions.audit_words), defaultdict(set)
    districts = {code: d.name for code, d in ctx.districts.items()}
    words.fixed = {"district_code": districts, "district": districts,
                   "role": {name: role.label for name, role in ctx.contributions.roles.items()},
                   "source": {x.name: x.title for x in campaigns.sources(ctx).values()}}
    for e in events:
        found["users"].add(e["actor"])
        _walk(e["before"], found)
        _walk(e["after"], found)
        ids = found.setdefault(e["entity"], set())
        ids.add(e["entity_id"])
    numeric = {k: {int(i) for i in found.get(k, ()) if str(i).isdigit() and len(str(i)) < 16}
               for k in ("person", "organization", "supervision_campaign", "supervision_item", "supervision_flag")}
    persons = found["persons"] | numeric["person"]
    orgs = found["orgs"] | numeric["organization"]
    words.users = {u["username"]: u["display_name"] or u["username"] for u in await User.select(
        User.username, User.display_name).where(User.username.is_in(sorted(found["users"]) or [""]))}
    items = await SampleItem.select().where(SampleItem.id.is_in(sorted(numeric["supervision_item"]) or [0]))
    persons |= {i["person_id"] for i in items if i["person_id"]}
    words.persons = {p["id"]: p["name"] for p in await Person.select(Person.id, Person.name).where(
        Person.id.is_in(sorted(persons) or [0]))}
    words.orgs = {o["id"]: o["name"] for o in await Organization.select(Organization.id, Organization.name).where(
        Organization.id.is_in(sorted(orgs) or [0]))}
    communities = found["communities"] | set(found.get("community", ()))
    words.communities = {c["code"]: c["name"] for c in await Community.select(Community.code, Community.name).where(
        Community.code.is_in(sorted(communities) or [""]))}
    await _name_records(ctx, words, events, found, numeric, items)
    return words


async def _name_records(ctx: AppContext, words: Words, events: list[dict[str, Any]], found: dict[str, set],
                        numeric: dict[str, set[int]], items: list[dict[str, Any]]) -> None:
    sources = {c["id"]: c for c in await Campaign.select(Campaign.id, Campaign.title, Campaign.source).where(
        Campaign.id.is_in(sorted(numeric["supervision_campaign"] | {i["campaign"] for i in items}) or [0]))}
    source_titles = {s.name: s.title for s in campaigns.sources(ctx).values()}
    for c in sources.values():
        if str(c["id"]) in found.get("supervision_campaign", ()):
            words.records[("supervision_campaign", str(c["id"]))] = c["title"]
    for i in items:
        record = source_titles.get(sources.get(i["campaign"], {}).get("source"), "记录")
        words.records[("supervision_item", str(i["id"]))] = _join(
            f"{record} #{i['record_id']}", words.persons.get(i["person_id"]), i["day"])
    for f in await Flag.select(Flag.id, Flag.message).where(Flag.id.is_in(sorted(numeric["supervision_flag"]) or [0])):
        words.records[("supervision_flag", str(f["id"]))] = _short(f["message"], 40)
    for p in numeric["person"]:
        if p in words.persons:
            words.records[("person", str(p))] = words.persons[p]
    for o in numeric["organization"]:
        if o in words.orgs:
            words.records[("organization", str(o))] = words.orgs[o]
    for code in found.get("community", ()):
        if code in words.communities:
            words.records[("community", code)] = words.communities[code]
    await _sampled_records(ctx, words, found)
    await _fetched_records(ctx, words, events)
    for e in events:  # what the events say themselves: a name or title written with the record
        for payload in (e["after"], e["before"]):
            if isinstance(payload, dict) and (e["entity"], e["entity_id"]) not in words.records:
                text = payload.get("name") or payload.get("title") or words.users.get(payload.get("username"))
                if isinstance(text, str) and text:
                    words.records[(e["entity"], e["entity_id"])] = _short(text, 40)


async def _fetched_records(ctx: AppContext, words: Words, events: list[dict[str, Any]]) -> None:
    """Records not sampled yet: ask their source for the days the events name (a record's
    `day` is written with it), and name them by the worker and the day."""
    wanted: dict[str, dict[str, date]] = defaultdict(dict)
    for e in events:
        day = next((p.get("day") for p in (e["after"], e["before"]) if isinstance(p, dict) and p.get("day")), None)
        if (e["entity"], e["entity_id"]) not in words.records and isinstance(day, str):
            try:
                wanted[e["entity"]][e["entity_id"]] = date.fromisoformat(day[:10])
            except ValueError:
                continue
    code = next((e["district_code"] for e in events if e["district_code"]), None)
    for record_type, days in wanted.items():
        source = next((x for x in campaigns.sources(ctx).values() if x.record_type == record_type), None)
        if source is None or code is None:
            continue
        start, end = min(days.values()), max(days.values())
        if (end - start).days > campaigns.MAX_PERIOD_DAYS:
            continue
        records = {str(r["id"]): r async for r in source.fetch(code, start, end) if str(r["id"]) in days}
        missing = {r.get("person_id") for r in records.values() if r.get("person_id") not in words.persons}
        words.persons.update({p["id"]: p["name"] for p in await Person.select(Person.id, Person.name).where(
            Person.id.is_in(sorted(i for i in missing if i) or [0]))})
        for record_id, r in records.items():
            words.records[(record_type, record_id)] = _join(words.persons.get(r.get("person_id")), r.get("day"))


def _record_titles(ctx: AppContext) -> dict[str, str]:
    """Record type → title, from the modules' record sources (the first source of a type names it)."""
    out: dict[str, str] = {}
    for source in campaigns.sources(ctx).values():
        if source.record_type:
            out.setdefault(source.record_type, source.title)
    return out


async def _sampled_records(ctx: AppContext, words: Words, found: dict[str, set]) -> None:
    """Records of other modules that a campaign sampled: named by the worker and the day."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for source in campaigns.sources(ctx).values():
        by_type[source.record_type].append(source.name)
    for record_type, source_names in by_type.items():
        ids = sorted(found.get(record_type, ()))
        if not record_type or not ids:
            continue
        rows = await SampleItem.select(SampleItem.record_id, SampleItem.person_id, SampleItem.day).where(
            SampleItem.record_id.is_in(ids) & SampleItem.campaign.is_in(
                Campaign.select(Campaign.id).where(Campaign.source.is_in(source_names))))
        missing = {r["person_id"] for r in rows if r["person_id"] and r["person_id"] not in words.persons}
        if missing:
            words.persons.update({p["id"]: p["name"] for p in await Person.select(Person.id, Person.name).where(
                Person.id.is_in(sorted(missing)))})
        for r in rows:
            words.records[(record_type, r["record_id"])] = _join(words.persons.get(r["person_id"]), r["day"])


def _join(*parts: Any) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, ""))


def entity_label(ctx: AppContext, entity: str) -> str:
    return _record_titles(ctx).get(entity) or ctx.contributions.audit_words.entities.get(entity, entity)


def action_label(ctx: AppContext, entity: str, action: str) -> str:
    actions = ctx.contributions.audit_words.actions
    return actions.get(f"{entity}.{action}") or actions.get(action, action)


async def describe(ctx: AppContext, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events as the trail shows them: action, entity and record named, actor's display name, changes."""
    words = await words_for(ctx, events)
    out = []
    for e in events:
        label = entity_label(ctx, e["entity"])
        name = words.records.get((e["entity"], e["entity_id"]), "")
        module = ctx.contributions.modules.get(e["entity_id"]) if e["entity"] == "district_module" else None
        labels = {s.name: s.description for s in module.settings} if module else None
        name = module.label if module else name
        ref = label if module else f"{label} #{e['entity_id']}" if str(e["entity_id"]).isdigit() else f"{label} {e['entity_id']}"
        out.append({**e, "action_label": action_label(ctx, e["entity"], e["action"]), "entity_label": label,
                    "record": _join(ref, name), "actor_name": words.users.get(e["actor"], e["actor"]),
                    "changes": words.changes(e["before"], e["after"], labels, e["entity"])})
    return out
