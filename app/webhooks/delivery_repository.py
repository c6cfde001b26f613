"""SQL for delivery attempts: claim due deliveries, record their outcomes (one statement for a
whole batch each), find due ones, and release the leases of workers that are gone."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import TextClause, func, select, text
from sqlalchemy.dialects.postgresql import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.webhooks.claims import ClaimedDelivery, Outcome
from app.webhooks.stats_repository import ROLLED_UP
from db import leases
from db.models.webhook_delivery import DeliveryStatus, WebhookDelivery

# Pending, due, unlocked deliveries, oldest due first (a locked one is being claimed by someone
# else: skipped, so a duplicate claim does nothing), leaving out those being recorded by the same
# statement. An enabled endpoint's delivery counts the attempt and is leased to the claiming
# worker until `now + lease`: until the lease ends, or its holder is gone, nobody else attempts
# it (db/leases.py). A disabled endpoint's delivery is skipped without an attempt (never sent;
# recover sends it again).
# An ordered delivery (with an event position: its endpoint orders per resource) waits while an
# earlier one of its endpoint and resource is pending (being attempted or waiting for a retry
# included) and while any event before it is unrelayed (an earlier one of its resource may be
# about to become a delivery); the others pay one null test (docs/WEBHOOKS.md).
_DUE_AND_CLAIMED = """
    due AS (
        SELECT id FROM webhook_deliveries AS candidate
        WHERE status = 'pending' AND next_attempt_at <= now()
          AND (CAST(:only AS uuid[]) IS NULL OR id = ANY (CAST(:only AS uuid[])))
          AND id <> ALL (CAST(:ids AS uuid[]))
          AND (candidate.event_position IS NULL OR (
              NOT EXISTS (
                  SELECT FROM webhook_deliveries AS earlier
                  WHERE earlier.endpoint_id = candidate.endpoint_id
                    AND earlier.resource_id = candidate.resource_id
                    AND earlier.status = 'pending' AND earlier.event_position IS NOT NULL
                    AND earlier.event_position < candidate.event_position
              ) AND NOT EXISTS (
                  SELECT FROM outbox_events AS unrelayed
                  WHERE unrelayed.relayed_at IS NULL
                    AND unrelayed.position < candidate.event_position
              )
          ))
        ORDER BY next_attempt_at
        LIMIT :limit
        FOR UPDATE SKIP LOCKED
    ), claimed AS (
        UPDATE webhook_deliveries AS delivery SET
            attempts = delivery.attempts + CASE WHEN endpoint.enabled THEN 1 ELSE 0 END,
            schedule_step = delivery.schedule_step + CASE WHEN endpoint.enabled THEN 1 ELSE 0 END,
            status = CASE WHEN endpoint.enabled THEN delivery.status
                          ELSE 'skipped' END,
            last_error = CASE WHEN endpoint.enabled THEN delivery.last_error
                              ELSE :disabled_error END,
            next_attempt_at = CASE WHEN endpoint.enabled
                                   THEN now() + CAST(:lease_seconds AS float8) * interval '1 second'
                              END,
            lease_holder = CASE WHEN endpoint.enabled THEN CAST(:holder AS integer) END,
            updated_at = now()
        FROM due, webhook_endpoints AS endpoint, outbox_events AS event
        WHERE delivery.id = due.id
          AND endpoint.id = delivery.endpoint_id
          AND event.id = delivery.event_id
        RETURNING delivery.id AS delivery_id, delivery.attempts, delivery.schedule_step,
            endpoint.enabled, endpoint.url, endpoint.secret_encrypted,
            endpoint.previous_secret_encrypted, endpoint.previous_secret_expires_at,
            event.id AS event_id, event.tenant_id, event.event_type,
            CAST(event.payload AS text) AS payload_json, event.occurred_at, event.correlation_id,
            event.request_id, endpoint.id AS endpoint_id, endpoint.max_deliveries_per_second,
            delivery.event_position IS NOT NULL AS ordered, delivery.resource_id,
            delivery.created_at, delivery.last_status_code
    )
