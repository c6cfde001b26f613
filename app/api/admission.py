"""Admission control: a process past its capacity refuses tenant requests at once.

An API process that takes requests faster than its CPU can serve them does not fail outright:
every request in it slows down together, latency grows without bound, and clients end up
timing out or finding their connections reset. Past `max_in_flight` requests under the tenant
prefix, this layer answers 503 `overloaded` with `Retry-After` before any other work, so the
requests already admitted keep their latency. A request waiting for its client (a body still
uploading) is not counted meanwhile. Probes and metrics are never refused.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.metrics import record_load_shed

# The refusal for a request: the REST envelope, or GraphQL's shape on the GraphQL path.
Refusal = Callable[[Scope], ASGIApp]


class AdmissionMiddleware:
    def __init__(self, app: ASGIApp, *, max_in_flight: int, prefix: str, refusal: Refusal) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.prefix = prefix
        self.refusal = refusal
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight:
            record_load_shed()
            await self.refusal(scope)(scope, receive, send)
            return
        # A request counts while it works, not while it waits for its client: a slow upload
        # must not hold a place that requests with work to do need.
        waiting = 0

        async def receive_uncounted() -> Message:
            nonlocal waiting
            if waiting == 0:
                self.in_flight -= 1
            waiting += 1
            try:
                return await receive()
            finally:
                waiting -= 1
                if waiting == 0:
                    self.in_flight += 1

        self.in_flight += 1
        try:
            await self.app(scope, receive_uncounted, send)
        finally:
            self.in_flight -= 1
