"""HTTP hardening: security headers, CORS, and a deadline on every request.

Layers, outermost first (inside the request-context middleware, which sets the ids and writes
the security headers and the rate-limit fields on every response): CORS → request guard
(deadline, last-resort 500). The guard answers inside CORS, so a browser from an allowed
origin can read those errors too.
"""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from loguru import logger
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import error_response
from app.core.config import Settings
from app.core.deadlines import Deadlines
from app.core.errors import AppError, ServiceUnavailable
from app.http.paths import EVENT_TYPES_PATH
from db.session import STATEMENT_TIMEOUT_MS

# Read when the app is built (a test may shorten it): as long as PostgreSQL's statement_timeout.
REQUEST_DEADLINE_SECONDS = STATEMENT_TIMEOUT_MS / 1000
CORS_MAX_AGE_SECONDS = 600
CORS_METHODS = ("GET", "HEAD", "POST", "PATCH", "DELETE")
CORS_REQUEST_HEADERS = (
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "X-Request-Id",
    "X-Correlation-Id",
)
CORS_EXPOSED_HEADERS = (
    "X-Request-Id",
    "X-Correlation-Id",
    "RateLimit",
    "RateLimit-Policy",
    "Retry-After",
    "Idempotent-Replayed",
    "Location",
)

API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI (outside production only) loads its bundle from jsDelivr and starts it from an
# inline script; its icons are data: URIs.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; "
    "script-src 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src data: https://fastapi.tiangolo.com https://cdn.jsdelivr.net; "
    "connect-src 'self'; "
    "frame-ancestors 'none'"
)
# The console (web/) loads its own scripts, styles and images only, and talks to this API
# (HTTP and WebSocket, same origin); nothing inline, nothing framed, no forms posted away.
CONSOLE_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; "
    "script-src 'self'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "base-uri 'none'; "
    "form-action 'none'; "
    "frame-ancestors 'none'"
)
CONSOLE_PREFIX = "/console"


def install_hardening(app: FastAPI, settings: Settings) -> None:
    """Add the layers (innermost first: Starlette puts each new middleware outside the last)."""
    app.add_middleware(RequestGuardMiddleware, deadline_seconds=REQUEST_DEADLINE_SECONDS)
    app.add_middleware(
        CrossOriginMiddleware,
        allow_origins=settings.cors_allowed_origins,
        allow_methods=CORS_METHODS,
        allow_headers=CORS_REQUEST_HEADERS,
        expose_headers=CORS_EXPOSED_HEADERS,
        allow_credentials=False,
        max_age=CORS_MAX_AGE_SECONDS,
    )


def docs_paths(app: FastAPI) -> frozenset[str]:
    """The paths of the interactive documentation, which get their own CSP."""
    paths = (app.docs_url, app.swagger_ui_oauth2_redirect_url) if app.docs_url else ()
    return frozenset(path for path in paths if path)


_BASE_SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"))
_DOCS_SECURITY_HEADERS = (
    *_BASE_SECURITY_HEADERS,
    ("Content-Security-Policy", DOCS_CONTENT_SECURITY_POLICY),
)
_API_SECURITY_HEADERS = (
    *_BASE_SECURITY_HEADERS,
    ("Content-Security-Policy", API_CONTENT_SECURITY_POLICY),
)
_CONSOLE_SECURITY_HEADERS = (
    *_BASE_SECURITY_HEADERS,
    ("Content-Security-Policy", CONSOLE_CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
)
_TENANT_DATA_SECURITY_HEADERS = (*_API_SECURITY_HEADERS, ("Cache-Control", "no-store"))
# Public documents that hold no tenant data; their routes say how long they may be cached.
_PUBLIC_V1_PATHS = frozenset({EVENT_TYPES_PATH})


def security_headers(path: str, docs: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """Headers on every response: no sniffing, no referrer, a CSP; no caching of /v1 data
    (except the public documents)."""
    if path in docs:
        return _DOCS_SECURITY_HEADERS
    if path in _PUBLIC_V1_PATHS:
        return _API_SECURITY_HEADERS
    if path == "/v1" or path.startswith("/v1/"):
        return _TENANT_DATA_SECURITY_HEADERS
    if path == CONSOLE_PREFIX or path.startswith(CONSOLE_PREFIX + "/"):
        return _CONSOLE_SECURITY_HEADERS
    return _API_SECURITY_HEADERS


class CrossOriginMiddleware(CORSMiddleware):
    """Starlette's CORS, except that a preflight it would refuse is not answered by it.

    Starlette answers a refused preflight with a plain-text 400. Here it goes on as an ordinary
    OPTIONS request, which the API answers in its error envelope (405, or 404 for an unknown
    path), without any CORS grant, so the browser blocks the actual request.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            headers = Headers(scope=scope)
            if "origin" in headers and "access-control-request-method" in headers:
                preflight = self.preflight_response(request_headers=headers)
                if preflight.status_code == 200:
                    await preflight(scope, receive, send)
                else:
                    await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


class RequestGuardMiddleware:
    """A deadline per request (503 once it passes) and the 500 for an unexpected error.

    The deadline covers reading the request and running the handler; once the response has
    started it no longer applies. A handler past its deadline is cancelled, so its database
    transaction rolls back.
    """

    def __init__(self, app: ASGIApp, *, deadline_seconds: float) -> None:
        self.app = app
        self.deadline_seconds = deadline_seconds
        self.deadlines = Deadlines(deadline_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.timeout(None)
        started = False

        async def send_tracking_start(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                self.deadlines.forget(deadline)
            await send(message)

        try:
            async with deadline:
                self.deadlines.watch(deadline)
                try:
                    await self.app(scope, receive, send_tracking_start)
                finally:
                    self.deadlines.forget(deadline)
        except ClientDisconnect:
            raise  # not an error: the request-context middleware logs it
        except Exception as exc:
            if started:
                raise
            if isinstance(exc, TimeoutError) and deadline.expired():
                logger.warning("request deadline of {} s passed", self.deadline_seconds)
                error: AppError = ServiceUnavailable("The request took too long; retry shortly.")
            else:
                logger.exception("unhandled error")
                error = AppError()
            await error_response(error)(scope, receive, send)
