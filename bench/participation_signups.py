"""Concurrent sign-ups (issue 14, "Speed and load"): N residents (default 200) race for an
activity with P places (default 50), each sign-up in its own thread with its own event loop
calling the sign-up service (one write transaction: the activity row locked, a conditional
UPDATE … WHERE signed_up < capacity, else the waiting list), T threads at a time.

It loads the demo into a throwaway data folder (and the DATABASE_URL database when set: use a
throwaway one), creates the residents, runs the race and checks that exactly P are signed up and
N − P waiting, that the activity's counters equal the rows and that nobody holds two rows.
Reported: wall seconds, sign-ups per second, per-sign-up latency p50/p95/p99.

    python bench/participation_signups.py [--residents 200] [--places 50] [--threads 32]
    bash -c '. deploy/pg-throwaway.sh; pg_start sanshe_bench_signups; python bench/participation_signups.py'
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from _search_measure import summary  # noqa: E402

PASSWORD = "bench-password-1"
DISTRICT = "430702"


def run(awaitable):
    async def wait():
        return await awaitable

    return asyncio.run(wait())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--places", type=int, default=50)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="sanshe-bench-signups-")
    env = {**os.environ, "SANSHE_DATA_DIR": data_dir, "SANSHE_DEMO_PASSWORD": PASSWORD, "SANSHE_ARGON2_FAST": "1",
           "SANSHE_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789", "PYTHONPATH": str(ROOT)}
    os.environ.update(env)
    engine = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    try:
        begun = time.perf_counter()
        subprocess.run([sys.executable, "-m", "core.cli", "demo", "--no-serve"], env=env, check=True,
                       capture_output=True, cwd=ROOT)
        print(f"engine={engine}: demo loaded in {time.perf_counter() - begun:.0f} s")
        race(args)
    finally:
        if args.keep:
            print(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def race(args) -> None:
    from core.auth import principal_for_user
    from core.context import build_context
    from core.identity import ensure_user
    from core.settings import load_settings
    from core.tables import User
    from plugins.participation import activities_signups
    from plugins.participation.tables import Activity, Signup

    ctx = build_context(load_settings())
    names = [f"{DISTRICT}-bench{n:04d}" for n in range(args.residents)]
    for name in names:
        run(ensure_user(name, PASSWORD, [{"role": "resident", "district_code": DISTRICT}], fast_hash=True))
    principals = [run(principal_for_user(ctx, u)) for u in run(User.select().where(User.username.is_in(names)))]
    start = datetime.now(timezone.utc) + timedelta(days=1)
    activity_id = run(Activity.insert(Activity(
        district_code=DISTRICT, field="社区养老", title="压测活动", place="活动室", starts_at=start,
        ends_at=start + timedelta(hours=2), capacity=args.places, announced_by="bench")).returning(Activity.id))[0]["id"]

    def one(principal):
        begun = time.perf_counter()
        state = asyncio.run(activities_signups.sign_up(DISTRICT, activity_id, principal))["state"]
        return state, (time.perf_counter() - begun) * 1000

    begun = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        answers = list(pool.map(one, principals))
    wall = time.perf_counter() - begun
    states = [s for s, _ in answers]
    rows = run(Signup.select(Signup.state, Signup.user_id).where(Signup.activity == activity_id))
    counters = run(Activity.select(Activity.signed_up, Activity.waiting).where(Activity.id == activity_id).first())
    signed = sum(r["state"] == "signed_up" for r in rows)
    waiting = sum(r["state"] == "waiting" for r in rows)
    ok = (states.count("signed_up") == signed == counters["signed_up"] == args.places
          and states.count("waiting") == waiting == counters["waiting"] == args.residents - args.places
          and len({r["user_id"] for r in rows}) == len(rows) == args.residents)
    print(f"{args.residents} residents, {args.places} places, {args.threads} threads: "
          f"signed_up={signed} waiting={waiting} counters={counters} -> {'OK' if ok else 'WRONG'}")
    print(f"wall {wall:.2f} s, {args.residents / wall:.0f} sign-ups/s, latency ms {summary([t for _, t in answers])}")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
