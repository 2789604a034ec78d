"""Government purchase of services at scale (issue 13, "Speed"): a real `sanshe serve` on
127.0.0.1 over the demo plus N generated purchase projects in 430702 (default 10,000; every stage
path, about six releases each, with bids, awards, contracts, milestones, payments and
evaluations: bench/_procurement_data.py, written in bulk), one client process.

Measured at 1,000 projects and again at N (a fresh server for each size):
- the whole OCDS release package, `GET /opendata/ocds/releases?limit=1000` followed through
  `links.next`: seconds, releases, bytes, and the server's resident memory (VmRSS of the worker
  sampled every 10 ms from /proc; its growth over the warmed-up server is what the package costs —
  constant memory means the growth does not follow the size);
- the record package likewise;
- the eligibility dry run `GET …/procurement/projects/{id}/eligibility?organization_id=` (the
  check a bid runs, without writing the refusal) as the district admin, p50/p95/p99;
- the dashboard `GET /api/districts/430702/procurement/dashboard`, p50/p95/p99 (reported as not
  available while it answers 404).
A package that does not hold every generated release, or an answer that is not the status its
case expects, fails the run. The data folder is removed (`--keep` keeps it).

    python bench/procurement.py [--projects 10000] [--calls 300] [--json out.json]
    python bench/procurement.py --quick                      # 200 projects, one size, 50 calls
    DATABASE_URL=postgresql://… python bench/procurement.py  # PostgreSQL (a throwaway database)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from _search_measure import free_port, start_server, stop_server, summary  # noqa: E402

PASSWORD = "bench-password-1"
DISTRICT = "430702"
PROJECTS = f"/api/districts/{DISTRICT}/procurement/projects"
DASHBOARD = f"/api/districts/{DISTRICT}/procurement/dashboard"
FIRST_STEP = 1000
START = datetime(2021, 3, 1, 1, 30, tzinfo=timezone.utc)  # a district some years into purchasing


class RssSampler(threading.Thread):
    """The peak VmRSS (MB) of a process while running, sampled every 10 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.01)

    def stop(self) -> float:
        self.running = False
        self.join()
        return max(self.peak, rss_mb(self.pid))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_ms(pid: int) -> float:
    """CPU time (user + system) the process has used, in ms: on a busy machine, what a request
    costs the server, apart from the time it waits for a core."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def generate(first: int, count: int) -> float:
    """Generate projects `first`…`first + count - 1` (3 hours apart from 2021); seconds taken."""
    import _procurement_data as generated

    begun = time.perf_counter()
    asyncio.run(generated.generate(DISTRICT, count, first=first, paths=generated.MATURE_PATHS, start=START,
                                   spacing=timedelta(hours=3), delivery=True))
    return time.perf_counter() - begun


def published() -> dict[str, int]:
    """What the packages must hold: every project with an ocid, its stage changes, accepted
    milestones and payments, plus the rows behind them (for the report)."""
    from plugins.procurement.delivery_tables import Contract, DeliveryMilestone, Payment
    from plugins.procurement.tables import Award, Bid, PurchaseProject, StageChange

    async def count() -> dict[str, int]:
        projects = await PurchaseProject.count().where(PurchaseProject.ocid.is_not_null())
        changes = await StageChange.count().where(StageChange.project.ocid.is_not_null())
        rows = {t._meta.tablename.removeprefix("procurement_"): await t.count()
                for t in (Bid, Award, Contract, DeliveryMilestone, Payment)}
        # implementationUpdate releases: one per accepted milestone and per payment
        accepted = await DeliveryMilestone.count().where((DeliveryMilestone.state == "accepted")
                                                         & DeliveryMilestone.decided_at.is_not_null())
        return {"projects": projects, "releases": projects + changes + accepted + rows["payment"], **rows}

    return asyncio.run(count())


def walk(client: httpx.Client, path: str, key: str, pid: int) -> dict[str, float]:
    """Every page of a package through links.next: seconds, items, bytes, pages, peak RSS."""
    sampler = RssSampler(pid)
    before = rss_mb(pid)
    sampler.start()
    url, items, size, pages, ids = f"{path}?limit=1000", 0, 0, 0, set()
    begun = time.perf_counter()
    while url:
        answer = client.get(url)
        if answer.status_code != 200:
            sampler.stop()
            sys.exit(f"bench/procurement.py: {url} answered {answer.status_code}: {answer.text[:300]}")
        page = answer.json()
        size, pages = size + len(answer.content), pages + 1
        items += len(page[key])
        ids.update(item.get("id", item["ocid"]) for item in page[key])
        following = page.get("links", {}).get("next")
        url = f"{urlsplit(following).path}?{urlsplit(following).query}" if following else None
    seconds = time.perf_counter() - begun
    peak = sampler.stop()
    return {"seconds": round(seconds, 2), "items": items, "distinct": len(ids), "mb": round(size / 1e6, 1),
            "pages": pages, "rss_before_mb": round(before, 1), "rss_peak_mb": round(peak, 1),
            "rss_growth_mb": round(peak - before, 1)}


def latencies(client: httpx.Client, requests: list[tuple[str, dict]], calls: int, pid: int
              ) -> tuple[dict, dict[int, int]]:
    """Time `calls` GETs cycling over `requests` (after one warm-up pass): p50/p95/p99 ms, the
    server's mean CPU ms per call, and the statuses."""
    statuses: dict[int, int] = {}
    for path, params in requests:
        client.get(path, params=params)
    timings, cpu = [], cpu_ms(pid)
    for i in range(calls):
        path, params = requests[i % len(requests)]
        begun = time.perf_counter()
        status = client.get(path, params=params).status_code
        timings.append((time.perf_counter() - begun) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
    return {**summary(timings), "server_cpu_ms": round((cpu_ms(pid) - cpu) / calls, 2), "calls": calls}, statuses


def eligibility_cases() -> list[tuple[str, dict]]:
    """Projects in tender × the district's organisations (eligible and not)."""
    from core.tables import Organization
    from plugins.procurement.tables import PurchaseProject

    async def read():
        projects = await PurchaseProject.select(PurchaseProject.id).where(
            (PurchaseProject.district_code == DISTRICT) & (PurchaseProject.stage == "tender")).limit(20)
        orgs = await Organization.select(Organization.id).where(Organization.district_code == DISTRICT).limit(30)
        return [p["id"] for p in projects], [o["id"] for o in orgs]

    projects, orgs = asyncio.run(read())
    return [(f"{PROJECTS}/{projects[i % len(projects)]}/eligibility", {"organization_id": orgs[(i * 7) % len(orgs)]})
            for i in range(len(projects) * 3)]


def token(base: str) -> str:
    with httpx.Client(base_url=base, timeout=30) as client:
        login = client.post("/api/auth/login", json={"username": f"{DISTRICT}-admin", "password": PASSWORD})
        login.raise_for_status()
        made = client.post("/api/me/tokens", json={"name": "bench-procurement"},
                           headers={"X-CSRF-Token": login.json()["csrf_token"]})
        made.raise_for_status()
        return made.json()["token"]


def measure(env: dict[str, str], calls: int, expected: dict[str, int]) -> dict:
    """One served size: both packages, then eligibility and dashboard latencies."""
    port = free_port()
    server = start_server([sys.executable, "-m", "core.cli", "serve", "--port", str(port), "--no-access-log"],
                          port, "/healthz", env, ROOT)
    base, wrong, out = f"http://127.0.0.1:{port}", [], {"data": expected}
    try:
        with httpx.Client(base_url=base, timeout=300) as client:
            pid = client.get("/healthz").json().get("worker_pid", server.pid)
            for path in ("/opendata/ocds/releases", "/opendata/ocds/records"):
                client.get(path, params={"limit": 1})  # warm up: imports, schema, pools
            out["releases"] = walk(client, "/opendata/ocds/releases", "releases", pid)
            out["records"] = walk(client, "/opendata/ocds/records", "records", pid)
            for key, want in (("releases", expected["releases"]), ("records", expected["projects"])):
                if out[key]["items"] != want or out[key]["distinct"] != want:
                    wrong.append(f"{key}: {out[key]['items']} in the package ({out[key]['distinct']} distinct), "
                                 f"{want} published")
            client.headers["Authorization"] = f"Bearer {token(base)}"
            # What any authenticated call costs (token, principal, routing): the check's share is the rest.
            out["baseline"], statuses = latencies(client, [("/api/me", {})], calls, pid)
            if set(statuses) != {200}:
                wrong.append(f"baseline: expected only 200, got {statuses}")
            out["eligibility"], statuses = latencies(client, eligibility_cases(), calls, pid)
            if set(statuses) != {200}:
                wrong.append(f"eligibility: expected only 200, got {statuses}")
            probe = client.get(DASHBOARD).status_code
            if probe == 404:
                out["dashboard"] = None
            else:
                out["dashboard"], statuses = latencies(client, [(DASHBOARD, {})], calls, pid)
                if set(statuses) != {200}:
                    wrong.append(f"dashboard: expected only 200, got {statuses}")
    finally:
        stop_server(server)
    if wrong:
        sys.exit("bench/procurement.py measured the wrong thing:\n" + "\n".join(wrong))
    return out


def report(size: dict) -> None:
    data = size["data"]
    print(f"\n{data['projects']} projects, {data['releases']} releases; {data['bid']} bids, {data['award']} awards, "
          f"{data['contract']} contracts, {data['milestone']} milestones, {data['payment']} payments")
    print(f"{'package':10} {'items':>7} {'pages':>6} {'MB':>7} {'seconds':>8} {'items/s':>8} "
          f"{'RSS before':>11} {'RSS peak':>9} {'growth':>7}")
    for key in ("releases", "records"):
        w = size[key]
        print(f"{key:10} {w['items']:7} {w['pages']:6} {w['mb']:7.1f} {w['seconds']:8.2f} "
              f"{w['items'] / w['seconds']:8.0f} {w['rss_before_mb']:9.1f}MB {w['rss_peak_mb']:7.1f}MB "
              f"{w['rss_growth_mb']:5.1f}MB")
    for key in ("baseline", "eligibility", "dashboard"):
        got = size[key]
        if got is None:
            print(f"{key}: not available (404)")
        else:
            print(f"{key}: p50 {got['p50']:.2f} ms, p95 {got['p95']:.2f} ms, p99 {got['p99']:.2f} ms, server CPU "
                  f"{got['server_cpu_ms']:.2f} ms a call ({got['calls']} calls)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=300, help="requests per latency case (at least 200 for figures)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 200 projects, one size, 50 calls")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()
    if args.quick:
        args.projects, args.calls = 200, 50
    data_dir = tempfile.mkdtemp(prefix="sanshe-bench-procurement-")
    env = {**os.environ, "SANSHE_DATA_DIR": data_dir, "SANSHE_DEMO_PASSWORD": PASSWORD,
           "SANSHE_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789", "PYTHONPATH": str(ROOT)}
    os.environ.update(env)
    engine = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    result: dict = {"engine": engine, "projects": args.projects, "sizes": []}
    try:
        begun = time.perf_counter()
        subprocess.run([sys.executable, "-m", "core.cli", "demo", "--no-serve"], env=env, check=True,
                       capture_output=True, cwd=ROOT)
        print(f"engine={engine}: demo loaded in {time.perf_counter() - begun:.0f} s (1 uvicorn worker, 1 client)")
        from core.context import build_context
        from core.settings import load_settings

        build_context(load_settings())
        done = 0
        for target in sorted({min(FIRST_STEP, args.projects), args.projects}):
            seconds = generate(done, target - done)
            print(f"generated {target - done} projects in {seconds:.1f} s ({(target - done) / seconds:.0f}/s)")
            done = target
            size = measure(env, args.calls, published())
            size["generated"] = done
            report(size)
            result["sizes"].append(size)
    finally:
        if args.keep:
            print(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    if len(result["sizes"]) == 2:
        small, large = (s["releases"]["rss_growth_mb"] for s in result["sizes"])
        result["release_rss_growth_ratio"] = round(large / small, 2) if small > 0 else None
        print(f"\nrelease package RSS growth at {args.projects} ÷ at {FIRST_STEP}: "
              f"{large:.1f} MB ÷ {small:.1f} MB (releases ×"
              f"{result['sizes'][1]['releases']['items'] / result['sizes'][0]['releases']['items']:.1f})")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
