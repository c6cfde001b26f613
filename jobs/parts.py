"""Periodic work runs in parts that fail on their own: while a dependency is down, a part
logs one warning naming itself and the error type, and the parts after it still run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from loguru import logger

from app.core.outages import is_outage, outage_name


async def run_part(
    part: str, work: Callable[[], Awaitable[object]], *, log_outage: bool = True
) -> bool:
    """Run one part; False when it failed (logged: an outage as one line, anything else with
    its traceback). `log_outage=False` keeps an outage already reported quiet."""
    try:
        await work()
    except Exception as exc:
        if not is_outage(exc):
            logger.bind(part=part, error=type(exc).__name__).exception("{} failed", part)
        elif log_outage:
            error = outage_name(exc)
            logger.bind(part=part, error=error).warning("{} failed ({})", part, error)
        return False
    return True
