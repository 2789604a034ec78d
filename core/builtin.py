"""Core's own contributions, registered as an essential plugin: the base roles,
the registry/audit/district permissions, core's tables, core's routes, the
supervision rules over the registry (which run where supervision is enabled), core's
indicators over the registry (core.registry.indicators), the open dataset of every
indicator by district and quarter (core.opendata.indicators) and core's profile sections
(core.registry.profile).

Plugins add permissions (optionally granted to these roles) and roles of their own.
"""

from __future__ import annotations

from core.contrib import Permission, Role
from core.hookspecs import hookimpl

PLATFORM_ADMIN = "platform_admin"
CITY_ADMIN = "city_admin"
DISTRICT_ADMIN = "district_admin"
SUPERVISOR = "supervisor"
ORG_STAFF = "org_staff"
SOCIAL_WORKER = "social_worker"
RESIDENT = "resident"

_ADMINS = (PLATFORM_ADMIN, DISTRICT_ADMIN)
_READERS = (PLATFORM_ADMIN, CITY_ADMIN, DISTRICT_ADMIN, SUPERVISOR)


@hookimpl
def register_roles():
    return [
        Role(PLATFORM_ADMIN, "平台管理员", "Platform administrator", "platform"),
        Role(CITY_ADMIN, "市级管理员", "City administrator", "city"),
        Role(DISTRICT_ADMIN, "区县管理员", "District administrator", "district"),
        Role(SUPERVISOR, "监管人员", "Supervisor", "district"),
        Role(ORG_STAFF, "社会组织工作人员", "Organisation staff", "organization"),
        Role(SOCIAL_WORKER, "社会工作者", "Social worker", "self"),
        Role(RESIDENT, "居民", "Resident", "resident"),
    ]


@hookimpl
def register_permissions():
    return [
        Permission("district.modules.manage", "启用或停用本区县的功能模块", _ADMINS),
        Permission("registry.community.write", "维护街道和社区", _ADMINS),
        Permission("registry.organization.write", "维护社会组织登记信息", _ADMINS),
        Permission("registry.person.read", "查看人员信息（脱敏）", _READERS),
        Permission("registry.person.write", "维护人员信息", _ADMINS),
        Permission("registry.person.reveal", "查看完整身份证号和手机号（留痕）", (*_ADMINS, SUPERVISOR)),
        Permission("audit.read", "查看审计日志", _READERS),
        Permission("indicators.report.submit", "报送本区县季度指标", _ADMINS),
    ]


@hookimpl
def register_piccolo_apps():
    return ["core.piccolo_app"]


@hookimpl
def register_routes():
    from core.routes import ROUTES

    return ROUTES


@hookimpl
def register_supervision_rules():
    from core.registry.rules import RULES

    return RULES


@hookimpl
def register_audit_words():
    from core.audit_words import CORE_WORDS

    return [CORE_WORDS]


@hookimpl
def register_indicators():
    from core.registry.indicators import INDICATORS

    return INDICATORS


@hookimpl
def register_datasets():
    from core.opendata.indicators import DATASET

    return [DATASET]


@hookimpl
def register_profile_sections():
    from core.registry.profile import SECTIONS

    return SECTIONS
