"""Rate-limit policies (CONTRACT.md §9): a quota per window for each route group."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.core import metrics
from app.core.config import Settings

# Quotas are configured per minute. Read at start-up, not at import, so a test can shorten it.
WINDOW_SECONDS = 60

_READ_METHODS = frozenset({"GET", "HEAD"})


class RateLimitGroup(StrEnum):
    """The name of a quota: its `RateLimit-Policy` name and its metric label."""

    READ = "read"
    WRITE = "write"
    GRAPHQL = "graphql"
    # Failed authentication, counted per client address rather than per tenant.
    AUTH_FAILURES = "auth"


# Every group's refusal count is scraped, even while it is zero.
for _group in RateLimitGroup:
    metrics.rate_limited.labels(group=_group.value)


@dataclass(frozen=True)
class Policy:
    group: RateLimitGroup
    quota: int
    window_seconds: int


def policies_from_settings(settings: Settings) -> dict[RateLimitGroup, Policy]:
    quotas = {
        RateLimitGroup.READ: settings.rate_limit_read_per_minute,
        RateLimitGroup.WRITE: settings.rate_limit_write_per_minute,
        RateLimitGroup.GRAPHQL: settings.rate_limit_graphql_points_per_minute,
        RateLimitGroup.AUTH_FAILURES: settings.rate_limit_auth_failures_per_minute,
    }
    return {group: Policy(group, quota, WINDOW_SECONDS) for group, quota in quotas.items()}


def group_for_method(method: str) -> RateLimitGroup:
    """The REST group of a request: reads are GET (and HEAD), everything else writes."""
    return RateLimitGroup.READ if method.upper() in _READ_METHODS else RateLimitGroup.WRITE
