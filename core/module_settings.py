"""Validating module settings against a module's typed declarations: at start-up
(the district files) and when an admin changes them. Pure: no database, no app context."""

from __future__ import annotations

from typing import Any

from core.contrib import Contributions, ModuleSpec
from core.districts import DistrictConfig
from core.settings import SettingsError


# How a type is named to the district admin who typed a wrong value (never `int`).
TYPE_WORDS = {int: "整数", float: "数字", bool: "是或否", list: "列表", str: "文字"}


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
            errors.append((name, f"应为{TYPE_WORDS.get(setting.type, setting.type.__name__)}"))
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
