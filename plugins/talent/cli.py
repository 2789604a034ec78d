"""`sanshe talent import FILE --district CODE [--dry-run]`: the roster import from
the command line, through the same reading and checking as the API
(`plugins.talent.roster`), with a progress bar; on errors it prints one line per
error (`第N行 [列名] 值: 信息`) and exits with 1.

Contributed through `register_commands` as `COMMAND`; also runnable on its own as
`python -m plugins.talent.cli import FILE --district CODE`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from core.contrib import Command

ACTOR = "cli"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the `talent` sub-commands to the parser `sanshe talent` gets."""
    sub = parser.add_subparsers(dest="talent_command", required=True)
    imp = sub.add_parser("import", help="导入社工花名册（XLSX 或 CSV；有任何错误则整个文件不导入）")
    imp.add_argument("file", type=Path, help="花名册文件（.xlsx 或 .csv）")
    imp.add_argument("--district", required=True, help="区县代码，如 430702")
    imp.add_argument("--dry-run", action="store_true", help="只校验，不写入")


async def _import(args: argparse.Namespace, progress: Any) -> dict:
    from core.context import build_context
    from core.modules import enabled_modules
    from core.settings import load_settings
    from plugins.talent import roster

    ctx = build_context(load_settings(need_secret=False))
    if args.district not in ctx.districts:
        raise LookupError(f"区县代码 {args.district} 不存在（已配置：{'、'.join(ctx.districts)}）")
    if "talent" not in await enabled_modules(ctx, args.district):
        raise LookupError(f"{ctx.districts[args.district].name}（{args.district}）未启用社工人才库模块")
    return await roster.import_roster(args.district, ACTOR, args.file.read_bytes(), args.file.name,
                                      dry_run=args.dry_run, progress=progress)


def run(args: argparse.Namespace) -> int:
    """Run `talent import`; 0 when imported (or valid, with --dry-run), 1 on row errors, 2 on usage errors."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from plugins.talent.roster import RosterInvalid

    if not args.file.is_file():
        print(f"sanshe: error: 文件不存在：{args.file}", file=sys.stderr)
        return 2
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # The bar goes to stderr, so stdout carries only the result or the error lines.
    console = Console(stderr=True)
    with Progress(*columns, transient=True, console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task("读取文件", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=f"{stage}花名册", completed=done, total=total or None)

        try:
            summary = asyncio.run(_import(args, progress))
        except RosterInvalid as exc:
            bar.stop()
            for error in exc.row_errors:
                print(error.line())
            print(f"导入失败：{exc.detail}", file=sys.stderr)
            return 1
        except LookupError as exc:
            bar.stop()
            print(f"sanshe: error: {exc.args[0]}", file=sys.stderr)
            return 2
    counts = f"新增 {summary['created']} 人、更新 {summary['updated']} 人"
    if summary["dry_run"]:
        print(f"校验通过，未写入：共 {summary['rows']} 行，导入时将{counts}")
    else:
        print(f"导入完成：共 {summary['rows']} 行，{counts}")
    if summary["ignored_columns"]:
        print(f"已忽略的列：{'、'.join(summary['ignored_columns'])}")
    return 0


COMMAND = Command("talent", "社工人才库：花名册导入", configure, run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sanshe talent", description="社工人才库命令")
    configure(parser)
    args = parser.parse_args(argv)
    from core.settings import SettingsError

    try:
        return run(args)
    except SettingsError as exc:
        print(f"sanshe: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
