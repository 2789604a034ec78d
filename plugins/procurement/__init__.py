"""Government purchase of services (政府购买服务, 财政部令第102号): purchase projects of a
district — buyer, service field from the district's guidance catalogue (指导性目录), target
group, communities, budget, term, method and indicators — moved through their stages
(planning → tender → evaluation → awarded → contracted → in delivery → evaluated → closed,
or cancelled / unsuccessful with a reason), every move conditional and audited. Slice 1:
projects and stages; slice 2: eligibility, bids, the panel and the award (terms.py, eligibility.py,
bids.py, panel.py, tally.py, award.py); then contracts, milestones with evidence, payments and their
supervision (delivery*.py, contracts.py, milestones.py, payments.py); outcome evaluation feeding
eligibility and the organisation's record (evaluation*.py); and OCDS publication (ocds*.py)."""

from __future__ import annotations

from pathlib import Path

from core import hookimpl
from core.builtin import CITY_ADMIN, DISTRICT_ADMIN, ORG_STAFF, PLATFORM_ADMIN, SUPERVISOR
from core.contrib import ModuleSpec, NavItem, Permission, Role, SettingSpec

MODULE = "procurement"
_READERS = (PLATFORM_ADMIN, CITY_ADMIN, DISTRICT_ADMIN, SUPERVISOR)
_WRITERS = (PLATFORM_ADMIN, DISTRICT_ADMIN)
PANELIST = "procurement_panelist"


@hookimpl
def register_modules():
    from plugins.procurement.evaluation_rules import SETTINGS as EVALUATION_SETTINGS
    from plugins.procurement.glossary import DEFAULT_CATALOGUE

    return [ModuleSpec(MODULE, "政府购买服务", "Government purchase of services",
                       "购买服务项目的立项、采购、签约、实施与评价",
                       description_en="Purchase-of-services projects from planning to tender, contract, delivery "
                                      "and evaluation",
                       settings=(
                           SettingSpec("guidance_catalogue", list, list(DEFAULT_CATALOGUE),
                                       "指导性目录：可以购买的服务领域",
                                       description_en="Guidance catalogue: service fields that may be bought",
                                       help="每行一个服务领域；项目的服务领域必须在目录中（财政部令第102号）",
                                       help_en="One service field per line; a project's field must be in the "
                                               "catalogue (MOF Order No. 102)"),
                           SettingSpec("ocid_prefix", str, "ocds-sanshe", "开放合同数据（OCDS）编号前缀",
                                       description_en="Open Contracting (OCDS) ocid prefix",
                                       help="项目编号为“前缀-区县代码-项目号”，设置后不要再改",
                                       help_en="A project's ocid is <prefix>-<district>-<id>; do not change it "
                                               "once projects exist"),
                           SettingSpec("max_term_months", int, 12, "服务期限一般不超过（月）", minimum=1,
                                       maximum=60, description_en="Usual longest term (months)",
                                       help="超过此期限须填写理由", help_en="A longer term needs a reason"),
                           SettingSpec("max_term_months_with_reason", int, 36, "说明理由后服务期限最长（月）",
                                       minimum=1, maximum=60,
                                       description_en="Longest term with a recorded reason (months)",
                                       help="持续性、稳定性服务可以跨年度签约，但不超过此期限",
                                       help_en="Stable continuous services may run longer, never past this"),
                           SettingSpec("evidence_max_mb", int, 20, "合同文本和履约佐证材料单个文件上限（MB）", minimum=1,
                                       maximum=50, description_en="Largest contract or evidence file (MB)"),
                           SettingSpec("short_delivery_percent", int, 10, "履约完成量低于计划多少（%）时提示监管",
                                       minimum=0, maximum=100,
                                       description_en="Flag an accepted milestone delivered short of plan by more "
                                                      "than (%)",
                                       help="已验收的履约节点，产出或服务人数低于计划超过此比例时产生监管提示",
                                       help_en="An accepted milestone whose outputs or beneficiaries fall short of "
                                               "the plan by more than this raises a supervision flag"),
                           SettingSpec("rank_3a_first", bool, True, "评估等级3A及以上的投标人优先排序",
                                       description_en="Rank bidders graded 3A and above first",
                                       help="开启后，评审排名先列3A及以上等级的投标人，再按综合得分排序（民政部令第39号）",
                                       help_en="When on, bidders graded 3A+ are ranked before the rest, each group by "
                                               "total score"),
                           *EVALUATION_SETTINGS,
                       ))]


@hookimpl
def register_piccolo_apps():
    return ["plugins.procurement.piccolo_app"]


