"""District configuration: one `config/districts/<code>.toml` per district.

The files give each district's identity, population and initial module set.
Runtime changes by a district admin are stored in the database
(`DistrictModule` rows) and win over the file, so they survive a restart.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.settings import SettingsError

DISTRICT_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class DistrictConfig:
    code: str
    name: str
    city_code: str
    city_name: str
    population: int
    modules: tuple[str, ...]
    name_en: str = ""
    module_settings: dict = field(default_factory=dict)
    indicator_targets: dict = field(default_factory=dict)
    """Targets overriding indicators' defaults ({indicator name: number}); names are checked
    against the registered indicators at start-up (validate_targets)."""


def _parse(path: Path) -> DistrictConfig:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: invalid TOML ({exc})") from None
    where = f"{path.name}"
    code = str(raw.get("code", ""))
    if not DISTRICT_CODE.match(code):
        raise SettingsError(f"{where}: code must be a 6-digit GB/T 2260 code, got {code!r}")
    if path.stem != code:
        raise SettingsError(f"{where}: file name must be the district code {code}.toml")
    city_code = str(raw.get("city_code", ""))
    if not DISTRICT_CODE.match(city_code) or not city_code.endswith("00"):
        raise SettingsError(f"{where}: city_code must be a 6-digit code ending in 00, got {city_code!r}")
    if not code.startswith(city_code[:4]):
        raise SettingsError(f"{where}: code {code} is not inside city {city_code}")
    for key in ("name", "city_name"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise SettingsError(f"{where}: {key} is missing")
    population = raw.get("population")
    if not isinstance(population, int) or population <= 0:
        raise SettingsError(f"{where}: population must be a positive integer, got {population!r}")
    modules = raw.get("modules", [])
    if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules):
        raise SettingsError(f"{where}: modules must be a list of module names")
    settings = raw.get("module_settings", {})
    if not isinstance(settings, dict):
        raise SettingsError(f"{where}: [module_settings] must be a table")
    targets = raw.get("indicator_targets", {})
    if not isinstance(targets, dict):
        raise SettingsError(f"{where}: [indicator_targets] must be a table")
    for key, value in targets.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise SettingsError(f"{where}: [indicator_targets] {key} must be a number, got {value!r}")
    return DistrictConfig(
        code=code,
        name=raw["name"].strip(),
        name_en=str(raw.get("name_en", "")),
        city_code=city_code,
        city_name=raw["city_name"].strip(),
        population=population,
        modules=tuple(dict.fromkeys(modules)),
        module_settings=settings,
        indicator_targets={key: float(value) for key, value in targets.items()},
    )


def validate_targets(district: DistrictConfig, indicators) -> None:
    """Refuse to start when a district file sets a target for an indicator nobody registers
    (`indicators`: the registered names, core.contrib.Contributions.indicators)."""
    for name in district.indicator_targets:
        if name not in indicators:
            raise SettingsError(f"{district.code}.toml: [indicator_targets] {name}: no such indicator "
                                f"(known: {', '.join(indicators) or 'none'})")


def load_districts(directory: Path) -> dict[str, DistrictConfig]:
    """Load every district file, ordered by code; raise SettingsError on the first bad one."""
    if not directory.is_dir():
        raise SettingsError(f"SANSHE_CONFIG_DIR: {directory} does not exist")
    districts = {}
    for path in sorted(directory.glob("*.toml")):
        district = _parse(path)
        districts[district.code] = district
    if not districts:
        raise SettingsError(f"{directory}: no district files (<code>.toml)")
    return districts


def city_members(districts: dict[str, DistrictConfig], city_code: str) -> list[DistrictConfig]:
    """The city's districts configured here; 404 `unknown_city` when there are none."""
    from core.errors import ApiError

    members = [d for d in districts.values() if d.city_code == city_code]
    if not members:
        raise ApiError(404, f"市级代码 {city_code} 不存在", "unknown_city")
    return members
