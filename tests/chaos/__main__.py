"""`python -m tests.chaos [events|outages|schemathesis|all]` (`make chaos` runs all).

Each scenario starts its own PostgreSQL cluster, redis-server, API and worker processes and a
local webhook receiver, prints its figures and bounds, and stops everything it started. The
exit status is 0 only when every bound of every scenario that ran held. See docs/TESTING.md.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time
import traceback
from collections.abc import Callable, Coroutine
from types import FrameType
from typing import Any

from tests.chaos import conformance, events, outages
from tests.chaos.report import Summary, say

SCENARIOS: dict[str, Callable[[Summary], Coroutine[Any, Any, None]]] = {
    "events": events.run,
    "outages": outages.run,
    "schemathesis": conformance.run,
}


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # As Ctrl-C: unwinds through every `finally`, which stops what the scenario started.
    raise KeyboardInterrupt


def run_scenario(name: str) -> tuple[Summary, float]:
    summary = Summary(name)
    started = time.monotonic()
    say(f"[{name}] started")
    try:
        asyncio.run(SCENARIOS[name](summary))
    except KeyboardInterrupt:
        summary.fail("completed", "interrupted")
        raise
    except Exception as exc:
        summary.line(traceback.format_exc().rstrip())
        summary.fail("completed", f"{type(exc).__name__}: {exc}")
    duration = time.monotonic() - started
    verdict = "PASS" if summary.passed else "FAIL"
    say(f"[{name}] {verdict} in {duration:.1f} s")
    return summary, duration


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.chaos", description=__doc__)
    parser.add_argument("scenario", nargs="?", default="all", choices=[*SCENARIOS, "all"])
    args = parser.parse_args(argv)
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    started = time.monotonic()
    results = [(name, *run_scenario(name)) for name in names]
    say("")
    say("== chaos summary ==")
    for name, summary, duration in results:
        say(f"{name}: {'PASS' if summary.passed else 'FAIL'} in {duration:.1f} s")
        for bound in summary.failed:
            say(f"  failed bound {bound.name}: {bound.detail}")
    failed = sum(not summary.passed for _, summary, _ in results)
    say(
        f"chaos: {len(results) - failed} passed, {failed} failed "
        f"in {time.monotonic() - started:.1f} s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
