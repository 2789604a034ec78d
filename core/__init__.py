"""Sanshe core: identity, tenancy, shared registry, plugin manager, audit log, web shell.

Plugins import `hookimpl` from here to implement the hooks in `core.hookspecs`.
"""

from core.hookspecs import hookimpl

__all__ = ["hookimpl"]
