"""The HTTP server: uvicorn's configuration, and the limits it puts on every request head.

uvicorn's httptools protocol bounds neither the size of a request head (llhttp has no limit)
nor the time a client may take to send it (`timeout_keep_alive` covers only the idle wait
between requests). `LimitedHttpToolsProtocol` adds both:

- a head (request line and headers) over `max_bytes` is answered 431, and the connection closed;
- a head not complete `timeout_seconds` after its first byte is answered 408, and the
  connection closed. A connection that starts no request that long after it opened (or after
  bytes that start none, such as blank lines, ended its keep-alive wait) is closed silently.

Both answers carry the API's error envelope and never reach the application.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, ClassVar

import uvicorn
from loguru import logger
from starlette.types import ASGIApp
from uvicorn._types import ASGIReceiveCallable, ASGISendCallable, Scope
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from app.core.errors import envelope
from app.core.metrics import OTHER_METHOD, record_http_request
from app.core.request_context import new_id

MAX_HEAD_BYTES = 64 * 1024
HEAD_TIMEOUT_SECONDS = 10.0
GRACEFUL_SHUTDOWN_SECONDS = 20
# Each header line adds ": " and CRLF to its name and value.
_HEADER_LINE_FRAMING = 4


@dataclass(frozen=True)
class HeadLimits:
    max_bytes: int
    timeout_seconds: float


HEAD_LIMITS = HeadLimits(MAX_HEAD_BYTES, HEAD_TIMEOUT_SECONDS)


def server_config(
    app: ASGIApp, *, host: str, port: int, head_limits: HeadLimits = HEAD_LIMITS
) -> uvicorn.Config:
    """The uvicorn configuration of the API process (tests run the same one)."""

    class ConfiguredProtocol(LimitedHttpToolsProtocol):
        limits = head_limits

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=ConfiguredProtocol,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )


@dataclass(frozen=True)
class _Refusal:
    status: int
    code: str
    message: str


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing request heads that are too large or too slow."""

    limits: ClassVar[HeadLimits] = HEAD_LIMITS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Bytes of earlier reads while the current head was open; None while no head is open.
        self._head_bytes: int | None = None
        self._read_bytes = 0
        self._head_began = 0.0
        # Loop time since when a head is awaited; None while none is (a request is running).
        self._awaiting_since: float | None = None
        # One timer per connection, armed at most once per deadline period: cheaper than one
        # per request. When it fires it re-arms itself if the awaited head is not yet late.
        self._deadline_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.timeout_keep_alive_task is not None:
            # The connection was idle between requests: these bytes start the next one.
            self._await_head()
        self._read_bytes = len(data)
        super().data_received(data)
        if self._head_bytes is None or self.transport.is_closing():
            return
        # The read in which a head began may also hold the end of the previous request: the
        # count errs on the large side only for pipelined requests.
        self._head_bytes += len(data)
        if self._head_bytes > self.limits.max_bytes:
            self._refuse(self._too_large())

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        self._await_head()
        self._head_began = self.loop.time()

    def on_headers_complete(self) -> None:
        # The head lies within the reads since it began, so their size bounds its size.
        read_since_began = (self._head_bytes or 0) + self._read_bytes
        self._head_bytes = None
        self._awaiting_since = None
        max_bytes = self.limits.max_bytes
        if read_since_began <= max_bytes or self._parsed_head_size() <= max_bytes:
            super().on_headers_complete()
            return
        # The head ended in the read that made it too large, so the count in `data_received`
        # never saw it open: let uvicorn run the request with the refusal as its application.
        app, self.app = self.app, self._answer_too_large
        try:
            super().on_headers_complete()
        finally:
            self.app = app

    def _parsed_head_size(self) -> int:
        lines = sum(len(name) + len(value) for name, value in self.headers)
        return len(self.url) + lines + _HEADER_LINE_FRAMING * len(self.headers)

    def _await_head(self) -> None:
        self._awaiting_since = self.loop.time()
        if self._deadline_timer is None:
            self._deadline_timer = self.loop.call_later(
                self.limits.timeout_seconds, self._check_deadline
            )

    def _cancel_deadline_timer(self) -> None:
        if self._deadline_timer is not None:
            self._deadline_timer.cancel()
            self._deadline_timer = None

    def _check_deadline(self) -> None:
        self._deadline_timer = None
        if self._awaiting_since is None or self.transport.is_closing():
            return
        remaining = self._awaiting_since + self.limits.timeout_seconds - self.loop.time()
        if remaining > 0:
            self._deadline_timer = self.loop.call_later(remaining, self._check_deadline)
        elif self._head_bytes is not None:
            self._refuse(
                _Refusal(
                    408,
                    "request_timeout",
                    f"The request headers did not arrive within {self.limits.timeout_seconds:g} s.",
                )
            )
        else:
            # Nothing of a request arrived: close like an idle keep-alive connection.
            self.transport.close()

    def _too_large(self) -> _Refusal:
        return _Refusal(
            431,
            "request_header_too_large",
            f"The request line and headers exceed {self.limits.max_bytes} bytes.",
        )

    def _response_due(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def _refuse(self, refusal: _Refusal) -> None:
        self._cancel_deadline_timer()
        self._head_bytes = None
        self._awaiting_since = None
        if self._response_due():
            # Pipelined requests are still being answered: writing now would interleave with
            # their responses, so read no more and close after them.
            self.cycle.keep_alive = False
            self.flow.pause_reading()
            return
        headers, body = self._refusal_response(refusal, OTHER_METHOD)
        lines = [STATUS_LINE[refusal.status]]
        for name, value in [*self.server_state.default_headers, *headers]:
            lines.extend([name, b": ", value, b"\r\n"])
        self.transport.write(b"".join([*lines, b"\r\n", body]))
        self.transport.close()

    async def _answer_too_large(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        method = scope["method"] if scope["type"] == "http" else OTHER_METHOD
        headers, body = self._refusal_response(self._too_large(), method)
        await send({"type": "http.response.start", "status": 431, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    def _refusal_response(
        self, refusal: _Refusal, method: str
    ) -> tuple[list[tuple[bytes, bytes]], bytes]:
        """Log and count the refusal; its headers (closing the connection) and JSON body."""
        request_id = new_id()
        record_http_request(None, method, refusal.status, self.loop.time() - self._head_began)
        logger.bind(
            request_id=request_id, correlation_id=request_id, status=refusal.status
        ).warning("request head refused: {}", refusal.message)
        body = json.dumps(envelope(refusal.code, refusal.message, None, request_id)).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            (b"x-request-id", request_id.encode()),
            (b"x-correlation-id", request_id.encode()),
        ]
        return headers, body
