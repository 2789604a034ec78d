"""Measuring helpers for bench/search.py: percentiles, server processes,
sequential HTTP timing, and a concurrent load run (wrk, else asyncio+httpx)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    """p50/p95/p99 (ms) of a list of millisecond timings."""
    return {f"p{p}": round(percentile(values, p), 3) for p in (50, 95, 99)}


def timed(call: Callable[[], Any], iterations: int, items: list[Any]) -> list[float]:
    """Run `call(item)` cycling over `items` `iterations` times (after one warm-up pass); ms per call."""
    for item in items:
        call(item)
    out = []
    for i in range(iterations):
        item = items[i % len(items)]
        start = time.perf_counter()
        call(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(cmd: list[str], port: int, health: str, env: dict[str, str], cwd: Path,
                 timeout: float = 60) -> subprocess.Popen:
    """Start a server subprocess and wait until `health` answers 200."""
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{cmd[2:4]} exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}{health}", timeout=2).status_code == 200:
                proc.stderr.close()  # not read any further; nothing may block on a full pipe
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop_server(proc)
    raise RuntimeError(f"{cmd} did not answer {health} within {timeout} s")


def stop_server(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def http_timings(base: str, paths: list[str], iterations: int,
                 check: Callable[[str, dict], None] | None = None) -> list[float]:
    """Sequential GETs from one keep-alive client, cycling over `paths`; ms per request."""
    with httpx.Client(base_url=base, timeout=30) as client:
        def get(path: str) -> None:
            response = client.get(path)
            response.raise_for_status()
            if check:
                check(path, response.json())
        return timed(get, iterations, paths)


_WRK_SCRIPT = """local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def load_run(base: str, paths: list[str], seconds: int, connections: int = 50) -> dict[str, Any]:
    """Throughput at `connections` concurrent keep-alive connections for `seconds`."""
    if shutil.which("wrk"):
        return _wrk(base, paths, seconds, connections)
    return asyncio.run(_async_load(base, paths, seconds, connections))


def _wrk(base: str, paths: list[str], seconds: int, connections: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT % ", ".join(f'"{p}"' for p in paths))
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, base],
                             capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    finally:
        os.unlink(script.name)
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)", out, re.M)
    p50 = re.search(r"^\s*50%\s+([\d.]+)(us|ms|s)", out, re.M)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"tool": "wrk", "connections": connections, "seconds": seconds,
            "req_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": float(p50.group(1)) * _UNITS[p50.group(2)], "p99_ms": float(p99.group(1)) * _UNITS[p99.group(2)],
            "non_2xx": int(bad.group(1)) if bad else 0, "socket_errors": errors.group(1) if errors else ""}


async def _async_load(base: str, paths: list[str], seconds: int, connections: int) -> dict[str, Any]:
    """Fallback load generator: `connections` asyncio clients (the generator itself competes for CPU)."""
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        async def worker(k: int) -> None:
            nonlocal failures
            i = k
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                response = await client.get(paths[i % len(paths)])
                latencies.append((time.perf_counter() - start) * 1000)
                failures += response.status_code != 200
                i += connections
        started = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(connections)))
        elapsed = time.perf_counter() - started
    return {"tool": "asyncio+httpx", "connections": connections, "seconds": seconds,
            "req_per_s": round(len(latencies) / elapsed, 1), "p50_ms": round(percentile(latencies, 50), 3),
            "p99_ms": round(percentile(latencies, 99), 3), "non_2xx": failures, "socket_errors": ""}
