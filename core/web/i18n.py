"""UI text in zh-CN (default) and English. Keys are English; every page string lives here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LANGUAGES = ("zh-CN", "en")
COOKIE = "sanshe_lang"

MESSAGES: dict[str, tuple[str, str]] = {
    "app_name": ("三社联动信息系统", "Sanshe linkage system"),
    "tagline": ("社区 · 社会组织 · 社会工作者 联动服务平台",
                "Communities, social organisations and social workers, linked"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "city_overview": ("全市概览", "City overview"),
    "districts": ("区县", "Districts"),
    "district": ("区县", "District"),
    "population": ("常住人口", "Resident population"),
    "modules": ("已启用模块", "Enabled modules"),
    "no_modules": ("暂未启用任何模块", "No modules enabled yet"),
    "module_admin": ("模块管理", "Module management"),
    "enable": ("启用", "Enable"),
    "disable": ("停用", "Disable"),
    "enabled": ("已启用", "Enabled"),
    "disabled": ("未启用", "Not enabled"),
    "district_home": ("区县首页", "District home"),
    "open_data": ("开放数据", "Open data"),
    "api_docs": ("接口文档", "API documentation"),
    "signed_in_as": ("当前用户", "Signed in as"),
    "language": ("English", "中文"),
    "registry": ("基础信息", "Registry"),
    "communities": ("街道社区", "Streets and communities"),
    "organizations": ("社会组织", "Social organisations"),
    "enter": ("进入", "Open"),
    "people_unit": ("人", "people"),
    "home": ("首页", "Home"),
    "login_title": ("登录三社联动信息系统", "Log in to Sanshe"),
    "login_hint": ("请使用区县分配的账号登录", "Use the account your district gave you"),
    "saved": ("已保存", "Saved"),
    # open-data portal
    "open_data_title": ("三社联动开放数据", "Sanshe open data"),
    "open_data_intro": ("以下数据集由启用相应模块的区县公开，可自由下载使用；身份证号、手机号等个人信息一律不公开。",
                        "These datasets are published by the districts that enable their modules and are free "
                        "to reuse; personal data such as ID numbers and phone numbers is never published."),
    "open_data_empty": ("暂无公开的数据集。区县启用相关模块后，其数据集会在此公开。",
                        "No datasets are published yet. A district's datasets appear here once it enables "
                        "their modules."),
    "open_data_machine": ("机器可读目录", "Machine-readable catalogue"),
    "dataset_licence": ("许可协议", "Licence"),
    "dataset_updated": ("更新时间", "Updated"),
    "dataset_updated_unknown": ("未注明", "Not stated"),
    "dataset_rows": ("记录数", "Rows"),
    "dataset_rows_unit": ("条", "rows"),
    "dataset_districts": ("覆盖区县", "Districts"),
    "dataset_columns": ("字段", "Columns"),
    "dataset_download": ("下载", "Download"),
}


def translator(language: str) -> Callable[[str], str]:
    index = 0 if language == "zh-CN" else 1

    def t(key: str) -> str:
        pair = MESSAGES.get(key)
        return pair[index] if pair else key

    return t


def language_of(request: Any) -> str:
    """The request's language: `?lang=`, else the language cookie, else the configured default."""
    chosen = request.query_params.get("lang") or request.cookies.get(COOKIE)
    return chosen if chosen in LANGUAGES else request.app.state.ctx.settings.default_language
