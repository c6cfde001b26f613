"""The sliding-window arithmetic behind `RateLimit` and `Retry-After`, simulated exhaustively."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from app.rate_limit.policy import Policy, RateLimitGroup
from app.rate_limit.window import WindowCounts, decide

WINDOW_MS = 60_000


def policy(quota: int) -> Policy:
    return Policy(RateLimitGroup.WRITE, quota, WINDOW_MS // 1000)


def weighted(counts: WindowCounts) -> int:
    """As the acquire script computes it."""
    return math.floor(counts.previous_count * counts.previous_ttl_ms / WINDOW_MS) + (
        counts.current_count
    )


def after(counts: WindowCounts, elapsed_ms: int) -> WindowCounts:
    """The counter `elapsed_ms` later with no request meanwhile (the script's window shift)."""
    current_ttl = counts.current_ttl_ms - elapsed_ms
    if 0 < current_ttl < WINDOW_MS:
        return WindowCounts(counts.current_count, current_ttl, 0, current_ttl + WINDOW_MS)
    return replace(
        counts,
        previous_ttl_ms=max(0, counts.previous_ttl_ms - elapsed_ms),
        current_ttl_ms=current_ttl,
    )


def fits(quota: int, counts: WindowCounts) -> bool:
    return weighted(counts) + 1 <= quota


def test_a_fresh_window_reports_the_whole_window() -> None:
    counts = WindowCounts(0, 0, 1, 2 * WINDOW_MS)
    decision = decide(policy(3), allowed=True, counts=counts)
    assert (decision.allowed, decision.remaining, decision.reset_seconds) == (True, 2, 60)


def test_a_refusal_waits_for_the_previous_window_to_decay() -> None:
    # weighted = floor(3 * 50 / 60) + 1 = 3; one fits once previous_ttl < 40 s.
    counts = WindowCounts(3, 50_000, 1, 110_000)
    decision = decide(policy(3), allowed=False, counts=counts)
    assert (decision.allowed, decision.remaining, decision.reset_seconds) == (False, 0, 11)


def test_a_refusal_with_a_full_current_window_waits_for_the_shift() -> None:
    counts = WindowCounts(0, 0, 3, 100_000)
    decision = decide(policy(3), allowed=False, counts=counts)
    assert decision.reset_seconds == 41


STATES = [
    WindowCounts(previous, previous_ttl, current, current_ttl)
    for previous in range(4)
    for previous_ttl in (0, 1, 7_777, 30_000, 59_999)
    for current in range(4)
    for current_ttl in (60_001, 61_234, 90_000, 119_999, 120_000)
    if previous_ttl or not previous
]


def states_within(quota: int) -> list[WindowCounts]:
    return [c for c in STATES if c.previous_count <= quota and c.current_count <= quota]


@pytest.mark.parametrize("quota", [1, 2, 3])
def test_retry_after_is_never_early_and_always_enough(quota: int) -> None:
    # A window never counts more than the quota (the quota is part of the key).
    for counts in states_within(quota):
        if fits(quota, counts):
            continue
        decision = decide(policy(quota), allowed=False, counts=counts)
        assert decision.reset_seconds >= 1
        assert fits(quota, after(counts, decision.reset_seconds * 1000)), counts


@pytest.mark.parametrize("quota", [1, 2, 3])
def test_remaining_is_what_still_fits(quota: int) -> None:
    for counts in states_within(quota):
        decision = decide(policy(quota), allowed=True, counts=counts)
        assert decision.remaining == max(0, quota - weighted(counts)), counts


@pytest.mark.parametrize("quota", [3, 4])
def test_retry_after_for_several_units_waits_until_they_fit_or_the_window_shifts(
    quota: int,
) -> None:
    """A GraphQL request spends its cost in points: `t` is until that many fit (when the
    previous window's decay frees them), else the window's shift (the earliest worth a retry)."""
    for counts in states_within(quota):
        for amount in range(2, quota + 1):
            if weighted(counts) + amount <= quota:
                continue
            decision = decide(policy(quota), allowed=False, counts=counts, amount=amount)
            later = after(counts, decision.reset_seconds * 1000)
            shift_seconds = math.ceil(max(0, counts.current_ttl_ms - WINDOW_MS) / 1000)
            assert decision.reset_seconds >= 1
            assert weighted(later) + amount <= quota or decision.reset_seconds >= shift_seconds
            if counts.current_count + amount <= quota and counts.previous_count:
                # Fits once the previous window decays enough, before the shift if it can.
                earliest = next(
                    s for s in range(1, 200) if weighted(after(counts, s * 1000)) + amount <= quota
                )
                assert decision.reset_seconds <= max(earliest, shift_seconds + 1)
                assert decision.reset_seconds >= min(earliest, shift_seconds)
