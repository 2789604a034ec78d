"""Which modules a district has enabled, and their typed settings.

The district file gives the starting set; a district admin's runtime change is
a `DistrictModule` row that wins over the file, so it survives restarts and is
seen by every worker process.
"""

from __future__ import annotations

import json
import time
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


# Module state is read on almost every request; a short per-process cache saves a
# database round trip each time. A change made through this process is seen at once
# (`forget`); one made through another worker process within CACHE_SECONDS.
CACHE_SECONDS = 2.0
_cache: dict[str, tuple[float, list[dict[str, Any]]]] = {}


async def _state_rows(district_code: str) -> list[dict[str, Any]]:
    now = time.monotonic()
    hit = _cache.get(district_code)
    if hit and hit[0] > now:
        return hit[1]
    rows = await DistrictModule.select(DistrictModule.module, DistrictModule.enabled,
                                       DistrictModule.settings_json).where(
        DistrictModule.district_code == district_code)
    _cache[district_code] = (now + CACHE_SECONDS, rows)
    return rows


def forget(district_code: str | None = None) -> None:
    """Drop cached module state (after a change), for one district or all."""
    if district_code is None:
        _cache.clear()
    else:
        _cache.pop(district_code, None)


async def enabled_modules(ctx: AppContext, district_code: str) -> list[str]:
    """Enabled module names for a district, in installation order."""
    district = ctx.districts[district_code]
    enabled = set(district.modules)
    rows = await _state_rows(district_code)
    for row in rows:
        (enabled.add if row["enabled"] else enabled.discard)(row["module"])
    return [name for name in ctx.contributions.modules if name in enabled]


async def module_settings(ctx: AppContext, district_code: str, module: str) -> dict[str, Any]:
    """Effective settings: the runtime row if any, else the district file, defaults filled in."""
    spec = ctx.contributions.modules[module]
    row = next((r for r in await _state_rows(district_code) if r["module"] == module), None)
    values = json.loads(row["settings_json"]) if row else ctx.districts[district_code].module_settings.get(module, {})
    return validate_settings(spec, values)
