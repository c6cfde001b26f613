"""Retry policy shared by webhook delivery and automation dispatch (CONTRACT.md §6, §8)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from email.utils import parsedate_to_datetime

from app.core.time import utc_now

JITTER = 0.10
MAX_RETRY_AFTER_SECONDS = 86_400


def is_retryable_status(status: int) -> bool:
    """408, 429 and 5xx are worth another attempt; other non-2xx answers are final."""
    return status in (408, 429) or status >= 500


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or HTTP date); None when absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_SECONDS)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return min(max((moment - utc_now()).total_seconds(), 0.0), MAX_RETRY_AFTER_SECONDS)


def next_delay(
    schedule: Sequence[int], attempts_made: int, retry_after: float | None = None
) -> float | None:
    """Seconds until the next attempt after `attempts_made` failed ones; None when exhausted.

    `schedule[i]` is the delay before attempt i (so `schedule[0]` is the first attempt's),
    with ±10 % jitter; a longer `Retry-After` takes precedence.
    """
    if attempts_made >= len(schedule):
        return None
    base = schedule[attempts_made]
    delay = base * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 - jitter, not a secret
    if retry_after is not None and retry_after > delay:
        return retry_after
    return delay
