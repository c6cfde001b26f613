"""Prometheus metrics of the API and the worker (CONTRACT.md §2).

Counters and histograms live in this process's registry; the gauges about the system's state
(outbox, deliveries, automation runs, the schema) are read from PostgreSQL at scrape time. No
label carries a tenant id, slug or key: routes are templates, everything else a small fixed set.
The API's /metrics serves every live process's registry (app/core/fleet_metrics.py); the
worker's WORKER_METRICS_PORT serves its own.
"""

from __future__ import annotations

import asyncio
import hmac
import os
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import version

from loguru import logger
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector
from sqlalchemy import text

from app.core.errors import Unauthenticated
from app.outbox.relay import backlog
from app.rate_limit.policy import RateLimitGroup
from db.migrate import SchemaState, current_schema_state
from db.models.automation_run import RUN_STATUSES
from db.session import Database

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
UNMATCHED_ROUTE = "unmatched"
OTHER_METHOD = "OTHER"
STATE_TIMEOUT_SECONDS = 2.0
_STATEMENT_TIMEOUT_MS = int(STATE_TIMEOUT_SECONDS * 1000)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_DELIVERY_OUTCOMES = {"delivered": "delivered", "pending": "retry", "dead": "dead"}
_ACTIVE_RUN_STATUSES = frozenset({"queued", "running"})
# Render sets it to the deployed commit; elsewhere the revision is unknown.
_REVISION_VARIABLE = "RENDER_GIT_COMMIT"


class MetricsTokenRequired(Unauthenticated):
    """A scrape without the right METRICS_TOKEN (the API's and the worker's /metrics)."""

    message = "A valid metrics token is required."

    def __init__(self) -> None:
        super().__init__(headers={"WWW-Authenticate": "Bearer"})


# `_created` series double the series count for no use here.
disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped upstream
registry = CollectorRegistry(auto_describe=True)
for _default in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
    registry.register(_default)

http_requests = Counter(
    "aetherflow_http_requests_total",
    "HTTP requests answered, by route template, method and status.",
    ("route", "method", "status"),
    registry=registry,
)
http_request_duration = Histogram(
    "aetherflow_http_request_duration_seconds",
    "Time from receiving a request to finishing its response, in seconds.",
    ("route", "method", "status"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=registry,
)
webhook_deliveries = Counter(
    "aetherflow_webhook_deliveries_total",
    "Webhook delivery attempts by outcome: delivered, retry (scheduled again) or dead.",
    ("outcome",),
    registry=registry,
)
rate_limited = Counter(
    "aetherflow_rate_limited_total",
    "Requests refused with 429, by rate-limit group (auth: failed authentication).",
    ("group",),
    registry=registry,
)
redis_fail_open = Counter(
    "aetherflow_redis_fail_open_total",
    "Requests served without a rate-limit decision because Redis did not answer in time.",
    registry=registry,
)
load_shed = Counter(
    "aetherflow_overloaded_total",
    "Requests refused with 503 overloaded: no database connection was free within the wait.",
    registry=registry,
)
task_enqueue_failures = Counter(
    "aetherflow_task_enqueue_failures_total",
    "Tasks not enqueued because Redis refused them; PostgreSQL keeps the work for the sweep.",
    ("task",),
    registry=registry,
)
build_info = Gauge(
    "aetherflow_build_info",
    "Always 1: the version of the code and the commit it was built from.",
    ("version", "revision"),
    registry=registry,
)
build_info.labels(
    version=version("aetherflow"), revision=os.environ.get(_REVISION_VARIABLE, "unknown")[:12]
).set(1)
for _outcome in _DELIVERY_OUTCOMES.values():
    webhook_deliveries.labels(outcome=_outcome)
for _group in RateLimitGroup:
    rate_limited.labels(group=_group.value)


def record_http_request(route: str | None, method: str, status: int, seconds: float) -> None:
    labels = {
        "route": route or UNMATCHED_ROUTE,
        "method": method if method in _METHODS else OTHER_METHOD,
        "status": str(status),
    }
    http_requests.labels(**labels).inc()
    http_request_duration.labels(**labels).observe(seconds)


def record_load_shed() -> None:
    load_shed.inc()


def record_webhook_attempt(status: str) -> None:
    """Count one delivery attempt by the delivery's status after it (pending means a retry)."""
    webhook_deliveries.labels(outcome=_DELIVERY_OUTCOMES[status]).inc()


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
                text(
                    "SELECT count(*) FILTER (WHERE status = 'dead'), "
                    "count(*) FILTER (WHERE status = 'pending') "
                    "FROM webhook_deliveries WHERE status IN ('dead', 'pending')"
                )
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
    by_status = dict.fromkeys(RUN_STATUSES, 0)
    oldest_active = 0.0
    for status, count, oldest in runs:
        by_status[str(status)] = int(count)
        if status in _ACTIVE_RUN_STATUSES:
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


def state_families(snapshot: StateSnapshot) -> Iterable[Metric]:
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


class _Scrape(Collector):
    def __init__(self, snapshot: StateSnapshot | None) -> None:
        self._snapshot = snapshot

    def collect(self) -> Iterable[Metric]:
        yield from registry.collect()
        if self._snapshot is not None:
            yield from state_families(self._snapshot)


def token_accepted(authorization: str | None, token: str | None) -> bool:
    """Whether `Authorization` carries the metrics token (always, when none is configured)."""
    if token is None:
        return True
    scheme, _, presented = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode(), token.encode()
    )


def exposition(snapshot: StateSnapshot | None) -> bytes:
    """The text format of this process's metrics, plus the database gauges when read."""
    return generate_latest(_Scrape(snapshot))
