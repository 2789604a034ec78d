"""Resident participation (居民参与): residents' needs (需求征集) with "我也需要" and triage;
activities announced by community staff, organisations or social workers, with sign-up on a
phone, a waiting list, check-in (list or a one-time code) and no-shows; ratings of attended
activities and used services (1–5 on 专业性/及时性/态度/效果) with moderation and a small-sample
guard; a points ledger with district rules and rewards redeemed from a stock; and the 三社联动
co-governance committee (共治委员会) with members, meetings, decisions and residents' proposals.

Linkage runs through core hooks only: needs are offered to purchase projects (`offer_needs`,
`need_answers`), ratings to procurement's evaluation (`rating_averages`) and a supervision rule
flags services rated below the district's threshold."""

from __future__ import annotations

from pathlib import Path

from core import hookimpl
from core.builtin import CITY_ADMIN, DISTRICT_ADMIN, ORG_STAFF, PLATFORM_ADMIN, RESIDENT, SOCIAL_WORKER, SUPERVISOR
from core.contrib import ModuleSpec, NavItem, Permission, Role

MODULE = "participation"
COMMUNITY_STAFF = "community_staff"


@hookimpl
def register_modules():
    from plugins.participation.rules import SETTINGS

    return [ModuleSpec(MODULE, "居民参与", "Resident participation",
                       "需求征集、活动报名签到、服务评价、积分兑换和共治委员会",
                       description_en="Residents' needs, activities with sign-up and check-in, ratings of services, "
                                      "points and rewards, and the co-governance committee",
                       settings=SETTINGS)]


@hookimpl
def register_piccolo_apps():
    return ["plugins.participation.piccolo_app"]


@hookimpl
def register_permissions():
    staff = (PLATFORM_ADMIN, DISTRICT_ADMIN, COMMUNITY_STAFF)
    return [
        Permission("participation.read", "查看本区县的居民参与情况（需求、报名、评价、积分）",
                   (PLATFORM_ADMIN, CITY_ADMIN, DISTRICT_ADMIN, SUPERVISOR, COMMUNITY_STAFF)),
        Permission("participation.manage", "处理居民需求、管理积分奖品、审核评价、维护共治委员会", staff),
        Permission("participation.announce", "发布活动并为活动签到",
                   (*staff, ORG_STAFF, SOCIAL_WORKER)),
        Permission("participation.take_part", "居民：提出需求、报名活动、评价服务、兑换积分、提出议事",
                   (RESIDENT,)),
    ]


@hookimpl
def register_roles():
    return [Role(COMMUNITY_STAFF, "社区工作者", "Community staff", "district",
                 ("participation.read", "participation.manage", "participation.announce"))]


@hookimpl
def register_routes():
    from plugins.participation.routes import ROUTES

    return ROUTES


@hookimpl
def register_nav_items():
    return [
        NavItem(MODULE, "社区活动", "Activities", "/districts/{code}/participation/activities", order=30),
        NavItem(MODULE, "居民需求", "Residents' needs", "/districts/{code}/participation/needs", order=31),
        NavItem(MODULE, "积分兑换", "Points and rewards", "/districts/{code}/participation/rewards", order=32),
        NavItem(MODULE, "共治委员会", "Co-governance committees", "/districts/{code}/participation/committees",
                order=33),
        NavItem(MODULE, "我的参与", "My participation", "/districts/{code}/participation/me",
                permission="participation.take_part", order=29),
        NavItem(MODULE, "参与统计", "Who takes part", "/districts/{code}/participation/stats",
                permission="participation.read", order=34),
    ]


@hookimpl
def register_template_dirs():
    return [Path(__file__).parent / "templates"]


@hookimpl
def register_static_dirs():
    return [(MODULE, Path(__file__).parent / "static")]


@hookimpl
def register_datasets():
    from plugins.participation.datasets import DATASETS

    return DATASETS


@hookimpl
def register_referrers():
    from plugins.participation.references import REFERRERS

    return REFERRERS


@hookimpl
def register_supervision_rules():
    from plugins.participation.ratings import RULES

    return RULES


@hookimpl
def register_workbench_items():
    from plugins.participation.workbench import PROVIDERS

    return PROVIDERS


@hookimpl
def register_audit_words():
    from plugins.participation.glossary import AUDIT_WORDS

    return [AUDIT_WORDS]


@hookimpl
async def load_demo(district, ctx):
    from plugins.participation.demo import load

    await load(ctx, district)


@hookimpl
async def offer_needs(ctx, district_code, refs, field, community):
    from plugins.participation.needs import offer

    return await offer(ctx, district_code, refs, field, community)


@hookimpl
async def rating_averages(ctx, district_code, refs):
    from plugins.participation.ratings import averages_for_refs

    return await averages_for_refs(ctx, district_code, refs)


@hookimpl
def register_indicators():
    from plugins.participation.indicators import INDICATORS

    return INDICATORS


@hookimpl
def register_profile_sections():
    from plugins.participation.profile import SECTIONS

    return SECTIONS
