"""Demo data of the incubation base, for districts that enable it: one base and six
community teams at every stage — one graduated into the registry (after its 期满 review),
two incubating with milestones part done (one on site, one virtual), one waiting for the
panel, one just applied, one refused — each with its kind of team (萌芽型/初创型/枢纽型) — all
made through the same services (and audit trail) as the pages, by the demo users:
`<code>-resident` applied for 邻里守望互助会 (and can follow it and report its milestones),
`<code>-admin` registered the other teams' applications, screens and decides,
`<code>-incubation-reviewer` and the admin score, `<code>-incubation-mentor` mentors.
Safe to run twice."""

from __future__ import annotations

from datetime import date, timedelta

from core.auth import Principal, principal_for_user
from core.context import AppContext
from core.modules import enabled_modules
from core.tables import Community, User
from plugins.incubation import glossary, graduation, intake, residency
from plugins.incubation.tables import Base, Milestone

ACTOR = "demo"
BASE_NAME = "{district}社区社会组织孵化基地"
TEAMS = [  # name, kind of team, fields, members (name, role, retired), plan, where it ends
    ("夕阳红文艺队", "startup", ["文体教育"],
     [("周桂兰", "负责人", True), ("李淑芬", "骨干", True), ("陈晓雯", "成员", False)],
     "每周两次排练，每季度进社区演出，带动老年人参与社区文化生活。", "graduated"),
    ("邻里守望互助会", "startup", ["社区养老", "救助帮扶"], [("王建国", "负责人", True), ("刘芳", "骨干", False),
                                                     ("赵敏", "成员", False), ("孙立", "成员", True)],
     "组织楼栋志愿者结对探访独居老人，建立邻里互助台账。", "incubating-4"),
    ("青苗课业辅导志愿队", "sprout", ["青少年心理", "文体教育"], [("黄磊", "负责人", False), ("何静", "骨干", False),
                                                        ("吴倩", "成员", False)],
     "为双职工家庭的小学生提供放学后课业辅导和安全看护。", "incubating-1"),
    ("书香亲子阅读会", "hub", ["婚姻家庭", "文体教育"], [("林晓", "负责人", False), ("郑洁", "骨干", False),
                                                ("冯雪", "成员", True)],
     "联络社区内的亲子阅读小组，每月两次亲子共读，培训家长阅读指导员。", "screened"),
    ("乐龄智能手机课堂", "sprout", ["社区养老"], [("邓华", "负责人", True), ("曹丽", "成员", True), ("彭勇", "成员", False)],
     "教老年人使用健康码、视频通话和防诈骗知识。", "applied"),
    ("晨练太极队", "sprout", ["文体教育"], [("许强", "负责人", True), ("韩梅", "成员", True)],
     "组织居民晨练太极拳。", "rejected"),
]
VIRTUAL = {"青苗课业辅导志愿队"}  # meets in schools: the base's services without a desk (虚拟入驻)


async def _principal(ctx: AppContext, username: str) -> Principal | None:
    user = await User.select().where(User.username == username).first()
    return await principal_for_user(ctx, user) if user else None


async def load(district, ctx: AppContext) -> None:
    code = district.code
    if "incubation" not in await enabled_modules(ctx, code):
        return
    name = BASE_NAME.format(district=district.name)
    if await Base.exists().where((Base.district_code == code) & (Base.name == name)):
        return
    resident = await _principal(ctx, f"{code}-resident")
    reviewer = await _principal(ctx, f"{code}-incubation-reviewer")
    mentor = await _principal(ctx, f"{code}-incubation-mentor")
    admin = await _principal(ctx, f"{code}-admin")
    if not all((resident, reviewer, mentor, admin)):
        return
    community = await Community.select(Community.code).where(
        (Community.district_code == code) & (Community.kind == "community")).order_by(Community.code).first()
    base = await intake.create_base(code, ACTOR, intake.BaseIn(
        name=name, capacity=6, address=f"{district.name}社会组织服务中心三楼", services=list(glossary.SERVICES),
        community_code=community["code"] if community else None))
    today = date.today()
    for i, (team, kind, fields, members, plan, end) in enumerate(TEAMS):
        applicant = resident if team == "邻里守望互助会" else admin  # staff register the others' paper forms
        applied = await intake.apply(ctx, code, applicant, intake.ApplicationIn(
            base_id=base["id"], name=team, incubatee_type=kind, fields=fields, plan=plan,
            members=[intake.MemberIn(name=n, role=r, retired=t) for n, r, t in members],
            intended_services=["space", "training", "mentoring", "registration"],
            community_code=community["code"] if community else None, contact_phone=f"1390736{1000 + i:04d}"))
        await _advance(ctx, code, applied["id"], end, today - timedelta(days=420 - 60 * i), admin, reviewer,
                       mentor, applicant, "virtual" if team in VIRTUAL else "on_site")


async def _advance(ctx: AppContext, code: str, incubatee_id: int, end: str, moved_in_on: date, admin: Principal,
                   reviewer: Principal, mentor: Principal, applicant: Principal, way: str) -> None:
    if end == "applied":
        return
    if end == "rejected":
        await intake.screen(ctx, code, incubatee_id, admin.username, False,
                            "核心成员不足3人且均已退休，建议先在社区备案活动，壮大队伍后再申请")
        return
    await intake.screen(ctx, code, incubatee_id, admin.username, True, "符合入驻条件")
    if end == "screened":
        await intake.score(code, incubatee_id, reviewer.username, 78, "需求明确，家长参与度高")
        return
    await intake.score(code, incubatee_id, reviewer.username, 82, "团队稳定，服务计划可行")
    await intake.score(code, incubatee_id, admin.username, 76, "建议尽快建立财务制度")
    await intake.decide(ctx, code, incubatee_id, admin.username, True, "评审平均分达到入驻要求")
    await residency.move_in(ctx, code, incubatee_id, admin.username, mentor.username,
                            "" if way == "virtual" else f"A-{incubatee_id:02d}", moved_in_on, way)
    done = len(glossary.MILESTONES) if end == "graduated" else int(end.rsplit("-", 1)[1])
    milestones = await Milestone.select().where(Milestone.incubatee == incubatee_id).order_by(Milestone.id)
    for k, milestone in enumerate(milestones[: done + 1]):
        await residency.submit(code, milestone["id"], applicant, f"已完成：{milestone['title']}，材料已交导师审阅")
        if k < done:
            await residency.sign_off(code, milestone["id"], mentor, "材料齐全，确认完成")
    await residency.add_training(code, incubatee_id, mentor, moved_in_on + timedelta(days=30),
                                 "社会组织财务管理基础", 3, 2)
    await residency.add_review(code, incubatee_id, mentor, "中期", moved_in_on + timedelta(days=180), "良好",
                               "按计划推进，能力建设事项完成过半")
    if end == "graduated":  # graduation needs the 期满 review first
        await residency.add_review(code, incubatee_id, mentor, "期满", moved_in_on + timedelta(days=360), "良好",
                                   "能力建设事项全部完成，团队稳定，同意出壳")
        await graduation.graduate(ctx, code, incubatee_id, admin.username, moved_in_on + timedelta(days=365))
