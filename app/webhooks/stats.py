"""Delivery statistics of an endpoint (CONTRACT.md §14): attempts, successes, failures and
latency percentiles over a window, its backlog, its last success and failure.

Deliveries keep only their last attempt, so the worker adds every recorded batch of outcomes to
a per-endpoint, per-minute rollup in the statement that records them
(app/webhooks/stats_repository.py); a window is read from that, never from the deliveries'
history. Percentiles are interpolated within the rollup's fixed latency buckets.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from app.webhooks import stats_repository as repository
from app.webhooks.service import get_endpoint
from app.webhooks.stats_repository import LATENCY_BOUNDS_MS

# Kept longer than the longest window; older minutes are pruned by the worker.
ROLLUP_RETENTION = timedelta(days=2)
PRUNE_BATCH = 1000
# At most this many batches per sweep, so one sweep never runs long.
PRUNE_BATCHES_PER_SWEEP = 10


class StatsWindow(StrEnum):
    HOUR = "1h"
    DAY = "24h"

    @property
    def length(self) -> timedelta:
        return timedelta(hours=1) if self is StatsWindow.HOUR else timedelta(hours=24)


@dataclass(frozen=True)
class DeliveryStats:
    window: StatsWindow
    attempts: int
    delivered: int
    failed: int
    success_rate: float | None
    latency_p50_ms: int | None
    latency_p95_ms: int | None
    pending: int
    oldest_pending_age_seconds: int | None
    last_success_at: datetime | None
    last_failure_at: datetime | None


async def endpoint_stats(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    window: StatsWindow = StatsWindow.HOUR,
) -> DeliveryStats:
    """The tenant's endpoint's delivery statistics over `window`, or NotFound."""
    await get_endpoint(session, tenant_id=tenant_id, endpoint_id=endpoint_id)
    row = await repository.read_window(session, endpoint_id, window.length)
    oldest_age = None
    if row.oldest_pending_at is not None:
        oldest_age = max(0, math.floor((row.now - row.oldest_pending_at).total_seconds()))
    return DeliveryStats(
        window=window,
        attempts=row.attempts,
        delivered=row.delivered,
        failed=row.failed,
        success_rate=row.delivered / row.attempts if row.attempts else None,
        latency_p50_ms=latency_percentile(row.latency_buckets, 0.50),
        latency_p95_ms=latency_percentile(row.latency_buckets, 0.95),
        pending=row.pending,
        oldest_pending_age_seconds=oldest_age,
        last_success_at=row.last_success_at,
        last_failure_at=row.last_failure_at,
    )


def latency_percentile(buckets: Sequence[int], quantile: float) -> int | None:
    """The `quantile` of the latencies counted in `buckets` (ms), None when there are none.

    The rank `quantile * total` falls in one bucket; the value is interpolated linearly between
    that bucket's bounds by the rank's position among its counts. The open last bucket answers
    its lower bound.
    """
    total = sum(buckets)
    if total == 0:
        return None
    rank = quantile * total
    below = 0
    for slot, count in enumerate(buckets):
        if count and below + count >= rank:
            lower = LATENCY_BOUNDS_MS[slot - 1] if slot > 0 else 0
            if slot >= len(LATENCY_BOUNDS_MS):
                return lower
            upper = LATENCY_BOUNDS_MS[slot]
            return round(lower + (upper - lower) * (rank - below) / count)
        below += count
    return LATENCY_BOUNDS_MS[-1]


async def prune_rollup(session: AsyncSession, *, limit: int = PRUNE_BATCH) -> int:
    """Delete up to `limit` rollup minutes older than ROLLUP_RETENTION; how many."""
    return await repository.prune(session, retention=ROLLUP_RETENTION, limit=limit)
