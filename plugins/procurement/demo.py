"""Demo data of government purchase of services, for districts that enable it: nine projects
across the five priority fields (社区养老, 残障康复, 社区矫正, 婚姻家庭, 青少年心理), one at each
stage from planning to closed and one cancelled with its reason, each with output and
outcome indicators and its stage history — made through the same services (and audit
trail) as the pages, by `<code>-admin`. From tender on, each has its bids (demo_tender.py):
the one in evaluation has a scored evaluation and two bids refused (grade; credit list), and
every project awarded or later has its award. Where a module collects residents' needs
(participation, through the core hook `offer_needs`), the projects that reach delivery name the
most supported need of their field still open to linking, so that need's page shows the project answering it
(load_demo runs trylast, after the needs are there). Safe to run twice."""

from __future__ import annotations

from datetime import date

from core.context import AppContext
from core.modules import enabled_modules
from core.tables import Community
from plugins.procurement import delivery_demo, demo_tender, evaluation_demo, needs, projects, states
from plugins.procurement.tables import PurchaseProject

MARK = "（示范）"  # every demo title ends with it: how a second run knows the demo is there
OUTPUT, OUTCOME = "output", "outcome"
PROJECTS = [  # title, field, target group, budget in yuan, method, method reason, stage, indicators
    ("居家社区养老上门服务", "社区养老", "老年人", 480_000, "公开招标", "", "in_delivery",
     [("服务人次", "人次", 1200, OUTPUT), ("独居老人探访覆盖率", "%", 100, OUTPUT), ("服务对象满意度", "%", 90, OUTCOME)]),
    ("老年人防跌倒与健康管理", "社区养老", "老年人", 260_000, "竞争性磋商", "", "planning",
     [("健康评估人数", "人", 600, OUTPUT), ("满意度", "%", 90, OUTCOME)]),
    ("残疾人社区康复服务", "残障康复", "残疾人", 350_000, "公开招标", "", "evaluated",
     [("康复训练人次", "人次", 1500, OUTPUT), ("康复目标达成率", "%", 80, OUTCOME), ("满意度", "%", 92, OUTCOME)]),
    ("精神障碍患者社区康复", "残障康复", "残疾人", 180_000, "单一来源",
     "区内唯一具备精神康复资质的社会组织，服务需保持连续", "awarded",
     [("个案管理人数", "人", 60, OUTPUT), ("复发率下降", "%", 20, OUTCOME)]),
    ("社区矫正对象心理矫治与帮扶", "社区矫正", "社区矫正对象", 220_000, "竞争性谈判", "", "contracted",
     [("心理评估人次", "人次", 300, OUTPUT), ("再犯罪率", "%", 0, OUTCOME)]),
    ("婚姻家庭纠纷调解与辅导", "婚姻家庭", "家庭", 150_000, "询价", "", "tender",
     [("调解个案", "件", 120, OUTPUT), ("调解成功率", "%", 85, OUTCOME)]),
    ("青少年心理健康支持", "青少年心理", "青少年", 300_000, "邀请招标", "", "evaluation",
     [("心理健康讲座", "场", 24, OUTPUT), ("服务人次", "人次", 1200, OUTPUT), ("满意度", "%", 90, OUTCOME)]),
    ("困境儿童与留守青少年关爱", "青少年心理", "青少年", 200_000, "公开招标", "", "closed",
     [("结对帮扶人数", "人", 80, OUTPUT), ("满意度", "%", 90, OUTCOME)]),
    ("婚前辅导与家庭教育指导", "婚姻家庭", "家庭", 120_000, "竞争性磋商", "", "cancelled",
     [("辅导场次", "场", 30, OUTPUT), ("满意度", "%", 90, OUTCOME)]),
]
CANCEL_REASON = "区妇联已将婚前辅导纳入本年度自办项目，为避免重复购买，终止采购"
STEP_REASONS = {"tender": "采购公告已发布", "evaluation": "投标截止，进入评审", "awarded": "评审完成，确定承接方",
                "contracted": "已签订服务合同", "in_delivery": "服务开始实施", "evaluated": "第三方绩效评价完成",
                "closed": "尾款支付完毕，项目结项"}


async def load(district, ctx: AppContext) -> None:
    code = district.code
    if "procurement" not in await enabled_modules(ctx, code):
        return
    if await PurchaseProject.exists().where((PurchaseProject.district_code == code)
                                            & PurchaseProject.title.like(f"%{MARK}")):
        return
    communities = [r["code"] for r in await Community.select(Community.code).where(
        (Community.district_code == code) & (Community.kind == "community")).order_by(Community.code)]
    admin = f"{code}-admin"
    year = date.today().year
    orgs = await demo_tender.organisations(code)
    taken: set[str] = set()
    for i, (title, field, group, budget, method, method_reason, stage, indicators) in enumerate(PROJECTS):
        created = await projects.create(ctx, code, admin, projects.ProjectIn(
            title=f"{district.name}{title}{MARK}", buyer=f"{district.name}民政局", field=field, target_group=group,
            communities=communities[i % max(len(communities), 1):][:3], budget_fen=budget * 100,
            period_start=date(year, 1, 1), period_end=date(year, 12, 31), method=method, method_reason=method_reason,
            indicators=[projects.rules.IndicatorIn(name=n, unit=u, target=t, kind=k) for n, u, t, k in indicators],
            needs=await _answered_needs(ctx, code, field, stage, taken)))
        await _advance(ctx, code, created, stage, admin, orgs)


async def _answered_needs(ctx: AppContext, code: str, field: str, stage: str, taken: set[str]) -> list[str]:
    """For a project that reaches delivery: the most supported linkable need of its field that no
    other demo project names yet (none where no module offers needs)."""
    if stage not in needs.DELIVERING:
        return []
    offered = await needs.offered(ctx, code, None, field, None) or []
    for need in offered:
        if need["linkable"] and need["ref"] not in taken:
            taken.add(need["ref"])
            return [need["ref"]]
    return []


async def _advance(ctx: AppContext, code: str, project: dict, stage: str, actor: str, orgs: dict[str, int]) -> None:
    project_id = project["id"]
    if stage == "cancelled":
        await projects.move(code, project_id, "tender", STEP_REASONS["tender"], actor)
        await projects.move(code, project_id, "cancelled", CANCEL_REASON, actor)
        return
    if stage == "planning":
        return
    await demo_tender.bid_on(ctx, code, project, stage, orgs)
    for step in states.ORDER[states.ORDER.index("awarded") + 1: states.ORDER.index(stage) + 1]:
        if step == "contracted":  # recording the contract moves the project (delivery_demo.py)
            await delivery_demo.contract(ctx, code, project_id, stage, actor)
        elif step == "evaluated":  # so does completing the evaluation (evaluation_demo.py)
            await evaluation_demo.evaluate(ctx, code, project_id, stage, actor)
        else:
            await projects.move(code, project_id, step, STEP_REASONS[step], actor, ctx=ctx)
    if stage == "in_delivery":  # an evaluation under way, the evaluator's scores owed
        await evaluation_demo.evaluate(ctx, code, project_id, stage, actor)