@hookimpl
def register_permissions():
    return [
        Permission("procurement.read", "查看政府购买服务项目", _READERS),
        Permission("procurement.manage", "管理政府购买服务项目：立项、修改、推进阶段、终止", _WRITERS),
        Permission("procurement.delivery.read", "查看购买服务合同、履约节点与支付（社会组织只看本机构承接的）",
                   (*_READERS, ORG_STAFF)),
        Permission("procurement.delivery.report", "报告本机构承接项目的履约情况并上传佐证材料", (ORG_STAFF,)),
        Permission("procurement.bid", "以本机构名义投标、撤回投标", (ORG_STAFF,)),
        Permission("procurement.bids.read", "查看投标（机构人员只看本机构的，其他人截止后可看全部）",
                   (*_READERS, ORG_STAFF)),
        Permission("procurement.score", "作为评审小组成员声明利益冲突并评分", _WRITERS),
        Permission("procurement.evaluate", "被指定为第三方评价人时，为购买服务项目的绩效评价打分（承接主体的工作人员除外）",
                   (SUPERVISOR, ORG_STAFF)),
    ]


@hookimpl
def register_roles():
    return [Role(PANELIST, "政府采购评审专家", "Procurement evaluation panelist", "district",
                 ("procurement.read", "procurement.bids.read", "procurement.score"))]


@hookimpl
def register_routes():
    from plugins.procurement.routes import ROUTES

    return ROUTES


@hookimpl
def register_datasets():
    from plugins.procurement.datasets import DATASETS

    return DATASETS


# OCDS 1.1.5's release schema: the standard the OCDS endpoints conform to.
OCDS_1_1_5 = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


@hookimpl
def register_data_services():
    from core.contrib import DataService

    return [DataService(
        MODULE, "ocds", "政府购买服务开放合同数据接口（OCDS 1.1.5）",
        "按开放合同数据标准（Open Contracting Data Standard）1.1.5 发布政府购买服务项目的发布包（每次阶段变更一条发布）"
        "和记录包（每个项目的汇编发布），可分页、按区县、项目和时间筛选。",
        path="/opendata/ocds/", endpoint_description="/schema/openapi.json", conforms_to=OCDS_1_1_5,
        serves=("procurement-projects", "procurement-awards"), keywords=("OCDS", "开放合同", "政府购买服务"),
    )]


@hookimpl
def register_nav_items():
    return [NavItem(MODULE, "政府购买服务", "Purchase of services", "/districts/{code}/procurement",
                    permission="procurement.read", order=45),
            NavItem(MODULE, "购买服务统计", "Purchase of services dashboard", "/districts/{code}/procurement/dashboard",
                    permission="procurement.read", order=45),
            NavItem(MODULE, "政府购买服务全市对比", "Purchase of services, city view", "/cities/{city}/procurement",
                    permission="procurement.read", order=45),
            NavItem(MODULE, "投标", "Tenders", "/districts/{code}/procurement/tenders", permission="procurement.bid",
                    order=46)]


@hookimpl
def register_template_dirs():
    return [Path(__file__).parent / "templates"]


@hookimpl
def register_static_dirs():
    return [(MODULE, Path(__file__).parent / "static")]


@hookimpl(trylast=True)  # after talent and incubation: bids draw on their workers and graduates
async def load_demo(district, ctx):
    from plugins.procurement.demo import load

    await load(district, ctx)


@hookimpl
def register_supervision_rules():
    from plugins.procurement.delivery_rules import RULES

    return RULES


@hookimpl
def register_auditable_records():
    from plugins.procurement.delivery_rules import SOURCES

    return SOURCES


@hookimpl
def register_workbench_items():
    from plugins.procurement.delivery import PROVIDERS
    from plugins.procurement.evaluation_record import PROVIDERS as EVALUATION_PROVIDERS

    return [*PROVIDERS, *EVALUATION_PROVIDERS]


@hookimpl
def register_referrers():
    from core.contrib import Referrer
    from core.registry.references import counting
    from plugins.procurement.delivery_tables import Contract

    return [Referrer(MODULE, "organization", "政府购买服务合同的承接主体", counting(Contract.organization_id))]


@hookimpl
async def offer_delivery_refs(ctx, district_code, organization_id):
    from plugins.procurement.delivery import delivery_refs

    return await delivery_refs(ctx, district_code, organization_id)


@hookimpl
def register_audit_words():
    from plugins.procurement.audit_words import AUDIT_WORDS

    return [AUDIT_WORDS]


@hookimpl
async def need_answers(ctx, district_code, refs):
    from core.modules import enabled_modules
    from plugins.procurement.needs import answers

    if MODULE not in await enabled_modules(ctx, district_code):
        return {}
    return await answers(district_code, refs)


@hookimpl
def register_indicators():
    from plugins.procurement.indicators import INDICATORS

    return INDICATORS


@hookimpl
def register_profile_sections():
    from plugins.procurement.profile import SECTIONS

    return SECTIONS
