"""The per-process context the app and CLI share: settings, plugin manager,
what plugins contributed, and the configured districts."""

from __future__ import annotations

from dataclasses import dataclass

import pluggy

from core import db
from core.contrib import Contributions
from core.districts import DistrictConfig, load_districts, validate_targets
from core.module_settings import validate_district_modules
from core.plugins import build_plugin_manager, collect
from core.settings import Settings


@dataclass
class AppContext:
    settings: Settings
    pm: pluggy.PluginManager
    contributions: Contributions
    districts: dict[str, DistrictConfig]

    def city_of(self, district_code: str) -> str | None:
        district = self.districts.get(district_code)
        return district.city_code if district else None


def build_context(settings: Settings) -> AppContext:
    """Configure the database, load plugins and districts; raise SettingsError when they disagree."""
    pm = build_plugin_manager(settings)
    contributions = collect(pm)
    districts = load_districts(settings.districts_dir)
    for district in districts.values():
        validate_district_modules(district, contributions)
        validate_targets(district, contributions.indicators)
    db.configure(settings)  # last: a configuration error never half-configures the process
    return AppContext(settings, pm, contributions, districts)
