"""What the container health checks (`python -m app.api.probe`, `python -m jobs.heartbeat`)
share: their exit status."""

from __future__ import annotations

import sys


def exit_status(failing: str, problem: str | None) -> int:
    """0 when there is no problem; else 1, after one line on stderr: `<failing>: <problem>`."""
    if problem is None:
        return 0
    print(f"{failing}: {problem}", file=sys.stderr)  # noqa: T201
    return 1
