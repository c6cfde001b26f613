"""The rate-limit step of a request (CONTRACT.md §1 order: after scope 403, before media type 415).

REST routes get it through the `api_key` dependency; GraphQL calls `enforce_tenant_limit` with
`RateLimitGroup.GRAPHQL` and the request's cost in points, once its document's cost is known
(schema/points.py; a subscription connection spends one point). The
ActivePieces callback is not limited per tenant; its failed signatures call
`limit_auth_failure`, as failed API keys do.

Idempotent replays use no quota. A request is counted up front (one Redis round trip, the
common case); if it turns out to be a replay, the unit is given back when its response starts
(app/rate_limit/response_fields.py, for REST and GraphQL alike). A request
that would be refused but carries an idempotency key with a stored response is let through
uncounted: it will be answered from the store (a replay, or a 422 for a different request).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Protocol

from starlette.requests import HTTPConnection
from starlette.types import Scope

from app.core import metrics
from app.core.config import Settings
from app.core.errors import InvalidIdempotencyKey, RateLimited
from app.idempotency import service as idempotency
from app.idempotency.header import parse_idempotency_key
from app.rate_limit.client_address import client_address
from app.rate_limit.headers import rate_limit_headers
from app.rate_limit.limiter import RateLimiter
from app.rate_limit.policy import RateLimitGroup, group_for_method
from app.rate_limit.window import Decision
from db.session import Database

APPLIED_LIMIT_SCOPE_KEY = "aetherflow.rate_limit"


class LimiterRuntime(Protocol):
    """What the rate-limit step uses of the process's runtime (app/bootstrap.py)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def db(self) -> Database: ...

    @property
    def limiter(self) -> RateLimiter: ...


@dataclass
class AppliedLimit:
    """The rate-limit step's outcome, kept in the ASGI scope until the response starts."""

    limiter: RateLimiter
    identity: str
    # None when the limiter did not answer (the request was served without a limit).
    decision: Decision | None
    counted: bool
    # The units counted: 1, or a GraphQL request's points.
    amount: int = 1

    async def refund(self) -> None:
        """Give the counted units back (at most once)."""
        if not self.counted or self.decision is None:
            return
        self.counted = False
        if await self.limiter.refund(self.decision.policy.group, self.identity, self.amount):
            remaining = min(self.decision.policy.quota, self.decision.remaining + self.amount)
            self.decision = replace(self.decision, remaining=remaining)


def applied_limit(scope: Scope) -> AppliedLimit | None:
    found = scope.get(APPLIED_LIMIT_SCOPE_KEY)
    return found if isinstance(found, AppliedLimit) else None


async def enforce_tenant_limit(
    connection: HTTPConnection,
    runtime: LimiterRuntime,
    tenant_id: uuid.UUID,
    group: RateLimitGroup,
    *,
    idempotency_key: str | None = None,
    amount: int = 1,
) -> None:
    """Count this request (`amount` units) against the tenant's quota for `group`, or raise
    RateLimited (429).

    Applied at most once per request; the outcome is kept in the scope for the response headers.
    """
    if APPLIED_LIMIT_SCOPE_KEY in connection.scope:
        return
    identity = str(tenant_id)
    decision = await runtime.limiter.consume(group, identity, amount)
    counted = decision is not None and decision.allowed
    applied = AppliedLimit(runtime.limiter, identity, decision, counted=counted, amount=amount)
    connection.scope[APPLIED_LIMIT_SCOPE_KEY] = applied
    if decision is None or decision.allowed:
        return
    if idempotency_key is not None and await idempotency.has_stored_response(
        runtime.db, tenant_id, idempotency_key
    ):
        applied.decision = replace(decision, allowed=True)
        return
    raise refusal(decision)


def refusal(decision: Decision) -> RateLimited:
    """The 429 for a refused request, counted in `aetherflow_rate_limited_total`."""
    metrics.rate_limited.labels(group=decision.policy.group.value).inc()
    return RateLimited(headers=rate_limit_headers(decision))


async def limit_rest_request(
    connection: HTTPConnection, runtime: LimiterRuntime, tenant_id: uuid.UUID
) -> None:
    """The tenant limit of a REST request: GET reads, other methods write."""
    method = connection.scope["method"]
    await enforce_tenant_limit(
        connection,
        runtime,
        tenant_id,
        group_for_method(method),
        idempotency_key=_idempotency_key(connection) if method == "POST" else None,
    )


async def limit_auth_failure(connection: HTTPConnection, runtime: LimiterRuntime) -> None:
    """Count a failed authentication against the client address; RateLimited once over quota.

    Called only after a failure, so a valid key from a limited address still passes.
    """
    address = client_address(connection.scope, runtime.settings.trusted_proxy_hops)
    decision = await runtime.limiter.consume(RateLimitGroup.AUTH_FAILURES, address)
    if decision is not None and not decision.allowed:
        raise refusal(decision)


def _idempotency_key(connection: HTTPConnection) -> str | None:
    """The request's key; a malformed header is answered later, in its place in the order."""
    try:
        return parse_idempotency_key(connection.headers.get("idempotency-key"))
    except InvalidIdempotencyKey:
        return None
