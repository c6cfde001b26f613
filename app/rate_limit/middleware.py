"""Write the rate-limit fields on whatever response a limited request ends with.

The rate-limit step keeps its outcome in the ASGI scope; this layer sees the response start,
whether it is a success, an error envelope or the 429, so every response of a limited route
after that step carries `RateLimit-Policy` and `RateLimit`. A response marked
`Idempotent-Replayed` gives its unit back first. A request served while the limiter was
unavailable has no decision and so no fields.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.idempotency.header import REPLAYED_HEADER
from app.rate_limit.enforce import applied_limit
from app.rate_limit.headers import rate_limit_headers


class RateLimitHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_rate_limit(message: Message) -> None:
            if message["type"] == "http.response.start":
                applied = applied_limit(scope)
                if applied is not None:
                    headers = MutableHeaders(scope=message)
                    if headers.get(REPLAYED_HEADER) == "true":
                        await applied.refund()
                    if applied.decision is not None:
                        headers.update(rate_limit_headers(applied.decision))
            await send(message)

        await self.app(scope, receive, send_with_rate_limit)
