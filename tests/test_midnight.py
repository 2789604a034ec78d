"""The suite may run across midnight (Beijing time): CI takes about forty minutes and starts
whenever it is asked. A date read when a test module is imported is then yesterday by the time
the test runs, while the server already lives on today, and rules such as "no later than today"
or "no hours before the member joined" flip. So a test module reads the clock inside its tests or
fixtures; a module-level read is allowed only with a `# midnight-safe:` comment saying why it
cannot flip a result (a date months away, or a fixture re-reading it before each test)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
CLOCKS = {"date.today", "datetime.now", "datetime.utcnow", "datetime.today", "utc_now", "time.time"}
MARK = "# midnight-safe:"


def module_level_clock_reads(source: str) -> list[int]:
    """Line numbers of clock reads evaluated when the module is imported: module statements,
    class bodies, decorators and default argument values (bound once, at definition)."""
    found: list[int] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            evaluated_now = [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
            if not isinstance(node, ast.Lambda):
                evaluated_now += node.decorator_list
            for child in evaluated_now:
                visit(child)
            return  # the body runs later, when the test does
        if isinstance(node, ast.Call) and ast.unparse(node.func) in CLOCKS:
            found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def test_the_scan_finds_import_time_clock_reads():
    source = (
        "from datetime import date\n"
        "TODAY = date.today()\n"
        "def f(day=date.today()):\n"
        "    return date.today()\n"
        "RULES = [(1, str(date.today()))]\n"
    )
    assert module_level_clock_reads(source) == [2, 3, 5]


def test_no_test_module_reads_the_clock_at_import_without_saying_why():
    unsafe = []
    for path in sorted(TESTS.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for lineno in module_level_clock_reads("\n".join(lines)):
            if MARK not in lines[lineno - 1]:
                unsafe.append(f"{path.relative_to(TESTS.parent)}:{lineno}: {lines[lineno - 1].strip()}")
    assert unsafe == [], "read the date inside the test, or say why it cannot flip:\n" + "\n".join(unsafe)
