"""Settings: `config/settings.toml` plus environment overrides.

Secrets come only from the environment. Anything missing or malformed raises
`SettingsError` whose message is one line naming the setting, so start-up can
stop with that line and nothing else.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.dates import use_beijing_dates

REPO_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
TWO_FACTOR_POLICIES = ("off", "optional", "required")


class SettingsError(Exception):
    """A setting is missing or invalid; the message names it."""


@dataclass(frozen=True)
class Settings:
    config_dir: Path
    """Folder holding settings.toml and districts/*.toml (env SANSHE_CONFIG_DIR)."""
    data_dir: Path
    """Folder for the SQLite file, the embedded search index and uploads (env SANSHE_DATA_DIR)."""
    database_url: str | None
    """postgresql:// URL; None means SQLite in data_dir (env DATABASE_URL)."""
    secret_key: str = field(repr=False)
    """Key that signs session cookies (env SANSHE_SECRET_KEY, at least 32 characters)."""
    plugins: tuple[str, ...] = ()
    """Installed plugin modules ([plugins].installed plus env SANSHE_EXTRA_PLUGINS)."""
    sqlite_file: str = "sanshe.sqlite3"
    """SQLite file name inside data_dir ([database].sqlite_file)."""
    db_pool: bool = True
    """Open a PostgreSQL connection pool on start-up ([database].pool, env SANSHE_DB_POOL)."""
    search_backend: str = "embedded"
    """'embedded' or 'meilisearch' ([search].backend, env SANSHE_SEARCH_BACKEND)."""
    search_cache_seconds: float = 5.0
    """How long a public search answer is fresh ([search].cache_seconds, env
    SANSHE_SEARCH_CACHE_SECONDS; 0 turns the cache off). Past that it is served once
    more while it refreshes in the background, so answers are at most twice this old."""
    meilisearch_url: str | None = None
    """Meilisearch server URL (env MEILISEARCH_URL)."""
    meilisearch_key: str | None = field(default=None, repr=False)
    """Meilisearch API key (env MEILISEARCH_KEY)."""
    session_idle_minutes: int = 30
    """Idle minutes after which a session expires ([security])."""
    login_max_failures: int = 5
    """Consecutive failed logins that lock an account ([security])."""
    login_lock_minutes: int = 15
    """Minutes an account stays locked ([security])."""
    max_body_bytes: int = 2_000_000
    """Largest accepted request body ([security])."""
    admin_two_factor: str = "optional"
    """Two-factor login (TOTP) for platform, city and district admins ([security].admin_two_factor,
    env SANSHE_ADMIN_TWO_FACTOR): "off" (never asked), "optional" (admins may enrol; enrolled
    accounts give a code at login) or "required" (an admin who has not enrolled can do nothing
    but enrol). Production should use "required" (等保 level 3)."""
    trust_proxy: bool = False
    """The app sits behind a reverse proxy whose X-Forwarded-* headers are believed, e.g.
    X-Forwarded-Proto: https turns on HSTS ([security].trust_proxy, env SANSHE_TRUST_PROXY=1),
    and the last X-Forwarded-For entry is the client address that login throttling counts.
    Leave off when clients can reach the app directly: they could forge the headers."""
    default_language: str = "zh-CN"
    """UI language when the visitor chose none ([web])."""
    trace_hooks: bool = False
    """Log every plugin hook call (env SANSHE_TRACE_HOOKS=1)."""
    argon2_fast: bool = False
    """Cheap password hashing, for test suites only (env SANSHE_ARGON2_FAST=1)."""
    previous_secret_keys: tuple[str, ...] = field(default=(), repr=False)
    """Earlier SANSHE_SECRET_KEY values, separated by spaces (env SANSHE_PREVIOUS_SECRET_KEYS): secrets
    sealed at rest under one of them (core.secretbox) still open and are resealed under the current
    key at start-up; drop them once that has run."""

    @property
    def secret_keys(self) -> tuple[str, ...]:
        """The current key, then the previous ones (core.secretbox opens with any, seals with the first)."""
        return (self.secret_key, *self.previous_secret_keys)

    @property
    def is_postgres(self) -> bool:
        return bool(self.database_url)

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / self.sqlite_file

    @property
    def districts_dir(self) -> Path:
        return self.config_dir / "districts"


def _int(table: dict, key: str, name: str, default: int, minimum: int = 1) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise SettingsError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


def _seconds(raw: object, name: str) -> float:
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SettingsError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not 0 <= value <= 3600:
        raise SettingsError(f"{name} must be between 0 and 3600 seconds, got {value}")
    return value


def _flag(env: dict, key: str, default: bool) -> bool:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{key} must be 1 or 0, got {raw!r}")


def load_settings(
    env: dict[str, str] | None = None, *, secret_key: str | None = None, need_secret: bool = True
) -> Settings:
    """Read settings.toml and the environment; raise SettingsError naming a bad setting.

    `need_secret=False` serves database-only tools (migrations) that sign nothing.
    """
    use_beijing_dates()  # every entry point (CLI, ASGI app, workers) reads settings first
    env = dict(os.environ if env is None else env)
    config_dir = Path(env.get("SANSHE_CONFIG_DIR") or REPO_CONFIG_DIR)
    path = config_dir / "settings.toml"
    if not path.is_file():
        raise SettingsError(f"SANSHE_CONFIG_DIR: {path} does not exist")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: invalid TOML ({exc})") from None

    plugins_table = raw.get("plugins", {})
    installed = plugins_table.get("installed", [])
    if not isinstance(installed, list) or not all(isinstance(p, str) for p in installed):
        raise SettingsError("[plugins].installed must be a list of module names")
    extra = [p.strip() for p in env.get("SANSHE_EXTRA_PLUGINS", "").split(",") if p.strip()]
    plugins = tuple(dict.fromkeys([*installed, *extra]))

    database_url = env.get("DATABASE_URL") or None
    if database_url and not database_url.startswith(("postgresql://", "postgres://")):
        raise SettingsError("DATABASE_URL must start with postgresql:// (unset it to use SQLite)")

    key = secret_key or env.get("SANSHE_SECRET_KEY", "")
    if not key and not need_secret:
        key = "-" * 32
    if not key:
        raise SettingsError("SANSHE_SECRET_KEY is not set (use at least 32 random characters)")
    if len(key) < 32:
        raise SettingsError("SANSHE_SECRET_KEY is too short (use at least 32 random characters)")
    previous = tuple(k for k in env.get("SANSHE_PREVIOUS_SECRET_KEYS", "").split() if k != key)
    if any(len(k) < 32 for k in previous):
        raise SettingsError("SANSHE_PREVIOUS_SECRET_KEYS: each key has at least 32 characters (keys are separated by spaces)")

    db = raw.get("database", {})
    search = raw.get("search", {})
    security = raw.get("security", {})
    web = raw.get("web", {})
    backend = env.get("SANSHE_SEARCH_BACKEND") or search.get("backend", "embedded")
    if backend not in {"embedded", "meilisearch"}:
        raise SettingsError(f"[search].backend must be 'embedded' or 'meilisearch', got {backend!r}")
    meili_url = env.get("MEILISEARCH_URL") or None
    if backend == "meilisearch" and not meili_url:
        raise SettingsError("MEILISEARCH_URL is not set but [search].backend is 'meilisearch'")
    two_factor = env.get("SANSHE_ADMIN_TWO_FACTOR") or security.get("admin_two_factor", "optional")
    if two_factor not in TWO_FACTOR_POLICIES:
        raise SettingsError(f"[security].admin_two_factor must be 'off', 'optional' or 'required', got {two_factor!r}")
    language = web.get("default_language", "zh-CN")
    if language not in {"zh-CN", "en"}:
        raise SettingsError(f"[web].default_language must be 'zh-CN' or 'en', got {language!r}")

    return Settings(
        config_dir=config_dir,
        data_dir=Path(env.get("SANSHE_DATA_DIR") or "var").resolve(),
        database_url=database_url,
        secret_key=key,
        plugins=plugins,
        sqlite_file=str(db.get("sqlite_file", "sanshe.sqlite3")),
        db_pool=_flag(env, "SANSHE_DB_POOL", bool(db.get("pool", True))),
        search_backend=backend,
        search_cache_seconds=_seconds(env.get("SANSHE_SEARCH_CACHE_SECONDS", search.get("cache_seconds", 5.0)),
                                      "SANSHE_SEARCH_CACHE_SECONDS"),
        meilisearch_url=meili_url,
        meilisearch_key=env.get("MEILISEARCH_KEY") or None,
        session_idle_minutes=_int(security, "session_idle_minutes", "[security].session_idle_minutes", 30),
        login_max_failures=_int(security, "login_max_failures", "[security].login_max_failures", 5),
        login_lock_minutes=_int(security, "login_lock_minutes", "[security].login_lock_minutes", 15),
        max_body_bytes=_int(security, "max_body_bytes", "[security].max_body_bytes", 2_000_000, 1024),
        admin_two_factor=two_factor,
        trust_proxy=_flag(env, "SANSHE_TRUST_PROXY", security.get("trust_proxy", False) is True),
        default_language=language,
        trace_hooks=_flag(env, "SANSHE_TRACE_HOOKS", False),
        argon2_fast=_flag(env, "SANSHE_ARGON2_FAST", False),
        previous_secret_keys=previous,
    )
