"""Corpus helpers for bench/search.py: synthetic published services in the
database, the same corpus read back as plain text, the exact substring scan
that recall is measured against, and the Datasette (sqlite-utils) copy."""

from __future__ import annotations

import json
import random
import time
import unicodedata
from datetime import date, timedelta
from pathlib import Path
from typing import Any

SEARCHABLE = ("name", "field", "provider", "targets_text", "description", "address")
DISTRICTS = ("430702", "430703")

# Place-name parts for community names beyond the demo's few dozen.
_PLACE_A = "桃柳白金青红龙凤紫翠望安和新永长德善松梅兰竹荷月星云"
_PLACE_B = ["源", "岸", "鹤", "霞", "山", "湖", "桥", "港", "园", "坪", "溪", "林", "庄", "湾", "塘", "苑"]
_PLACE_KIND = ["社区", "社区", "社区", "小区", "村"]
_ROADS = ["人民路", "武陵大道", "朗州路", "洞庭大道", "建设路", "桥南路", "紫菱路", "常德大道", "善卷路"]
_EXTRAS = [
    "服务时间内可电话预约。", "由持证社工和志愿者共同提供。", "与街道卫生服务中心合作开展。", "活动结束后进行满意度回访。",
    "全年计划开展{n}场次。", "优先服务困难家庭。", "可提供手语翻译。", "设有无障碍通道。",
    "项目获得区民政局公益创投资助。", "每期限额{n}人，报满即止。", "节假日照常开放。", "首次参加请携带身份证。",
]
_TITLE_FORMS = ["{place}{title}", "{place}{title}", "{place}{title}（第{n}期）", "{street}{title}", "{title}·{place}站"]


def _text(value: str) -> str:
    """Normalised for matching: NFKC and lower case (the contract's case-insensitivity)."""
    return unicodedata.normalize("NFKC", value).lower()


async def insert_services(n: int, seed: int = 42, batch: int = 500, serial_start: int = 0) -> float:
    """Insert `n` published synthetic services with Piccolo bulk inserts; return seconds."""
    from core import db
    from core.demo import STREETS
    from core.tables import Community, Organization
    from plugins.catalogue.demo import HOURS, TEMPLATES
    from core.glossary import TARGET_GROUPS
    from plugins.catalogue.tables import Service

    rng = random.Random(seed + serial_start)
    communities = {d: [r["code"] for r in await Community.select(Community.code).where(
        (Community.district_code == d) & (Community.kind == "community"))] for d in DISTRICTS}
    orgs = {d: await Organization.select(Organization.id, Organization.name).where(
        Organization.district_code == d) for d in DISTRICTS}
    names = {"430702": "武陵区", "430703": "鼎城区"}
    places = [a + b + k for a in _PLACE_A for b in _PLACE_B for k in _PLACE_KIND[:1]] + \
             [a + b + rng.choice(_PLACE_KIND) for a in _PLACE_A for b in _PLACE_B[:6]]
    fields = list(TEMPLATES)
    started = time.perf_counter()
    async with db.write_transaction():
        for start in range(0, n, batch):
            rows = []
            for i in range(start + serial_start, min(start + batch, n) + serial_start):
                district = DISTRICTS[i % 2]
                field = fields[rng.randrange(len(fields))]
                suffix, templates = TEMPLATES[field]
                title, targets, fee, description, eligibility = rng.choice(templates)
                street = rng.choice(STREETS[district])[1]
                place = rng.choice(places)
                targets = list(targets)
                if rng.random() < 0.2:
                    extra = rng.choice(list(TARGET_GROUPS))
                    targets += [extra] if extra not in targets else []
                if rng.random() < 0.1:
                    fee = rng.choice(["free", "subsidised", "paid"])
                own = [o["id"] for o in orgs[district] if o["name"].endswith(suffix)]
                provider = own[0] if own and rng.random() < 0.7 else rng.choice(orgs[district])["id"]
                extras = "".join(rng.choice(_EXTRAS).format(n=rng.randint(2, 60)) for _ in range(rng.randint(0, 2)))
                served = rng.sample(communities[district], k=min(len(communities[district]), rng.choice([1, 1, 2])))
                rows.append(Service(
                    district_code=district, organization_id=provider, field=field,
                    name=rng.choice(_TITLE_FORMS).format(place=place, title=title, street=street, n=rng.randint(1, 30)),
                    description=f"{place}：{description}{extras}", eligibility=eligibility,
                    target_groups=json.dumps(targets, ensure_ascii=False), fee=fee,
                    fee_description="按区民政局补贴标准执行" if fee == "subsidised" else "",
                    communities=json.dumps(served), opening_hours=rng.choice(HOURS),
                    address=f"{names[district]}{street}{rng.choice(_ROADS)}{rng.randint(1, 399)}号{place}党群服务中心",
                    contact_phone=f"0736-7{rng.randint(0, 999999):06d}", status="published", source="基准测试",
                    last_verified=date(2026, 10, 1) - timedelta(days=rng.randrange(700)),
                ))
            await Service.insert(*rows)
    return time.perf_counter() - started


async def load_corpus() -> list[dict[str, Any]]:
    """Every published service as searchable text plus filter fields, read straight from the tables."""
    from core.tables import Organization
    from plugins.catalogue.tables import Service

    providers = {r["id"]: r["name"] for r in await Organization.select(Organization.id, Organization.name)}
    rows = await Service.select(Service.id, Service.name, Service.field, Service.description, Service.target_groups,
                                Service.address, Service.district_code, Service.fee, Service.organization_id
                                ).where(Service.status == "published").order_by(Service.id)
    corpus = []
    for r in rows:
        targets = json.loads(r["target_groups"] or "[]")
        corpus.append({"id": r["id"], "name": r["name"], "field": r["field"],
                       "provider": providers.get(r["organization_id"], ""), "targets_text": " ".join(targets),
                       "description": r["description"], "address": r["address"], "district": r["district_code"],
                       "fee": r["fee"], "targets": targets})
    return corpus


class SubstringScan:
    """The ground truth: a document matches when every query term is a substring of
    one of its searchable fields, and every filter accepts it (the backend contract)."""

    def __init__(self, corpus: list[dict[str, Any]]):
        self.corpus = corpus
        # Fields joined by NUL, which no query term contains, so a term never spans two fields.
        self._text = [(doc["id"], "\0".join(_text(doc[f]) for f in SEARCHABLE)) for doc in corpus]
        self._cache: dict[str, set[int]] = {}

    def _term(self, term: str) -> set[int]:
        if term not in self._cache:
            needle = _text(term)
            self._cache[term] = {i for i, text in self._text if needle in text}
        return self._cache[term]

    def ids(self, q: str, filters: dict[str, str] | None = None) -> set[int]:
        terms = q.split()
        found = set.intersection(*(self._term(t) for t in terms)) if terms else {d["id"] for d in self.corpus}
        for key, value in (filters or {}).items():
            found = {d["id"] for d in self.corpus if d["id"] in found and d[key] == value}
        return found


def build_datasette_db(path: Path, corpus: list[dict[str, Any]]) -> float:
    """The same corpus in SQLite with an FTS5 index (default tokenizer) on the searchable columns; seconds."""
    import sqlite_utils

    started = time.perf_counter()
    db = sqlite_utils.Database(path)
    rows = ({**doc, "targets": json.dumps(doc["targets"], ensure_ascii=False)} for doc in corpus)
    db["services"].insert_all(rows, pk="id", batch_size=5000)
    db["services"].enable_fts(list(SEARCHABLE))
    db.vacuum()
    db.close()
    return time.perf_counter() - started
