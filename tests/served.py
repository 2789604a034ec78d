"""A real `sanshe` server in a child process, and throwaway PostgreSQL databases, for the tests
that need the app served over TCP (browser, workers, faults, fuzzing)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`sanshe <command> --host 127.0.0.1 --port P …` in a child process, its output in `log`.
    `command` is `serve` or `demo` (which loads the demo data first)."""

    def __init__(self, env: dict[str, str], log: Path, *args: str, command: str = "serve"):
        self.env, self.log, self.port = env, log, free_port()
        self.args = [command, "--host", "127.0.0.1", "--port", str(self.port), *args]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, wait: bool = True, timeout: float = 120) -> Server:
        with open(self.log, "a") as out:
            # A session of its own: with --workers N, stop() can end the whole group if need be.
            self.process = subprocess.Popen([sys.executable, "-m", "core.cli", *self.args], cwd=ROOT, env=self.env,
                                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        if wait:
            self.wait_until_serving(timeout)
        return self

    def tail(self, size: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-size:]

    def wait_until_serving(self, timeout: float = 120) -> None:
        """Until /healthz answers 200; an exited process or the timeout fails with the log's tail."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise AssertionError(f"sanshe {self.args[0]} exited:\n{self.tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise AssertionError(f"sanshe {self.args[0]} did not answer in {timeout} s:\n{self.tail()}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """SIGTERM (uvicorn's supervisor stops its workers), then SIGKILL to the group after 30 s."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


async def _postgres(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.contextmanager
def own_postgres_database(server_url: str, prefix: str = "sanshe_test") -> Iterator[str]:
    """A new, empty database on the server `server_url` points at; its URL; dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    asyncio.run(_postgres(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        asyncio.run(_postgres(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
