"""Prometheus metrics of the API and the worker (CONTRACT.md §2).

Counters and histograms live in this process's registry; the gauges about the system's state
are read from PostgreSQL at scrape time (app/monitoring/system_state.py). No label carries a
tenant id, slug or key: routes are templates, everything else a small fixed set. The API's
/metrics serves every live process's registry (app/core/fleet_metrics.py); the worker's
WORKER_METRICS_PORT serves its own.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterable
from enum import StrEnum
from importlib.metadata import version

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
from prometheus_client.core import Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector

from app.core.errors import Unauthenticated

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
UNMATCHED_ROUTE = "unmatched"
OTHER_METHOD = "OTHER"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Render sets it to the deployed commit; elsewhere the revision is unknown.
_REVISION_VARIABLE = "RENDER_GIT_COMMIT"


class DeliveryOutcome(StrEnum):
    """What a webhook delivery attempt came to: delivered, a retry scheduled, or dead."""

    DELIVERED = "delivered"
    RETRY = "retry"
    DEAD = "dead"


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
webhook_endpoints_auto_disabled = Counter(
    "aetherflow_webhook_endpoints_auto_disabled_total",
    "Webhook endpoints disabled because every attempt failed for WEBHOOK_DISABLE_AFTER_SECONDS "
    "(at least WEBHOOK_DISABLE_MIN_FAILURES in a row).",
    registry=registry,
)
# Its `group` labels are created with the groups (app/rate_limit/policy.py).
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
# Labelled by operation name only for persisted and trusted documents, at most
# GRAPHQL_OPERATION_LABELS names (schema/operation_metrics.py); `anonymous` otherwise.
graphql_operations = Counter(
    "aetherflow_graphql_operations_total",
    "GraphQL operations answered over HTTP, by operation name.",
    ("operation",),
    registry=registry,
)
graphql_operation_errors = Counter(
    "aetherflow_graphql_operation_errors_total",
    "GraphQL operations over HTTP whose answer held errors, by operation name.",
    ("operation",),
    registry=registry,
)
graphql_operation_duration = Histogram(
    "aetherflow_graphql_operation_duration_seconds",
    "Time to answer a GraphQL operation over HTTP (document to result), by operation name.",
    ("operation",),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=registry,
)
load_shed = Counter(
    "aetherflow_overloaded_total",
    "Requests refused with 503 overloaded: the process was at its in-flight limit, or no database "
    "connection was free within the wait.",
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
for _outcome in DeliveryOutcome:
    webhook_deliveries.labels(outcome=_outcome.value)


def record_http_request(route: str | None, method: str, status: int, seconds: float) -> None:
    key = (route, method, status)
    series = _http_series.get(key)
    if series is None:
        labels = {
            "route": route or UNMATCHED_ROUTE,
            "method": method if method in _METHODS else OTHER_METHOD,
            "status": str(status),
        }
        series = (http_requests.labels(**labels), http_request_duration.labels(**labels))
        # Route templates, methods and statuses are few; an unknown method is still one key.
        if method in _METHODS:
            _http_series[key] = series
    count, duration = series
    count.inc()
    duration.observe(seconds)


# The children of one label set, found once: `labels()` costs a lock and a validation per call.
_http_series: dict[tuple[str | None, str, int], tuple[Counter, Histogram]] = {}


def record_load_shed() -> None:
    load_shed.inc()


def record_webhook_attempt(outcome: DeliveryOutcome) -> None:
    webhook_deliveries.labels(outcome=outcome.value).inc()


def record_endpoint_auto_disabled() -> None:
    webhook_endpoints_auto_disabled.inc()


class _Scrape(Collector):
    def __init__(self, extra: Iterable[Metric]) -> None:
        self._extra = extra

    def collect(self) -> Iterable[Metric]:
        yield from registry.collect()
        yield from self._extra


def token_accepted(authorization: str | None, token: str | None) -> bool:
    """Whether `Authorization` carries the metrics token (always, when none is configured)."""
    if token is None:
        return True
    scheme, _, presented = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        presented.strip().encode(), token.encode()
    )


def exposition(extra: Iterable[Metric] = ()) -> bytes:
    """The text format of this process's metrics, plus `extra` families (the database gauges)."""
    return generate_latest(_Scrape(extra))
