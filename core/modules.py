"""Which modules a district has enabled, and their typed settings.

The district file gives the starting set; a district admin's runtime change is
a `DistrictModule` row that wins over the file, so it survives restarts and is
seen by every worker process.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from core.module_settings import ModuleSettingsError, validate_district_modules, validate_settings
from core.tables import DistrictModule

if TYPE_CHECKING:
    from core.context import AppContext

__all__ = ["ModuleSettingsError", "enabled_modules", "forget", "module_settings", "validate_district_modules",
           "validate_settings"]


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
