"""Indicators and profiles on the demo (issue 15): how long one district's indicators take at a
date, per indicator and in all; the district dashboard's eight quarters of history (what its page
computes), before and after the seven closed quarters are submitted (季度报送: frozen figures are
read, not recomputed); the city view (both districts); and a community's profile with every section.

It loads the demo into a throwaway data folder (and the DATABASE_URL database when set: use a
throwaway one) and times in-process, sequentially, p50/p95/p99 in ms.

    python bench/indicators.py [--calls 50]
    bash -c '. deploy/pg-throwaway.sh; pg_start sanshe_bench_ind; python bench/indicators.py'
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
from datetime import date

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from _search_measure import summary  # noqa: E402

PASSWORD = "bench-password-1"
DISTRICT, CITY = "430702", "430700"


def timed(call, calls: int) -> list[float]:
    async def go():
        out = []
        for i in range(calls + 3):
            begun = time.perf_counter()
            await call(i)
            if i >= 3:  # warm-up
                out.append((time.perf_counter() - begun) * 1000)
        return out

    return asyncio.run(go())


def line(name: str, values: list[float]) -> None:
    got = summary(values)
    print(f"{name:34} p50/p95/p99 ms {got['p50']:7.2f} / {got['p95']:7.2f} / {got['p99']:7.2f}")


def measure(calls: int, engine: str) -> None:
    from core.auth import anonymous
    from core.context import build_context
    from core.indicators import city_indicators, district_indicators
    from core.indicator_reports import closed_quarters, submit
    from core.indicators_history import district_history
    from core.profiles import profile
    from core.settings import load_settings
    from core.tables import Community

    ctx = build_context(load_settings())
    today = date.today()
    async def first_community():
        return await Community.select(Community.code).where(
            (Community.district_code == DISTRICT) & (Community.kind == "community")).order_by(Community.code).first()

    community = asyncio.run(first_community())["code"]
    print(f"engine={engine}: demo data, district {DISTRICT}, {len(ctx.contributions.indicators)} indicators")
    for name, indicator in ctx.contributions.indicators.items():
        line(f"  {name}", timed(lambda i, ind=indicator: ind.compute(ctx, DISTRICT, today), calls))
    line("district, all indicators", timed(lambda i: district_indicators(ctx, DISTRICT, today), calls))
    line("district history, 8 quarters", timed(lambda i: district_history(ctx, DISTRICT, today, 8), max(5, calls // 5)))

    async def submit_closed():
        for quarter in closed_quarters(today)[:7]:
            await submit(ctx, DISTRICT, "bench", quarter)

    asyncio.run(submit_closed())
    line("  … 7 of them submitted", timed(lambda i: district_history(ctx, DISTRICT, today, 8), max(5, calls // 5)))
    line("city, 2 districts", timed(lambda i: city_indicators(ctx, CITY, today), calls))
    line("community profile (public)", timed(
        lambda i: profile(ctx, DISTRICT, "community", community, anonymous(ctx)), calls))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="sanshe-bench-indicators-")
    env = {**os.environ, "SANSHE_DATA_DIR": data_dir, "SANSHE_DEMO_PASSWORD": PASSWORD, "SANSHE_ARGON2_FAST": "1",
           "SANSHE_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789", "PYTHONPATH": str(ROOT)}
    os.environ.update(env)
    engine = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    try:
        subprocess.run([sys.executable, "-m", "core.cli", "demo", "--no-serve"], env=env, check=True,
                       capture_output=True, cwd=ROOT)
        measure(args.calls, engine)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
