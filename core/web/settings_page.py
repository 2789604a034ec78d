"""The module settings page (issue 12 item 7): a district admin configures a module on a form
generated from the module's typed settings (core.contrib.SettingSpec: label, help, type, bounds,
choices, default) showing each current value. settings.js saves through the settings API
(`PUT /api/districts/{code}/modules/{name}`, audited with the settings before and after), shows
errors next to the field by its label, and offers "恢复默认" per field and for all."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from core.auth import Principal
from core.context import AppContext
from core.contrib import SettingSpec
from core.errors import ApiError
from core.modules import enabled_modules, module_settings
from core.web.pages import render

KINDS = {int: "int", float: "float", bool: "bool", list: "list", str: "str"}


def _shown(value: Any) -> str:
    """A value as the form holds it: a list one item per line, a bool as true/false."""
    if isinstance(value, list):
        return "\n".join(map(str, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def field(spec: SettingSpec, value: Any) -> dict[str, Any]:
    """What the form needs to draw one setting."""
    kind = "choice" if spec.choices is not None else KINDS.get(spec.type, "str")
    return {
        "name": spec.name, "input": f"settings.{spec.name}", "kind": kind, "type": KINDS.get(spec.type, "str"),
        "label": spec.description or spec.name, "label_en": spec.description_en or spec.description or spec.name,
        "help": spec.help, "help_en": spec.help_en or spec.help,
        "value": _shown(value), "default": _shown(spec.default), "is_default": value == spec.default,
        "minimum": spec.minimum, "maximum": spec.maximum, "choices": [_shown(c) for c in spec.choices or ()],
    }


@get("/districts/{code:str}/modules/{name:str}/settings", opt={"permission": "district.modules.manage"},
     include_in_schema=False)
async def module_settings_page(request: Request, code: str, name: str, principal: Principal) -> Template:
    """The form of one installed module's settings for the district (404 for an unknown module)."""
    ctx: AppContext = request.app.state.ctx
    spec = ctx.contributions.modules.get(name)
    if spec is None:
        raise ApiError(404, f"模块 {name} 未安装", "unknown_module")
    current = await module_settings(ctx, code, name)
    return render(request, "module_settings.html", principal, district=ctx.districts[code], module=spec,
                  enabled=name in await enabled_modules(ctx, code),
                  fields=[field(s, current.get(s.name, s.default)) for s in spec.settings])


ROUTES = [module_settings_page]