"""

# Each outcome is written unless its row moved on meanwhile (a later attempt, a retry): the
# guard is `attempts` = the attempt that produced it. The lease holder is cleared.
_RECORDED = """
    recorded AS (
        UPDATE webhook_deliveries AS delivery SET
            status = outcome.status,
            last_status_code = outcome.status_code,
            last_error = outcome.error,
            last_response_body = outcome.response_excerpt,
            next_attempt_at = outcome.next_attempt_at,
            lease_holder = NULL,
            delivered_at = outcome.delivered_at,
            updated_at = now()
        FROM unnest(
            CAST(:ids AS uuid[]), CAST(:attempts AS integer[]), CAST(:statuses AS text[]),
            CAST(:status_codes AS integer[]), CAST(:errors AS text[]),
            CAST(:excerpts AS text[]), CAST(:next_attempts AS timestamptz[]),
            CAST(:delivered AS timestamptz[])
        ) WITH ORDINALITY AS outcome(id, attempt, status, status_code, error, response_excerpt,
                                     next_attempt_at, delivered_at, position)
        WHERE delivery.id = outcome.id
          AND delivery.status = 'pending'
          AND delivery.attempts = outcome.attempt
        RETURNING delivery.id, delivery.endpoint_id, outcome.position,
            outcome.status = 'delivered' AS succeeded
    )
"""

# The endpoints' runs of failed attempts (auto-disable, docs/WEBHOOKS.md), one change per
# endpoint for the whole batch, taken in the order its attempts finished: a success ends the
# run; the failures after an endpoint's last success in the batch start a new run, or extend
# the one going on. Endpoints whose run does not change (a success while none was going on,
# the steady state) are neither locked nor written; the others are locked in id order, so two
# statements recording for the same endpoints never deadlock. Returns the enabled endpoints
# whose run is now past a threshold: to be disabled, or warned about once.
_RUNS = """
    batch_runs AS (
        SELECT endpoint_id, last_success,
            count(*) FILTER (WHERE NOT succeeded AND position > coalesce(last_success, 0))
                AS failures
        FROM (
            SELECT endpoint_id, position, succeeded,
                max(position) FILTER (WHERE succeeded) OVER (PARTITION BY endpoint_id)
                    AS last_success
            FROM recorded
        ) AS attempts
        GROUP BY endpoint_id, last_success
    ), changed_runs AS (
        SELECT endpoint.id, batch_runs.last_success, batch_runs.failures
        FROM webhook_endpoints AS endpoint JOIN batch_runs ON endpoint.id = batch_runs.endpoint_id
        WHERE batch_runs.failures > 0 OR endpoint.failing_since IS NOT NULL
           OR endpoint.consecutive_failures > 0 OR endpoint.failing_notice_at IS NOT NULL
        ORDER BY endpoint.id
        FOR UPDATE OF endpoint
    ), runs AS (
        UPDATE webhook_endpoints AS endpoint SET
            failing_since = CASE
                WHEN run.failures = 0 THEN NULL
                WHEN run.last_success IS NULL THEN coalesce(endpoint.failing_since, now())
                ELSE now() END,
            consecutive_failures = CASE
                WHEN run.last_success IS NULL THEN endpoint.consecutive_failures + run.failures
                ELSE run.failures END,
            failing_notice_at = CASE
                WHEN run.last_success IS NULL THEN endpoint.failing_notice_at END
        FROM changed_runs AS run
        WHERE endpoint.id = run.id
        RETURNING endpoint.id, endpoint.enabled AND endpoint.failing_since IS NOT NULL AND (
            (endpoint.consecutive_failures >= CAST(:disable_min_failures AS integer)
             AND endpoint.failing_since
                 <= now() - CAST(:disable_after_seconds AS float8) * interval '1 second')
            OR (endpoint.failing_notice_at IS NULL
                AND endpoint.failing_since
                    <= now() - CAST(:disable_after_seconds AS float8) / 2 * interval '1 second')
        ) AS past_threshold
    )
"""
# The ids of the endpoints `runs` found past a threshold.
_PAST_THRESHOLD = "ARRAY(SELECT id FROM runs WHERE past_threshold)"


# The first pending delivery of the endpoint and resource of each ended ordered delivery, when
# it waits for its turn (relayed behind an earlier one: no next attempt), is due now. Two at
# once change a row once: the second finds it due already.
_NEXT_IN_LINE = """
    UPDATE webhook_deliveries AS delivery SET next_attempt_at = now(), updated_at = now()
    WHERE delivery.id = ANY (ARRAY(
        SELECT head.id FROM webhook_deliveries AS ended
        CROSS JOIN LATERAL (
            SELECT line.id, line.next_attempt_at FROM webhook_deliveries AS line
            WHERE line.endpoint_id = ended.endpoint_id AND line.resource_id = ended.resource_id
              AND line.status = 'pending' AND line.event_position IS NOT NULL
            ORDER BY line.event_position
            LIMIT 1
        ) AS head
        WHERE ended.id = ANY (CAST(:ended AS uuid[])) AND head.next_attempt_at IS NULL
    ))
      AND delivery.status = 'pending' AND delivery.next_attempt_at IS NULL
    RETURNING delivery.id
