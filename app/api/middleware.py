"""The outermost ASGI layer: ids, the body-size limit while reading, the security headers and
rate-limit fields on every response, access log and request metrics, last-resort 500.

One layer writes every header the API adds to all responses (CORS aside), so a response passes
one send wrapper for them rather than one per concern."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from loguru import logger
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import error_response
from app.api.hardening import security_headers
from app.core.errors import AppError, PayloadTooLarge
from app.core.logging import log_request
from app.core.metrics import record_http_request
from app.core.request_context import RequestContext, accept_id, bound, new_id
from app.rate_limit.response_fields import rate_limit_fields


class RequestContextMiddleware:
    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, docs_paths: frozenset[str] = frozenset()
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = accept_id(headers.get("x-request-id")) or new_id()
        correlation_id = accept_id(headers.get("x-correlation-id")) or request_id
        context = RequestContext(request_id, correlation_id)
        with bound(context):
            if scope["type"] == "websocket":
                await self.app(scope, receive, send)
                return
            await self._handle_http(scope, receive, send, context)

    async def _handle_http(
        self, scope: Scope, receive: Receive, send: Send, context: RequestContext
    ) -> None:
        started = time.perf_counter()
        response: dict[str, Any] = {"status": 500, "started": False}
        received = 0
        security = security_headers(scope["path"], self.docs_paths)

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise PayloadTooLarge
            return message

        async def send_with_ids(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
                response["started"] = True
                fields = [
                    ("X-Request-Id", context.request_id),
                    ("X-Correlation-Id", context.correlation_id),
                    *security,
                    *(await rate_limit_fields(scope, context)).items(),
                ]
                set_headers(message, fields)
            await send(message)

        try:
            await self.app(scope, receive_within_limit, send_with_ids)
        except ClientDisconnect:
            # No one is left to answer. 499 is nginx's "client closed request".
            logger.info("client disconnected")
            if not response["started"]:
                response["status"] = 499
        except Exception:
            logger.exception("unhandled error")
            if not response["started"]:
                await error_response(AppError())(scope, receive, send_with_ids)
        finally:
            template = getattr(scope.get("route"), "path", None)
            seconds = time.perf_counter() - started
            record_http_request(template, scope["method"], response["status"], seconds)
            log_request(
                __name__,
                method=scope["method"],
                route=template,
                status=response["status"],
                latencyMs=round(seconds * 1000, 2),
            )


def set_headers(message: Message, fields: Iterable[tuple[str, str]]) -> None:
    """`MutableHeaders(scope=message)[name] = value` for each field, in one pass over the
    response's headers rather than one per field: a name the response does not have yet is
    appended, one it has is replaced."""
    raw: list[tuple[bytes, bytes]] = list(message.get("headers", ()))
    message["headers"] = raw
    present = {name.lower() for name, _ in raw}
    for name, value in fields:
        key = name.lower().encode("latin-1")
        if key in present:
            MutableHeaders(raw=raw)[name] = value
        else:
            raw.append((key, value.encode("latin-1")))
            present.add(key)
