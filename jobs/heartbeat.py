"""The worker's liveness: two gauges for monitoring, and a file for a container health check.

`python -m jobs.heartbeat` exits 0 while a sweep finished recently in this container (sweeps run
every SWEEP_INTERVAL_SECONDS whatever the queue holds), else 1 with one line saying why.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from loguru import logger
from prometheus_client import Gauge
from taskiq import TaskiqMessage, TaskiqMiddleware, TaskiqResult

from app.core.config import get_settings
from app.core.metrics import registry
from app.core.probes import exit_status

HEARTBEAT_FILE = Path(tempfile.gettempdir()) / "aetherflow-worker-heartbeat"
MIN_STALE_SECONDS = 60.0
SWEEPS_BEFORE_STALE = 4

last_sweep = Gauge(
    "aetherflow_worker_last_sweep_timestamp_seconds",
    "Unix time at which this worker last finished a sweep (0 before the first).",
    registry=registry,
)
last_task = Gauge(
    "aetherflow_worker_last_task_timestamp_seconds",
    "Unix time at which this worker last finished a task (0 before the first).",
    registry=registry,
)


def sweep_finished(heartbeat_file: Path = HEARTBEAT_FILE) -> None:
    last_sweep.set_to_current_time()
    try:
        heartbeat_file.touch()
    except OSError as exc:
        logger.warning("heartbeat file not written ({})", type(exc).__name__)


class TaskFinished(TaskiqMiddleware):
    def post_execute(self, message: TaskiqMessage, result: TaskiqResult[Any]) -> None:
        last_task.set_to_current_time()


def stale_after_seconds(sweep_interval_seconds: float) -> float:
    return max(MIN_STALE_SECONDS, SWEEPS_BEFORE_STALE * sweep_interval_seconds)


def problem(heartbeat_file: Path, stale_after: float, now: float | None = None) -> str | None:
    """Why the worker is not live, or None when it is."""
    try:
        age = (time.time() if now is None else now) - heartbeat_file.stat().st_mtime
    except FileNotFoundError:
        return "no sweep has finished yet"
    if age > stale_after:
        return f"the last sweep finished {age:.0f} s ago (more than {stale_after:.0f} s)"
    return None


def main() -> int:
    stale_after = stale_after_seconds(get_settings().sweep_interval_seconds)
    return exit_status("aetherflow worker not live", problem(HEARTBEAT_FILE, stale_after))


if __name__ == "__main__":
    sys.exit(main())
