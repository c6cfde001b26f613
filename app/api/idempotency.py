"""The HTTP side of idempotency: read the header, fingerprint the request, render the outcome."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request
from pydantic import BaseModel
from starlette.responses import Response

from app.api.body import NO_BODY, TOO_DEEP, JsonPayload, too_deep
from app.api.deps import Authenticated
from app.api.operation_docs import IDEMPOTENCY_KEY, documented
from app.core.errors import (
    IdempotencyKeyInProgress,
    IdempotencyKeyReused,
    InvalidIdempotencyKey,
    ValidationFailed,
)
from app.idempotency.header import parse_idempotency_key
from app.idempotency.service import IdempotentRequest, Outcome, StoredResponse, fingerprint

REPLAYED_HEADER = "Idempotent-Replayed"


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
    request: Request, principal: Authenticated, payload: JsonPayload
) -> IdempotentRequest | None:
    """The request's key and fingerprint (after the JSON check, before validation)."""
    key = parse_idempotency_key(request.headers.get("idempotency-key"))
    if payload is TOO_DEEP:
        raise too_deep()
    if key is None:
        return None
    # The tenant is fingerprinted by its UUID and ids in their canonical form, so the paths
    # that name the same resources (slug or UUID, any letter case) are one request.
    template: str = request.scope["route"].path
    params = {name: _canonical(value) for name, value in request.path_params.items()}
    path = template.format(**{**params, "tenantId": str(principal.tenant_id)})
    body = {} if payload is NO_BODY else payload
    return IdempotentRequest(principal.tenant_id, key, fingerprint(request.method, path, body))


def _canonical(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return value


Idempotency = Annotated[IdempotentRequest | None, Depends(idempotent_request)]


def stored_json(
    status: int, document: BaseModel, headers: dict[str, str] | None = None
) -> StoredResponse:
    return StoredResponse(status, document.model_dump_json().encode(), headers or {})


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
