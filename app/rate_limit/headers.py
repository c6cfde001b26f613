"""The `RateLimit-Policy` and `RateLimit` fields (IETF draft "RateLimit header fields for HTTP")."""

from __future__ import annotations

from app.rate_limit.policy import Policy
from app.rate_limit.window import Decision


def policy_field(policy: Policy) -> str:
    return f'"{policy.group.value}";q={policy.quota};w={policy.window_seconds}'


def limit_field(decision: Decision) -> str:
    return f'"{decision.policy.group.value}";r={decision.remaining};t={decision.reset_seconds}'


def rate_limit_headers(decision: Decision) -> dict[str, str]:
    """Both fields, and `Retry-After` (equal to `t`) when the request is refused."""
    headers = {
        "RateLimit-Policy": policy_field(decision.policy),
        "RateLimit": limit_field(decision),
    }
    if not decision.allowed:
        headers["Retry-After"] = str(decision.reset_seconds)
    return headers
