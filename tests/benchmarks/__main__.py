"""`python -m tests.benchmarks [STAGE ...]` (`make bench`, `make bench ONLY="rest upsert"`).

Measures the product as shipped (`aetherflow api` and `aetherflow worker` processes configured
by environment variables only) against the bare work of each hot path in the same run,
alternating product and baseline, and prints one line per figure: product, baseline, ratio,
target and whether it is met. Stages: rest graphql upsert webhook limiter queue e2e memory.
Progress goes to stderr, the table to stdout. Speed is measured here, never asserted in tests.
Settings: docs/TESTING.md, "make bench".
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Callable
from types import FrameType

import redis

from tests.benchmarks.config import BenchConfig
from tests.benchmarks.context import BenchRun
from tests.benchmarks.e2e_rows import e2e_rows, memory_rows
from tests.benchmarks.http_rows import http_rows
from tests.benchmarks.limiter_rows import limiter_rows
from tests.benchmarks.queue_rows import queue_rows
from tests.benchmarks.table import Row, render, say
from tests.benchmarks.upsert_rows import upsert_rows
from tests.benchmarks.webhook_rows import webhook_rows

STAGES = ("rest", "graphql", "upsert", "webhook", "limiter", "queue", "e2e", "memory")


def _steps(chosen: list[str]) -> list[tuple[str, Callable[[BenchRun], list[Row]]]]:
    """The chosen stages in table order; REST and GraphQL share one alternated wrk series."""
    http: list[str] = [kind for kind in ("rest", "graphql") if kind in chosen]
    single: dict[str, Callable[[BenchRun], list[Row]]] = {
        "upsert": upsert_rows,
        "webhook": webhook_rows,
        "limiter": limiter_rows,
        "queue": queue_rows,
        "e2e": e2e_rows,
        "memory": memory_rows,
    }
    steps: list[tuple[str, Callable[[BenchRun], list[Row]]]] = []
    if http:
        steps.append((" ".join(http), lambda run: http_rows(run, http)))
    steps += [(name, single[name]) for name in STAGES if name in single and name in chosen]
    return steps


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # unwinds through every `finally`, which stops what was started


def _empty_redis(url: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def main(argv: list[str]) -> int:
    chosen = argv or os.environ.get("BENCH_ONLY", "").split() or list(STAGES)
    if unknown := [name for name in chosen if name not in STAGES]:
        say(f"unknown stage(s) {' '.join(unknown)}; choose among: {' '.join(STAGES)}")
        return 2
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    config = BenchConfig()
    run = BenchRun(config)
    say(f"stages {' '.join(chosen)}; {os.cpu_count()} CPUs; logs in {config.log_dir}")
    say(f"settings: {config.summary()}")
    rows: list[Row] = []
    failed: list[str] = []
    started = time.monotonic()
    _empty_redis(config.redis_url)
    try:
        for name, step in _steps(chosen):
            say(f"stage {name}")
            try:
                rows += step(run)
            except Exception as exc:
                traceback.print_exc()
                failed.append(name)
                rows.append(Row(f"{name}: FAILED", "", None, note=f"{type(exc).__name__}: {exc}"))
    finally:
        run.processes.stop_all()
        _empty_redis(config.redis_url)
        shutil.rmtree(config.work_dir, ignore_errors=True)
    print(render(rows))  # noqa: T201
    say(f"done in {time.monotonic() - started:.0f} s; logs in {config.log_dir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
