"""Meta-tests of the house's shape (DESIGN.md): plugins never import each other, core never
imports a plugin, `search_index` is a library that imports nothing of core, and core has no
import cycles. Imports are read from the source (every `import`, also inside functions and
`TYPE_CHECKING` blocks), so a lazy import cannot hide a dependency."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "plugins", "search_index")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "piccolo_migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(name: str, path: Path) -> set[str]:
    """Every module name `path` imports (absolute; `from a import b` yields `a` and `a.b`)."""
    result: set[str] = set()
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            result.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            result.add(module)
            result.update(f"{module}.{alias.name}" for alias in node.names)
    return result


MODULES = _modules()
IMPORTS = {name: _imports(name, path) for name, path in MODULES.items()}


def _top(name: str, depth: int = 2) -> str:
    return ".".join(name.split(".")[:depth])


def test_the_scan_sees_the_code():
    assert "core.app" in MODULES and "plugins.catalogue" in MODULES and "search_index.base" in MODULES
    assert "core.settings" in IMPORTS["core.app"] or "core.context" in IMPORTS["core.app"]


def test_plugins_never_import_another_plugin():
    offences = sorted(
        f"{name} imports {target}"
        for name, targets in IMPORTS.items() if name.startswith("plugins.") and name.count(".") >= 1
        for target in targets
        if target.startswith("plugins.") and target.count(".") >= 1 and _top(target) != _top(name)
    )
    assert offences == [], "plugins talk through core hooks and the shared registry:\n" + "\n".join(offences)


def test_core_never_imports_a_plugin():
    offences = sorted(f"{n} imports {t}" for n, ts in IMPORTS.items() if n.startswith("core")
                      for t in ts if t == "plugins" or t.startswith("plugins."))
    assert offences == []


def test_search_index_is_a_library_without_core():
    offences = sorted(f"{n} imports {t}" for n, ts in IMPORTS.items() if n.startswith("search_index")
                      for t in ts if t.split(".")[0] in ("core", "plugins"))
    assert offences == [], "search_index must not import core or plugins:\n" + "\n".join(offences)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_core_has_no_import_cycles():
    core = {n for n in MODULES if n == "core" or n.startswith("core.")}
    # A module's own ancestor packages are imported before it whatever it says: not a cycle.
    graph = defaultdict(set, {n: {t for t in IMPORTS[n] if t in core and t != n and not n.startswith(f"{t}.")}
                              for n in core})
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles(defaultdict(set, {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})) == [["a", "b", "c"]]
