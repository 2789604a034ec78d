"""The pluggy plugin manager: register core's essential plugins, installed
plugins by module name and third-party ones by entry point, then gather what
they contribute into one `Contributions` object.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import re
from typing import Any

import pluggy

from core import hookspecs
from core.contrib import (INDICATOR_DIRECTIONS, PROFILE_KINDS, REGISTRY_KINDS, SCOPES, AuditWords, Contributions,
                          ProfileSection)
from core.settings import Settings, SettingsError

log = logging.getLogger("sanshe.hooks")

ENTRY_POINT_GROUP = "sanshe.plugins"
# Essential parts of core, registered as plugins themselves; they cannot be disabled.
ESSENTIAL = ("core.builtin",)
STATIC_NAME = re.compile(r"[a-z][a-z0-9_]*")


def build_plugin_manager(settings: Settings) -> pluggy.PluginManager:
    """Create the manager, register essential + installed + entry-point plugins, check it."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in ESSENTIAL:
        pm.register(importlib.import_module(name), name=name)
    for name in settings.plugins:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise SettingsError(f"[plugins].installed: cannot import plugin {name!r} ({exc})") from None
        pm.register(module, name=name)
    pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    pm.check_pending()
    if settings.trace_hooks:
        if not log.handlers:
            log.addHandler(logging.StreamHandler())
        log.setLevel(logging.INFO)
        pm.trace.root.setwriter(lambda message: log.info("hook: %s", message.rstrip()))
        pm.enable_tracing()
    return pm


def _flatten(results: list[list[Any] | None]) -> list[Any]:
    return [item for result in results if result for item in result]


def collect(pm: pluggy.PluginManager) -> Contributions:
    """Call every `register_*` hook once and check the contributions fit together."""
    c = Contributions()
    hook = pm.hook
    for module in _flatten(hook.register_modules()):
        if module.name in c.modules:
            raise SettingsError(f"module {module.name!r} is registered by two plugins")
        c.modules[module.name] = module
    for role in _flatten(hook.register_roles()):
        if role.scope not in SCOPES:
            raise SettingsError(f"role {role.name!r}: unknown scope {role.scope!r}")
        c.roles[role.name] = role
    grants: dict[str, set[str]] = {name: set(role.permissions) for name, role in c.roles.items()}
    for permission in _flatten(hook.register_permissions()):
        c.permissions[permission.name] = permission
        for role_name in permission.roles:
            if role_name not in grants:
                raise SettingsError(f"permission {permission.name!r} names unknown role {role_name!r}")
            grants[role_name].add(permission.name)
    for role_name, names in grants.items():
        unknown = names - c.permissions.keys()
        if unknown:
            raise SettingsError(f"role {role_name!r} grants undeclared permissions {sorted(unknown)}")
    c.role_permissions = {name: frozenset(names) for name, names in grants.items()}
    c.routes = _flatten(hook.register_routes())
    c.nav_items = sorted(_flatten(hook.register_nav_items()), key=lambda n: (n.order, n.module))
    c.widgets = _flatten(hook.register_dashboard_widgets())
    c.workbench = _flatten(hook.register_workbench_items())
    for dataset in _flatten(hook.register_datasets()):
        c.datasets[dataset.name] = dataset
    for service in _flatten(hook.register_data_services()):
        if service.name in c.data_services:
            raise SettingsError(f"data service {service.name!r} is registered by two plugins")
        c.data_services[service.name] = service
    c.search_documents = _flatten(hook.register_search_documents())
    c.supervision_rules = _flatten(hook.register_supervision_rules())
    c.auditable_records = _flatten(hook.register_auditable_records())
    c.commands = _flatten(hook.register_commands())
    for referrer in _flatten(hook.register_referrers()):
        if referrer.kind not in REGISTRY_KINDS:
            raise SettingsError(f"referrer {referrer.label!r} of {referrer.module!r}: unknown kind {referrer.kind!r} "
                                f"(known: {', '.join(REGISTRY_KINDS)})")
        c.referrers.append(referrer)
    for indicator in _flatten(hook.register_indicators()):
        if indicator.name in c.indicators:
            raise SettingsError(f"indicator {indicator.name!r} is registered twice")
        if indicator.module != "core" and indicator.module not in c.modules:
            raise SettingsError(f"indicator {indicator.name!r}: unknown module {indicator.module!r}")
        if indicator.direction not in INDICATOR_DIRECTIONS:
            raise SettingsError(f"indicator {indicator.name!r}: direction must be one of {INDICATOR_DIRECTIONS}")
        if indicator.city_total not in ("ratio", "sum"):
            raise SettingsError(f"indicator {indicator.name!r}: city_total must be 'ratio' or 'sum'")
        c.indicators[indicator.name] = indicator
    order = ["core", *c.modules]  # core's own first, then by module (hook results come last-registered first)
    c.indicators = dict(sorted(c.indicators.items(), key=lambda item: order.index(item[1].module)))
    c.profile_sections = _profile_sections(c, _flatten(hook.register_profile_sections()))
    c.audit_words = _merge_words(_flatten(hook.register_audit_words()))
    c.template_dirs = _flatten(hook.register_template_dirs())
    for name, folder in _flatten(hook.register_static_dirs()):
        # The name becomes a URL segment below /static, next to core's own files.
        if not STATIC_NAME.fullmatch(name) or any(name == n for n, _ in c.static_dirs):
            raise SettingsError(f"static folder name {name!r} is invalid or registered twice")
        c.static_dirs.append((name, folder))
    return c


