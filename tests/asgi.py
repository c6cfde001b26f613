"""Serve the real app in-process and talk to it over HTTP through httpx's ASGI transport."""

from __future__ import annotations

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
        yield client


def runtime_of(client: httpx.AsyncClient) -> Runtime:
    """The runtime (database, Redis) of the app behind a client made by `serve`."""
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    app = transport.app
    assert isinstance(app, FastAPI)
    runtime: Runtime = app.state.runtime
    return runtime
