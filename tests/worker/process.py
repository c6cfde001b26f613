"""Worker processes as an operator runs them: `python -m app.cli worker` with an environment."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from tests.worker.helpers import DELIVERY_OVERRIDES


def worker_env(cli_env: dict[str, str], **overrides: str) -> dict[str, str]:
    values = {key.upper(): _text(value) for key, value in DELIVERY_OVERRIDES.items()}
    return {**cli_env, **values, **{key.upper(): value for key, value in overrides.items()}}


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


class WorkerProcess:
    def __init__(self, env: dict[str, str]) -> None:
        self.log: IO[str] = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """SIGKILL: no chance to finish or acknowledge anything."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    async def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, then wait without blocking the loop (local receivers must keep answering)."""
        self.process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(timeout):
            while (code := self.process.poll()) is None:
                await asyncio.sleep(0.05)
        return code

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


@contextmanager
def running_workers(env: dict[str, str], count: int = 1) -> Iterator[list[WorkerProcess]]:
    workers = [WorkerProcess(env) for _ in range(count)]
    try:
        yield workers
    finally:
        for worker in workers:
            worker.stop()


class RedisServer:
    """A redis-server of the test's own, on its own port, that the test may stop and start."""

    def __init__(self) -> None:
        from tests.live import free_port

        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@contextmanager
def own_redis() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
