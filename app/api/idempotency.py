"""The HTTP side of idempotency: build the request's `Idempotent`, render the outcome."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import Response

from app.api.body import NO_BODY, JsonPayload
from app.api.deps import Authenticated, RuntimeDep
from app.api.operation_docs import IDEMPOTENCY_KEY, documented
from app.core.errors import (
    IdempotencyKeyInProgress,
    IdempotencyKeyReused,
    InvalidIdempotencyKey,
    ValidationFailed,
)
from app.core.ids import parse_id
from app.http.validation import TOO_DEEP, too_deep
from app.idempotency.header import REPLAYED_HEADER, parse_idempotency_key
from app.idempotency.idempotent import Idempotent
from app.idempotency.service import Outcome


@documented(
    raises=(
        InvalidIdempotencyKey,
        ValidationFailed,
        IdempotencyKeyInProgress,
        IdempotencyKeyReused,
    ),
    parameters=(IDEMPOTENCY_KEY,),
    success_headers=(REPLAYED_HEADER,),
)
async def idempotent_request(
    request: Request, principal: Authenticated, payload: JsonPayload, runtime: RuntimeDep
) -> Idempotent:
    """The request's key and fingerprint (after the JSON check, before validation)."""
    key_text = request.headers.get("idempotency-key")
    if payload is TOO_DEEP:
        parse_idempotency_key(key_text)  # the key's 400 comes before this 422
        raise too_deep()
    # The tenant is fingerprinted by its UUID and ids in their canonical form, so the paths
    # that name the same resources (slug or UUID, any letter case) are one request.
    template: str = request.scope["route"].path
    params = {name: _canonical(value) for name, value in request.path_params.items()}
    path = template.format(**{**params, "tenantId": str(principal.tenant_id)})
    return Idempotent.build(
        runtime.db,
        ttl_seconds=runtime.settings.idempotency_ttl_seconds,
        tenant_id=principal.tenant_id,
        key_text=key_text,
        method=request.method,
        target=path,
        document={} if payload is NO_BODY else payload,
    )


def _canonical(value: str) -> str:
    parsed = parse_id(value)
    return str(parsed) if parsed is not None else value


Idempotency = Annotated[Idempotent, Depends(idempotent_request)]


def respond(outcome: Outcome) -> Response:
    """The response as first sent, marked when it is a replay."""
    headers = dict(outcome.response.headers)
    if outcome.replayed:
        headers[REPLAYED_HEADER] = "true"
    return Response(
        outcome.response.body,
        status_code=outcome.response.status,
        headers=headers,
        media_type="application/json",
    )
