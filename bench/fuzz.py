"""Schemathesis with a large budget against a real `sanshe serve` (the bounded run is
tests/test_fuzz.py; both use tests/fuzz_support.py): the demo city in a throwaway data folder (and,
with DATABASE_URL, a throwaway database on that PostgreSQL server), fuzzed anonymously and then as a
district admin. Prints, per identity: operations, test cases, requests answered (from the server's
access log) by status class, failures by kind, 5xx answers and server tracebacks. Exits 1 when any
identity has a failure, an error, a 5xx or a traceback.

    python bench/fuzz.py                        # 50 examples per operation, both identities, SQLite
    python bench/fuzz.py --examples 100 --seed 1
    python bench/fuzz.py --cap 600 --identities district_admin
    DATABASE_URL=postgresql://… python bench/fuzz.py
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzz_support import FuzzResult, fuzz, served

IDENTITIES = ("anonymous", "district_admin")


def table(results: list[FuzzResult]) -> str:
    head = ("identity", "operations", "test cases", "requests", "2xx", "4xx", "5xx", "tracebacks", "failures",
            "seconds")
    rows = [head]
    for r in results:
        by = {c: sum(n for s, n in r.answers.items() if s // 100 == c) for c in (2, 4, 5)}
        kinds = "; ".join(f"{f['code']} {f['title']} ×{f['count']}" for f in r.failures) or "0"
        rows.append((r.identity, f"{r.operations['tested']}/{r.operations['selected']}", str(r.test_cases),
                     str(r.requests), str(by[2]), str(by[4]), str(r.server_errors), str(r.tracebacks), kinds,
                     f"{r.seconds:.0f}{' (capped)' if r.capped else ''}"))
    return "\n".join("| " + " | ".join(row) + " |" + ("\n|" + "---|" * len(head) if i == 0 else "")
                     for i, row in enumerate(rows))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=50, help="examples per operation (fuzzing phase)")
    parser.add_argument("--cap", type=float, default=None, help="stop each identity's run after this many seconds")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2, help="schemathesis workers (concurrent requests)")
    parser.add_argument("--identities", nargs="+", choices=IDENTITIES, default=list(IDENTITIES))
    parser.add_argument("--keep", action="store_true", help="keep the data folder (server log, reports)")
    args = parser.parse_args()
    started = time.monotonic()
    results = []
    with served(os.environ.get("DATABASE_URL"), keep=args.keep) as app:
        print(f"served {app.url} on {app.database} in {time.monotonic() - started:.0f} s; data in {app.data_dir}",
              flush=True)
        for identity in args.identities:
            result = fuzz(app, identity, max_examples=args.examples, cap_seconds=args.cap, seed=args.seed,
                          workers=args.workers)
            print(result.summary(), flush=True)
            for failure in result.failures:
                print(f"  {failure['code']} {failure['title']} ×{failure['count']}: {', '.join(failure['operations'])}")
            if result.failures or result.errors:
                start = result.output.find("FAILURES")
                print(result.output[start if start >= 0 else -5000:][:30000])
            results.append(result)
    print(f"\nschemathesis, {args.examples} examples per operation, {app.database}, "
          f"{time.monotonic() - started:.0f} s in all\n")
    print(table(results))
    bad = any(r.failures or r.errors or r.server_errors or r.tracebacks for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
