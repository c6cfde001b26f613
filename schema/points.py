"""The GraphQL quota in cost points (docs/RATE-LIMITS.md, "GraphQL points").

An HTTP request spends its document's cost, and at least one point, in one limiter call, once
the cost is known and before anything executes; a request that never gets that far (a refused
body, an unknown persisted hash, a document that fails validation, one over the maximum cost)
spends the minimum, one point. Spending is applied at most once per request (the rate-limit
step keeps its outcome in the ASGI scope), so `spend_minimum` after a spend does nothing.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection

from app.core import request_context
from app.core.errors import RateLimited
from app.rate_limit.enforce import APPLIED_LIMIT_SCOPE_KEY, applied_limit, enforce_tenant_limit
from app.rate_limit.policy import RateLimitGroup
from schema.context import Context, GraphQLRequestRefused, refusal


async def spend(context: Context, points: int, requested: int | None) -> None:
    """Spend `points` of the tenant's quota, or raise the 429 (with `extensions.cost` when the
    request's cost is known)."""
    connection = context.request
    principal = context.principal
    if not isinstance(connection, HTTPConnection) or principal is None:
        return
    try:
        await enforce_tenant_limit(
            connection, context.runtime, principal.tenant_id, RateLimitGroup.GRAPHQL, amount=points
        )
    except RateLimited as error:
        extensions = None
        if requested is not None:
            extensions = {"cost": cost_extension(connection, requested)}
        raise GraphQLRequestRefused(error, extensions) from None
    except Exception as exc:
        raise refusal(exc) from None


async def spend_minimum(context: Context) -> None:
    """One point for a request that has spent nothing yet."""
    connection = context.request
    if connection is not None and APPLIED_LIMIT_SCOPE_KEY in connection.scope:
        return
    await spend(context, 1, None)


async def refund_replay(context: Context) -> None:
    """An idempotent replay uses no quota: give its points back now, so that the body's
    `extensions.cost` counts it as the `RateLimit` field does."""
    connection = context.request
    current = request_context.current()
    if current is None or not current.idempotent_replay:
        return
    if isinstance(connection, HTTPConnection) and (applied := applied_limit(connection.scope)):
        await applied.refund()


def cost_extension(connection: HTTPConnection, requested: int) -> dict[str, Any]:
    """`extensions.cost`: the document's cost and the quota left (null when the limiter did not
    answer and the request was served without a limit)."""
    applied = applied_limit(connection.scope)
    decision = applied.decision if applied is not None else None
    return {
        "requested": requested,
        "remaining": decision.remaining if decision is not None else None,
        "resetSeconds": decision.reset_seconds if decision is not None else None,
    }
