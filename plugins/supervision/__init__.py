"""Supervision (监管): supervisors audit worker records — reproducible sampling, findings
with evidence and answers, reports; automatic flags from every module's rules; agency
assessment (社会组织评估) with grades written back to the registry; the audit trail.

Supervision never imports another plugin: record sources and rules arrive through the
`register_auditable_records` and `register_supervision_rules` hooks."""

from __future__ import annotations

from pathlib import Path

from core import hookimpl, uploads
from core.builtin import CITY_ADMIN, DISTRICT_ADMIN, ORG_STAFF, PLATFORM_ADMIN, SOCIAL_WORKER, SUPERVISOR
from core.contrib import ModuleSpec, NavItem, Permission, Role, SettingSpec

MODULE = "supervision"
ASSESSOR = "assessor"
_READERS = (PLATFORM_ADMIN, CITY_ADMIN, DISTRICT_ADMIN, SUPERVISOR)
_SUPERVISORS = (PLATFORM_ADMIN, SUPERVISOR)


@hookimpl
def register_modules():
    return [ModuleSpec(MODULE, "监管", "Supervision", "抽查社工服务记录、自动预警、社会组织评估与审计追溯",
                       description_en="Spot checks of service logs, automatic flags, organisation assessment and audit trails",
                       settings=(
                           SettingSpec("scan_interval_hours", int, 24, "自动预警扫描间隔（小时，0 表示只手动扫描）",
                                       minimum=0, maximum=24 * 30,
                                       description_en="Hours between automatic flag scans (0: manual scans only)"),
                           SettingSpec("default_sample_percent", int, 10, "抽查默认比例（%）", minimum=1, maximum=100,
                                       description_en="Default spot-check sample (%)"),
                           SettingSpec("evidence_max_mb", int, 10, "单个佐证材料大小上限（MB）", minimum=1, maximum=uploads.MAX_MB,
                                       description_en="Largest evidence file (MB)"),
                           SettingSpec("grade_valid_years", int, 5, "评估等级有效期（年）", minimum=1, maximum=10,
                                       description_en="Years an assessment grade stays valid"),
                           SettingSpec("min_registered_years", int, 2,
                                       "参加评估须登记满几年（民政部令第39号：取得登记证书满两个年度；0 表示不限）",
                                       minimum=0, maximum=10,
                                       description_en="Years registered before an organisation may be assessed (0: no limit)"),
                       ))]


@hookimpl
def register_piccolo_apps():
    return ["plugins.supervision.piccolo_app"]


@hookimpl
def register_permissions():
    return [
        Permission("supervision.read", "查看抽查、预警与评估", _READERS),
        Permission("supervision.campaign.manage", "开展抽查：抽样、评定、关闭", _SUPERVISORS),
        Permission("supervision.finding.respond", "查看并回复关于本人或本机构的抽查意见", (SOCIAL_WORKER, ORG_STAFF)),
        Permission("supervision.flag.manage", "扫描并处理预警", _SUPERVISORS),
        Permission("supervision.assessment.configure", "设置社会组织评估指标体系", (PLATFORM_ADMIN, DISTRICT_ADMIN)),
        Permission("supervision.assessment.score", "为社会组织评估打分", (*_SUPERVISORS, ASSESSOR)),
    ]


@hookimpl
def register_roles():
    return [Role(ASSESSOR, "评估专家", "Assessor", "district", ("supervision.assessment.score", "supervision.read"))]


@hookimpl
def register_routes():
    from plugins.supervision.routes import ROUTES

    return ROUTES


@hookimpl
def register_nav_items():
    return [
        NavItem(MODULE, "监管", "Supervision", "/districts/{code}/supervision", permission="supervision.read", order=40),
        NavItem(MODULE, "我的抽查意见", "My findings", "/districts/{code}/supervision/findings",
                permission="supervision.finding.respond", order=41),
    ]


@hookimpl
def register_referrers():
    from plugins.supervision.references import REFERRERS

    return REFERRERS


@hookimpl
def register_template_dirs():
    return [Path(__file__).parent / "templates"]


@hookimpl
def register_static_dirs():
    return [(MODULE, Path(__file__).parent / "static")]


@hookimpl
def register_commands():
    from plugins.supervision.cli import COMMANDS

    return COMMANDS


@hookimpl
async def startup(app):
    from plugins.supervision.flags import start_scheduler

    await start_scheduler(app)


@hookimpl
async def shutdown(app):
    from plugins.supervision.flags import stop_scheduler

    await stop_scheduler(app)


@hookimpl(trylast=True)  # after the other modules' demo data: it samples their records
async def load_demo(district, ctx):
    from plugins.supervision.demo import load

    await load(district, ctx)


@hookimpl
def register_supervision_rules():
    from plugins.supervision.rules import RULES

    return RULES


@hookimpl
def register_workbench_items():
    from plugins.supervision.workbench import PROVIDERS

    return PROVIDERS


@hookimpl
def register_dashboard_widgets():
    from plugins.supervision.workbench import WIDGETS

    return WIDGETS


@hookimpl
def register_audit_words():
    from plugins.supervision.trail_words import AUDIT_WORDS

    return [AUDIT_WORDS]


@hookimpl
def register_indicators():
    from plugins.supervision.indicators import INDICATORS

    return INDICATORS


@hookimpl
def register_profile_sections():
    from plugins.supervision.profile import SECTIONS

    return SECTIONS
