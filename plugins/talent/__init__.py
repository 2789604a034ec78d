"""Social-worker talent database (社工人才库): worker profiles and qualifications,
their registration (登记 rules and the national system's application states),
posts and pay, service logs and continuing education, the graduate reserve pool,
社工+志愿者 teams, roster import/export, structure statistics, and the rules
supervisors run over worker records."""

from __future__ import annotations

from pathlib import Path

from core import hookimpl
from core.builtin import CITY_ADMIN, DISTRICT_ADMIN, ORG_STAFF, PLATFORM_ADMIN, SOCIAL_WORKER, SUPERVISOR
from core.contrib import ModuleSpec, NavItem, Permission, SettingSpec

MODULE = "talent"
_ADMINS = (PLATFORM_ADMIN, DISTRICT_ADMIN)
_READERS = (PLATFORM_ADMIN, CITY_ADMIN, DISTRICT_ADMIN, SUPERVISOR)


@hookimpl
def register_modules():
    return [ModuleSpec(MODULE, "社工人才库", "Social-worker talent database", "社工队伍的资格、岗位、薪酬、继续教育与储备",
                       description_en="Social workers' qualifications, posts, pay, continuing education and reserve pool",
                       settings=(
                           SettingSpec("subsidy_assistant", int, 200, "助理社会工作师每月职业资格补贴（元）", minimum=0,
                                       description_en="Monthly qualification allowance, assistant social worker (yuan)"),
                           SettingSpec("subsidy_social_worker", int, 300, "社会工作师每月职业资格补贴（元）", minimum=0,
                                       description_en="Monthly qualification allowance, social worker (yuan)"),
                           SettingSpec("subsidy_senior", int, 500, "高级社会工作师每月职业资格补贴（元）", minimum=0,
                                       description_en="Monthly qualification allowance, senior social worker (yuan)"),
                           SettingSpec("ce_hours_assistant", int, 72, "助理社会工作师每3年继续教育学时", minimum=0,
                                       description_en="Continuing-education hours per 3 years, assistant social worker"),
                           SettingSpec("ce_hours_social_worker", int, 90, "社会工作师每3年继续教育学时", minimum=0,
                                       description_en="Continuing-education hours per 3 years, social worker"),
                           SettingSpec("ce_hours_senior", int, 90, "高级社会工作师每3年继续教育学时", minimum=0,
                                       description_en="Continuing-education hours per 3 years, senior social worker"),
                           SettingSpec("salary_grades", list, [], "本区县薪酬等级（如三岗十八级），空表示自由填写",
                                       description_en="The district's pay grades (e.g. 3 posts × 18 levels); empty: free text",
                                       help="每行一个等级",
                                       help_en="One grade per line"),
                       ))]


@hookimpl
def register_piccolo_apps():
    return ["plugins.talent.piccolo_app"]


@hookimpl
def register_permissions():
    return [
        Permission("talent.worker.read", "查看社工档案", _READERS),
        Permission("talent.worker.write", "维护社工档案", _ADMINS),
        Permission("talent.import", "导入导出社工花名册", _ADMINS),
        Permission("talent.stats.read", "查看人才队伍统计", _READERS),
        Permission("talent.record.read", "查看社工服务记录", _READERS),
        Permission("talent.record.own", "填写本人服务记录与继续教育", (SOCIAL_WORKER,)),
        Permission("talent.staff.read", "查看本机构社工的档案与记录", (ORG_STAFF,)),
        Permission("talent.reserve.manage", "管理院校合作与储备人才", _ADMINS),
        Permission("talent.volunteer.manage", "管理社工+志愿者队伍", (*_ADMINS, SOCIAL_WORKER)),
    ]


@hookimpl
def register_routes():
    from plugins.talent.routes import ROUTES

    return ROUTES


@hookimpl
def register_nav_items():
    return [
        NavItem(MODULE, "社工人才库", "Talent database", "/districts/{code}/talent", permission="talent.worker.read",
                order=20),
        NavItem(MODULE, "人才统计", "Workforce statistics", "/districts/{code}/talent/stats",
                permission="talent.stats.read", order=21),
        NavItem(MODULE, "我的档案", "My profile", "/districts/{code}/talent/me", permission="talent.record.own",
                order=22),
        NavItem(MODULE, "本机构社工", "Our social workers", "/districts/{code}/talent/staff",
                permission="talent.staff.read", order=23),
    ]


@hookimpl
def register_referrers():
    from plugins.talent.references import REFERRERS

    return REFERRERS


@hookimpl
def register_template_dirs():
    return [Path(__file__).parent / "templates"]


@hookimpl
def register_static_dirs():
    return [(MODULE, Path(__file__).parent / "static")]


@hookimpl
def register_supervision_rules():
    from plugins.talent.rules import RULES

    return RULES


@hookimpl
def register_auditable_records():
    from plugins.talent.rules import SOURCES

    return SOURCES


@hookimpl
def register_datasets():
    from plugins.talent.datasets import DATASETS

    return DATASETS


@hookimpl
async def load_demo(district):
    from plugins.talent.demo import load_workers

    await load_workers(district)


@hookimpl
def register_commands():
    from plugins.talent.cli import COMMAND

    return [COMMAND]


@hookimpl
def register_workbench_items():
    from plugins.talent.workbench import PROVIDERS

    return PROVIDERS


@hookimpl
def register_dashboard_widgets():
    from plugins.talent.workbench import WIDGETS

    return WIDGETS


@hookimpl
async def delivery_hours(ctx, district_code, refs):
    from plugins.talent.delivery import hours

    return await hours(district_code, refs)


@hookimpl
def register_audit_words():
    from plugins.talent.glossary import AUDIT_WORDS

    return [AUDIT_WORDS]


@hookimpl
async def organization_facts(ctx, district_code, organization_ids):
    from plugins.talent.facts import facts

    return await facts(ctx, district_code, organization_ids)


@hookimpl
async def organization_workers(ctx, district_code, organization_id):
    from plugins.talent.facts import workers

    return await workers(ctx, district_code, organization_id)


@hookimpl
def register_indicators():
    from plugins.talent.indicators import INDICATORS

    return INDICATORS


@hookimpl
def register_profile_sections():
    from plugins.talent.profile import SECTIONS

    return SECTIONS
