"""A realistic demo catalogue: a few hundred services per district across the
eight fields, provided by the district's demo organisations, in its communities.
Loaded once per district (recognised by its source) and audited as one event."""

from __future__ import annotations

import json
from datetime import date, timedelta

from core import audit, db, outbox
from core.districts import DistrictConfig
from core.tables import Community, Organization
from plugins.catalogue.services import INDEX
from plugins.catalogue.tables import Service

SOURCE = "演示数据"

# field → (provider name suffix, [(service name, targets, fee, description, eligibility)])
TEMPLATES = {
    "社区养老": ("夕阳红居家养老服务中心", [
        ("居家养老上门服务", ["老年人"], "subsidised", "为高龄、独居、失能老年人提供上门助洁、助浴、助医和陪伴服务，每周至少一次。", "本社区60周岁以上老年人，失能、独居优先"),
        ("老年人日间照料", ["老年人"], "subsidised", "日间照料中心提供午餐、午休、康复训练和文娱活动，家属可早送晚接。", "生活基本自理的社区老年人"),
        ("长者助餐配餐", ["老年人"], "subsidised", "社区长者食堂提供营养午餐，行动不便的老人可以送餐上门。", "70周岁以上老年人凭老年证享受补贴"),
        ("失能老人喘息服务", ["老年人", "家庭"], "free", "为长期照护失能老人的家庭提供短期托养，让照护者得到休息。", "经评估的失能老年人家庭"),
        ("老年人健康讲座与义诊", ["老年人"], "free", "每月邀请社区卫生服务中心医生开展健康讲座、量血压、测血糖。", "社区老年居民"),
    ]),
    "残障康复": ("阳光社会工作服务中心", [
        ("残疾人社区康复训练", ["残疾人"], "free", "康复师指导肢体功能训练，社工提供心理支持和家庭辅导。", "持证残疾人"),
        ("孤独症儿童融合活动", ["残疾人", "儿童", "家庭"], "free", "为孤独症儿童及家长开展小组活动，促进社区融合。", "3至14周岁孤独症儿童及家长"),
        ("辅助器具租借", ["残疾人", "老年人"], "free", "轮椅、助行器等辅助器具免费租借，社工上门评估需求。", "本社区残疾人和行动不便老人"),
        ("残疾人就业辅导", ["残疾人", "失业人员"], "free", "职业能力评估、技能培训和岗位推荐，帮助残疾人稳定就业。", "有就业意愿的劳动年龄残疾人"),
    ]),
    "社区矫正": ("阳光社会工作服务中心", [
        ("社区矫正对象心理疏导", ["社区矫正对象"], "free", "专业社工一对一心理疏导，帮助社区矫正对象适应社会。", "司法所转介的社区矫正对象"),
        ("安置帮教就业支持", ["社区矫正对象", "失业人员"], "free", "联系爱心企业提供就业岗位，开展职业技能培训。", "刑满释放及社区矫正人员"),
        ("矫正对象家庭关系修复", ["社区矫正对象", "家庭"], "free", "通过家访和家庭小组改善家庭关系，构建支持网络。", "社区矫正对象及其家属"),
    ]),
    "婚姻家庭": ("阳光社会工作服务中心", [
        ("婚姻家庭矛盾调解", ["家庭", "妇女"], "free", "专业社工和调解员化解婚姻家庭矛盾，提供法律咨询。", "本区居民"),
        ("亲子沟通工作坊", ["家庭", "儿童", "青少年"], "free", "通过游戏和情景练习改善亲子沟通，每期六次。", "有12岁以下子女的家庭"),
        ("反家暴援助", ["妇女", "儿童", "家庭"], "free", "为家庭暴力受害人提供庇护转介、心理支持和法律援助。", "遭受家庭暴力的居民"),
        ("新婚夫妇课堂", ["家庭"], "free", "婚前婚后辅导课程，学习沟通技巧与家庭理财。", "新婚和准备结婚的居民"),
    ]),
    "青少年心理": ("心馨青少年心理服务中心", [
        ("青少年心理咨询", ["青少年"], "free", "持证心理咨询师为青少年提供个体心理咨询，保护隐私。", "12至18周岁青少年，监护人知情同意"),
        ("考前减压团体辅导", ["青少年"], "free", "中高考前开展减压团体辅导，学习情绪管理方法。", "初三、高三学生"),
        ("留守儿童陪伴成长", ["儿童", "青少年"], "free", "大学生志愿者一对一陪伴学习，社工定期家访。", "父母外出务工的留守儿童"),
        ("网络沉迷干预", ["青少年", "家庭"], "free", "评估网络使用情况，开展个案辅导和家长课堂。", "有网络沉迷倾向的青少年及家长"),
        ("校园欺凌预防讲座", ["青少年", "儿童"], "free", "走进中小学开展反欺凌教育和同伴支持训练。", "辖区中小学校"),
    ]),
    "救助帮扶": ("慈善基金会", [
        ("困难群众临时救助", ["困难群众"], "free", "协助申请临时救助，链接慈善资源解决急难问题。", "遭遇突发困难的家庭"),
        ("低保家庭探访关爱", ["困难群众", "老年人"], "free", "社工定期探访低保、特困家庭，了解需求并链接资源。", "低保、特困供养对象"),
        ("爱心物资发放", ["困难群众"], "free", "节日期间发放米油等爱心物资，志愿者送货上门。", "经社区核实的困难家庭"),
        ("大病家庭帮扶", ["困难群众", "家庭"], "free", "链接医疗救助和慈善资金，协助办理医保报销。", "因病致贫家庭"),
    ]),
    "就业创业": ("志愿者协会", [
        ("失业人员职业技能培训", ["失业人员"], "free", "开设家政、电商、养老护理等技能培训，结业推荐就业。", "登记失业人员"),
        ("大学生创业指导", ["青少年", "失业人员"], "free", "创业导师一对一指导，协助申请创业担保贷款。", "毕业五年内大学生"),
        ("妇女居家灵活就业", ["妇女"], "free", "手工编织、电商客服等居家就业项目培训与对接。", "有就业意愿的家庭妇女"),
        ("社区招聘会", ["失业人员", "全体居民"], "free", "每季度举办社区招聘会，现场对接辖区企业岗位。", "有求职需求的居民"),
    ]),
    "文体教育": ("志愿者协会", [
        ("四点半课堂", ["儿童"], "free", "放学后提供作业辅导和兴趣活动，解决双职工家庭接送难。", "辖区小学生"),
        ("老年大学书画班", ["老年人"], "paid", "书法、国画课程，每周两次，学期末举办作品展。", "社区老年居民"),
        ("广场舞与健身指导", ["全体居民", "老年人"], "free", "社会体育指导员每周指导广场舞和健身操。", "社区居民"),
        ("社区读书会", ["全体居民"], "free", "每月一次读书分享会，图书漂流角免费借阅。", "社区居民"),
        ("暑期青少年夏令营", ["儿童", "青少年"], "subsidised", "科学实验、非遗体验和户外拓展，为期两周。", "7至14周岁儿童青少年"),
    ]),
}

