"""`sanshe supervision scan [--district CODE] [--today YYYY-MM-DD]`: run the modules'
supervision rules now for every district that enables supervision (or one), with a
progress bar over the rules, and print one summary line per district. Exit code 0
(a failing rule is reported and the others still run); 2 for an unknown district or
one that does not enable supervision.

Contributed through `register_commands` as `COMMANDS`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from typing import Any

from core.contrib import Command

ACTOR = "cli"


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the `supervision` sub-commands to the parser `sanshe supervision` gets."""
    sub = parser.add_subparsers(dest="supervision_command", required=True)
    scan = sub.add_parser("scan", help="运行各模块的监管规则，生成预警")
    scan.add_argument("--district", help="只扫描这个区县（默认：所有启用监管模块的区县）")
    scan.add_argument("--today", type=_day, help="按这一天判断规则（YYYY-MM-DD，默认今天）")


async def _districts(ctx: Any, code: str | None) -> list[str]:
    from core.modules import enabled_modules
    from plugins.supervision.flags import MODULE, ensure_scannable

    if code is not None:
        await ensure_scannable(ctx, code)
        return [code]
    return [c for c in ctx.districts if MODULE in await enabled_modules(ctx, c)]


async def _scan_all(args: argparse.Namespace, bar: Any) -> tuple[Any, list[dict]]:
    from core.context import build_context
    from core.settings import load_settings
    from plugins.supervision.flags import scan

    ctx = build_context(load_settings(need_secret=False))
    results = []
    for code in await _districts(ctx, args.district):
        name = ctx.districts[code].name
        task = bar.add_task(name, total=None)

        def progress(done: int, total: int, title: str, task=task, name=name) -> None:
            bar.update(task, description=f"{name} {title}".strip(), completed=done, total=total)

        results.append(await scan(ctx, code, today=args.today, progress=progress, actor=ACTOR))
    return ctx, results


def summary(name: str, result: dict) -> str:
    line = (f"{name}（{result['district_code']}）：运行 {len(result['rules'])} 条规则，"
            f"新增预警 {result['raised']} 条，再次发现 {result['seen']} 条")
    return line + (f"，{len(result['errors'])} 条规则出错" if result["errors"] else "")


def run(args: argparse.Namespace) -> int:
    """Run `supervision scan`; 0 when scanned, 2 on usage errors."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from core.errors import ApiError

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    console = Console(stderr=True)  # the bar goes to stderr, so stdout carries only the summary
    with Progress(*columns, transient=True, console=console, disable=not console.is_terminal) as bar:
        try:
            ctx, results = asyncio.run(_scan_all(args, bar))
        except ApiError as exc:
            bar.stop()
            print(f"sanshe: error: {exc.detail}", file=sys.stderr)
            return 2
    if not results:
        print("没有启用监管模块的区县，未扫描")
    for result in results:
        print(summary(ctx.districts[result["district_code"]].name, result))
        for rule, error in result["errors"].items():
            print(f"  规则 {rule}（{result['rules'][rule]['title']}）出错：{error}", file=sys.stderr)
    return 0


COMMANDS = [Command("supervision", "监管：运行监管规则生成预警", configure, run)]