def _profile_sections(c: Contributions, sections: list[ProfileSection]) -> list[ProfileSection]:
    """Checked (kind, module, access, unique name) and ordered by (order, module)."""
    names: set[str] = set()
    for section in sections:
        where = f"profile section {section.name!r}"
        if section.kind not in PROFILE_KINDS:
            raise SettingsError(f"{where}: unknown kind {section.kind!r} (known: {', '.join(PROFILE_KINDS)})")
        if section.module != "core" and section.module not in c.modules:
            raise SettingsError(f"{where}: unknown module {section.module!r}")
        if section.access not in ("public", "self") and section.access not in c.permissions:
            raise SettingsError(f"{where}: access {section.access!r} is neither public, self nor a permission")
        if section.name in names:
            raise SettingsError(f"{where} is registered twice")
        names.add(section.name)
    return sorted(sections, key=lambda s: (s.order, s.module != "core", s.module))


def _merge_words(contributed: list[AuditWords]) -> AuditWords:
    """One table of audit words; a word two modules disagree on stops the start-up (values: first wins)."""
    merged = AuditWords("*")
    owners: dict[tuple[str, str], str] = {}
    for words in contributed:
        for kind in ("entities", "actions", "fields"):
            table = getattr(merged, kind)
            for key, text in getattr(words, kind).items():
                if table.get(key, text) != text:
                    raise SettingsError(f"audit words: {words.module!r} calls the {kind} key {key!r} {text!r}, "
                                        f"{owners[kind, key]!r} calls it {table[key]!r}")
                table.setdefault(key, text)
                owners.setdefault((kind, key), words.module)
        for key, text in words.values.items():
            merged.values.setdefault(key, text)
    return merged


async def call_async(caller, **kwargs) -> list[Any]:
    """Call a hook whose implementations may be coroutines; await each result in order."""
    results = []
    for result in caller(**kwargs):
        if inspect.isawaitable(result):
            result = await result
        results.append(result)
    return results


def piccolo_app_paths(settings: Settings) -> list[str]:
    """Dotted paths of every Piccolo app (core first), for piccolo_conf's APP_REGISTRY."""
    pm = build_plugin_manager(settings)
    return _flatten(pm.hook.register_piccolo_apps())
