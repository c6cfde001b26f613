"""The app served by a real uvicorn server on a free loopback port (real sockets, real HTTP)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn

from app.api.server import HEAD_LIMITS, HeadLimits, server_config
from app.core.config import Settings
from app.main import create_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def live_server(
    settings: Settings, *, port: int | None = None, head_limits: HeadLimits = HEAD_LIMITS
) -> AsyncIterator[str]:
    """Run the API, configured as `aetherflow api` runs it, in this event loop; yield its URL."""
    port = port or free_port()
    config = server_config(
        create_app(settings), host="127.0.0.1", port=port, head_limits=head_limits
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
