"""The talent database's indicators for the two-level governance dashboard (hook
`register_indicators`), over the roster as it stood on the date `at`:

- 每万常住人口社会工作者数 (人/万人): workers in post (在岗) on `at`, per 10,000 of the district's
  resident population (its district file). The seed calls about 10 per 10,000 明显偏少; no policy
  sets a number, so the default target (15) is a 工作目标 labelled as such; a district file may
  set its own. The three shares below carry 工作目标 too, from the seed's figures.
- 持证率 (%): of those, the share holding a 社会工作者职业资格 (助理社会工作师 or above).
- 40 岁以上占比 (%): the share aged 40 or more on `at` (the talent statistics' 40-49 and 50+ bands).
- 中专及以下学历占比 (%): the share whose education is 中专 or below (初中及以下, 高中, 中专).

"In post on `at`" comes from the status history as on the talent statistics page
(plugins.talent.stats.status_on); a worker with neither a start date nor a creation entry in the
history begins on the Beijing date the profile was entered. Qualification and education keep no
history, so they are the current values of the workers in post on `at`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.contrib import Indicator
from core.dates import beijing_date
from core.indicators import memoized
from core.tables import Person
from plugins.talent.glossary import VOCATIONAL_OR_BELOW
from plugins.talent.services import age_on
from plugins.talent.stats import ACTIVE, status_on
from plugins.talent.tables import SocialWorker, StatusChange

MODULE = "talent"
OLDER_FROM = 40


async def _roster(district_code: str) -> tuple[list[dict], dict[int, list[dict]], dict[int, Any]]:
    """The district's workers, their status history by worker and every worker's birth date."""
    workers = await SocialWorker.select(
        SocialWorker.id, SocialWorker.person_id, SocialWorker.status, SocialWorker.start_date,
        SocialWorker.qualification, SocialWorker.education, SocialWorker.created_at).where(
        SocialWorker.district_code == district_code)
    changes: dict[int, list[dict[str, Any]]] = {}
    for change in await StatusChange.select(StatusChange.id, StatusChange.worker, StatusChange.from_status,
                                            StatusChange.to_status, StatusChange.changed_on).where(
            StatusChange.district_code == district_code):
        changes.setdefault(change["worker"], []).append(change)
    ids = sorted({w["person_id"] for w in workers if w["person_id"] is not None})
    born = {p["id"]: p["birth_date"] for p in await Person.select(Person.id, Person.birth_date).where(
        Person.id.is_in(ids))} if ids else {}
    return workers, changes, born


async def in_post(district_code: str, at: date) -> list[dict[str, Any]]:
    """The district's workers in post on `at`, each with the person's birth date. The roster is
    read once per indicators computation (core.indicators.memoized): four indicators at eight
    quarter ends share one read."""
    workers, changes, born = await memoized((MODULE, "roster", district_code), lambda: _roster(district_code))
    active = []
    for w in workers:
        history = changes.get(w["id"], [])
        if not w["start_date"] and not any(c["from_status"] is None for c in history):
            w = {**w, "start_date": beijing_date(w["created_at"])}
        if status_on(w, history, at) == ACTIVE:
            active.append(w)
    return [{**w, "birth_date": born.get(w["person_id"])} for w in active]


async def _per_10k(ctx, district_code: str, at: date) -> dict[str, Any]:
    return {"numerator": len(await in_post(district_code, at)),
            "denominator": ctx.districts[district_code].population / 10_000}


def _share(test):
    async def compute(ctx, district_code: str, at: date) -> dict[str, Any]:
        workers = await in_post(district_code, at)
        return {"numerator": sum(1 for w in workers if test(w, at)), "denominator": len(workers)}

    return compute


def _certified(w: dict, at: date) -> bool:
    return w["qualification"] not in ("", "无", None)


def _older(w: dict, at: date) -> bool:
    return w["birth_date"] is not None and age_on(w["birth_date"], at) >= OLDER_FROM


def _vocational(w: dict, at: date) -> bool:
    return w["education"] in VOCATIONAL_OR_BELOW


_SOURCE = "社工人才库：社工档案、状态变动记录"
_OF_IN_POST = "当日在岗社会工作者中"

INDICATORS = [
    Indicator(
        module=MODULE, name="talent.workers_per_10k", label="每万常住人口社会工作者数",
        label_en="Social workers per 10,000 residents",
        definition="当日在岗（按状态变动记录）的社会工作者人数，除以区县常住人口（万人）；"
                   "约 10 人/万人属明显偏少",
        unit="人/万人", source=_SOURCE + "；区县配置：常住人口", compute=_per_10k,
        target=15, target_basis="工作目标；原文：约 10 人/万人属明显偏少",
        records="/districts/{code}/talent/stats"),
    Indicator(
        module=MODULE, name="talent.share_certified", label="持证率", label_en="Holding a qualification",
        definition=_OF_IN_POST + "持有社会工作者职业资格（助理社会工作师、社会工作师或高级社会工作师）者所占比例",
        unit="%", source=_SOURCE, compute=_share(_certified), scale=100, digits=1,
        target=50, target_basis="工作目标；原文：持证者不足百人",
        records="/districts/{code}/talent/stats"),
    Indicator(
        module=MODULE, name="talent.share_40_plus", label="40 岁以上占比", label_en="Aged 40 or more",
        definition=_OF_IN_POST + "当日年满 40 周岁者所占比例（按登记人员出生日期）",
        unit="%", source=_SOURCE + "；基础登记库：人员出生日期", compute=_share(_older), scale=100, digits=1,
        direction="at_most", target=50, target_basis="工作目标；原文：40 岁以上超过 60%",
        records="/districts/{code}/talent/stats"),
    Indicator(
        module=MODULE, name="talent.share_vocational_or_below", label="中专及以下学历占比",
        label_en="Education at secondary vocational or below",
        definition=_OF_IN_POST + "学历为中专及以下（初中及以下、高中、中专）者所占比例",
        unit="%", source=_SOURCE, compute=_share(_vocational), scale=100, digits=1, direction="at_most",
        target=30, target_basis="工作目标；原文：半数以上为中专及以下学历",
        records="/districts/{code}/talent/stats"),
]
