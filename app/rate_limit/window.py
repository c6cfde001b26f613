"""What a sliding-window counter means for the client: remaining quota and when it comes back.

The counter (app/rate_limit/limiter.py keeps it in Redis) is a count for the current fixed
window and one for the previous window, whose weight decays linearly as the sliding window
moves past it. `weighted = floor(previous * previous_ttl / window) + current`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.rate_limit.policy import Policy


@dataclass(frozen=True)
class WindowCounts:
    """The counter's state as Redis reports it; TTLs in milliseconds (0 when the key is absent).

    The current window's key lives for two windows: it becomes the previous window when its
    TTL drops below one window.
    """

    previous_count: int
    previous_ttl_ms: int
    current_count: int
    current_ttl_ms: int


@dataclass(frozen=True)
class Decision:
    """The answer for one request: whether it passes, and the values of the `RateLimit` field.

    `reset_seconds` is `t`: for a refusal, whole seconds until a request is accepted again
    (at least 1, and the value of `Retry-After`); otherwise whole seconds until the remaining
    quota next grows.
    """

    policy: Policy
    allowed: bool
    remaining: int
    reset_seconds: int


def decide(policy: Policy, *, allowed: bool, counts: WindowCounts, amount: int = 1) -> Decision:
    """The decision on a request of `amount` units (a GraphQL request's points)."""
    window_ms = policy.window_seconds * 1000
    weighted = counts.previous_count * counts.previous_ttl_ms / window_ms + counts.current_count
    remaining = max(0, policy.quota - math.floor(weighted))
    if allowed:
        return Decision(
            policy, True, remaining, _whole_seconds(_until_quota_grows(counts, window_ms))
        )
    wait_ms = _until_request_fits(policy.quota, counts, window_ms, amount)
    return Decision(policy, False, 0, max(1, _whole_seconds(wait_ms)))


def _until_window_shift_ms(counts: WindowCounts, window_ms: int) -> float:
    return max(0.0, counts.current_ttl_ms - window_ms)


def _until_quota_grows(counts: WindowCounts, window_ms: int) -> float:
    """Milliseconds until the weighted count next drops by one."""
    waits = []
    if counts.previous_count:
        waits.append(counts.previous_ttl_ms % (window_ms / counts.previous_count))
    if counts.current_count:
        waits.append(_until_window_shift_ms(counts, window_ms))
    return min(waits, default=0.0)


def _until_request_fits(quota: int, counts: WindowCounts, window_ms: int, amount: int) -> float:
    """Milliseconds until `weighted + amount <= quota`, assuming no other request comes
    meanwhile.

    Before the current window shifts, only the previous window's weight decays; once it
    shifts, the current count becomes the previous one and at least one unit is free (a
    window never holds more than the quota); for more than one unit that is the earliest time
    worth a retry.
    """
    until_shift = _until_window_shift_ms(counts, window_ms)
    room = quota - counts.current_count
    if room >= amount and counts.previous_count:
        # floor(previous * ttl / window) <= room - amount
        #   <=>  ttl < (room - amount + 1) * window / previous
        free = room - amount + 1
        wait = counts.previous_ttl_ms - free * window_ms / counts.previous_count + 1
        if wait < until_shift:
            return max(0.0, wait)
    return until_shift + 1


def _whole_seconds(milliseconds: float) -> int:
    return math.ceil(milliseconds / 1000)
