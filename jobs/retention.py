"""Retention in the sweep: a few batches of old finished deliveries and events per sweep, each
its own short transaction (app/webhooks/retention.py)."""

from __future__ import annotations

from datetime import timedelta

from loguru import logger

from app.bootstrap import Runtime
from app.webhooks import retention

# Per sweep: at most this many batches of each kind, so the other parts keep their pace; a
# backlog is worked off over the following sweeps.
BATCHES_PER_SWEEP = 10


async def prune_old_deliveries(runtime: Runtime) -> retention.Pruned:
    pruned = await retention.prune(
        retention.transactions(runtime.db),
        older_than=timedelta(days=runtime.settings.webhook_retention_days),
        max_batches=BATCHES_PER_SWEEP,
    )
    if pruned.deliveries or pruned.events:
        logger.bind(deliveries=pruned.deliveries, events=pruned.events).info(
            "deleted webhook deliveries and events past their retention"
        )
    return pruned
