"""Service catalogue (服务目录): what services exist, who provides them, where —
searchable by the public, maintained by organisations and district admins,
published as open data (CSV/JSON/XLSX and Open Referral HSDS)."""

from __future__ import annotations

from pathlib import Path

from core import hookimpl
from core.builtin import CITY_ADMIN, DISTRICT_ADMIN, ORG_STAFF, PLATFORM_ADMIN, SUPERVISOR
from core.contrib import ModuleSpec, NavItem, Permission, SearchDocuments, SettingSpec

MODULE = "catalogue"


@hookimpl
def register_modules():
    return [ModuleSpec(
        MODULE, "服务目录", "Service catalogue", "社区服务项目与承接组织的公开目录，居民可检索",
        description_en="A public directory of community services and their providers that residents can search",
        settings=(
            SettingSpec("extra_fields", list, [], "本区县新增的服务领域（在八个通用领域之外）",
                        description_en="The district's own service fields (beyond the eight shared ones)",
                        help="每行一个领域名称",
                        help_en="One field name per line"),
            SettingSpec("verify_within_days", int, 365, "服务信息超过多少天未核实即提示复核", minimum=30, maximum=3650,
                        description_en="Days after which an unverified service is flagged for review"),
        ),
    )]


@hookimpl
def register_piccolo_apps():
    return ["plugins.catalogue.piccolo_app"]


@hookimpl
def register_permissions():
    return [
        Permission("catalogue.service.read", "查看本区县全部服务（含草稿）",
                   (PLATFORM_ADMIN, CITY_ADMIN, DISTRICT_ADMIN, SUPERVISOR, ORG_STAFF)),
        Permission("catalogue.service.write", "维护服务信息（组织人员仅限本组织）",
                   (PLATFORM_ADMIN, DISTRICT_ADMIN, ORG_STAFF)),
    ]


@hookimpl
def register_routes():
    from plugins.catalogue import hsds, routes

    return [*routes.ROUTES, *hsds.ROUTES]


@hookimpl
def register_nav_items():
    return [
        NavItem(MODULE, "服务检索", "Find services", "/services?district={code}", order=10),
        NavItem(MODULE, "服务管理", "Manage services", "/districts/{code}/catalogue",
                permission="catalogue.service.read", order=11),
    ]


@hookimpl
def register_search_documents():
    from plugins.catalogue.search import SPEC, documents

    return [SearchDocuments(MODULE, SPEC, documents)]


@hookimpl
def register_datasets():
    from plugins.catalogue.datasets import DATASETS

    return DATASETS


# HSDS 3.0's versioned documentation: the 3.0 line, not `latest`, which moves with new versions.
HSDS_3_0 = "https://docs.openreferral.org/en/v3.0/"


@hookimpl
def register_data_services():
    from core.contrib import DataService

    return [DataService(
        MODULE, "hsds", "社区服务目录接口（Open Referral HSDS 3.0）",
        "按 Open Referral 人类服务数据规范（HSDS）3.0 提供社区服务项目、承接组织和服务分类的只读接口。",
        path="/opendata/hsds/", endpoint_description="/schema/openapi.json", conforms_to=HSDS_3_0,
        serves=("services",), keywords=("HSDS", "社区服务"),
    )]


@hookimpl
def register_referrers():
    from plugins.catalogue.references import REFERRERS

    return REFERRERS


@hookimpl
def register_template_dirs():
    return [Path(__file__).parent / "templates"]


@hookimpl
def register_static_dirs():
    return [(MODULE, Path(__file__).parent / "static")]


@hookimpl
async def load_demo(district):
    from plugins.catalogue.demo import load_services

    await load_services(district)


@hookimpl
def register_workbench_items():
    from plugins.catalogue.workbench import PROVIDERS

    return PROVIDERS


@hookimpl
def register_dashboard_widgets():
    from plugins.catalogue.workbench import WIDGETS

    return WIDGETS


@hookimpl
async def offer_services(ctx, district_code, source, offers, status, actor):
    from plugins.catalogue.offers import accept

    return await accept(ctx, district_code, source, offers, status, actor)


@hookimpl
def register_audit_words():
    from plugins.catalogue.glossary import AUDIT_WORDS

    return [AUDIT_WORDS]


@hookimpl
def register_profile_sections():
    from plugins.catalogue.profile import SECTIONS

    return SECTIONS
