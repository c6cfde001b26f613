"""Admission control: a process past its capacity refuses tenant requests at once.

An API process that takes requests faster than its CPU can serve them does not fail outright:
every request in it slows down together, latency grows without bound, and clients end up
timing out or finding their connections reset. Past `max_in_flight` requests under the tenant
prefix, this layer answers 503 `overloaded` with `Retry-After` before any other work, so the
requests already admitted keep their latency. Probes and metrics are never refused.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

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
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
