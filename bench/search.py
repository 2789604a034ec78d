"""Service search benchmark: the embedded (tantivy) backend in-process and through
a real `sanshe serve`, against Datasette (SQLite FTS5, default tokenizer) on the
same corpus and queries, with recall measured against an exact substring scan.

    python bench/search.py --services 10000 [--json out.json] [--keep]
    python bench/search.py --services 100000 --million     # also 1,000,000: build, size, p50/p99

One run: throwaway data dir → `sanshe demo --no-serve` → N synthetic published
services (demo TEMPLATES with varied places, streets, numbers and extra
phrases, both districts, all fields) → `reindex` timed (and the raw backend
upsert) → backend latency per query class → recall/precision per query →
`sanshe serve` on 127.0.0.1: sequential latency, then 50-connection throughput
(wrk, else asyncio+httpx) → the same for `datasette serve` → one table.
Needs the `bench` extra (datasette, sqlite-utils). Never part of the test suite.
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
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from _search_corpus import SubstringScan, build_datasette_db, insert_services, load_corpus  # noqa: E402
from _search_measure import (dir_size, free_port, http_timings, load_run, percentile, start_server,  # noqa: E402
                             stop_server, summary, timed)

PER_PAGE = 20
SAMPLE = 1000  # ids fetched per query to check precision (all ids when there are no more)
FACETS = ("field", "district", "targets", "fee")  # what the public API always counts


@dataclass(frozen=True)
class Case:
    """One benchmark query: words, optional district and field filters, facets."""
    q: str
    district: str | None = None
    field: str | None = None
    facets: bool = False

    def filters(self) -> dict[str, str]:
        return {k: v for k, v in (("district", self.district), ("field", self.field)) if v}

    def search_query(self, per_page: int = PER_PAGE):
        from search_index import SearchQuery
        return SearchQuery(q=self.q, filters={k: [v] for k, v in self.filters().items()},
                           facets=FACETS if self.facets else (), per_page=per_page)

    def sanshe_path(self) -> str:
        """The public API (it always counts the four facets)."""
        return "/api/search/services?" + urlencode({"q": self.q, **self.filters(), "per_page": PER_PAGE})

    def datasette_path(self, size: int = PER_PAGE) -> str:
        params = [("_search", self.q), ("_size", size), ("_shape", "objects"), *self.filters().items()]
        if self.facets:
            params += [("_facet", "field"), ("_facet", "district"), ("_facet", "fee"), ("_facet_array", "targets")]
        return "/corpus/services.json?" + urlencode(params)


CLASSES: dict[str, list[Case]] = {
    "2-char": [Case(q) for q in ("养老", "心理", "就业", "康复", "家庭", "儿童", "社区", "培训", "法律", "助餐")],
    "4-char": [Case(q) for q in ("日间照料", "心理咨询", "技能培训", "居家养老", "康复训练", "法律援助", "临时救助",
                                  "亲子沟通", "健康讲座", "作业辅导")],
    "multi-word": [Case(q) for q in ("社区 心理咨询", "老年人 上门", "残疾人 就业", "儿童 陪伴", "家庭 调解",
                                      "志愿者 培训")],
    "filtered": [Case("养老", "430702", "社区养老"), Case("心理", "430703", "青少年心理"),
                 Case("就业", "430702", "就业创业"), Case("康复", "430703", "残障康复"),
                 Case("家庭", "430702", "婚姻家庭"), Case("培训", "430703", "就业创业")],
    "faceted": [Case(q, facets=True) for q in ("养老", "心理咨询", "服务", "儿童 陪伴", "家庭", "社区")],
}
ALL = [case for cases in CLASSES.values() for case in cases]


def recall_row(case: Case, truth: set[int], total: int, ids: set[int]) -> dict[str, Any]:
    """Recall and precision of one answer against the scan. `ids` holds the first SAMPLE hits;
    when that is all of them recall is exact, else true hits are estimated as total × precision."""
    precision = len(ids & truth) / len(ids) if ids else 1.0
    true_hits = len(ids & truth) if total <= len(ids) else total * precision
    return {"q": case.q, "filters": case.filters(), "truth": len(truth), "total": total,
            "precision": round(precision, 4), "true_hits": min(true_hits, len(truth)),
            "recall": round(min(true_hits, len(truth)) / len(truth), 4) if truth else 1.0}


def class_recall(rows: list[dict[str, Any]]) -> float:
    truth = sum(r["truth"] for r in rows)
    return round(sum(r["true_hits"] for r in rows) / truth, 4) if truth else 1.0


async def build_index(ctx, backend) -> dict[str, Any]:
    """Raw backend upsert of all documents (fetched first), then `reindex` from the database."""
    from plugins.catalogue.search import SPEC, documents
    from core.indexer import reindex

    backend.ensure_index(SPEC)
    started = time.perf_counter()
    docs = [doc async for doc in documents(None)]
    fetch_s = time.perf_counter() - started
    backend.clear(SPEC.name)
    started = time.perf_counter()
    backend.upsert(SPEC.name, docs)
    upsert_s = time.perf_counter() - started
    # Only the services index: other plugins' indexes would be rebuilt (and timed) too.
    only = replace(ctx.contributions, search_documents=[
        s for s in ctx.contributions.search_documents if s.index == SPEC.name])
    started = time.perf_counter()
    counts = await reindex(only, backend)
    reindex_s = time.perf_counter() - started
    n = counts[SPEC.name]
    return {"documents": n, "reindex_s": round(reindex_s, 2), "reindex_per_s": round(n / reindex_s),
            "fetch_documents_s": round(fetch_s, 2), "upsert_s": round(upsert_s, 2), "upsert_per_s": round(n / upsert_s)}


def measure_backend(backend, iterations: int) -> dict[str, dict[str, float]]:
    """In-process `backend.search` latency per class (ms)."""
    from plugins.catalogue.search import SPEC

    return {name: summary(timed(lambda c: backend.search(SPEC.name, c.search_query()), iterations, cases))
            for name, cases in CLASSES.items()}


def check_backend(backend, scan: SubstringScan) -> list[dict[str, Any]]:
    from plugins.catalogue.search import SPEC

    rows = []
    for case in ALL:
        found = backend.search(SPEC.name, case.search_query(per_page=SAMPLE))
        rows.append(recall_row(case, scan.ids(case.q, case.filters()), found.total, {int(h.id) for h in found.hits}))
    return rows


def run_sanshe_http(env: dict[str, str], expected: dict[Case, int], args) -> dict[str, Any]:
    """Sequential latency per class, then throughput, against `sanshe serve`."""
    import httpx

    port = free_port()
    server = start_server([sys.executable, "-m", "core.cli", "serve", "--port", str(port), "--no-access-log",
                           "--workers", str(args.workers)], port, "/healthz", env, ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for case in ALL:  # the server sees the index the bench built
            answer = httpx.get(base + case.sanshe_path(), timeout=30)
            answer.raise_for_status()  # a case answered other than 200 fails the run
            total = answer.json()["total"]
            assert total == expected[case], (case, total, expected[case])
        latency = {name: summary(http_timings(base, [c.sanshe_path() for c in cases], args.http_iterations))
                   for name, cases in CLASSES.items()}
        # The floor every request pays: the app's cheapest route, and one that reads the database once.
        floor = {path: summary(http_timings(base, [path], args.http_iterations))
                 for path in ("/healthz", "/api/districts")}
        load = load_run(base, [c.sanshe_path() for c in ALL], args.duration) if args.duration else None
    finally:
        stop_server(server)
    if load and (load["non_2xx"] or load["socket_errors"]):
        raise SystemExit(f"bench: the load run had failures (non-2xx {load['non_2xx']}, "
                         f"socket errors {load['socket_errors'] or 0}): its figures would time errors")
    return {"latency": latency, "floor": floor, "load": load}


def run_datasette(env: dict[str, str], db_path: Path, scan: SubstringScan, args) -> dict[str, Any]:
    """Datasette on the same corpus: recall, sequential latency per class, throughput."""
    import httpx

    port = free_port()
    cmd = [sys.executable, "-m", "datasette", "serve", "-i", str(db_path), "-h", "127.0.0.1", "-p", str(port),
           "--setting", "suggest_facets", "off", "--setting", "facet_time_limit_ms", "5000",
           "--setting", "sql_time_limit_ms", "5000"]
    server = start_server(cmd, port, "/-/versions.json", env, ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        recall = []
        for case in ALL:
            answer = httpx.get(base + case.datasette_path(size=SAMPLE), timeout=60)
            answer.raise_for_status()
            body = answer.json()
            count = body.get("filtered_table_rows_count")  # None if counting timed out
            recall.append(recall_row(case, scan.ids(case.q, case.filters()),
                                     len(body["rows"]) if count is None else count, {row["id"] for row in body["rows"]}))
        latency = {name: summary(http_timings(base, [c.datasette_path() for c in cases], args.http_iterations))
                   for name, cases in CLASSES.items()}
        load = load_run(base, [c.datasette_path() for c in ALL], args.duration) if args.duration else None
    finally:
        stop_server(server)
    return {"recall": recall, "latency": latency, "load": load}


def run_million(ctx, backend, data_dir: Path, have: int, args) -> dict[str, Any]:
    """Grow the synthetic services to `args.million_size`, rebuild, report build rate, size, p50/p99."""
    from plugins.catalogue.search import SPEC

    add = args.million_size - have
    insert_s = asyncio.run(insert_services(add, serial_start=have)) if add > 0 else 0.0
    build = asyncio.run(build_index(ctx, backend))
    latency = measure_backend(backend, args.iterations)
    return {"services": args.million_size, "insert_s": round(insert_s, 1), "build": build,
            "index_bytes": dir_size(data_dir / "search" / SPEC.name), "backend": latency}


def ms(s: dict[str, float] | None) -> str:
    return f"{s['p50']:.2f} / {s['p99']:.2f}" if s else "-"


def report(r: dict[str, Any]) -> None:
    """Print the per-query hit counts, the summary table and the headline lines."""
    print("\nper query: substring-scan hits | Sanshe total (precision of first ids) | Datasette count")
    for s, d in zip(r["sanshe_recall"], r["datasette"]["recall"]):
        flt = "+".join(s["filters"].values())
        print(f"  {s['q'] + (' [' + flt + ']' if flt else ''):28} {s['truth']:>8} | {s['total']:>8} "
              f"({s['precision']:.2f}) | {d['total']:>8}")
    b = r["build"]
    print(f"\nSanshe search benchmark — {r['services']:,} synthetic + demo = {b['documents']:,} published services")
    head = f"{'query class':12} | {'backend p50/p99':>16} | {'HTTP p50/p99':>16} | {'Datasette p50/p99':>18} | " \
           f"{'recall':>6} | {'Datasette recall':>16}"
    print(head + "\n" + "-" * len(head))
    for name in CLASSES:
        print(f"{name:12} | {ms(r['backend'][name]):>16} | {ms(r['sanshe_http']['latency'][name]):>16} | "
              f"{ms(r['datasette']['latency'][name]):>18} | {r['recall'][name]['sanshe']:>6.2f} | "
              f"{r['recall'][name]['datasette']:>16.2f}")
    print("(ms; backend = in-process backend.search; HTTP = one sequential client on 127.0.0.1, the public API "
          "always counts 4 facets; Datasette adds facets only in the faceted class)")
    print(f"build: reindex {b['reindex_per_s']:,} services/s ({b['reindex_s']} s); raw backend upsert "
          f"{b['upsert_per_s']:,} docs/s ({b['upsert_s']} s); index on disk {r['index_bytes'] / 1e6:.1f} MB; "
          f"Datasette DB build {r['datasette_build_s']:.1f} s, {r['datasette_db_bytes'] / 1e6:.1f} MB")
    for who, load in (("Sanshe", r["sanshe_http"]["load"]), ("Datasette", r["datasette"]["load"])):
        if load:
            print(f"throughput {who}: {load['req_per_s']:,.0f} req/s, p50 {load['p50_ms']:.1f} ms, p99 "
                  f"{load['p99_ms']:.1f} ms at {load['connections']} connections ({load['tool']}, "
                  f"{load['seconds']} s, all query classes, non-2xx {load['non_2xx']})")
    floor = r["sanshe_http"]["floor"]
    print("Sanshe HTTP floor p50/p99 ms: " + ", ".join(f"GET {p} {ms(v)}" for p, v in floor.items()))
    h = r["headline"]
    ratio = h["http_p50_ratio"]
    faster = f"{ratio:.1f}× faster than" if ratio >= 1 else f"{1 / ratio:.1f}× slower than"
    print(f"Sanshe HTTP p50 is {faster} Datasette's ({h['sanshe_http_p50']:.2f} vs {h['datasette_http_p50']:.2f} ms, "
          f"median of the class p50s); recall {h['sanshe_recall']:.2f} vs {h['datasette_recall']:.2f}")
    print(f"(Datasette returns 0 rows for {h['datasette_empty']} of {len(r['datasette']['recall'])} queries that "
          "have matches: its unicode61 tokenizer makes each run of Han characters one token, and empty answers "
          "are cheap)")
    if m := r.get("million"):
        print(f"{m['services']:,} services: reindex {m['build']['reindex_per_s']:,} services/s "
              f"({m['build']['reindex_s']} s), index {m['index_bytes'] / 1e6:.0f} MB, backend p50/p99 ms: "
              + ", ".join(f"{k} {ms(v)}" for k, v in m["backend"].items()))


def run(args, data_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    """Every step of the benchmark; returns the results."""
    def step(text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    step("demo data")
    subprocess.run([sys.executable, "-m", "core.cli", "demo", "--no-serve"], env=env, check=True,
                   capture_output=True, cwd=ROOT)
    from core.context import build_context
    from core.settings import load_settings
    from plugins.catalogue.search import SPEC
    from core.search import get_backend

    ctx = build_context(load_settings())
    backend = get_backend(ctx.settings)
    step(f"inserting {args.services:,} services")
    insert_s = asyncio.run(insert_services(args.services))
    step("building the index")
    result: dict[str, Any] = {"services": args.services, "insert_s": round(insert_s, 1),
                              "build": asyncio.run(build_index(ctx, backend)),
                              "index_bytes": dir_size(data_dir / "search" / SPEC.name),
                              "queries": {name: [asdict(c) for c in cases] for name, cases in CLASSES.items()}}
    scan = SubstringScan(asyncio.run(load_corpus()))
    step("backend latency and recall")
    result["backend"] = measure_backend(backend, args.iterations)
    result["sanshe_recall"] = check_backend(backend, scan)
    expected = {c: r["total"] for c, r in zip(ALL, result["sanshe_recall"])}
    step("sanshe serve: HTTP latency and throughput")
    result["sanshe_http"] = run_sanshe_http(env, expected, args)
    step("datasette: build, recall, latency, throughput")
    db_path = data_dir / "corpus.db"
    result["datasette_build_s"] = round(build_datasette_db(db_path, scan.corpus), 2)
    result["datasette_db_bytes"] = db_path.stat().st_size
    result["datasette"] = run_datasette(env, db_path, scan, args)
    offsets = [0, *[sum(len(c) for c in list(CLASSES.values())[:i + 1]) for i in range(len(CLASSES))]]
    result["recall"] = {name: {"sanshe": class_recall(result["sanshe_recall"][lo:hi]),
                               "datasette": class_recall(result["datasette"]["recall"][lo:hi])}
                        for name, lo, hi in zip(CLASSES, offsets, offsets[1:])}
    result["headline"] = headline(result, args.http_iterations)
    if args.million:
        step(f"growing to {args.million_size:,} services")
        result["million"] = run_million(ctx, backend, data_dir, args.services, args)
    return result


def headline(r: dict[str, Any], iterations: int) -> dict[str, float]:
    """Overall p50 over the class p50s (each class weighs the same) and overall recall."""
    def p50(latency: dict[str, dict[str, float]]) -> float:
        return percentile([v["p50"] for v in latency.values()], 50)

    sanshe, datasette = p50(r["sanshe_http"]["latency"]), p50(r["datasette"]["latency"])
    return {"sanshe_http_p50": sanshe, "datasette_http_p50": datasette, "http_p50_ratio": round(datasette / sanshe, 2),
            "sanshe_recall": class_recall(r["sanshe_recall"]), "datasette_recall": class_recall(r["datasette"]["recall"]),
            "datasette_empty": sum(1 for d in r["datasette"]["recall"] if d["truth"] and not d["total"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=10_000, help="synthetic published services to add")
    parser.add_argument("--iterations", type=int, default=200, help="backend searches per query class")
    parser.add_argument("--http-iterations", type=int, default=100, help="sequential HTTP requests per class")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each 50-connection run (0: skip)")
    parser.add_argument("--million", action="store_true", help="also grow to 1,000,000 services and report")
    parser.add_argument("--million-size", type=int, default=1_000_000, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    parser.add_argument("--cache-seconds", type=float, default=0,
                        help="the server's public-answer cache (default 0: every request searches)")
    parser.add_argument("--workers", type=int, default=1, help="sanshe serve worker processes")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="sanshe-search-bench-"))
    env = {**os.environ, "SANSHE_DATA_DIR": str(data_dir), "SANSHE_DEMO_PASSWORD": "bench-password-1",
           "SANSHE_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
           "SANSHE_SEARCH_CACHE_SECONDS": str(args.cache_seconds)}
    os.environ.update(env)
    try:
        result = run(args, data_dir, env)
        report(result)
        if args.json:
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    finally:
        if args.keep:
            print(f"data kept in {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
