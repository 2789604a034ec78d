"""The `sanshe` command: migrate, serve, demo, plugins, audit verify, users, tokens.

A bad setting stops any command with one line naming it (exit code 2).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import secrets
import sys
from pathlib import Path

from core.settings import Settings, SettingsError, load_settings


def _fail(message: str, code: int = 2) -> None:
    print(f"sanshe: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def _settings(demo: bool = False, need_secret: bool = True) -> Settings:
    """Settings from the environment; the demo keeps a generated secret in its data folder."""
    if demo and not os.environ.get("SANSHE_SECRET_KEY"):
        data_dir = Path(os.environ.get("SANSHE_DATA_DIR") or "var").resolve()
        key_file = data_dir / "secret_key"
        if not key_file.exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return load_settings(secret_key=key_file.read_text().strip())
    return load_settings(need_secret=need_secret)


def _context(settings: Settings):
    from core.context import build_context

    return build_context(settings)


def cmd_migrate(args) -> None:
    from core import db

    _context(_settings(need_secret=False))
    asyncio.run(db.migrate(quiet=False))
    print("migrations applied")


def _serve(settings: Settings, host: str, port: int, workers: int = 1, access_log: bool = True) -> None:
    import uvicorn

    from core.app import create_app

    print(f"Sanshe serving on http://{host}:{port}/  (API docs: /schema/swagger)", flush=True)
    if workers > 1:  # worker processes build the app themselves from the environment
        os.environ["SANSHE_SECRET_KEY"] = settings.secret_key
        uvicorn.run("core.app:create_app_from_env", factory=True, host=host, port=port, log_level="info",
                    workers=workers, access_log=access_log)
    else:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=access_log)


def cmd_serve(args) -> None:
    from core import db

    settings = _settings()
    _context(settings)
    asyncio.run(db.migrate())
    _serve(settings, args.host, args.port, args.workers, args.access_log)


def _demo_password(settings: Settings) -> str:
    if os.environ.get("SANSHE_DEMO_PASSWORD"):
        return os.environ["SANSHE_DEMO_PASSWORD"]
    saved = settings.data_dir / "demo_password"
    if not saved.exists():
        saved.write_text(secrets.token_urlsafe(9))
        saved.chmod(0o600)
    return saved.read_text().strip()


def cmd_demo(args) -> None:
    from core import db
    from core.demo import load_demo

    settings = _settings(demo=True)
    ctx = _context(settings)
    password = _demo_password(settings)

    async def prepare():
        from core.search import get_backend
        from core.indexer import drain, ensure_indexes

        await db.migrate()
        await load_demo(ctx, password, fast_hash=settings.argon2_fast)
        backend = get_backend(settings)
        await ensure_indexes(ctx.contributions, backend)
        return await drain(ctx.contributions, backend)

    indexed = asyncio.run(prepare())
    codes = list(ctx.districts)
    print(f"Search index updated ({indexed} changes applied).")
    from core.demo import demo_suffix, plugin_roles

    extra = "".join(f"|-{demo_suffix(r.name)}" for r in plugin_roles(ctx))
    print("Demo data loaded. Users: admin, city-admin, and per district "
          f"<code>-admin|-supervisor|-org|-worker|-resident{extra} for {', '.join(codes)}")
    print(f"Demo password: {password}")
    if not args.no_serve:
        _serve(settings, args.host, args.port, args.workers, args.access_log)


def cmd_plugins(args) -> None:
    from core.modules import enabled_modules

    ctx = _context(_settings(need_secret=False))

    async def enabled_by_district():
        return {code: await enabled_modules(ctx, code) for code in ctx.districts}

    try:
        enabled = asyncio.run(enabled_by_district())
    except Exception:  # noqa: BLE001 - database not migrated yet: show the files' view
        enabled = {code: list(d.modules) for code, d in ctx.districts.items()}
    print("Installed plugins:")
    for name, plugin in ctx.pm.list_name_plugin():
        print(f"  {name}")
    print("Modules:")
    if not ctx.contributions.modules:
        print("  (none)")
    for name, spec in ctx.contributions.modules.items():
        districts = [code for code, names in enabled.items() if name in names]
        print(f"  {name:<16} {spec.label:<12} enabled in: {', '.join(districts) or '-'}")


def cmd_reindex(args) -> None:
    """Rebuild every search index from the database, with a progress bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from core.search import get_backend
    from core.indexer import reindex, sources

    settings = _settings(need_secret=False)
    ctx = _context(settings)
    backend = get_backend(settings)

    async def run():
        totals = {}
        for index, source in sources(ctx.contributions).items():
            totals[index] = sum([1 async for _ in source.documents(None)])
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
            tasks = {index: bar.add_task(f"重建索引 {index}", total=total) for index, total in totals.items()}
            return await reindex(ctx.contributions, backend, lambda index, n: bar.advance(tasks[index], n))

    counts = asyncio.run(run())
    for index, count in counts.items():
        print(f"{index}: {count} documents indexed")


