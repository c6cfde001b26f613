"""`aetherflow worker`: Taskiq consumers plus the periodic sweeps, in this one process."""

from __future__ import annotations

import gc
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType

from loguru import logger
from taskiq.cli.worker.args import WorkerArgs
from taskiq.cli.worker.run import start_listen

from app.core.config import get_settings

TASK_MODULES = ["jobs.outbox", "jobs.webhooks", "jobs.webhook_recoveries", "jobs.automation_runs"]
# Tasks in flight get this long to finish after SIGTERM (a webhook attempt is bounded by
# WEBHOOK_TIMEOUT_SECONDS); the process leaves by the deadline whatever happens.
WAIT_TASKS_SECONDS = 10
# Webhook attempts in flight, which are not Taskiq tasks, are sent and recorded meanwhile, and
# waited for this long once Taskiq's own have finished.
DELIVERIES_DRAIN_SECONDS = WAIT_TASKS_SECONDS - 2
SHUTDOWN_DEADLINE_SECONDS = WAIT_TASKS_SECONDS + 5


def run_worker() -> None:
    """Consume tasks until SIGTERM/SIGINT, then finish the tasks in flight and exit.

    At most WORKER_CONCURRENCY tasks run at once, and no message is taken from the stream
    before a slot is free (no prefetch; the broker reads one message at a time).
    """
    args = WorkerArgs.from_cli(
        [
            "jobs.broker:worker_broker",
            *TASK_MODULES,
            "--no-configure-logging",
            "--workers",
            "1",
            "--max-async-tasks",
            str(get_settings().worker_concurrency),
            "--max-prefetch",
            "0",
            "--ack-type",
            "when_executed",
            "--wait-tasks-timeout",
            str(WAIT_TASKS_SECONDS),
            "--shutdown-timeout",
            str(WAIT_TASKS_SECONDS),
        ]
    )
    # What is loaded by now lives as long as the process. Frozen, the collector's full passes
    # no longer walk it: they paused the first tasks by up to ~150 ms (`make bench`, e2e).
    gc.freeze()
    start_listen(args)


def arm_shutdown_deadline(on_stop: Callable[[], None]) -> None:
    """Make a stop signal also call `on_stop` and start a deadline after which the process
    exits.

    Taskiq's listener was seen, now and then, to wait indefinitely while closing the stream
    reader after the tasks in flight had finished. Leaving at the deadline is safe: PostgreSQL
    holds every delivery's state, and an unacknowledged message is redelivered or swept.
    Called once the worker has started, after Taskiq installed its own handlers.
    """
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(signum)

        def on_signal(received: int, frame: FrameType | None, previous: object = previous) -> None:
            timer = threading.Timer(SHUTDOWN_DEADLINE_SECONDS, _leave)
            timer.daemon = True
            timer.start()
            on_stop()
            if callable(previous):
                previous(received, frame)

        signal.signal(signum, on_signal)


def _leave() -> None:
    logger.warning("shutdown deadline passed; exiting")
    os._exit(0)
