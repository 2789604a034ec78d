"""Core's own indicators, over the shared registry (registered by core.builtin):

- 城市社区平均社区社会组织数 (target ≥ 10) and 农村社区平均社区社会组织数 (target ≥ 5), both from
  民发〔2017〕191号. A community (kind "community") is urban when the last three digits of its
  12-digit code are 001–199 (居民委员会) and rural when they are 200–399 (村民委员会). Numerator: filed
  community organisations (legal_type "community_filed", status registered or filed) based in such a
  community, founded on or before the date; denominator: such communities existing on the date.
- 每万常住人口社会组织数: organisations registered or filed by the date, per 10,000 of the
  district's resident population (its district file). No policy sets a figure per resident (local
  plans count community organisations "每百户 1 个"), so its default target of 10 is a working
  target, said so in its basis, for the district file's [indicator_targets] to change.
- 乡镇（街道）社工站覆盖率 (target 100 %, "十四五" 一乡镇(街道)一站点): streets existing on the date
  with a social-work station open on it (opened_on ≤ date, closed_on null or later), over the
  streets existing on it.

"Founded" is `registered_on`, or the Beijing date of `created_at` where no registration day is
recorded; a community exists from the Beijing date of its `created_at`. Status is today's (the
registry keeps no status history), so a deregistered organisation drops out of earlier dates too.
"""

from __future__ import annotations

from datetime import date

from core.contrib import Indicator
from core.dates import beijing_date
from core.indicators import memoized
from core.tables import Community, Organization, SocialWorkStation

LIVE = ("registered", "filed")
URBAN, RURAL = range(1, 200), range(200, 400)


def founded_on(org: dict) -> date | None:
    registered = org["registered_on"]
    if isinstance(registered, str):
        registered = date.fromisoformat(registered[:10])
    return registered or beijing_date(org["created_at"])


async def _communities(district_code: str, at: date, band: range) -> set[str]:
    rows = await memoized(("core", "communities", district_code), lambda: Community.select(
        Community.code, Community.created_at).where(
        (Community.district_code == district_code) & (Community.kind == "community")).run())
    return {r["code"] for r in rows if r["code"][-3:].isdigit() and int(r["code"][-3:]) in band
            and (beijing_date(r["created_at"]) or at) <= at}


async def _organizations(district_code: str, at: date, legal_type: str | None = None) -> list[dict]:
    """The organisations registered or filed by `at` (of one legal type, when given); the
    district's rows are read once per indicators computation (core.indicators.memoized)."""
    rows = await memoized(("core", "organizations", district_code), lambda: Organization.select(
        Organization.legal_type, Organization.community_code, Organization.registered_on,
        Organization.created_at).where(
        (Organization.district_code == district_code) & Organization.status.is_in(list(LIVE))).run())
    return [r for r in rows if (founded_on(r) or at) <= at and legal_type in (None, r["legal_type"])]


def _community_orgs(band: range):
    async def compute(ctx, district_code: str, at: date) -> dict:
        communities = await _communities(district_code, at, band)
        orgs = await _organizations(district_code, at, "community_filed")
        return {"numerator": sum(1 for o in orgs if o["community_code"] in communities),
                "denominator": len(communities)}

    return compute


async def _orgs_per_10k(ctx, district_code: str, at: date) -> dict:
    orgs = await _organizations(district_code, at)
    return {"numerator": len(orgs), "denominator": ctx.districts[district_code].population / 10_000}


async def _station_coverage(ctx, district_code: str, at: date) -> dict:
    streets = await Community.select(Community.code, Community.created_at).where(
        (Community.district_code == district_code) & (Community.kind == "street"))
    existing = {r["code"] for r in streets if (beijing_date(r["created_at"]) or at) <= at}
    rows = await SocialWorkStation.select(SocialWorkStation.street_code, SocialWorkStation.opened_on,
                                          SocialWorkStation.closed_on).where(
        (SocialWorkStation.district_code == district_code) & (SocialWorkStation.opened_on <= at))
    covered = {r["street_code"] for r in rows if r["closed_on"] is None or r["closed_on"] > at}
    return {"numerator": len(existing & covered), "denominator": len(existing)}


_ORG_SOURCE = "基础登记库：社区（12 位代码）与社会组织（登记类型、状态、登记日期）"

INDICATORS = [
    Indicator(
        module="core", name="registry.urban_community_orgs", label="城市社区平均社区社会组织数",
        label_en="Community organisations per urban community",
        definition="在本区县备案、状态为已登记或已备案的社区社会组织，按所在社区计数，除以当日已登记的城市社区"
                   "（居民委员会，12 位代码末三位 001–199）数",
        unit="个/社区", source=_ORG_SOURCE, compute=_community_orgs(URBAN), target=10,
        target_basis="民发〔2017〕191号", direction="at_least", records="/districts/{code}/organizations"),
    Indicator(
        module="core", name="registry.rural_community_orgs", label="农村社区平均社区社会组织数",
        label_en="Community organisations per rural community",
        definition="在本区县备案、状态为已登记或已备案的社区社会组织，按所在社区计数，除以当日已登记的农村社区"
                   "（村民委员会，12 位代码末三位 200–399）数",
        unit="个/社区", source=_ORG_SOURCE, compute=_community_orgs(RURAL), target=5,
        target_basis="民发〔2017〕191号", direction="at_least", records="/districts/{code}/organizations"),
    Indicator(
        module="core", name="registry.orgs_per_10k", label="每万常住人口社会组织数",
        label_en="Social organisations per 10,000 residents",
        definition="当日已登记或已备案的社会组织总数（各登记类型），除以区县常住人口（万人）",
        unit="个/万人", source="基础登记库：社会组织；区县配置：常住人口", compute=_orgs_per_10k, target=10,
        target_basis="工作目标", direction="at_least",
        records="/districts/{code}/organizations"),
    Indicator(
        module="core", name="registry.station_coverage", label="乡镇（街道）社工站覆盖率",
        label_en="Streets with a social-work station",
        definition="当日已登记的乡镇（街道）中，当日有运行中社工站（建站日期不晚于当日、未撤站或撤站日期晚于当日）的"
                   "乡镇（街道）所占比例",
        unit="%", source="基础登记库：街道与乡镇（街道）社工站（建站、撤站日期）", compute=_station_coverage,
        target=100, target_basis="“十四五”民政事业发展规划：乡镇（街道）社工站全覆盖，“一乡镇(街道)一站点”",
        direction="at_least", scale=100, digits=1, records="/districts/{code}/stations"),
]