def cmd_audit_verify(args) -> None:
    from core import audit

    _context(_settings(need_secret=False))
    result = asyncio.run(audit.verify())
    if result.ok:
        print(f"audit chain intact: {result.checked} events")
        return
    print(f"audit chain BROKEN at event {result.first_broken_seq}: {result.reason} "
          f"({result.checked} events verified before it)")
    raise SystemExit(1)


def cmd_user_create(args) -> None:
    from core.identity import ensure_user

    ctx = _context(_settings(need_secret=False))
    if args.role not in ctx.contributions.roles:
        _fail(f"--role: unknown role {args.role!r} (known: {', '.join(ctx.contributions.roles)})")
    if args.district and args.district not in ctx.districts:
        _fail(f"--district: unknown district {args.district!r}")
    password = os.environ.get("SANSHE_NEW_PASSWORD") or getpass.getpass("Password: ")
    if len(password) < 8:
        _fail("password must be at least 8 characters")
    grant = {"role": args.role, "district_code": args.district, "city_code": args.city,
             "organization_id": args.organization}
    user_id = asyncio.run(ensure_user(args.username, password, [grant], display_name=args.display_name or "",
                                      actor="cli"))
    print(f"user {args.username} ready (id {user_id})")


def cmd_user_set_password(args) -> None:
    from core.accounts import AccountError, set_password

    _context(_settings(need_secret=False))
    password = os.environ.get("SANSHE_NEW_PASSWORD") or getpass.getpass("New password: ")
    try:
        ended = asyncio.run(set_password(args.username, password))
    except AccountError as exc:
        _fail(str(exc))
    print(f"password of {args.username} changed; {ended} session(s) ended")


def cmd_user_set_active(args) -> None:
    from core.accounts import AccountError, set_active

    _context(_settings(need_secret=False))
    try:
        ended = asyncio.run(set_active(args.username, args.active))
    except AccountError as exc:
        _fail(str(exc))
    print(f"{args.username} {'activated' if args.active else f'deactivated; {ended} session(s) ended'}")


def cmd_user_reset_2fa(args) -> None:
    """Remove a user's two-factor login (lost phone); audited, the user enrols again."""
    from core.errors import ApiError
    from core.twofactor import reset

    _context(_settings(need_secret=False))
    try:
        asyncio.run(reset(args.username, actor="cli"))
    except ApiError as exc:
        _fail(exc.detail, 1)
    print(f"two-factor login of {args.username} reset; they enrol again at their next login")


def cmd_token_create(args) -> None:
    from core.identity import create_api_token
    from core.tables import User

    _context(_settings(need_secret=False))

    async def run():
        user = await User.select(User.id).where(User.username == args.username).first()
        if not user:
            _fail(f"user {args.username!r} does not exist")
        return await create_api_token(user["id"], "cli", args.name, args.days)

    token = asyncio.run(run())
    print(token["token"])


def cmd_backup(args) -> None:
    """Write every table and upload to one archive (core/backup.py)."""
    from core.backup import BackupError, create_backup

    ctx = _context(_settings(need_secret=False))
    try:
        summary = asyncio.run(create_backup(ctx, Path(args.output) if args.output else None))
    except BackupError as exc:
        _fail(str(exc))
    print(f"backup written: {summary.path} ({summary.size / 1024 / 1024:.1f} MB, "
          f"{sum(summary.rows.values())} rows in {len(summary.rows)} tables, {summary.uploads} uploads, "
          f"{summary.seconds:.1f} s)")


