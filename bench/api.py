"""Core API latency: a real `sanshe serve` on 127.0.0.1, demo data plus N extra
persons, requests from one client process. Prints p50/p95/p99 per endpoint and the
answers counted by status; a case whose answers are not the status it names fails
the run (a benchmark of the wrong thing is worse than none). The data folder is removed.

    python bench/api.py [--persons 20000] [--requests 500]      # SQLite
    DATABASE_URL=postgresql://… python bench/api.py             # PostgreSQL
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-1"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def add_persons(n: int) -> None:
    from core import db
    from core.codes import make_id_number
    from core.tables import Person

    async with db.write_transaction():
        existing = await Person.count()
        rows = []
        for i in range(existing, existing + n):
            born = date(1950 + (i // 1000) % 50, 1 + (i // 50_000), 1)
            rows.append(Person(district_code="430702", name=f"测试{i}", id_number=make_id_number("430799", born, i),
                               gender="男", birth_date=born, phone=f"138{i:08d}"))
        # Inserted directly (not through the API) to fill the table fast; valid and unique below 600k.
        for start in range(0, len(rows), 500):
            await Person.insert(*rows[start:start + 500])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="sanshe-bench-")
    env = {**os.environ, "SANSHE_DATA_DIR": data_dir, "SANSHE_DEMO_PASSWORD": PASSWORD,
           "SANSHE_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789"}
    os.environ.update(env)
    subprocess.run([sys.executable, "-m", "core.cli", "demo", "--no-serve"], env=env, check=True,
                   capture_output=True, cwd=ROOT)
    from core.context import build_context
    from core.settings import load_settings

    build_context(load_settings())
    asyncio.run(add_persons(args.persons))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "core.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            for _ in range(200):
                try:
                    client.get("/healthz")
                    break
                except httpx.HTTPError:
                    time.sleep(0.05)
            token = _token(client)
            auth = {"Authorization": f"Bearer {token}"}
            cases = {
                "GET /api/districts (public)": ("GET", "/api/districts", {}, None),
                "GET organizations page (public)": ("GET", "/api/districts/430702/organizations", {}, None),
                "GET persons page 50 (token, masked)": ("GET", "/api/districts/430702/persons?per_page=50&page=7",
                                                        auth, None),
                "GET persons name search (token)": ("GET", "/api/districts/430702/persons?q=测试12", auth, None),
                "POST persons invalid (422, no write)": ("POST", "/api/districts/430702/persons", auth,
                                                         {"name": "x", "id_number": _bad_id_number()}),
            }
            expected = {name: 422 if "422" in name else 200 for name in cases}
            engine = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
            print(f"engine={engine} persons={args.persons + 80} requests/endpoint={args.requests} (1 client, 1 worker)")
            print(f"{'endpoint':42} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8}")
            wrong = []
            for name, (method, path, headers, body) in cases.items():
                timings, statuses = [], Counter()
                for _ in range(args.requests):
                    start = time.perf_counter()
                    statuses[client.request(method, path, headers=headers, json=body).status_code] += 1
                    timings.append((time.perf_counter() - start) * 1000)
                print(f"{name:42} {percentile(timings, 50):8.2f} {percentile(timings, 95):8.2f} "
                      f"{percentile(timings, 99):8.2f} {1000 / statistics.mean(timings):8.0f}  {dict(statuses)}")
                if set(statuses) != {expected[name]}:
                    wrong.append(f"{name}: expected only {expected[name]}, got {dict(statuses)}")
            logins, statuses = [], Counter()
            for _ in range(20):
                start = time.perf_counter()
                answer = client.post("/api/auth/login", json={"username": "430702-admin", "password": PASSWORD})
                statuses[answer.status_code] += 1
                logins.append((time.perf_counter() - start) * 1000)
            print(f"{'POST /api/auth/login (argon2id default)':42} {percentile(logins, 50):8.2f} "
                  f"{percentile(logins, 95):8.2f} {percentile(logins, 99):8.2f} {1000 / statistics.mean(logins):8.0f}"
                  f"  {dict(statuses)}")
            if set(statuses) != {200}:
                wrong.append(f"login: expected only 200, got {dict(statuses)}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)
    if wrong:
        sys.exit("bench/api.py measured the wrong thing:\n" + "\n".join(wrong))


def _bad_id_number() -> str:
    """A well-formed resident ID whose check character is wrong: refused (422) before any write."""
    from core.codes import ID_CHECK, make_id_number

    good = make_id_number("430702", date(1990, 1, 1), 7)
    return good[:17] + next(c for c in ID_CHECK if c != good[17])


def _token(client: httpx.Client) -> str:
    login = client.post("/api/auth/login", json={"username": "430702-admin", "password": PASSWORD})
    csrf = login.json()["csrf_token"]
    created = client.post("/api/me/tokens", json={"name": "bench"}, headers={"X-CSRF-Token": csrf})
    client.cookies.clear()
    return created.json()["token"]


if __name__ == "__main__":
    main()
