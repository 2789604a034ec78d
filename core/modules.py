"""Which modules a district has enabled, and their typed settings.

The district file gives the starting set; a district admin's runtime change is
a `DistrictModule` row that wins over the file, so it survives restarts and is
seen by every worker process.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from core.contrib import Contributions, ModuleSpec
from core.districts import DistrictConfig
from core.settings import SettingsError
from core.tables import DistrictModule

if TYPE_CHECKING:
    from core.context import AppContext


class ModuleSettingsError(ValueError):
    """Field-level problems with a module's settings: list of (field, message)."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors


def validate_settings(spec: ModuleSpec, values: dict[str, Any]) -> dict[str, Any]:
    """Return the full settings (defaults filled in) or raise ModuleSettingsError."""
    known = {s.name: s for s in spec.settings}
    errors = [(name, f"模块 {spec.name} 没有此设置项") for name in values if name not in known]
    result: dict[str, Any] = {}
    for name, setting in known.items():
        value = values.get(name, setting.default)
        expected = (int, float) if setting.type is float else setting.type
        if not isinstance(value, expected) or (setting.type is int and isinstance(value, bool)):
            errors.append((name, f"应为 {setting.type.__name__} 类型"))
            continue
        if setting.minimum is not None and value < setting.minimum:
            errors.append((name, f"不能小于 {setting.minimum}"))
        elif setting.maximum is not None and value > setting.maximum:
            errors.append((name, f"不能大于 {setting.maximum}"))
        elif setting.choices is not None and value not in setting.choices:
            errors.append((name, f"应为 {', '.join(map(str, setting.choices))} 之一"))
        result[name] = value
    if errors:
        raise ModuleSettingsError(errors)
    return result


def validate_district_modules(district: DistrictConfig, contributions: Contributions) -> None:
    """Start-up check: every module the file enables is installed and its settings are valid."""
    for name in district.modules:
        if name not in contributions.modules:
            raise SettingsError(
                f"districts/{district.code}.toml enables module {name!r}, which is not installed "
                f"(installed: {', '.join(sorted(contributions.modules)) or 'none'})"
            )
    for name, values in district.module_settings.items():
        spec = contributions.modules.get(name)
        if spec is None:
            raise SettingsError(f"districts/{district.code}.toml has settings for unknown module {name!r}")
        try:
            validate_settings(spec, values)
        except ModuleSettingsError as exc:
            raise SettingsError(f"districts/{district.code}.toml [module_settings.{name}]: {exc}") from None


async def enabled_modules(ctx: AppContext, district_code: str) -> list[str]:
    """Enabled module names for a district, in installation order."""
    district = ctx.districts[district_code]
    enabled = set(district.modules)
    rows = await DistrictModule.select(DistrictModule.module, DistrictModule.enabled).where(
        DistrictModule.district_code == district_code
    )
    for row in rows:
        (enabled.add if row["enabled"] else enabled.discard)(row["module"])
    return [name for name in ctx.contributions.modules if name in enabled]


async def module_settings(ctx: AppContext, district_code: str, module: str) -> dict[str, Any]:
    """Effective settings: the runtime row if any, else the district file, defaults filled in."""
    spec = ctx.contributions.modules[module]
    row = await DistrictModule.select(DistrictModule.settings_json).where(
        (DistrictModule.district_code == district_code) & (DistrictModule.module == module)
    ).first()
    values = json.loads(row["settings_json"]) if row else ctx.districts[district_code].module_settings.get(module, {})
    return validate_settings(spec, values)
