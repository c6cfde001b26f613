"""Retention (CONTRACT.md §14): delivered, dead and skipped deliveries older than
WEBHOOK_RETENTION_DAYS are deleted, then the relayed events of that age that no delivery
refers to any more. Each batch is one short transaction of at most `batch_size` rows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.webhooks import retention_repository as repository
from db.session import Database

BATCH_SIZE = 1000


@dataclass(frozen=True)
class Pruned:
    """How many deliveries and events were deleted (or, in a dry run, would be)."""

    deliveries: int
    events: int


# Runs `work` in a transaction of its own and returns its result.
InTransaction = Callable[[Callable[[AsyncSession], Awaitable[int]]], Awaitable[int]]
# Deletes up to `limit` rows in the session; how many.
DeleteBatch = Callable[[AsyncSession, int], Awaitable[int]]


def transactions(db: Database) -> InTransaction:
    """Runs each piece of work in a unit of work of its own on `db`."""

    async def in_transaction(work: Callable[[AsyncSession], Awaitable[int]]) -> int:
        async with db.unit_of_work() as session:
            return await work(session)

    return in_transaction


async def delete_in_batches(
    in_transaction: InTransaction,
    delete: DeleteBatch,
    *,
    batch_size: int,
    max_batches: int | None,
) -> int:
    """`delete` a batch per transaction until a batch comes back short or `max_batches` ran;
    how many rows in all."""
    total, runs = 0, 0
    while max_batches is None or runs < max_batches:
        deleted = await in_transaction(lambda session: delete(session, batch_size))
        total, runs = total + deleted, runs + 1
        if deleted < batch_size:
            break
    return total


async def prune(
    in_transaction: InTransaction,
    *,
    older_than: timedelta,
    batch_size: int = BATCH_SIZE,
    max_batches: int | None = None,
) -> Pruned:
    """Delete old finished deliveries, then old events left without deliveries, a batch per
    transaction, until none is left or `max_batches` batches of each ran."""

    async def deliveries(session: AsyncSession, limit: int) -> int:
        return await repository.delete_old_deliveries(session, older_than=older_than, limit=limit)

    async def events(session: AsyncSession, limit: int) -> int:
        return await repository.delete_old_events(session, older_than=older_than, limit=limit)

    return Pruned(
        deliveries=await delete_in_batches(
            in_transaction, deliveries, batch_size=batch_size, max_batches=max_batches
        ),
        events=await delete_in_batches(
            in_transaction, events, batch_size=batch_size, max_batches=max_batches
        ),
    )


async def count_prunable(session: AsyncSession, *, older_than: timedelta) -> Pruned:
    """What `prune` would delete now (a dry run)."""
    return Pruned(
        deliveries=await repository.count_old_deliveries(session, older_than=older_than),
        events=await repository.count_old_events(session, older_than=older_than),
    )
