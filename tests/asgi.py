"""Serve the real app in-process and talk to it over HTTP through httpx's ASGI transport."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from app.bootstrap import Runtime
from app.core.config import Settings
from app.main import create_app

BASE_URL = "http://testserver"


@asynccontextmanager
async def serve(
    settings: Settings, *, customize: Callable[[FastAPI], None] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    if customize is not None:
        customize(app)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client,
    ):
        await _subscribed_to_revocations(app)
        yield client


async def _subscribed_to_revocations(app: FastAPI, timeout: float = 10.0) -> None:
    """The lifespan waits 2 s for the revocation listener's first subscription attempt; on a
    loaded machine the subscription may arrive later and clear the key cache mid-test, adding
    a key lookup to a counted request. Tests start once the attempt has ended, subscribed or
    failed (Redis down)."""
    listener = app.state.runtime.revocation_listener
    if listener is None:
        return
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            await listener._first_attempt_done.wait()


def runtime_of(client: httpx.AsyncClient) -> Runtime:
    """The runtime (database, Redis) of the app behind a client made by `serve`."""
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    app = transport.app
    assert isinstance(app, FastAPI)
    runtime: Runtime = app.state.runtime
    return runtime
