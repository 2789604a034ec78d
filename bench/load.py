"""Mixed load against a real `sanshe serve` on 127.0.0.1, with 1 and then N workers.

Loads the demo into a throwaway data folder (PostgreSQL when DATABASE_URL is set — the demo is
loaded into that database, so point it at a throwaway one — else SQLite in the folder), then
for each worker count serves the app, and for a fixed time drives a closed loop of virtual
users (asyncio + httpx, one process; each user keeps a connection for --reconnect-every
requests, then opens a new one, so connections spread over the workers):

    search    GET /api/search/services?q=<2-char word>[&district=…]   public
    detail    GET /api/search/services/{id}                            public
    registry  GET persons / organizations / communities pages          district admin's bearer token
    write     POST a draft service, then DELETE it (both counted)      district admin's bearer token
    login     POST /api/auth/login, one every --login-every seconds    argon2 at full cost, by design

and prints per class: requests, req/s, p50 and p99 in ms, and answers that are not the
expected status (by status; "conn" for transport errors). Any such answer fails the run (exit
1): a benchmark that counts errors as speed is worse than none. The data folder is removed.

    python bench/load.py [--duration 30] [--workers 1,4] [--users 16]
    DATABASE_URL=postgresql://… python bench/load.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-1"
DISTRICTS = ("430702", "430703")
ADMIN = "430702-admin"
WORDS = ("养老", "心理", "就业", "儿童", "社区", "助餐", "康复", "志愿", "法律", "青少年", "残疾人", "家庭")
WEIGHTS = {"search": 45, "detail": 25, "registry": 20, "write": 10}
EXPECTED = {"search": {200}, "detail": {200}, "registry": {200}, "write": {201, 204}, "login": {200}}
CLASSES = ("search", "detail", "registry", "write", "login")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Tally:
    """Latencies and unexpected answers per class."""

    def __init__(self) -> None:
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, Counter] = defaultdict(Counter)

    async def timed(self, cls: str, client: httpx.AsyncClient, method: str, url: str,
                    **request) -> httpx.Response | None:
        start = time.perf_counter()
        try:
            answer = await client.request(method, url, **request)
        except httpx.HTTPError as exc:
            self.errors[cls][f"conn:{type(exc).__name__}"] += 1
            return None
        self.ms[cls].append((time.perf_counter() - start) * 1000)
        if answer.status_code not in EXPECTED[cls]:
            self.errors[cls][answer.status_code] += 1
        return answer


class Fixture:
    """What the users need: ids to read, a token, an organisation to write services for."""

    def __init__(self, base: str) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            login = client.post("/api/auth/login", json={"username": ADMIN, "password": PASSWORD})
            login.raise_for_status()
            token = client.post("/api/me/tokens", json={"name": "bench-load", "expires_in_days": 1},
                                headers={"X-CSRF-Token": login.json()["csrf_token"]})
            token.raise_for_status()
            self.auth = {"Authorization": f"Bearer {token.json()['token']}"}
            client.cookies.clear()
            pages = [client.get("/api/search/services", params={"per_page": 50, "page": page}).json()
                     for page in (1, 2)]
            self.service_ids = [hit["id"] for found in pages for hit in found["hits"]]
            self.services = pages[0]["total"]
            orgs = client.get(f"/api/districts/{DISTRICTS[0]}/organizations", params={"per_page": 1}).json()
            self.org_id, self.organisations = orgs["items"][0]["id"], orgs["total"]
            persons = client.get(f"/api/districts/{DISTRICTS[0]}/persons", params={"per_page": 1}, headers=self.auth)
            self.persons = persons.json()["total"]
        if not self.service_ids:
            sys.exit("bench/load.py: the demo catalogue has no published service to read")

    def describe(self) -> str:
        return (f"{self.services} published services, {self.organisations} organisations and "
                f"{self.persons} persons in {DISTRICTS[0]} (demo data)")


async def user(base: str, fx: Fixture, tally: Tally, stop: float, pids: Counter, seed: int, reconnect: int) -> None:
    """One virtual user: requests back to back, on a new connection every `reconnect` requests
    (a burst of connections at start-up would otherwise land mostly on the first worker to wake)."""
    rng = random.Random(seed)
    await asyncio.sleep(rng.random())  # users arrive over a second, not all at once
    while time.perf_counter() < stop:
        async with httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_connections=1)) as client:
            pids[(await client.get("/healthz")).json()["worker_pid"]] += 1  # the worker that took this connection
            for _ in range(reconnect):
                if time.perf_counter() >= stop:
                    break
                await one_request(client, fx, tally, rng, seed)


async def one_request(client: httpx.AsyncClient, fx: Fixture, tally: Tally, rng: random.Random, seed: int) -> None:
    cls = rng.choices(list(WEIGHTS), list(WEIGHTS.values()))[0]
    if cls == "search":
        params = {"q": rng.choice(WORDS)}
        if rng.random() < 0.3:
            params["district"] = rng.choice(DISTRICTS)
        await tally.timed(cls, client, "GET", "/api/search/services", params=params)
    elif cls == "detail":
        await tally.timed(cls, client, "GET", f"/api/search/services/{rng.choice(fx.service_ids)}")
    elif cls == "registry":
        kind = rng.choice(("persons", "organizations", "communities"))
        await tally.timed(cls, client, "GET", f"/api/districts/{DISTRICTS[0]}/{kind}",
                          params={"page": rng.randint(1, 3)}, headers=fx.auth)
    else:
        body = {"organization_id": fx.org_id, "name": f"压测草稿服务{seed}", "field": "社区养老"}
        url = f"/api/districts/{DISTRICTS[0]}/catalogue/services"
        created = await tally.timed(cls, client, "POST", url, json=body, headers=fx.auth)
        if created is not None and created.status_code == 201:
            await tally.timed(cls, client, "DELETE", f"{url}/{created.json()['id']}", headers=fx.auth)


async def logins(base: str, tally: Tally, stop: float, every: float) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            await tally.timed("login", client, "POST", "/api/auth/login",
                              json={"username": ADMIN, "password": PASSWORD})
            client.cookies.clear()
            await asyncio.sleep(max(0.0, every - (time.perf_counter() - started)))


async def drive(base: str, fx: Fixture, users: int, duration: float, login_every: float,
                reconnect: int) -> tuple[Tally, Counter, float]:
    tally, pids = Tally(), Counter()
    stop = time.perf_counter() + duration
    cpu = time.process_time()
    await asyncio.gather(*(user(base, fx, tally, stop, pids, seed, reconnect) for seed in range(users)),
                         logins(base, tally, stop, login_every))
    return tally, pids, (time.process_time() - cpu) / duration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env: dict, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "core.cli", "serve", "--port", str(port), "--workers",
                               str(workers), "--no-access-log"], env=env, cwd=ROOT, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"sanshe serve exited: {server.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                time.sleep(2 if workers > 1 else 0)  # let every worker finish its start-up
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop(server)
    sys.exit("sanshe serve did not answer within 120 s")


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def table(workers: int, tally: Tally, duration: float) -> list[str]:
    rows = []
    for cls in CLASSES:
        ms, errors = tally.ms[cls], tally.errors[cls]
        shown = ", ".join(f"{status}: {n}" for status, n in sorted(errors.items(), key=str)) or "0"
        rows.append(f"| {workers} | {cls} | {len(ms)} | {len(ms) / duration:.1f} | {percentile(ms, 50):.1f} | "
                    f"{percentile(ms, 99):.1f} | {shown} |")
    total = sum(len(v) for v in tally.ms.values())
    wrong = sum(sum(c.values()) for c in tally.errors.values())
    rows.append(f"| {workers} | **all** | {total} | {total / duration:.1f} | | | {wrong or 0} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30, help="seconds of load per worker count")
    parser.add_argument("--workers", default="1,4", help="worker counts to run, comma-separated")
    parser.add_argument("--users", type=int, default=16, help="concurrent virtual users (connections)")
    parser.add_argument("--login-every", type=float, default=0.5, help="seconds between logins (one client)")
    parser.add_argument("--reconnect-every", type=int, default=20, help="requests per connection")
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    data_dir = tempfile.mkdtemp(prefix="sanshe-load-")
    env = {**os.environ, "SANSHE_DATA_DIR": data_dir, "SANSHE_DEMO_PASSWORD": PASSWORD,
           "SANSHE_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
           "SANSHE_SUPERVISION_SCHEDULER": "0"}
    for name in ("SANSHE_ARGON2_FAST", "SANSHE_DB_POOL", "SANSHE_SEARCH_CACHE_SECONDS", "SANSHE_EXTRA_PLUGINS"):
        env.pop(name, None)  # production settings: full argon2, a pool, the 5 s search cache
    engine = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    rows, failed = [], False
    try:
        subprocess.run([sys.executable, "-m", "core.cli", "demo", "--no-serve"], env=env, check=True,
                       capture_output=True, cwd=ROOT)
        described = None
        for workers in counts:
            server, base = serve(env, workers)
            try:
                fx = Fixture(base)
                described = described or fx.describe()
                load = os.getloadavg()[0]
                tally, pids, generator_cpu = asyncio.run(drive(base, fx, args.users, args.duration, args.login_every,
                                                               args.reconnect_every))
            finally:
                stop(server)
            spread = ", ".join(str(n) for n in sorted(pids.values(), reverse=True))
            print(f"workers={workers}: connections per worker {spread}; load generator used "
                  f"{generator_cpu:.0%} of one core; machine load average before the run {load:.1f}", flush=True)
            rows += table(workers, tally, args.duration)
            failed = failed or any(tally.errors.values())
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    stamp = datetime.now(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M 北京时间")
    print(f"\nengine={engine}; {described}; {args.users} users + 1 login client, {args.duration:g} s per "
          f"worker count; {os.cpu_count()} cores shared by server and generator; {stamp}\n")
    print("| workers | class | requests | req/s | p50 ms | p99 ms | unexpected answers |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    if failed:
        sys.exit("bench/load.py: some answers were not the expected status (see the last column)")


if __name__ == "__main__":
    main()
