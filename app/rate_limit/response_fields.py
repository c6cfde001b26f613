"""Write the rate-limit fields on whatever response a limited request ends with.

The rate-limit step keeps its outcome in the ASGI scope; the outermost layer
(app/api/middleware.py) asks for the fields when the response starts, whether it is a success,
an error envelope or the 429, so every response of a limited route after that step carries
`RateLimit-Policy` and `RateLimit`. A request the idempotency store answered with a replay
(REST or GraphQL: it notes that in the request's context) gives its unit back first, so those
fields count it as free. A request served while the limiter was unavailable has no decision
and so no fields.
"""

from __future__ import annotations

from starlette.types import Scope

from app.core.request_context import RequestContext
from app.rate_limit.enforce import applied_limit
from app.rate_limit.headers import rate_limit_headers


async def rate_limit_fields(scope: Scope, context: RequestContext) -> dict[str, str]:
    """The fields for the response of this request (none when it was not limited)."""
    applied = applied_limit(scope)
    if applied is None:
        return {}
    if context.idempotent_replay:
        await applied.refund()
    if applied.decision is None:
        return {}
    return rate_limit_headers(applied.decision)
