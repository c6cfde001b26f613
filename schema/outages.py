"""Dependency outages in GraphQL (CONTRACT.md §1): the HTTP response becomes a 503 with
`Retry-After`, and a subscription's socket is closed with 1013 (Try Again Later), which
graphql-ws clients retry with backoff."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketState
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    _OperationStreamClosed as OperationStreamClosed,
)

from app.core.errors import Overloaded, ServiceUnavailable
from app.core.metrics import record_load_shed
from app.core.outages import dependency_error, note_refusal

WS_TRY_AGAIN_LATER = 1013
_RETRY_AFTER = {
    ServiceUnavailable.code: ServiceUnavailable().headers["Retry-After"],
    Overloaded.code: Overloaded().headers["Retry-After"],
}


def unavailable_code(errors: Iterable[Any]) -> str | None:
    """The first 503 code among formatted (dict) or GraphQLError errors, if any."""
    for error in errors:
        extensions = error.get("extensions") if isinstance(error, Mapping) else error.extensions
        code = (extensions or {}).get("code")
        if code in _RETRY_AFTER:
            return str(code)
    return None


def as_unavailable(response: Response, response_data: Any) -> Response:
    """The response as a 503 when an error of it is an outage or shed load."""
    errors = response_data.get("errors") if isinstance(response_data, Mapping) else None
    code = unavailable_code(errors or ())
    if code is not None:
        response.status_code = 503
        response.headers["Retry-After"] = _RETRY_AFTER[code]
        if code == Overloaded.code:
            record_load_shed()
    return response


async def close_subscription(websocket: WebSocket, code: str) -> None:
    """Close the socket (all its subscriptions: the connection itself cannot serve now) and
    end this operation without the `complete` a closed socket cannot carry."""
    if websocket.application_state is WebSocketState.CONNECTED:
        await websocket.close(code=WS_TRY_AGAIN_LATER, reason=code)
    raise OperationStreamClosed


async def close_connection_on_outage(websocket: WebSocket, exc: Exception) -> None:
    """`connection_init` met an outage: close with 1013 and end the connection's handling;
    any other exception is raised again."""
    outage = dependency_error(exc)
    if outage is None:
        raise exc
    note_refusal(exc, outage)
    await websocket.close(code=WS_TRY_AGAIN_LATER, reason=outage.code)
    raise WebSocketDisconnected