HOURS = ["周一至周五 8:30-17:30", "周一至周六 9:00-17:00", "每周三、周六 14:00-16:30", "每日 8:00-20:00"]


async def load_services(district: DistrictConfig) -> None:
    """Insert the demo catalogue for a district unless it is there already."""
    code = district.code
    if await Service.exists().where((Service.district_code == code) & (Service.source == SOURCE)):
        return
    orgs = {r["name"]: r["id"] for r in await Organization.select(Organization.id, Organization.name).where(
        Organization.district_code == code)}
    communities = await Community.select(Community.code, Community.name).where(
        (Community.district_code == code) & (Community.kind == "community")).order_by(Community.code)
    if not orgs or not communities:
        return
    rows = []
    for f_index, (field, (provider_suffix, templates)) in enumerate(TEMPLATES.items()):
        provider = next((oid for name, oid in orgs.items() if name.endswith(provider_suffix)), next(iter(orgs.values())))
        for t_index, (title, targets, fee, description, eligibility) in enumerate(templates):
            for c_index, community in enumerate(communities):
                if (f_index + t_index + c_index) % 3 == 2:
                    continue  # not every community runs every service
                serial = len(rows)
                rows.append(Service(
                    district_code=code, organization_id=provider, name=f"{community['name']}{title}", field=field,
                    description=f"{community['name']}：{description}", target_groups=json.dumps(targets, ensure_ascii=False),
                    eligibility=eligibility, fee=fee, fee_description="按区民政局补贴标准执行" if fee == "subsidised" else "",
                    communities=json.dumps([community["code"]]), address=f"{district.name}{community['name']}党群服务中心",
                    opening_hours=HOURS[serial % len(HOURS)], contact_phone=f"0736-7{int(code[-2:]):02d}{serial:04d}",
                    status="published" if serial % 17 else "draft", source=SOURCE,
                    last_verified=date(2026, 10, 1) - timedelta(days=serial % 300),
                ))
    async with db.write_transaction():
        ids = [r["id"] for r in await Service.insert(*rows).returning(Service.id)]
        await outbox.enqueue(INDEX, ids)
        await audit.record(actor="demo", action="load_demo", entity="service", entity_id=f"{len(ids)} services",
                           district_code=code, after={"services": len(ids), "source": SOURCE})
