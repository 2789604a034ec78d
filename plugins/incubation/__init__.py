"""Incubation base (孵化基地): districts run bases that take in community organisations
and founding teams (application, eligibility screening, panel review), incubate them with
a mentor, space and capacity milestones (charter, activity rules, finance, registration,
a first service, members beyond retirees), and graduate them (出壳) into the shared
registry — or record why they left."""

from __future__ import annotations

from pathlib import Path

from core import hookimpl
from core.builtin import CITY_ADMIN, DISTRICT_ADMIN, ORG_STAFF, PLATFORM_ADMIN, RESIDENT, SUPERVISOR
from core.contrib import ModuleSpec, NavItem, Permission, Role, SettingSpec

MODULE = "incubation"
REVIEWER = "incubation_reviewer"
MENTOR = "incubation_mentor"
_ADMINS = (PLATFORM_ADMIN, DISTRICT_ADMIN)
_READERS = (PLATFORM_ADMIN, CITY_ADMIN, DISTRICT_ADMIN, SUPERVISOR)
DEFAULT_MILESTONES = ["charter", "rules", "finance", "registration", "first_service", "members"]


@hookimpl
def register_modules():
    return [ModuleSpec(MODULE, "孵化基地", "Incubation base", "社区社会组织的申请、评审、入驻培育与出壳",
                       description_en="Applications, reviews, incubation and graduation of community organisations",
                       settings=(
                           SettingSpec("period_months", int, 18, "孵化期（月）", minimum=3, maximum=48,
                                       description_en="Incubation period (months)"),
                           SettingSpec("max_extensions", int, 1, "最多延期次数", minimum=0, maximum=5,
                                       description_en="Extensions allowed at most"),
                           SettingSpec("extension_months", int, 6, "每次延期（月）", minimum=1, maximum=24,
                                       description_en="Months per extension"),
                           SettingSpec("min_members", int, 3, "申请团队最少成员数", minimum=1, maximum=100,
                                       description_en="Fewest members of an applying team"),
                           SettingSpec("min_reviewers", int, 2, "评审最少评分人数", minimum=1, maximum=20,
                                       description_en="Fewest reviewers who score an application"),
                           SettingSpec("accept_score", float, 60.0, "评审平均分达到多少可以入驻（满分100）",
                                       minimum=0, maximum=100,
                                       description_en="Average review score needed to move in (out of 100)"),
                           SettingSpec("required_milestones", list, DEFAULT_MILESTONES,
                                       "出壳前必须由导师确认的能力建设事项",
                                       description_en="Capacity milestones the mentor must sign off before graduation",
                                       help=("每行一项，填事项代码：charter 章程、rules 活动规范、finance 财务制度、"
                                             "registration 登记/备案、first_service 首次服务、members 非退休成员"),
                                       help_en=("One per line, by code: charter, rules, finance, registration, first_service, "
                                                "members")),
                       ))]


@hookimpl
def register_piccolo_apps():
    return ["plugins.incubation.piccolo_app"]


@hookimpl
def register_permissions():
    return [
        Permission("incubation.read", "查看孵化基地与孵化对象", _READERS),
        Permission("incubation.manage", "管理孵化基地：初审、入驻、延期、出壳、退驻", _ADMINS),
        Permission("incubation.review", "评审入驻申请（打分）", (*_ADMINS, REVIEWER)),
        Permission("incubation.mentor", "辅导孵化对象并确认能力建设事项", (*_ADMINS, MENTOR)),
        Permission("incubation.apply", "申请入驻孵化基地并填写进展", (RESIDENT, ORG_STAFF)),
    ]


@hookimpl
def register_roles():
    return [
        Role(REVIEWER, "孵化评审专家", "Incubation reviewer", "district", ("incubation.review", "incubation.read")),
        Role(MENTOR, "孵化导师", "Incubation mentor", "district", ("incubation.mentor", "incubation.read")),
    ]


@hookimpl
def register_routes():
    from plugins.incubation.routes import ROUTES

    return ROUTES


@hookimpl
def register_nav_items():
    return [
        NavItem(MODULE, "孵化基地", "Incubation base", "/districts/{code}/incubation", permission="incubation.read",
                order=30),
        NavItem(MODULE, "申请入驻孵化基地", "Apply to the incubation base", "/districts/{code}/incubation/apply",
                permission="incubation.apply", order=31),
    ]


@hookimpl
def register_referrers():
    from plugins.incubation.references import REFERRERS

    return REFERRERS


@hookimpl
def register_template_dirs():
    return [Path(__file__).parent / "templates"]


@hookimpl
def register_static_dirs():
    return [(MODULE, Path(__file__).parent / "static")]


@hookimpl
def register_datasets():
    from plugins.incubation.datasets import DATASETS

    return DATASETS


@hookimpl
def register_supervision_rules():
    from plugins.incubation.rules import RULES

    return RULES


@hookimpl
def register_auditable_records():
    from plugins.incubation.rules import SOURCES

    return SOURCES


@hookimpl
async def load_demo(district, ctx):
    from plugins.incubation.demo import load

    await load(district, ctx)


@hookimpl
def register_workbench_items():
    from plugins.incubation.workbench import PROVIDERS

    return PROVIDERS


@hookimpl
def register_dashboard_widgets():
    from plugins.incubation.workbench import WIDGETS

    return WIDGETS


@hookimpl
def register_audit_words():
    from plugins.incubation.glossary import AUDIT_WORDS

    return [AUDIT_WORDS]


@hookimpl
async def organization_facts(ctx, district_code, organization_ids):
    from plugins.incubation.facts import facts

    return await facts(ctx, district_code, organization_ids)


@hookimpl
def register_indicators():
    from plugins.incubation.indicators import INDICATORS

    return INDICATORS


@hookimpl
def register_profile_sections():
    from plugins.incubation.profile import SECTIONS

    return SECTIONS
