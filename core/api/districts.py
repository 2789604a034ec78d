"""Districts: the public list, and a district admin switching modules at runtime."""

from __future__ import annotations

import json
from typing import Any

import msgspec
from litestar import Request, get, put

from core import audit, db
from core.auth import Principal
from core.context import AppContext
from core.errors import ApiError, invalid
from core.modules import ModuleSettingsError, enabled_modules, forget, module_settings, validate_settings
from core.plugins import call_async
from core.tables import DistrictModule


class ModuleState(msgspec.Struct):
    name: str
    label: str
    label_en: str


class District(msgspec.Struct):
    code: str
    name: str
    name_en: str
    city_code: str
    city_name: str
    population: int
    modules: list[ModuleState]


class ModuleChange(msgspec.Struct, forbid_unknown_fields=True):
    enabled: bool
    settings: dict[str, Any] | None = None


class ModuleChanged(msgspec.Struct):
    district: str
    module: str
    enabled: bool
    settings: dict[str, Any]


async def district_view(ctx: AppContext, code: str) -> District:
    d = ctx.districts[code]
    specs = ctx.contributions.modules
    modules = [ModuleState(n, specs[n].label, specs[n].label_en) for n in await enabled_modules(ctx, code)]
    return District(d.code, d.name, d.name_en, d.city_code, d.city_name, d.population, modules)


@get("/api/districts", opt={"public": True}, tags=["districts"], summary="Every district and its enabled modules")
async def list_districts(request: Request) -> list[District]:
    ctx = request.app.state.ctx
    return [await district_view(ctx, code) for code in ctx.districts]


@get("/api/districts/{code:str}", opt={"public": True}, tags=["districts"], summary="One district")
async def get_district(request: Request, code: str) -> District:
    return await district_view(request.app.state.ctx, code)


@put("/api/districts/{code:str}/modules/{name:str}", opt={"permission": "district.modules.manage"},
     tags=["districts"], summary="Enable or disable a module for the district, or change its settings (audited)")
async def set_module(request: Request, code: str, name: str, data: ModuleChange, principal: Principal) -> ModuleChanged:
    ctx: AppContext = request.app.state.ctx
    spec = ctx.contributions.modules.get(name)
    if spec is None:
        raise ApiError(404, f"模块 {name} 未安装", "unknown_module")
    was_enabled = name in await enabled_modules(ctx, code)
    current = await module_settings(ctx, code, name)
    try:
        values = validate_settings(spec, {**current, **(data.settings or {})})
    except ModuleSettingsError as exc:
        raise invalid([(f"settings.{f}", m) for f, m in exc.errors], "模块设置有误") from None
    async with db.write_transaction():
        condition = (DistrictModule.district_code == code) & (DistrictModule.module == name)
        row = {DistrictModule.enabled: data.enabled, DistrictModule.settings_json: json.dumps(values, ensure_ascii=False),
               DistrictModule.updated_by: principal.username}
        if await DistrictModule.exists().where(condition):
            await DistrictModule.update(row).where(condition)
        else:
            await DistrictModule.insert(DistrictModule(district_code=code, module=name, **{c._meta.name: v for c, v in row.items()}))
        action = "update_settings" if data.enabled == was_enabled and data.enabled else \
            "enable_module" if data.enabled else "disable_module"
        await audit.record(actor=principal.username, action=action,
                           entity="district_module", entity_id=name, district_code=code,
                           before={"enabled": was_enabled, "settings": current},
                           after={"enabled": data.enabled, "settings": values})
    forget(code)
    if data.enabled != was_enabled:
        hook = ctx.pm.hook.module_enabled if data.enabled else ctx.pm.hook.module_disabled
        await call_async(hook, district_code=code, module=name, actor=principal.username)
    return ModuleChanged(code, name, data.enabled, values)


ROUTES = [list_districts, get_district, set_module]