"""
# The same for every endpoint and resource with ordered deliveries pending (the sweep's net):
# it reads all of them, once per sweep.
_ANY_NEXT_IN_LINE = """
    UPDATE webhook_deliveries AS delivery SET next_attempt_at = now(), updated_at = now()
    WHERE delivery.id = ANY (ARRAY(
        SELECT head.id FROM (
            SELECT DISTINCT ON (line.endpoint_id, line.resource_id) line.id, line.next_attempt_at
            FROM webhook_deliveries AS line
            WHERE line.status = 'pending' AND line.event_position IS NOT NULL
            ORDER BY line.endpoint_id, line.resource_id, line.event_position
        ) AS head
        WHERE head.next_attempt_at IS NULL
    ))
      AND delivery.status = 'pending' AND delivery.next_attempt_at IS NULL
    RETURNING delivery.id
"""


class _DriverStatement(NamedTuple):
    """A statement compiled once for asyncpg ($1, $2, ...), sent by `exec_driver_sql`: no
    compilation, cache key or parameter processing per execution, while SQLAlchemy still wraps
    the driver's errors (`is_outage` reads them) and invalidates a broken connection."""

    sql: str
    names: tuple[str, ...]

    @classmethod
    def of(cls, statement: TextClause) -> _DriverStatement:
        compiled = statement.compile(dialect=asyncpg.dialect())  # type: ignore[no-untyped-call]
        return cls(compiled.string, tuple(compiled.positiontup or ()))

    async def rows(
        self, connection: AsyncConnection, values: Mapping[str, object]
    ) -> Sequence[Sequence[Any]]:
        arguments = tuple(values[name] for name in self.names)
        return (await connection.exec_driver_sql(self.sql, arguments)).all()


# The f-strings below only join the constant SQL above.
_CLAIM = _DriverStatement.of(text(f"WITH {_DUE_AND_CLAIMED} SELECT * FROM claimed"))  # noqa: S608
# Recording also adds the batch to the delivery statistics' rollup (a CTE of its own).
_RECORD = _DriverStatement.of(
    text(
        f"WITH {_RECORDED}, {_RUNS}, {ROLLED_UP} "  # noqa: S608
        f"SELECT ARRAY(SELECT id FROM recorded), {_PAST_THRESHOLD}"
    )
)
_RELEASE_NEXT = _DriverStatement.of(text(_NEXT_IN_LINE))
_RELEASE_ANY_NEXT = _DriverStatement.of(text(_ANY_NEXT_IN_LINE))
# Both in one statement (one round trip per cycle of the delivery loop): one row per claimed
# delivery, or a single row of nulls after the arrays when none was, each starting with the ids
# of the deliveries written and of the endpoints past a threshold.
_RECORD_AND_CLAIM = _DriverStatement.of(
    text(
        f"WITH {_RECORDED}, {_RUNS}, {ROLLED_UP}, {_DUE_AND_CLAIMED} "  # noqa: S608
        f"SELECT ARRAY(SELECT id FROM recorded), {_PAST_THRESHOLD}, claimed.* "
        "FROM (VALUES (1)) AS one LEFT JOIN claimed ON true"
    )
)


async def claim_due(
    connection: AsyncConnection,
    *,
    limit: int,
    lease_seconds: float,
    holder: int | None,
    disabled_error: str,
    only: Sequence[uuid.UUID] | None = None,
) -> list[ClaimedDelivery]:
    """Claim up to `limit` due deliveries (among `only`, when given) in one statement."""
    rows = await _CLAIM.rows(
        connection,
        _claim_parameters(limit, lease_seconds, holder, disabled_error, only) | {"ids": []},
    )
    return [ClaimedDelivery(*row) for row in rows]


class Recorded(NamedTuple):
    """What recording a batch of outcomes wrote."""

    deliveries: set[uuid.UUID]
    # Enabled endpoints whose run of failed attempts is now past a threshold of `FailingRule`.
    failing_endpoints: set[uuid.UUID]


class FailingRule(NamedTuple):
    """When an endpoint's run of failed attempts disables it: every attempt failed for
    `after_seconds` and at least `min_failures` in a row (a warning at half the period)."""

    after_seconds: float
    min_failures: int


async def record_outcomes(
    connection: AsyncConnection, outcomes: Sequence[Outcome], rule: FailingRule
) -> Recorded:
    """Write the outcomes and the endpoints' runs of failures in one statement."""
    [(written, failing)] = await _RECORD.rows(
        connection, _outcome_parameters(outcomes) | _rule_parameters(rule)
    )
    return Recorded(set(written), set(failing))


