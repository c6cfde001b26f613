"""Shared pieces of the rate-limit and metrics tests: small limits, header and metric readers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from app.core.fleet_metrics import ProcessIdentity
from tests.asgi import serve
from tests.conftest import make_settings

RATE_LIMIT_FIELD = re.compile(r'^"(?P<group>[a-z]+)";r=(?P<remaining>\d+);t=(?P<reset>\d+)$')


@dataclass(frozen=True)
class RateLimitField:
    group: str
    remaining: int
    reset: int


def rate_limit_field(response: httpx.Response) -> RateLimitField:
    """The response's `RateLimit` field, parsed (fails the test when it is malformed)."""
    match = RATE_LIMIT_FIELD.match(response.headers["ratelimit"])
    assert match is not None, response.headers["ratelimit"]
    return RateLimitField(match["group"], int(match["remaining"]), int(match["reset"]))


def assert_no_rate_limit_fields(response: httpx.Response) -> None:
    assert "ratelimit" not in response.headers
    assert "ratelimit-policy" not in response.headers


@asynccontextmanager
async def limited_client(
    database_url: str, redis_url: str, **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """The app with small quotas: 3 writes, 5 reads, 3 failed authentications a minute."""
    values: dict[str, Any] = {
        "rate_limit_write_per_minute": 3,
        "rate_limit_read_per_minute": 5,
        "rate_limit_auth_failures_per_minute": 3,
        **overrides,
    }
    async with serve(make_settings(database_url, redis_url, **values)) as client:
        yield client


FLEET_LABELS = frozenset({"instance", "role"})


def metric_value(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in Prometheus text, or None when there is no such sample.

    In the API's fleet view only this test process's own series count: processes that earlier
    tests started may still be in it for a while, and their series come and go.
    """
    own = ProcessIdentity.of_this_process("api").instance
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name != name or sample.labels.get("instance", own) != own:
                continue
            if {k: v for k, v in sample.labels.items() if k not in FLEET_LABELS} == labels:
                return float(sample.value)
    return None


def metric_delta(before: str, after: str, name: str, **labels: str) -> float:
    """How much a sample grew between two scrapes (an absent sample counts as 0)."""
    return (metric_value(after, name, **labels) or 0.0) - (
        metric_value(before, name, **labels) or 0.0
    )


async def scrape(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    return response.text
