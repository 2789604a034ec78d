"""Demo data for supervision, for districts that enable it: an assessment scheme with
graded organisations, a rule scan (flags), a closed audit campaign of last quarter with
its report, and this quarter's campaign in progress with a finding for the demo worker.
Runs after the other modules' demo data (it samples their records); safe to run twice."""

from __future__ import annotations

from datetime import date, timedelta

from core.context import AppContext
from core.modules import enabled_modules, module_settings
from plugins.supervision import campaigns
from plugins.supervision.tables import Campaign, SampleItem

ACTOR = "demo"
CLOSED_TITLE = "上季度社工服务记录抽查"
OPEN_TITLE = "本季度社工服务记录抽查"


async def load(district, ctx: AppContext) -> None:
    code = district.code
    if "supervision" not in await enabled_modules(ctx, code):
        return
    from plugins.supervision import assessment, flags

    settings = await module_settings(ctx, code, "supervision")
    await assessment.load_demo_scheme(code, valid_years=settings["grade_valid_years"])
    if await flags.last_run(code) is None:  # a scan is audited: run it once, not on every demo load
        await flags.scan(ctx, code, actor=ACTOR)
    if "talent.service_logs" in campaigns.sources(ctx):
        today = date.today()
        await _closed_campaign(ctx, code, today)
        await _open_campaign(ctx, code, today)


async def _campaign(ctx: AppContext, code: str, title: str, start: date, end: date, seed: int) -> int | None:
    """The campaign's id, creating and sampling it when it does not exist yet; None if empty."""
    existing = await Campaign.select(Campaign.id).where((Campaign.district_code == code)
                                                        & (Campaign.title == title)).first()
    if existing:
        return None
    created = await campaigns.create(ctx, code, ACTOR, campaigns.NewCampaign(
        title=title, source="talent.service_logs", period_start=start, period_end=end, sampling="percent",
        sample_size=5, seed=seed))
    if not await campaigns.population(ctx, created):
        return None
    await campaigns.sample(ctx, code, created["id"], ACTOR)
    return created["id"]


async def _closed_campaign(ctx: AppContext, code: str, today: date) -> None:
    campaign_id = await _campaign(ctx, code, CLOSED_TITLE, today - timedelta(days=180), today - timedelta(days=91),
                                  20260701)
    if campaign_id is None:
        return
    rows = await SampleItem.select().where(SampleItem.campaign == campaign_id).order_by(SampleItem.id)
    for i, row in enumerate(rows):
        if i == 0:
            await campaigns.give_verdict(code, row["id"], ACTOR, "不合格", "服务对象未签字确认，服务时长无法核实")
            await campaigns.close_item(code, row["id"], ACTOR, "机构已补齐签字并对当事社工进行提醒谈话")
        else:
            await campaigns.give_verdict(code, row["id"], ACTOR, "合格", "")
            await campaigns.close_item(code, row["id"], ACTOR, "")
    await campaigns.close(code, campaign_id, ACTOR,
                          f"抽查{len(rows)}条服务记录，不合格1条（已整改），其余合格。建议各机构落实服务对象签字确认制度。")


async def _open_campaign(ctx: AppContext, code: str, today: date) -> None:
    campaign_id = await _campaign(ctx, code, OPEN_TITLE, today - timedelta(days=90), today, 20261001)
    if campaign_id is None:
        return
    from core.tables import User

    worker = await User.select(User.person_id).where(User.username == f"{code}-worker").first()
    rows = await SampleItem.select().where(SampleItem.campaign == campaign_id).order_by(SampleItem.id)
    mine = [r for r in rows if worker and r["person_id"] == worker["person_id"]]
    doubtful = mine[0] if mine else (rows[0] if rows else None)
    for row in rows[: len(rows) // 2]:
        if row is not doubtful:
            await campaigns.give_verdict(code, row["id"], ACTOR, "合格", "")
            await campaigns.close_item(code, row["id"], ACTOR, "")
    if doubtful is not None:
        await campaigns.give_verdict(code, doubtful["id"], ACTOR, "存疑",
                                     "服务记录与社区活动签到表时间不一致，请说明情况并上传签到表")
