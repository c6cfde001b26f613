"""The processes a bench run starts: product commands as shipped, floors, the receiver.

Every process is a `subprocess.Popen` child with its output in the run's log folder, started in
an empty temporary working folder (so the product reads no `.env`), and stopped by its PID, with
its descendants, by `stop` (SIGTERM, then SIGKILL after a grace period).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.config import Settings
from tests.benchmarks.config import BenchConfig

# Far above anything a bench sends: the limiter stays in the path and never refuses.
RAISED_QUOTA = "100000000"
START_TIMEOUT_SECONDS = 60.0
SCOPES = "reports:read,reports:write,webhooks:read,webhooks:write"
AETHERFLOW = str(Path(sys.executable).with_name("aetherflow"))


@dataclass
class Started:
    name: str
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid


def product_env(config: BenchConfig, database: str, **overrides: str) -> dict[str, str]:
    """The product's environment: the caller's minus every product setting, then only these."""
    names = {name.upper() for name in Settings.model_fields}
    env = {key: value for key, value in os.environ.items() if key not in names}
    env.update(
        DATABASE_URL=config.database_url(database),
        REDIS_URL=config.redis_url,
        RATE_LIMIT_READ_PER_MINUTE=RAISED_QUOTA,
        RATE_LIMIT_WRITE_PER_MINUTE=RAISED_QUOTA,
        RATE_LIMIT_GRAPHQL_POINTS_PER_MINUTE=RAISED_QUOTA,
        WEBHOOK_ALLOW_HTTP="true",
        WEBHOOK_ALLOW_PRIVATE_TARGETS="true",
    )
    env.update(overrides)
    return env


class Processes:
    """What one bench run started; `stop_all` in a `finally` stops whatever is still running."""

    def __init__(self, config: BenchConfig) -> None:
        self.config = config
        self.started: list[Started] = []

    def start(
        self,
        name: str,
        command: Sequence[str],
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> Started:
        """`command` in the background, its output in the run's log folder; by default in the
        empty working folder, so a product command reads no `.env`."""
        log = (self.config.log_dir / f"{name}.log").open("ab")
        with log:
            process = subprocess.Popen(
                list(command),
                cwd=cwd or self.config.work_dir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        started = Started(name, process)
        self.started.append(started)
        return started

    def api(self, name: str, port: int, database: str, **overrides: str) -> Started:
        """`aetherflow api` on `port`, once /health answers."""
        env = product_env(self.config, database, **overrides)
        command = [AETHERFLOW, "api", "--host", "127.0.0.1", "--port", str(port)]
        return self.serving(self.start(name, command, env), port)

    def worker(self, name: str, database: str) -> Started:
        return self.start(name, [AETHERFLOW, "worker"], product_env(self.config, database))

    def serving(self, started: Started, port: int, path: str = "/health") -> Started:
        """`started`, once GET `path` on `port` answers 200; its log tail if it exits first."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if started.process.poll() is not None:
                raise RuntimeError(f"{started.name} exited at start:\n{self.tail(started)}")
            url = f"http://127.0.0.1:{port}{path}"
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return started
            time.sleep(0.1)
        raise RuntimeError(f"{started.name} did not answer in time:\n{self.tail(started)}")

    def tail(self, started: Started, lines: int = 20) -> str:
        text = (self.config.log_dir / f"{started.name}.log").read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, started: Started, grace_seconds: float = 20.0) -> None:
        descendants = children(started.pid)
        if started.process.poll() is None:
            started.process.terminate()
            try:
                started.process.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                started.process.kill()
                started.process.wait()
        for pid in descendants:
            for signum in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.kill(pid, signum)
                except ProcessLookupError:
                    break
                time.sleep(0.5)
        if started in self.started:
            self.started.remove(started)

    def stop_all(self) -> None:
        for started in reversed(list(self.started)):
            with contextlib.suppress(Exception):
                self.stop(started)

    @contextlib.contextmanager
    def running(self, started: Started) -> Iterator[Started]:
        try:
            yield started
        finally:
            self.stop(started)

    def cli(self, database: str, *args: str) -> Any:
        """Run one `aetherflow` command with --json to completion; its parsed output."""
        done = subprocess.run(
            [AETHERFLOW, *args, "--json"],
            cwd=self.config.work_dir,
            env=product_env(self.config, database),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"aetherflow {' '.join(args)} failed: {done.stderr[-2000:]}")
        return json.loads(done.stdout)

    def migrate(self, database: str) -> None:
        subprocess.run(
            [AETHERFLOW, "migrate"],
            cwd=self.config.work_dir,
            env=product_env(self.config, database),
            capture_output=True,
            check=True,
        )


def children(pid: int) -> list[int]:
    """Every descendant of `pid` (e.g. a worker's child processes)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as listing:
                found += [int(child) for child in listing.read().split()]
    except OSError:
        return []
    return found + [grandchild for child in found for grandchild in children(child)]


def tree_usage(pid: int) -> tuple[float, float]:
    """(RSS in MiB, CPU seconds) of a process and its descendants."""
    rss_kib = 0
    ticks = 0
    for member in [pid, *children(pid)]:
        with contextlib.suppress(OSError, StopIteration):
            with open(f"/proc/{member}/status") as status:
                line = next(line for line in status if line.startswith("VmRSS"))
                rss_kib += int(line.split()[1])
            with open(f"/proc/{member}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
    return rss_kib / 1024, ticks / os.sysconf("SC_CLK_TCK")