async def record_and_claim(
    connection: AsyncConnection,
    outcomes: Sequence[Outcome],
    rule: FailingRule,
    *,
    limit: int,
    lease_seconds: float,
    holder: int | None,
    disabled_error: str,
) -> tuple[Recorded, list[ClaimedDelivery]]:
    """`record_outcomes` and `claim_due` in one statement: what was recorded, and the
    deliveries claimed (never one of the outcomes' deliveries)."""
    rows = await _RECORD_AND_CLAIM.rows(
        connection,
        _outcome_parameters(outcomes)
        | _rule_parameters(rule)
        | _claim_parameters(limit, lease_seconds, holder, disabled_error, None),
    )
    recorded = Recorded(set(rows[0][0]), set(rows[0][1]))
    return recorded, [ClaimedDelivery(*row[2:]) for row in rows if row[2] is not None]


def _rule_parameters(rule: FailingRule) -> dict[str, object]:
    return {
        "disable_after_seconds": rule.after_seconds,
        "disable_min_failures": rule.min_failures,
    }


async def release_next(connection: AsyncConnection, ended: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """Make due the delivery next in line behind each of the `ended` ordered deliveries, in one
    statement; the ids of those made due."""
    rows = await _RELEASE_NEXT.rows(connection, {"ended": list(ended)})
    return [row_id for (row_id,) in rows]


async def release_any_next(connection: AsyncConnection) -> list[uuid.UUID]:
    """Make due every delivery next in line that still waits though nothing pending is before
    it (its release was lost: the worker died between recording an end and releasing it)."""
    rows = await _RELEASE_ANY_NEXT.rows(connection, {})
    return [row_id for (row_id,) in rows]


def _claim_parameters(
    limit: int,
    lease_seconds: float,
    holder: int | None,
    disabled_error: str,
    only: Sequence[uuid.UUID] | None,
) -> dict[str, object]:
    return {
        "limit": limit,
        "lease_seconds": lease_seconds,
        "holder": holder,
        "disabled_error": disabled_error,
        "only": None if only is None else list(only),
    }


def _outcome_parameters(outcomes: Sequence[Outcome]) -> dict[str, object]:
    return {
        "ids": [o.delivery_id for o in outcomes],
        "attempts": [o.attempt for o in outcomes],
        "statuses": [o.status.value for o in outcomes],
        "status_codes": [o.status_code for o in outcomes],
        "errors": [o.error for o in outcomes],
        "excerpts": [o.response_excerpt for o in outcomes],
        "next_attempts": [o.next_attempt_at for o in outcomes],
        "delivered": [o.delivered_at for o in outcomes],
    }


# A claimed delivery that must wait for its endpoint's pace gets its attempt back (attempts and
# schedule step as before the claim), its lease ended and the time it may go; guarded, like an
# outcome, by the attempt the claim counted.
_GIVE_BACK = _DriverStatement.of(
    text(
        """
        UPDATE webhook_deliveries AS delivery SET
            attempts = delivery.attempts - 1,
            schedule_step = delivery.schedule_step - 1,
            next_attempt_at = deferred.next_attempt_at,
            lease_holder = NULL,
            updated_at = now()
        FROM unnest(
            CAST(:ids AS uuid[]), CAST(:attempts AS integer[]),
            CAST(:next_attempts AS timestamptz[])
        ) AS deferred(id, attempt, next_attempt_at)
        WHERE delivery.id = deferred.id
          AND delivery.status = 'pending'
          AND delivery.attempts = deferred.attempt
        RETURNING delivery.id
        """
    )
)


async def give_back(
    connection: AsyncConnection, deferred: Sequence[tuple[uuid.UUID, int, datetime]]
) -> set[uuid.UUID]:
    """Give back the claimed attempts of (delivery id, attempt, due again at); the ids
    written."""
    rows = await _GIVE_BACK.rows(
        connection,
        {
            "ids": [d[0] for d in deferred],
            "attempts": [d[1] for d in deferred],
            "next_attempts": [d[2] for d in deferred],
        },
    )
    return {row_id for (row_id,) in rows}


async def due_ids(session: AsyncSession, *, limit: int) -> list[uuid.UUID]:
    """Pending deliveries whose next attempt is due, the longest waiting first."""
    return list(
        await session.scalars(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= func.now(),
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(limit)
        )
    )


async def release_dead_leases(session: AsyncSession, *, limit: int) -> list[uuid.UUID]:
    """Deliveries leased by a worker that is gone; the pending ones are made due."""
    return await leases.release_dead_leases(
        session,
        WebhookDelivery,
        due_again=WebhookDelivery.status == DeliveryStatus.PENDING,
        limit=limit,
        updated_at=func.now(),
    )
