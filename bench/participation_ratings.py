"""Rating roll-ups at scale (issue 14, "Speed and load": p50 ≤ 20 ms over 100,000 ratings).

It loads the demo into a throwaway data folder (and the DATABASE_URL database when set: use a
throwaway one), writes N synthetic ratings in 430702 (default 100,000, in bulk) spread over 1,000
services, 200 organisations and 500 workers, then times in-process, sequentially:
- the public roll-up `ratings.summary` by service_ref, by organization_id and by worker_person_id
  (one aggregate over an indexed column, with the small-sample guard);
- the `rating_averages` hook (`averages_for_refs`) for 20 service refs (one GROUP BY);
- the supervision rule's scan of every service (GROUP BY over the district).
p50/p95/p99 in ms per case; a p50 above the target is reported as such.

    python bench/participation_ratings.py [--ratings 100000] [--calls 300]
    bash -c '. deploy/pg-throwaway.sh; pg_start sanshe_bench_ratings; python bench/participation_ratings.py'
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from _search_measure import summary  # noqa: E402

PASSWORD = "bench-password-1"
DISTRICT = "430702"
TARGET_MS = 20.0


async def _generate(count: int) -> None:
    from core import db
    from plugins.participation.tables import Rating

    rng = random.Random(14)
    batch = []
    for i in range(count):
        scores = [rng.randint(2, 5) for _ in range(4)]
        batch.append(Rating(district_code=DISTRICT, subject=f"bench:{i}", user_id=1_000_000 + i,
                            field="社区养老", service_ref=f"bench:service:{i % 1000}",
                            organization_id=10_000 + i % 200, worker_person_id=20_000 + i % 500,
                            professional=scores[0], timeliness=scores[1], attitude=scores[2], effect=scores[3],
                            score=sum(scores) / 4, comment="", careful=False))
        if len(batch) == 1000:
            async with db.write_transaction():
                await Rating.insert(*batch)
            batch = []
    if batch:
        async with db.write_transaction():
            await Rating.insert(*batch)


def timed(call, calls: int) -> list[float]:
    async def go():
        out = []
        for i in range(calls + 5):
            begun = time.perf_counter()
            await call(i)
            if i >= 5:  # warm-up
                out.append((time.perf_counter() - begun) * 1000)
        return out

    return asyncio.run(go())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ratings", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="sanshe-bench-ratings-")
    env = {**os.environ, "SANSHE_DATA_DIR": data_dir, "SANSHE_DEMO_PASSWORD": PASSWORD, "SANSHE_ARGON2_FAST": "1",
           "SANSHE_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789", "PYTHONPATH": str(ROOT)}
    os.environ.update(env)
    engine = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    try:
        subprocess.run([sys.executable, "-m", "core.cli", "demo", "--no-serve"], env=env, check=True,
                       capture_output=True, cwd=ROOT)
        measure(args, engine)
    finally:
        if args.keep:
            print(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def measure(args, engine: str) -> None:
    from core.context import build_context
    from core.modules import module_settings
    from core.settings import load_settings
    from plugins.participation import ratings

    ctx = build_context(load_settings())
    begun = time.perf_counter()
    asyncio.run(_generate(args.ratings))
    print(f"engine={engine}: {args.ratings} ratings written in {time.perf_counter() - begun:.1f} s")
    settings = asyncio.run(module_settings(ctx, DISTRICT, "participation"))

    async def scan(_):
        return [f async for f in ratings.low_ratings(DISTRICT, date.today(), settings)]

    cases = {
        "summary by service": lambda i: ratings.summary(ctx, DISTRICT, service_ref=f"bench:service:{i % 1000}"),
        "summary by organisation": lambda i: ratings.summary(ctx, DISTRICT, organization_id=10_000 + i % 200),
        "summary by worker": lambda i: ratings.summary(ctx, DISTRICT, worker_person_id=20_000 + i % 500),
        "hook, 20 refs": lambda i: ratings.averages_for_refs(
            ctx, DISTRICT, [f"bench:service:{(i * 20 + k) % 1000}" for k in range(20)]),
    }
    for name, call in cases.items():
        got = summary(timed(call, args.calls))
        verdict = "ok" if got["p50"] <= TARGET_MS else f"ABOVE the {TARGET_MS:g} ms target"
        print(f"{name:26} p50/p95/p99 ms {got['p50']:.2f} / {got['p95']:.2f} / {got['p99']:.2f}  {verdict}")
    got = summary(timed(scan, 20))
    print(f"{'supervision rule scan':26} p50/p95/p99 ms {got['p50']:.2f} / {got['p95']:.2f} / {got['p99']:.2f}")


if __name__ == "__main__":
    main()
