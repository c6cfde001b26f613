"""Leases on claimed work, and how a lease's holder is known to be alive (docs/WEBHOOKS.md).

A worker that claims a delivery or a run dispatch leases the row for a multiple of the HTTP
timeout and writes its holder id into it. Each worker process holds the session advisory lock
(LIVENESS_NAMESPACE, holder id) for its whole life; PostgreSQL drops the lock as soon as the
process's connection goes, so a row whose holder's lock is not held belongs to a dead worker,
long before its lease would end.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    case,
    column,
    exists,
    func,
    literal,
    select,
    table,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.automation_run import AutomationRun
from db.models.webhook_delivery import WebhookDelivery

# The first key of every worker's liveness lock (two-key advisory locks are listed in
# pg_locks with classid = first key, objid = second key, objsubid = 2).
LIVENESS_NAMESPACE = 0x4146_4C57
TWO_KEY_LOCK = 2
# A slow but alive attempt ends long before its lease: twice the longest it may wait on HTTP.
LEASE_TIMEOUTS = 2

_pg_locks = table(
    "pg_locks",
    column("locktype"),
    column("database"),
    column("classid"),
    column("objid"),
    column("objsubid"),
    column("granted"),
)
_pg_database = table("pg_database", column("oid"), column("datname"))


def lease_for(timeout_seconds: float, *, requests: int = 1) -> timedelta:
    """The lease of an attempt that makes `requests` HTTP calls of `timeout_seconds` each."""
    return timedelta(seconds=LEASE_TIMEOUTS * requests * timeout_seconds)


def holder_is_gone(holder: SQLColumnExpression[int | None]) -> ColumnElement[bool]:
    """True where no session of this database holds the liveness lock of `holder`."""
    this_database = (
        select(_pg_database.c.oid)
        .where(_pg_database.c.datname == func.current_database())
        .scalar_subquery()
    )
    return ~exists(
        select(literal(1))
        .select_from(_pg_locks)
        .where(
            _pg_locks.c.locktype == "advisory",
            _pg_locks.c.database == this_database,
            _pg_locks.c.classid == LIVENESS_NAMESPACE,
            _pg_locks.c.objid == holder,
            _pg_locks.c.objsubid == TWO_KEY_LOCK,
            _pg_locks.c.granted,
        )
    )


async def release_dead_leases(
    session: AsyncSession,
    model: type[WebhookDelivery] | type[AutomationRun],
    *,
    due_again: ColumnElement[bool],
    limit: int,
    **values: Any,
) -> list[uuid.UUID]:
    """Rows of `model` leased by a worker that is gone: lease cleared, and due now where
    `due_again` holds (other `values` set too). Several workers may run this at once; each row
    is released by one of them. Returns the rows made due, to enqueue."""
    leased_by_the_dead = (
        select(model.id)
        .where(model.lease_holder.is_not(None), holder_is_gone(model.lease_holder))
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    rows = await session.execute(
        update(model)
        .where(model.id.in_(leased_by_the_dead))
        .values(
            lease_holder=None,
            next_attempt_at=case((due_again, func.now()), else_=model.next_attempt_at),
            **values,
        )
        .returning(model.id, due_again)
    )
    return [row_id for row_id, is_due in rows if is_due]
