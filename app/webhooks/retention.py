"""Retention (CONTRACT.md §14): delivered, dead and skipped deliveries older than
WEBHOOK_RETENTION_DAYS are deleted, then the relayed events of that age that no delivery
refers to any more. Each batch is one short transaction of at most `batch_size` rows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.webhooks import retention_repository as repository

BATCH_SIZE = 1000


@dataclass(frozen=True)
class Pruned:
    """How many deliveries and events were deleted (or, in a dry run, would be)."""

    deliveries: int
    events: int


# Runs `work` in a transaction of its own and returns its result.
InTransaction = Callable[[Callable[[AsyncSession], Awaitable[int]]], Awaitable[int]]


async def prune(
    in_transaction: InTransaction,
    *,
    older_than: timedelta,
    batch_size: int = BATCH_SIZE,
    max_batches: int | None = None,
) -> Pruned:
    """Delete old finished deliveries, then old events left without deliveries, a batch per
    transaction, until none is left or `max_batches` batches of each ran."""

    async def batches(delete: Callable[..., Awaitable[int]]) -> int:
        total, runs = 0, 0
        while max_batches is None or runs < max_batches:
            deleted = await in_transaction(
                lambda session: delete(session, older_than=older_than, limit=batch_size)
            )
            total, runs = total + deleted, runs + 1
            if deleted < batch_size:
                break
        return total

    deliveries = await batches(repository.delete_old_deliveries)
    events = await batches(repository.delete_old_events)
    return Pruned(deliveries=deliveries, events=events)


async def count_prunable(session: AsyncSession, *, older_than: timedelta) -> Pruned:
    """What `prune` would delete now (a dry run)."""
    return Pruned(
        deliveries=await repository.count_old_deliveries(session, older_than=older_than),
        events=await repository.count_old_events(session, older_than=older_than),
    )
