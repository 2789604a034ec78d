"""What the deployment files promise an operator (issue 11, defect 7): an image never carries a
working checkout's secrets, the example settings name every secret compose needs, the services
the app waits for have health checks, and the proxy sends the security headers."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def test_the_image_never_carries_data_secrets_or_the_venv():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {"var", ".venv", ".git"} <= ignored  # var/ holds the secret key, the demo password, the database
    assert "COPY . ." in (DEPLOY / "Dockerfile").read_text()  # so the ignore file is what keeps them out


def test_the_env_example_names_every_secret_compose_needs():
    compose = (DEPLOY / "compose.yaml").read_text()
    needed = set(re.findall(r"\$\{(\w+)", compose))
    example = {line.split("=", 1)[0] for line in (DEPLOY / "settings.production.env.example").read_text().splitlines()
               if "=" in line and not line.startswith("#")}
    assert needed and needed <= example, needed - example
    assert "SANSHE_TRUST_PROXY" in example  # behind nginx: client addresses and HSTS come from its headers


def test_the_app_waits_for_healthy_database_and_search():
    compose = (DEPLOY / "compose.yaml").read_text()
    assert compose.count("healthcheck:") >= 2
    assert "db: {condition: service_healthy}" in compose and "search: {condition: service_healthy}" in compose


def test_the_proxy_sends_the_security_headers():
    nginx = (DEPLOY / "nginx.conf").read_text()
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"):
        assert re.search(rf"add_header\s+{header}\b.*always;", nginx), header
    assert "frame-ancestors 'none'" in nginx
    # HSTS sits in the TLS server block, shipped commented out: it needs the site's own certificate.
    assert re.search(r"#\s*add_header Strict-Transport-Security", nginx)


def test_the_licence_is_an_spdx_string():
    """A `license = {text = …}` table makes every install print a setuptools deprecation warning."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "AGPL-3.0-or-later"


def _nginx_megabytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([km]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit]


def test_the_proxy_lets_through_what_the_app_accepts():
    """nginx must not refuse (413) a body the app's route accepts: the general limit covers the
    settings' max_body_bytes, and the evidence route (up to 50 MB a file) has its own location."""
    from plugins.supervision.routes.campaigns import EVIDENCE_BODY_LIMIT
    from core.settings import load_settings

    nginx = (DEPLOY / "nginx.conf").read_text()
    active = "\n".join(line for line in nginx.splitlines() if not line.lstrip().startswith("#"))
    general = re.search(r"listen 80;.*?client_max_body_size (\w+);", active, re.S).group(1)
    assert _nginx_megabytes(general) >= load_settings(need_secret=False).max_body_bytes
    location = re.search(r"location ~ (\S+) \{\s*client_max_body_size (\w+);", active)
    assert location, "no location with its own body limit for evidence uploads"
    pattern, limit = location.groups()
    assert re.search(pattern, "/api/districts/430702/supervision/items/17/evidence")
    assert not re.search(pattern, "/api/districts/430702/supervision/items/17")
    assert _nginx_megabytes(limit) >= EVIDENCE_BODY_LIMIT


def test_every_command_in_the_operators_guide_exists():
    """deploy/README.md is pasted by operators: each `sanshe …` command must parse."""
    import shlex

    from core.cli import build_parser

    parser = build_parser()
    guide = (DEPLOY / "README.md").read_text()
    commands = re.findall(r"(?:^|`|exec app )(sanshe (?:[a-z][a-z0-9-]*)(?: [^`\n#|]*)?)", guide, re.M)
    assert len(commands) >= 8, commands
    for command in commands:
        words = [w for w in shlex.split(command.strip())[1:] if "$(" not in w]
        words = [w.replace("<code>", "430702") for w in words]
        try:
            parser.parse_args(words)
        except SystemExit as exc:
            raise AssertionError(f"the guide's command does not parse: {command!r}") from exc
