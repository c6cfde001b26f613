"""SQL for delivery statistics: the rollup each recorded batch adds to, the window read from it,
the backlog read from the pending index, and the pruning of old minutes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# Upper bounds (ms, exclusive) of the latency buckets; one more bucket holds what is above the
# last. Changing them changes what stored rows mean: add bounds only at the end, with a migration
# that widens the stored arrays.
LATENCY_BOUNDS_MS: tuple[int, ...] = (
    25,
    50,
    100,
    250,
    500,
    1_000,
    2_500,
    5_000,
    10_000,
    30_000,
    60_000,
    300_000,
    1_800_000,
    7_200_000,
    21_600_000,
)
LATENCY_BUCKETS = len(LATENCY_BOUNDS_MS) + 1
_BOUNDS = "ARRAY[" + ",".join(str(bound) for bound in LATENCY_BOUNDS_MS) + "]::float8[]"

# A CTE of the statement that records outcomes (app/webhooks/delivery_repository.py): it reads
# that statement's `recorded` CTE and its `:ids`, `:statuses` and `:delivered` arrays, and adds
# the batch to the endpoints' rows of the current minute, in endpoint order (so concurrent
# batches lock the shared rows in one order). A successful attempt's latency runs from the
# delivery's creation to its success; a failed attempt is one whose delivery is still pending
# (a retry to come) or dead.
ROLLED_UP = f"""
    rolled_up AS (
        INSERT INTO webhook_delivery_stats AS stats (
            endpoint_id, minute, attempts, delivered, failed, latency_buckets,
            last_success_at, last_failure_at)
        SELECT batch.endpoint_id, date_trunc('minute', now()), batch.attempts, batch.delivered,
               batch.attempts - batch.delivered,
               ARRAY(SELECT CAST(count(bucket) AS integer)
                       FROM generate_series(0, {LATENCY_BUCKETS - 1}) AS slot
                       LEFT JOIN unnest(batch.buckets) AS bucket ON bucket = slot
                      GROUP BY slot ORDER BY slot),
               batch.last_success_at, batch.last_failure_at
          FROM (
            SELECT delivery.endpoint_id,
                   CAST(count(*) AS integer) AS attempts,
                   CAST(count(*) FILTER (WHERE outcome.status = 'delivered') AS integer)
                       AS delivered,
                   array_agg(width_bucket(
                       extract(epoch FROM outcome.delivered_at - delivery.created_at) * 1000,
                       {_BOUNDS}))
                       FILTER (WHERE outcome.status = 'delivered') AS buckets,
                   max(outcome.delivered_at) AS last_success_at,
                   CASE WHEN bool_or(outcome.status <> 'delivered') THEN now() END
                       AS last_failure_at
              FROM recorded
              JOIN unnest(CAST(:ids AS uuid[]), CAST(:statuses AS text[]),
                          CAST(:delivered AS timestamptz[]))
                   AS outcome(id, status, delivered_at) ON outcome.id = recorded.id
              JOIN webhook_deliveries AS delivery ON delivery.id = recorded.id
             GROUP BY delivery.endpoint_id
          ) AS batch
         ORDER BY batch.endpoint_id
        ON CONFLICT (endpoint_id, minute) DO UPDATE SET
            attempts = stats.attempts + EXCLUDED.attempts,
            delivered = stats.delivered + EXCLUDED.delivered,
            failed = stats.failed + EXCLUDED.failed,
            latency_buckets = ARRAY(
                SELECT mine + theirs
                  FROM unnest(stats.latency_buckets, EXCLUDED.latency_buckets)
                       WITH ORDINALITY AS added(mine, theirs, slot)
                 ORDER BY slot),
            last_success_at = GREATEST(stats.last_success_at, EXCLUDED.last_success_at),
            last_failure_at = GREATEST(stats.last_failure_at, EXCLUDED.last_failure_at)
    )
"""  # noqa: S608 - only constants are joined in

_WINDOW = text(
    """
    WITH window_minutes AS MATERIALIZED (
        SELECT attempts, delivered, failed, latency_buckets
          FROM webhook_delivery_stats
         WHERE endpoint_id = :endpoint_id AND minute > now() - CAST(:window AS interval)
    )
    SELECT
        (SELECT CAST(coalesce(sum(attempts), 0) AS integer) FROM window_minutes),
        (SELECT CAST(coalesce(sum(delivered), 0) AS integer) FROM window_minutes),
        (SELECT CAST(coalesce(sum(failed), 0) AS integer) FROM window_minutes),
        ARRAY(SELECT CAST(sum(counted) AS integer)
                FROM window_minutes,
                     unnest(latency_buckets) WITH ORDINALITY AS histogram(counted, slot)
               GROUP BY slot ORDER BY slot),
        (SELECT max(last_success_at) FROM webhook_delivery_stats
          WHERE endpoint_id = :endpoint_id),
        (SELECT max(last_failure_at) FROM webhook_delivery_stats
          WHERE endpoint_id = :endpoint_id),
        (SELECT CAST(count(*) AS integer) FROM webhook_deliveries
          WHERE endpoint_id = :endpoint_id AND status = 'pending'),
        (SELECT min(created_at) FROM webhook_deliveries
          WHERE endpoint_id = :endpoint_id AND status = 'pending'),
        now()
    """
)

_PRUNE = text(
    """
    DELETE FROM webhook_delivery_stats
     WHERE ctid IN (SELECT ctid FROM webhook_delivery_stats
                     WHERE minute < now() - CAST(:retention AS interval)
                     LIMIT :limit FOR UPDATE SKIP LOCKED)
    """
)


@dataclass(frozen=True)
class StatsRow:
    attempts: int
    delivered: int
    failed: int
    latency_buckets: Sequence[int]
    last_success_at: datetime | None
    last_failure_at: datetime | None
    pending: int
    oldest_pending_at: datetime | None
    now: datetime


async def read_window(session: AsyncSession, endpoint_id: uuid.UUID, window: timedelta) -> StatsRow:
    """The endpoint's rollup over the minutes that started within `window`, its last success
    and failure in the whole rollup, and its backlog now."""
    row = (await session.execute(_WINDOW, {"endpoint_id": endpoint_id, "window": window})).one()
    return StatsRow(*row)


async def prune(session: AsyncSession, *, retention: timedelta, limit: int) -> int:
    """Delete up to `limit` rollup minutes older than `retention`; how many."""
    result = await session.execute(_PRUNE, {"retention": retention, "limit": limit})
    return int(result.rowcount)  # type: ignore[attr-defined]
