"""Row 8, for reference: the Redis Streams round trip the worker's queue is built on. One
producer (this process) XADDs 200-byte messages one per round trip; a consumer process reads 10
at a time and XACKs each batch. Messages/s from the first XADD to the last XACK."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from tests.benchmarks.context import REPO, BenchRun
from tests.benchmarks.redis_floors import prepare_stream, produce
from tests.benchmarks.table import Row, median, say


def one_run(run: BenchRun) -> float:
    stream = f"bench:queue:{os.getpid()}"
    messages = run.config.queue_messages
    asyncio.run(prepare_stream(run.config.redis_url, stream))
    consumer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.benchmarks.redis_floors",
            run.config.redis_url,
            stream,
            str(messages),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert consumer.stdout is not None
        if consumer.stdout.readline().strip() != "ready":
            raise RuntimeError("the stream consumer did not start")
        started = asyncio.run(produce(run.config.redis_url, stream, messages))
        out, _ = consumer.communicate(timeout=300)
        return messages / (float(out.strip()) - started)
    finally:
        if consumer.poll() is None:
            consumer.kill()
            consumer.wait()


def queue_rows(run: BenchRun) -> list[Row]:
    rates = []
    for round_number in range(run.config.runs):
        rates.append(one_run(run))
        say(f"queue round {round_number + 1}: {rates[-1]:.0f} msgs/s")
    return [
        Row(
            "Redis Streams XADD -> XREADGROUP -> XACK",
            "msgs/s",
            None,
            median(rates),
            note=f"reference for the worker's queue; {run.config.queue_messages} messages of 200 B "
            f"per run, runs {[round(r) for r in rates]}",
        )
    ]
