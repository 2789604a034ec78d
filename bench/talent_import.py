"""Roster import rate: a valid N-row XLSX (default 10,000) imported through a real
`sanshe serve` (multipart upload over HTTP) and through the CLI
(`python -m plugins.talent.cli import`), each as a dry run, a first import
(every worker created) and a second import of the same file (every worker updated).
Prints seconds and rows/s per run, wall time included (upload, parsing, checks,
the one write transaction).

    python bench/talent_import.py [--rows 10000] [--keep]      # SQLite
    DATABASE_URL=postgresql://… python bench/talent_import.py  # PostgreSQL
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-1"
DISTRICT = "430702"
sys.path.insert(0, str(ROOT))


def roster_xlsx(rows: int, area: str, uscc: list[str], communities: list[str]) -> bytes:
    """A valid roster: distinct ID numbers under `area`, every column filled, the controlled values cycled."""
    from openpyxl import Workbook

    from core.codes import make_id_number
    from plugins.talent.glossary import EDUCATION_LEVELS, POST_TYPES
    from plugins.talent.roster import HEADERS

    educations, posts = list(EDUCATION_LEVELS), list(POST_TYPES)
    qualifications = ["无", "助理社会工作师", "社会工作师", "高级社会工作师"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("社工花名册")
    sheet.append(list(HEADERS))
    for i in range(rows):
        born = date(1965, 1, 1) + timedelta(days=i // 2)  # two sequence numbers per birth date
        qualification = qualifications[i % 4]
        sheet.append([f"社工{i:05d}", make_id_number(area, born, i % 2 + 1), f"139{i:08d}", educations[i % 7],
                      "社会工作" if i % 3 else "心理学", qualification,
                      f"ZG{2010 + i % 15}{i:06d}" if qualification != "无" else "",
                      2010 + i % 15 if qualification != "无" else None, uscc[i % len(uscc)],
                      communities[i % len(communities)], posts[i % 4], date(2010, 1, 1) + timedelta(days=i % 5000)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def registry() -> tuple[list[str], list[str]]:
    import asyncio

    from core.tables import Community, Organization

    async def read():
        orgs = await Organization.select(Organization.uscc).where(
            (Organization.district_code == DISTRICT) & Organization.uscc.is_not_null())
        places = await Community.select(Community.code).where(
            (Community.district_code == DISTRICT) & (Community.kind == "community"))
        return [o["uscc"] for o in orgs], [c["code"] for c in places]

    return asyncio.run(read())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def report(label: str, rows: int, seconds: float, summary: str) -> None:
    print(f"{label:34} {seconds:8.2f} s {rows / seconds:9.0f} rows/s   {summary}")


def via_api(base: str, content: bytes, rows: int) -> None:
    with httpx.Client(base_url=base, timeout=600) as client:
        for _ in range(200):
            try:
                client.get("/healthz")
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        login = client.post("/api/auth/login", json={"username": f"{DISTRICT}-admin", "password": PASSWORD})
        token = client.post("/api/me/tokens", json={"name": "bench"},
                            headers={"X-CSRF-Token": login.json()["csrf_token"]}).json()["token"]
        client.cookies.clear()
        url = f"/api/districts/{DISTRICT}/talent/workers/import"
        for label, params in (("API dry run", {"dry_run": "true"}), ("API import (all created)", {}),
                              ("API import again (all updated)", {})):
            start = time.perf_counter()
            response = client.post(url, params=params, files={"file": ("roster.xlsx", content)},
                                   headers={"Authorization": f"Bearer {token}"})
            seconds = time.perf_counter() - start
            response.raise_for_status()
            body = response.json()
            report(label, rows, seconds, f"created={body['created']} updated={body['updated']}")


def via_cli(path: Path, rows: int, env: dict[str, str]) -> None:
    for label, extra in (("CLI dry run", ["--dry-run"]), ("CLI import (all created)", []),
                         ("CLI import again (all updated)", [])):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "plugins.talent.cli", "import", str(path), "--district", DISTRICT,
                               *extra], env=env, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode:
            raise SystemExit(f"CLI failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        report(label, rows, seconds, done.stdout.strip().splitlines()[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="sanshe-bench-talent-")
    env = {**os.environ, "SANSHE_DATA_DIR": data_dir, "SANSHE_DEMO_PASSWORD": PASSWORD,
           "SANSHE_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789"}
    os.environ.update(env)
    server = None
    try:
        subprocess.run([sys.executable, "-m", "core.cli", "demo", "--no-serve"], env=env, check=True,
                       capture_output=True, cwd=ROOT)
        from core.context import build_context
        from core.settings import load_settings

        build_context(load_settings())
        uscc, communities = registry()
        start = time.perf_counter()
        api_file, cli_file = (roster_xlsx(args.rows, area, uscc, communities) for area in ("430721", "430722"))
        print(f"generated 2 files of {args.rows} rows in {time.perf_counter() - start:.1f} s "
              f"({len(api_file) / 1e6:.2f} MB each; body limit {load_settings().max_body_bytes / 1e6:.1f} MB)")
        engine = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
        print(f"engine={engine} rows={args.rows} (1 uvicorn worker; wall time per request / command)")
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "core.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        via_api(f"http://127.0.0.1:{port}", api_file, args.rows)
        server.terminate()
        server.wait(timeout=10)
        server = None
        path = Path(data_dir) / "roster.xlsx"
        path.write_bytes(cli_file)
        via_cli(path, args.rows, env)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if args.keep:
            print(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
