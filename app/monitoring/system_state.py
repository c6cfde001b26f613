"""The gauges about the system's state (CONTRACT.md §2): outbox, deliveries, automation runs and
the schema, read from PostgreSQL at scrape time by the API's /metrics and the worker's port."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

from loguru import logger
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select, text

from app.outbox.relay import backlog
from db.migrate import SchemaState, current_schema_state
from db.models.automation_run import ACTIVE_STATUSES, RunStatus
from db.models.webhook_delivery import DeliveryStatus, WebhookDelivery
from db.session import Database

STATE_TIMEOUT_SECONDS = 2.0
_STATEMENT_TIMEOUT_MS = int(STATE_TIMEOUT_SECONDS * 1000)


@dataclass(frozen=True)
class StateSnapshot:
    outbox_backlog: int
    outbox_oldest_age_seconds: float
    dead_deliveries: int
    pending_deliveries: int
    automation_runs: dict[str, int]
    oldest_active_run_age_seconds: float
    schema: SchemaState


async def read_state(db: Database) -> StateSnapshot | None:
    """The database gauges now; None (logged) when the database does not answer in time."""
    try:
        return await asyncio.wait_for(_query_state(db), STATE_TIMEOUT_SECONDS)
    except Exception as exc:
        logger.warning("metrics: database state unavailable ({})", type(exc).__name__)
        return None


async def _query_state(db: Database) -> StateSnapshot:
    async with db.unit_of_work() as session:
        await session.execute(text(f"SET LOCAL statement_timeout = {_STATEMENT_TIMEOUT_MS}"))
        unrelayed, oldest_age = await backlog(session)
        dead, pending = (
            await session.execute(
                select(
                    func.count().filter(WebhookDelivery.status == DeliveryStatus.DEAD),
                    func.count().filter(WebhookDelivery.status == DeliveryStatus.PENDING),
                ).where(WebhookDelivery.status.in_((DeliveryStatus.DEAD, DeliveryStatus.PENDING)))
            )
        ).one()
        runs = await session.execute(
            text(
                "SELECT status, count(*), "
                "COALESCE(EXTRACT(EPOCH FROM now() - min(COALESCE(started_at, created_at))), 0) "
                "FROM automation_runs GROUP BY status"
            )
        )
        schema = await current_schema_state(await session.connection())
    # Every status of the contract (§6) is reported, even when no run has it.
    by_status = {status.value: 0 for status in RunStatus}
    oldest_active = 0.0
    for status, count, oldest in runs:
        by_status[str(status)] = int(count)
        if status in ACTIVE_STATUSES:
            oldest_active = max(oldest_active, float(oldest))
    return StateSnapshot(
        outbox_backlog=unrelayed,
        outbox_oldest_age_seconds=oldest_age,
        dead_deliveries=int(dead),
        pending_deliveries=int(pending),
        automation_runs=by_status,
        oldest_active_run_age_seconds=oldest_active,
        schema=schema,
    )


def state_families(snapshot: StateSnapshot | None) -> Iterable[Metric]:
    """The gauges of `snapshot`; none when the state could not be read."""
    if snapshot is None:
        return
    yield GaugeMetricFamily(
        "aetherflow_outbox_backlog",
        "Outbox events not yet relayed to webhook deliveries.",
        value=snapshot.outbox_backlog,
    )
    yield GaugeMetricFamily(
        "aetherflow_outbox_oldest_age_seconds",
        "Age of the oldest unrelayed outbox event, in seconds (0 when none).",
        value=snapshot.outbox_oldest_age_seconds,
    )
    yield GaugeMetricFamily(
        "aetherflow_webhook_deliveries_dead",
        "Webhook deliveries that are dead (out of attempts or refused), retryable by operators.",
        value=snapshot.dead_deliveries,
    )
    runs = GaugeMetricFamily(
        "aetherflow_automation_runs",
        "Automation runs by status.",
        labels=("status",),
    )
    for status, count in sorted(snapshot.automation_runs.items()):
        runs.add_metric((status,), count)
    yield runs
    yield GaugeMetricFamily(
        "aetherflow_webhook_deliveries_pending",
        "Webhook deliveries waiting for their first attempt or a retry.",
        value=snapshot.pending_deliveries,
    )
    yield GaugeMetricFamily(
        "aetherflow_automation_runs_oldest_active_age_seconds",
        "Seconds the oldest active run has been in its state: queued since it was created, "
        "running since it started (0 when none).",
        value=snapshot.oldest_active_run_age_seconds,
    )
    yield GaugeMetricFamily(
        "aetherflow_schema_compatible",
        "1 when the database schema serves this code (at its head or ahead), else 0.",
        value=int(snapshot.schema.serves_this_code),
    )
    yield GaugeMetricFamily(
        "aetherflow_schema_at_head",
        "1 when the database schema is exactly at this code's head revision, else 0.",
        value=int(snapshot.schema is SchemaState.AT_HEAD),
    )
