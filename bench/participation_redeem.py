"""Racing redemptions of rewards (issue 14, "Speed and load"): a real `sanshe serve` on
127.0.0.1 (one uvicorn worker) over the demo, one client process sending the requests at once.

- points race: 10 generated residents of 430702 hold 30 points each, a reward costs 10 and has
  plenty of stock; 100 redemptions (10 per resident) are released together → exactly 30 answer
  201 and 70 answer 409 `insufficient_points`;
- stock race: 100 residents hold 10 points each, the reward costs 10 and 30 are in stock;
  100 redemptions, one per resident → exactly 30 answer 201 and 70 answer 409 `out_of_stock`;
- while each race runs, a sampler reads the reward's stock and the lowest balance every few ms:
  neither may ever go below 0; afterwards the stock, every balance, the redemption rows and the
  ledger (sum of a resident's entries == their balance) are checked;
- time per redemption over HTTP: one resident redeems `--calls` times in a row (p50/p95/p99 and
  the server's CPU per call), beside the baseline of any authenticated call (`GET /api/me`).
Any other outcome fails the run. The data folder is removed (`--keep` keeps it).

    python bench/participation_redeem.py [--calls 300] [--json out.json]
    DATABASE_URL=postgresql://… python bench/participation_redeem.py   # a throwaway database
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
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from _search_measure import free_port, start_server, stop_server, summary  # noqa: E402

PASSWORD = "bench-password-1"
DISTRICT = "430702"
REWARDS = f"/api/districts/{DISTRICT}/participation/rewards"
WANT = 30  # what the races may let through


def cpu_ms(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


async def residents(tag: str, count: int, points_each: int) -> list[dict]:
    """`count` new residents of the district, each with a bearer token and `points_each` points."""
    from core import db
    from core.identity import create_api_token, ensure_user
    from plugins.participation import points

    out = []
    for i in range(count):
        username = f"bench-{tag}-{i:03d}"
        user_id = await ensure_user(username, PASSWORD, [{"role": "resident", "district_code": DISTRICT}],
                                    display_name=f"基准居民{i}", fast_hash=True, actor="bench")
        token = (await create_api_token(user_id, username, "bench-redeem"))["token"]
        if points_each:
            async with db.write_transaction():
                await points.award(DISTRICT, user_id, points_each, "volunteer", f"bench:{tag}", "基准测试", "bench")
        out.append({"user_id": user_id, "username": username, "token": token})
    return out


async def new_reward(name: str, cost: int, stock: int) -> int:
    from plugins.participation import rewards

    return (await rewards.create_reward(DISTRICT, {"name": name, "cost": cost, "stock": stock}, "bench"))["id"]


async def state(reward_id: int, user_ids: list[int]) -> dict:
    """The reward's stock, each resident's balance and ledger sum, and the redemptions made."""
    from plugins.participation.tables import PointBalance, PointEntry, Redemption, Reward

    stock = (await Reward.select(Reward.stock).where(Reward.id == reward_id).first())["stock"]
    balances = {r["user_id"]: r["balance"] for r in await PointBalance.select(
        PointBalance.user_id, PointBalance.balance).where(
        (PointBalance.district_code == DISTRICT) & PointBalance.user_id.is_in(user_ids))}
    sums: dict[int, int] = {}
    for e in await PointEntry.select(PointEntry.user_id, PointEntry.amount).where(
            (PointEntry.district_code == DISTRICT) & PointEntry.user_id.is_in(user_ids)):
        sums[e["user_id"]] = sums.get(e["user_id"], 0) + e["amount"]
    made = await Redemption.count().where(Redemption.reward == reward_id)
    return {"stock": stock, "balances": balances, "ledger": sums, "redemptions": made}


async def race(base: str, reward_id: int, tokens: list[str], user_ids: list[int]) -> dict:
    """Release all requests together; sample stock and the lowest balance while they run."""
    from plugins.participation.tables import PointBalance, Reward

    lowest = {"stock": None, "balance": None, "samples": 0}
    done = asyncio.Event()

    async def sampler() -> None:
        while not done.is_set():
            stock = (await Reward.select(Reward.stock).where(Reward.id == reward_id).first())["stock"]
            rows = await PointBalance.select(PointBalance.balance).where(
                (PointBalance.district_code == DISTRICT) & PointBalance.user_id.is_in(user_ids))
            low = min(r["balance"] for r in rows)
            lowest["stock"] = stock if lowest["stock"] is None else min(lowest["stock"], stock)
            lowest["balance"] = low if lowest["balance"] is None else min(lowest["balance"], low)
            lowest["samples"] += 1
            await asyncio.sleep(0.005)

    gate = asyncio.Event()
    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=len(tokens))
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        for token in set(tokens):  # warm each token (its last_used write) and a connection
            (await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})).raise_for_status()

        async def one(token: str) -> tuple[int, str, float]:
            await gate.wait()
            begun = time.perf_counter()
            answer = await client.post(f"{REWARDS}/{reward_id}/redemptions", headers={"Authorization": f"Bearer {token}"})
            ms = (time.perf_counter() - begun) * 1000
            return answer.status_code, (answer.json().get("code") if answer.status_code != 201 else "created"), ms

        watching = asyncio.create_task(sampler())
        tasks = [asyncio.create_task(one(t)) for t in tokens]
        await asyncio.sleep(0.05)
        begun = time.perf_counter()
        gate.set()
        answers = await asyncio.gather(*tasks)
        wall = time.perf_counter() - begun
        done.set()
        await watching
    outcomes: dict[str, int] = {}
    for status, code, _ in answers:
        outcomes[f"{status} {code}"] = outcomes.get(f"{status} {code}", 0) + 1
    return {"outcomes": outcomes, "wall_s": round(wall, 3), **summary([ms for *_, ms in answers]),
            "lowest_stock_seen": lowest["stock"], "lowest_balance_seen": lowest["balance"],
            "samples": lowest["samples"]}


def check(name: str, got: dict, after: dict, stock_before: int, refused: str, wrong: list[str]) -> None:
    ok = got["outcomes"].get("201 created", 0)
    if got["outcomes"] != {"201 created": WANT, f"409 {refused}": 100 - WANT}:
        wrong.append(f"{name}: answers {got['outcomes']}, expected {WANT} × 201 and {100 - WANT} × 409 {refused}")
    if after["stock"] != stock_before - ok or after["stock"] < 0:
        wrong.append(f"{name}: stock {after['stock']} after {ok} redemptions from {stock_before}")
    if after["redemptions"] != ok:
        wrong.append(f"{name}: {after['redemptions']} redemption rows for {ok} answers 201")
    if any(b < 0 for b in after["balances"].values()) or min(got["lowest_stock_seen"], got["lowest_balance_seen"]) < 0:
        wrong.append(f"{name}: a negative stock or balance ({got['lowest_stock_seen']}, {got['lowest_balance_seen']})")
    if after["balances"] != after["ledger"]:
        wrong.append(f"{name}: a balance differs from its ledger sum")


def sequential(base: str, token: str, reward_id: int, calls: int, pid: int) -> tuple[dict, dict]:
    """One resident redeems `calls` times in a row; then `GET /api/me` as the baseline."""
    out, headers = {}, {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        for key, method, path, status in (("redeem", "POST", f"{REWARDS}/{reward_id}/redemptions", 201),
                                          ("baseline", "GET", "/api/me", 200)):
            client.request(method, path)  # warm-up
            timings, statuses, cpu = [], {}, cpu_ms(pid)
            for _ in range(calls):
                begun = time.perf_counter()
                got = client.request(method, path).status_code
                timings.append((time.perf_counter() - begun) * 1000)
                statuses[got] = statuses.get(got, 0) + 1
            out[key] = {**summary(timings), "server_cpu_ms": round((cpu_ms(pid) - cpu) / calls, 2), "calls": calls}
            if statuses != {status: calls}:
                out[key]["unexpected"] = statuses
    return out["redeem"], out["baseline"]


def measure(env: dict[str, str], calls: int) -> dict:
    tag = uuid.uuid4().hex[:6]
    many = asyncio.run(residents(f"{tag}p", 10, 30))
    each = asyncio.run(residents(f"{tag}s", 100, 10))
    solo = asyncio.run(residents(f"{tag}q", 1, calls + 1))
    rewards = {"points": asyncio.run(new_reward(f"基准·积分竞争{tag}", 10, 1000)),
               "stock": asyncio.run(new_reward(f"基准·库存竞争{tag}", 10, WANT)),
               "solo": asyncio.run(new_reward(f"基准·逐次兑换{tag}", 1, calls + 1))}
    port = free_port()
    server = start_server([sys.executable, "-m", "core.cli", "serve", "--port", str(port), "--no-access-log"],
                          port, "/healthz", env, ROOT)
    base, wrong, out = f"http://127.0.0.1:{port}", [], {}
    try:
        pid = httpx.get(f"{base}/healthz").json().get("worker_pid", server.pid)
        for name, people, reward, stock, refused in (
                ("points", many, rewards["points"], 1000, "insufficient_points"),
                ("stock", each, rewards["stock"], WANT, "out_of_stock")):
            tokens = [p["token"] for p in people] * (100 // len(people))
            ids = [p["user_id"] for p in people]

            async def run_race(reward=reward, tokens=tokens, ids=ids) -> tuple[dict, dict]:
                got = await race(base, reward, tokens, ids)
                return got, await state(reward, ids)

            got, after = asyncio.run(run_race())
            got["stock_after"], got["lowest_balance_after"] = after["stock"], min(after["balances"].values())
            got["residents"] = len(people)
            check(name, got, after, stock, refused, wrong)
            out[name] = got
        out["sequential"], out["baseline"] = sequential(base, solo[0]["token"], rewards["solo"], calls, pid)
        for key in ("sequential", "baseline"):
            if "unexpected" in out[key]:
                wrong.append(f"{key}: unexpected statuses {out[key]['unexpected']}")
    finally:
        stop_server(server)
    if wrong:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        sys.exit("bench/participation_redeem.py measured the wrong thing:\n" + "\n".join(wrong))
    return out


def report(out: dict) -> None:
    for name in ("points", "stock"):
        r = out[name]
        print(f"{name} race ({r['residents']} residents, 100 requests at once): {r['outcomes']}; wall {r['wall_s']} s; "
              f"per request p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms; stock after {r['stock_after']}, lowest "
              f"balance after {r['lowest_balance_after']}; lowest seen while racing: stock {r['lowest_stock_seen']}, "
              f"balance {r['lowest_balance_seen']} ({r['samples']} samples)")
    for key in ("sequential", "baseline"):
        r = out[key]
        label = "redeem, one at a time" if key == "sequential" else "baseline GET /api/me"
        print(f"{label}: p50 {r['p50']:.2f} ms, p95 {r['p95']:.2f} ms, p99 {r['p99']:.2f} ms, server CPU "
              f"{r['server_cpu_ms']:.2f} ms a call ({r['calls']} calls)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300, help="sequential redemptions timed (at least 200 for figures)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="sanshe-bench-redeem-")
    env = {**os.environ, "SANSHE_DATA_DIR": data_dir, "SANSHE_DEMO_PASSWORD": PASSWORD,
           "SANSHE_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789", "PYTHONPATH": str(ROOT)}
    os.environ.update(env)
    engine = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    try:
        begun = time.perf_counter()
        subprocess.run([sys.executable, "-m", "core.cli", "demo", "--no-serve"], env=env, check=True,
                       capture_output=True, cwd=ROOT)
        print(f"engine={engine}: demo loaded in {time.perf_counter() - begun:.0f} s (1 uvicorn worker, 1 client)")
        from core.context import build_context
        from core.settings import load_settings

        build_context(load_settings())
        out = {"engine": engine, **measure(env, args.calls)}
        report(out)
    finally:
        if args.keep:
            print(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