def cmd_restore(args) -> None:
    """Restore an archive into this empty instance; refuse (exit 2, nothing written) when it cannot."""
    from core.backup import BackupError, restore_backup

    ctx = _context(_settings(need_secret=False))
    try:
        summary = asyncio.run(restore_backup(ctx, Path(args.archive)))
    except BackupError as exc:
        _fail(f"restore refused, nothing written: {exc}")
    for table, count in summary.rows.items():
        if count:
            print(f"  {table}: {count} rows")
    print(f"restored {sum(summary.rows.values())} rows in {len(summary.rows)} tables and {summary.uploads} uploads "
          f"(backup of {summary.source.get('created_at')}, {summary.source.get('database')}) "
          f"in {summary.seconds:.1f} s")
    if summary.upgraded:
        print(f"upgraded: {summary.upgraded} migrations of this version ran on the restored rows "
              f"(the archive was made by {summary.source.get('sanshe_version')})")
    for index, count in summary.indexed.items():
        print(f"search index {index}: {count} documents")
    if not summary.audit.ok:
        print(f"audit chain BROKEN at event {summary.audit.first_broken_seq}: {summary.audit.reason}")
        raise SystemExit(1)
    print(f"audit chain intact: {summary.audit.checked} events")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sanshe", description="三社联动信息系统 Sanshe")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    for name, func, help_text in (("serve", cmd_serve, "migrate, then serve the web app"),
                                  ("demo", cmd_demo, "create and load demo data, then serve")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.add_argument("--workers", type=int, default=1,
                       help="worker processes (with the embedded search backend they share one index writer)")
        p.add_argument("--no-access-log", dest="access_log", action="store_false",
                       help="do not log each request (behind nginx, which logs them already)")
        if name == "demo":
            p.add_argument("--no-serve", action="store_true", help="load the data and exit")
        p.set_defaults(func=func)
    sub.add_parser("reindex", help="rebuild the search indexes from the database").set_defaults(func=cmd_reindex)
    sub.add_parser("plugins", help="installed plugins and the districts enabling each").set_defaults(func=cmd_plugins)
    audit = sub.add_parser("audit", help="audit log tools").add_subparsers(dest="audit_command", required=True)
    audit.add_parser("verify", help="check the hash chain").set_defaults(func=cmd_audit_verify)
    user = sub.add_parser("user", help="user accounts").add_subparsers(dest="user_command", required=True)
    create = user.add_parser("create", help="create a user (password from SANSHE_NEW_PASSWORD or a prompt)")
    create.add_argument("username")
    create.add_argument("--role", required=True)
    create.add_argument("--district")
    create.add_argument("--city")
    create.add_argument("--organization", type=int)
    create.add_argument("--display-name")
    create.set_defaults(func=cmd_user_create)
    passwd = user.add_parser("set-password", help="set a new password (from SANSHE_NEW_PASSWORD or a prompt); "
                                                  "ends the user's sessions")
    passwd.add_argument("username")
    passwd.set_defaults(func=cmd_user_set_password)
    for name, active, help_text in (("deactivate", False, "block the account: sessions end, tokens stop working"),
                                    ("activate", True, "allow a deactivated account again")):
        toggle = user.add_parser(name, help=help_text)
        toggle.add_argument("username")
        toggle.set_defaults(func=cmd_user_set_active, active=active)
    reset_2fa = user.add_parser("reset-2fa", help="remove a user's two-factor login (lost phone); audited")
    reset_2fa.add_argument("username")
    reset_2fa.set_defaults(func=cmd_user_reset_2fa)
    token = sub.add_parser("token", help="API tokens").add_subparsers(dest="token_command", required=True)
    tcreate = token.add_parser("create", help="create a bearer token for a user and print it")
    tcreate.add_argument("username")
    tcreate.add_argument("name")
    tcreate.add_argument("--days", type=int, default=90, help="validity in days (1–366, default 90)")
    tcreate.set_defaults(func=cmd_token_create)
    backup = sub.add_parser("backup", help="write every table and upload to one .tar.gz archive")
    backup.add_argument("--output", help="archive file or folder (default ./sanshe-backup-<UTC time>.tar.gz)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup into an empty instance, then reindex and verify")
    restore.add_argument("archive")
    restore.set_defaults(func=cmd_restore)
    _add_plugin_commands(sub)
    return parser


def _add_plugin_commands(sub) -> None:
    """Commands plugins contribute; skipped when the settings cannot load (the command then says why)."""
    from core.plugins import build_plugin_manager, collect

    try:
        contributions = collect(build_plugin_manager(load_settings(need_secret=False)))
    except SettingsError:
        return
    for command in contributions.commands:
        parser = sub.add_parser(command.name, help=command.help)
        command.configure(parser)
        parser.set_defaults(func=lambda args, run=command.run: _run_plugin_command(run, args))


def _run_plugin_command(run, args) -> None:
    _context(_settings(need_secret=False))
    code = run(args)
    if code:
        raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except SettingsError as exc:
        _fail(str(exc))


if __name__ == "__main__":
    main()
